//! Objections (异议) to a trade in its publicity (R16): lodged by anyone while the publicity
//! runs, at most [`OPEN_OBJECTIONS_MAX`](quota_shared::api::OPEN_OBJECTIONS_MAX) open per trade;
//! resolved by the seller county's bureau. An upheld objection annuls the trade in the same
//! transaction and gives its area back; the other open objections to it close as moot.
//!
//! SQL and binds for [`Store`](crate::store::contract::Store), written once for both databases
//! (see [`crate::store::sql`]) and expanded into each store's `impl` by `impl_objections!`.

/// The objection methods of the `Store` trait, for a store type with a `pool` (reads) and a
/// `writer` (writes).
macro_rules! impl_objections {
    () => {
        #[tracing::instrument(skip_all)]
        async fn lodge_objection(
            &self,
            d: &$crate::store::types::ObjectionDraft,
        ) -> Result<$crate::store::types::LodgeOutcome, StoreError> {
            use $crate::store::rows::db_time;
            use $crate::store::types::LodgeOutcome;
            let now = db_time(d.now);
            let mut tx = self.writer.begin().await?;
            // The first statement writes: it locks the trade while it is in its publicity, so
            // the count below and the insert see every other objection to it.
            let row: Option<(String, time::OffsetDateTime)> = sqlx::query_as(
                "UPDATE purchases SET publicity_ends_at = publicity_ends_at WHERE id = $1 \
                 AND status = 'settled' AND confirmation_no IS NULL AND publicity_ends_at > $2 \
                 RETURNING seller_county_code, publicity_ends_at",
            )
            .bind(d.purchase_id)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((seller, publicity_ends_at)) = row else {
                tx.rollback().await?;
                return Ok(match self.purchase(d.purchase_id, d.now).await? {
                    Some(_) => LodgeOutcome::NotInPublicity,
                    None => LodgeOutcome::NotFound,
                });
            };
            let (open,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM objections WHERE purchase_id = $1 AND status = 'open'",
            )
            .bind(d.purchase_id)
            .fetch_one(&mut *tx)
            .await?;
            if open >= i64::from(quota_shared::api::OPEN_OBJECTIONS_MAX) {
                tx.rollback().await?;
                return Ok(LodgeOutcome::TooMany);
            }
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO objections (purchase_id, seller_county_code, name, contact, reason, status, lodged_at) \
                 VALUES ($1, $2, $3, $4, $5, 'open', $6) RETURNING id",
            )
            .bind(d.purchase_id)
            .bind(&seller)
            .bind(&d.name)
            .bind(&d.contact)
            .bind(&d.reason)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::objection_lodged(&seller, d.purchase_id, id, d));
            tx.commit().await?;
            Ok(LodgeOutcome::Lodged(quota_shared::api::ObjectionReceipt {
                id,
                purchase_id: d.purchase_id,
                lodged_at: now,
                publicity_ends_at,
            }))
        }

        #[tracing::instrument(skip_all)]
        async fn objections(
            &self,
            county: Option<&quota_shared::jurisdiction::CountyCode>,
            purchase_id: Option<i64>,
            open_only: bool,
        ) -> Result<Vec<quota_shared::api::Objection>, StoreError> {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM objections WHERE ($1 IS NULL OR seller_county_code = $1) \
                 AND ($2 IS NULL OR purchase_id = $2) AND ($3 = 0 OR status = 'open') \
                 ORDER BY id DESC LIMIT 500",
                $crate::store::rows::objections::OBJECTION_COLUMNS
            ));
            let rows: Vec<$crate::store::rows::objections::ObjectionRow> = sqlx::query_as(sql)
                .bind(county.map(|c| c.as_str().to_string()))
                .bind(purchase_id)
                .bind(i64::from(open_only))
                .fetch_all(&self.pool)
                .await?;
            Ok($crate::store::rows::decode_each("objections", rows, |r| r.into_objection()))
        }

        #[tracing::instrument(skip_all)]
        async fn objection(
            &self,
            id: i64,
        ) -> Result<Option<quota_shared::api::Objection>, StoreError> {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM objections WHERE id = $1",
                $crate::store::rows::objections::OBJECTION_COLUMNS
            ));
            let row: Option<$crate::store::rows::objections::ObjectionRow> =
                sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?;
            row.map(|r| r.into_objection()).transpose()
        }

        #[tracing::instrument(skip_all)]
        async fn resolve_objection(
            &self,
            id: i64,
            decision: quota_shared::api::ObjectionDecision,
            resolution: &str,
            actor: &str,
            now: time::OffsetDateTime,
        ) -> Result<$crate::store::types::ResolveOutcome, StoreError> {
            use quota_shared::api::ObjectionDecision;
            use $crate::store::rows::db_time;
            use $crate::store::types::ResolveOutcome;
            let now = db_time(now);
            let mut tx = self.writer.begin().await?;
            let row: Option<(i64, String)> = sqlx::query_as(
                "UPDATE objections SET status = $1, resolution = $2, resolved_by = $3, resolved_at = $4 \
                 WHERE id = $5 AND status = 'open' RETURNING purchase_id, seller_county_code",
            )
            .bind(decision.wire())
            .bind(resolution)
            .bind(actor)
            .bind(now)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((purchase_id, seller)) = row else {
                tx.rollback().await?;
                return Ok(match self.objection(id).await? {
                    Some(o) => ResolveOutcome::AlreadyResolved(o.status),
                    None => ResolveOutcome::NotFound,
                });
            };
            // The county's audit head is taken after the listing's row (as a purchase takes
            // them), so the two never wait for each other in a circle.
            let resolved = $crate::store::payloads::objection_resolved(&seller, purchase_id, id, decision, resolution, actor, now);
            if decision == ObjectionDecision::Upheld {
                // An open objection kept the trade from being numbered, so it is still settled
                // without a number: it is unwound, its area goes back.
                let annulled: Option<(i64, i64, i64, i64, i64, String)> = sqlx::query_as(
                    "UPDATE purchases SET status = 'annulled', annulled_at = $1 \
                     WHERE id = $2 AND status = 'settled' AND confirmation_no IS NULL \
                     RETURNING listing_id, area_e4_mu, farmland_e4_mu, paddy_e4_mu, grain_capacity_kg, kind",
                )
                .bind(now)
                .bind(purchase_id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((listing_id, area, farmland, paddy, capacity, kind)) = annulled else {
                    tx.rollback().await?;
                    return Err(StoreError::Corrupt(format!(
                        "purchase {purchase_id} held an open objection but was not in its publicity"
                    )));
                };
                $crate::store::sql::purchases::return_area!(tx, kind.as_str(), listing_id, area, farmland, paddy, capacity);
                sqlx::query(
                    "UPDATE objections SET status = 'moot', resolution = $1, resolved_by = $2, resolved_at = $3 \
                     WHERE purchase_id = $4 AND status = 'open'",
                )
                .bind(format!("另一异议（第 {id} 号）成立，交易已撤销 / another objection (no. {id}) was upheld and the trade annulled"))
                .bind(actor)
                .bind(now)
                .bind(purchase_id)
                .execute(&mut *tx)
                .await?;
                $crate::store::sql::audit::audit_append!(tx, resolved);
                $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::purchase_annulled(&seller, purchase_id, area, listing_id, &kind, actor, now));
            } else {
                $crate::store::sql::audit::audit_append!(tx, resolved);
            }
            tx.commit().await?;
            match self.objection(id).await? {
                Some(o) => Ok(ResolveOutcome::Resolved(Box::new(o))),
                None => Ok(ResolveOutcome::NotFound),
            }
        }
    };
}

pub(crate) use impl_objections;

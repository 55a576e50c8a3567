//! Holdings and their uses (落地): a settled purchase drawn down, never below zero.
//!
//! SQL and binds for [`Store`](crate::store::contract::Store), written once for both databases
//! (see [`crate::store::sql`]) and expanded into each store's `impl` by `impl_holdings!`.

/// The holdings methods of the `Store` trait, for a store type with a `pool` (reads) and a `writer` (writes).
macro_rules! impl_holdings {
    () => {
        #[tracing::instrument(skip_all)]
        async fn record_use(
            &self,
            d: &$crate::store::types::UseDraft,
        ) -> Result<$crate::store::types::UseOutcome, StoreError> {
            use $crate::store::types::{UseOutcome}; use $crate::store::rows::{db_time};
            let mut tx = self.writer.begin().await?;
            let drawn: Option<(i64, i64, String)> = sqlx::query_as(
                "UPDATE purchases SET used_e4_mu = used_e4_mu + $1 \
                 WHERE id = $2 AND status = 'settled' AND confirmation_no IS NOT NULL AND used_e4_mu + $1 <= area_e4_mu \
                 RETURNING used_e4_mu, area_e4_mu, seller_county_code",
            )
            .bind(d.area.e4())
            .bind(d.purchase_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((used_after, holding, seller)) = drawn else {
                tx.rollback().await?;
                let Some((p, _)) = self.purchase(d.purchase_id, d.now).await? else {
                    return Err(StoreError::Corrupt(format!("purchase {} vanished", d.purchase_id)));
                };
                if p.status != quota_shared::api::PurchaseStatus::Settled {
                    return Ok(UseOutcome::NotSettled(p.status));
                }
                let (used,): (i64,) = sqlx::query_as("SELECT used_e4_mu FROM purchases WHERE id = $1")
                    .bind(d.purchase_id)
                    .fetch_one(&self.pool)
                    .await?;
                return Ok(UseOutcome::Exceeds {
                    remaining: quota_shared::Area::from_e4(p.area_mu.e4() - used)
                        .map_err(|_| StoreError::Corrupt("remaining holding".into()))?,
                });
            };
            let used_before = used_after - d.area.e4();
            let inserted: Option<(i64,)> = sqlx::query_as(
                "INSERT INTO holding_uses (purchase_id, approval_no, used_before_e4_mu, area_e4_mu, project_name, \
                 project_use, project_county_code, recorded_by, created_at, ruleset_version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                 ON CONFLICT (purchase_id, approval_no) DO NOTHING RETURNING id",
            )
            .bind(d.purchase_id)
            .bind(&d.approval_no)
            .bind(used_before)
            .bind(d.area.e4())
            .bind(&d.project.name)
            .bind(d.project.use_.wire())
            .bind(d.project.county_code.as_str())
            .bind(d.recorded_by)
            .bind(db_time(d.now))
            .bind(&d.ruleset_version)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((id,)) = inserted else {
                tx.rollback().await?;
                return Ok(UseOutcome::Duplicate);
            };
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::use_recorded(&seller, d, id, used_before, used_after));
            tx.commit().await?;
            $crate::store::rows::uses::UseRow {
                id,
                purchase_id: d.purchase_id,
                approval_no: d.approval_no.clone(),
                project_name: Some(d.project.name.clone()),
                project_use: Some(d.project.use_.wire().to_string()),
                project_county_code: Some(d.project.county_code.as_str().to_string()),
                used_before_e4_mu: used_before,
                area_e4_mu: d.area.e4(),
                holding_e4_mu: holding,
                created_at: db_time(d.now),
                ruleset_version: Some(d.ruleset_version.clone()),
            }
            .into_use()
            .map(UseOutcome::Recorded)
        }

        #[tracing::instrument(skip_all)]
        async fn landed_in(
            &self,
            purchase_id: i64,
            county: &quota_shared::jurisdiction::CountyCode,
        ) -> Result<bool, StoreError> {
            let found: Option<(i64,)> = sqlx::query_as(
                "SELECT id FROM holding_uses WHERE purchase_id = $1 AND project_county_code = $2 LIMIT 1",
            )
            .bind(purchase_id)
            .bind(county.as_str())
            .fetch_optional(&self.pool)
            .await?;
            Ok(found.is_some())
        }

        #[tracing::instrument(skip_all)]
        async fn holdings(
            &self,
            scope: &$crate::store::types::HoldingScope,
        ) -> Result<Vec<quota_shared::api::Holding>, StoreError> {
            use $crate::store::types::HoldingScope;
            let (buyer, county) = match scope {
                HoldingScope::Buyer(id) => (Some(*id), None),
                HoldingScope::ProjectCounty(c) => (None, Some(c.as_str().to_string())),
                HoldingScope::All => (None, None),
            };
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM purchases p JOIN users u ON u.id = p.buyer_id \
                 WHERE p.status = 'settled' AND p.confirmation_no IS NOT NULL AND ($1 IS NULL OR p.buyer_id = $1) \
                 AND ($2 IS NULL OR p.project_county_code = $2 OR EXISTS (SELECT 1 FROM holding_uses h \
                 WHERE h.project_county_code = $2 AND h.purchase_id = p.id)) ORDER BY p.id",
                $crate::store::rows::PURCHASE_COLUMNS
            ));
            let rows: Vec<$crate::store::rows::PurchaseRow> =
                sqlx::query_as(sql).bind(buyer).bind(&county).fetch_all(&self.pool).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                // Only settled purchases are holdings: no expiry applies to them. A row that no
                // longer decodes is left out (and logged), not a failure of everyone's list.
                let p = match row.into_purchase(time::OffsetDateTime::UNIX_EPOCH) {
                    Ok(p) => p,
                    Err(e) => {
                        tracing::error!(error = %e, "a stored holding does not decode; left out");
                        continue;
                    }
                };
                let uses: Vec<$crate::store::rows::uses::UseRow> = sqlx::query_as(
                    "SELECT h.id, h.purchase_id, h.approval_no, h.project_name, h.project_use, \
                     h.project_county_code, h.used_before_e4_mu, \
                     h.area_e4_mu, p.area_e4_mu AS holding_e4_mu, h.created_at, h.ruleset_version \
                     FROM holding_uses h JOIN purchases p ON p.id = h.purchase_id \
                     WHERE h.purchase_id = $1 ORDER BY h.id",
                )
                .bind(p.id)
                .fetch_all(&self.pool)
                .await?;
                let uses = uses.into_iter().map(|u| u.into_use()).collect::<Result<Vec<_>, _>>()?;
                let used = uses
                    .iter()
                    .try_fold(quota_shared::Area::ZERO, |acc, u| acc.checked_add(u.area_mu))
                    .map_err(|_| StoreError::Corrupt("used area".into()))?;
                // A bureau sees of an award only the uses in its own county (the totals stay
                // whole: they say what is left to land).
                let uses: Vec<_> = match (&county, &p.project) {
                    (Some(c), None) => uses
                        .into_iter()
                        .filter(|u| u.project.as_ref().is_some_and(|pr| pr.county_code.as_str() == c))
                        .collect(),
                    _ => uses,
                };
                out.push(quota_shared::api::Holding {
                    purchase_id: p.id,
                    buyer: p.buyer,
                    seller_county_code: p.seller_county_code,
                    project: p.project,
                    confirmation_no: p.confirmation_no,
                    area_mu: p.area_mu,
                    used_mu: used,
                    remaining_mu: p
                        .area_mu
                        .checked_sub(used)
                        .map_err(|_| StoreError::Corrupt("holding below zero".into()))?,
                    uses,
                });
            }
            Ok(out)
        }
    };
}

pub(crate) use impl_holdings;

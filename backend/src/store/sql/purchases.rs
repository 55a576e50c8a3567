//! Purchases: the idempotent reservation (the conditional `UPDATE … WHERE remaining_e4_mu >=
//! take` that makes overselling impossible), reads, settlement with its confirmation number,
//! and the release of a reservation (expired or cancelled) that returns its area.
//!
//! SQL and binds for [`Store`](crate::store::contract::Store), written once for both databases
//! (see [`crate::store::sql`]) and expanded into each store's `impl` by `impl_purchases!`.

/// The purchases methods of the `Store` trait, for a store type with a `pool` (reads) and a `writer` (writes).
macro_rules! impl_purchases {
    () => {
        #[tracing::instrument(skip_all)]
        async fn stored_answer(
            &self,
            user_id: i64,
            key: &str,
        ) -> Result<Option<$crate::store::types::StoredAnswer>, StoreError> {
            let row: Option<(String, i32, String)> = sqlx::query_as(
                "SELECT request_sha256, response_status, response_body FROM idempotency_keys \
                 WHERE user_id = $1 AND idem_key = $2",
            )
            .bind(user_id)
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
            Ok(row.map(|(request_sha256, status, body)| {
                $crate::store::types::StoredAnswer::stored(request_sha256, status, body)
            }))
        }

        #[tracing::instrument(skip_all)]
        async fn purchase_reads(
            &self,
            user_id: i64,
            key: &str,
            listing_id: i64,
            now: time::OffsetDateTime,
        ) -> Result<$crate::store::types::PurchaseReads, StoreError> {
            use sqlx::{FromRow, Row};
            use $crate::store::types::PurchaseReads;
            // One row whatever is found: the listing's columns and the answer's, each NULL
            // when there is none.
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT l.*, k.request_sha256, k.response_status, k.response_body \
                 FROM (SELECT 1 AS one) AS o \
                 LEFT JOIN (SELECT {} FROM listings WHERE id = $2) AS l ON 1 = 1 \
                 LEFT JOIN idempotency_keys k ON k.user_id = $3 AND k.idem_key = $4",
                $crate::store::rows::LISTING_COLUMNS
            ));
            let row = sqlx::query(sql)
                .bind($crate::store::rows::db_time(now))
                .bind(listing_id)
                .bind(user_id)
                .bind(key)
                .fetch_one(&self.pool)
                .await?;
            if let Some(request_sha256) = row.try_get::<Option<String>, _>("request_sha256")? {
                return Ok(PurchaseReads::Answered($crate::store::types::StoredAnswer::stored(
                    request_sha256,
                    row.try_get("response_status")?,
                    row.try_get("response_body")?,
                )));
            }
            if row.try_get::<Option<i64>, _>("id")?.is_none() {
                return Ok(PurchaseReads::Listing(None));
            }
            let listing = $crate::store::rows::ListingRow::from_row(&row)?.into_listing(now)?;
            Ok(PurchaseReads::Listing(Some(Box::new(listing))))
        }

        #[tracing::instrument(skip_all)]
        async fn reserve(
            &self,
            d: &$crate::store::types::PurchaseDraft,
        ) -> Result<$crate::store::types::PurchaseOutcome, StoreError> {
            use $crate::store::reservation::Written;
            use $crate::store::types::PurchaseOutcome;
            match self.write_reservation(d).await? {
                Written::Created { purchase, answer } => Ok(PurchaseOutcome::Created { purchase, answer }),
                // A twin with the same key committed first: its answer.
                Written::Twin => match self.stored_answer(d.buyer_id, &d.idem_key).await? {
                    Some(answer) => Ok(PurchaseOutcome::Replay(answer)),
                    None => Err(StoreError::Corrupt("idempotency key vanished".into())),
                },
                Written::NotTaken => {
                    // A copy of a request whose first copy took the last of the listing (in
                    // the same batch, or just before) is that purchase, not a refusal.
                    if let Some(answer) = self.stored_answer(d.buyer_id, &d.idem_key).await? {
                        return Ok(PurchaseOutcome::Replay(answer));
                    }
                    let Some(listing) = self.listing_alone(d.listing_id, d.now).await? else {
                        return Err(StoreError::Corrupt(format!("listing {} vanished", d.listing_id)));
                    };
                    if listing.status != quota_shared::api::ListingStatus::Open {
                        return Ok(PurchaseOutcome::NotOpen(listing.status));
                    }
                    // What the conditional write saw: the stored remaining (a due reservation
                    // not yet given back is not counted, so the refusal never names more than
                    // it had).
                    let (stored,): (i64,) =
                        sqlx::query_as("SELECT remaining_e4_mu FROM listings WHERE id = $1")
                            .bind(d.listing_id)
                            .fetch_one(&self.pool)
                            .await?;
                    Ok(PurchaseOutcome::NotEnough {
                        remaining: quota_shared::Area::from_e4(stored)
                            .map_err(|_| StoreError::Corrupt("remaining".into()))?,
                    })
                }
            }
        }

        #[tracing::instrument(skip_all)]
        async fn purchase(
            &self,
            id: i64,
            now: time::OffsetDateTime,
        ) -> Result<Option<(quota_shared::api::Purchase, i64)>, StoreError> {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM purchases p JOIN users u ON u.id = p.buyer_id WHERE p.id = $1",
                $crate::store::rows::PURCHASE_COLUMNS
            ));
            let row: Option<$crate::store::rows::PurchaseRow> =
                sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?;
            row.map(|r| {
                let buyer_id = r.buyer_id;
                r.into_purchase(now).map(|p| (p, buyer_id))
            })
            .transpose()
        }

        #[tracing::instrument(skip_all)]
        async fn purchases(
            &self,
            scope: &$crate::store::types::PurchaseScope,
            now: time::OffsetDateTime,
        ) -> Result<Vec<quota_shared::api::Purchase>, StoreError> {
            let (buyer, seller) = scope.binds();
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM purchases p JOIN users u ON u.id = p.buyer_id \
                 WHERE ($1 IS NULL OR p.buyer_id = $1) AND ($2 IS NULL OR p.seller_county_code = $2) \
                 ORDER BY p.id DESC",
                $crate::store::rows::PURCHASE_COLUMNS
            ));
            let rows: Vec<$crate::store::rows::PurchaseRow> = sqlx::query_as(sql)
                .bind(buyer)
                .bind(seller)
                .fetch_all(&self.pool)
                .await?;
            Ok($crate::store::rows::decode_each("purchases", rows, |r| r.into_purchase(now)))
        }

        #[tracing::instrument(skip_all)]
        async fn purchases_page(
            &self,
            scope: &$crate::store::types::PurchaseScope,
            now: time::OffsetDateTime,
            before: Option<i64>,
            limit: usize,
        ) -> Result<Vec<quota_shared::api::Purchase>, StoreError> {
            let (buyer, seller) = scope.binds();
            // Conditions only where they apply, so an index serves each scope:
            // (buyer_id, id), (seller_county_code, id) or the primary key.
            let by_buyer = if buyer.is_some() { "p.buyer_id = $1" } else { "$1 IS NULL" };
            let by_seller = if seller.is_some() { "p.seller_county_code = $2" } else { "$2 IS NULL" };
            let below = if before.is_some() { "p.id < $3" } else { "$3 IS NULL" };
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM purchases p JOIN users u ON u.id = p.buyer_id \
                 WHERE {by_buyer} AND {by_seller} AND {below} ORDER BY p.id DESC LIMIT $4",
                $crate::store::rows::PURCHASE_COLUMNS
            ));
            let rows: Vec<$crate::store::rows::PurchaseRow> = sqlx::query_as(sql)
                .bind(buyer)
                .bind(seller)
                .bind(before)
                .bind(i64::try_from(limit).unwrap_or(i64::MAX))
                .fetch_all(&self.pool)
                .await?;
            Ok($crate::store::rows::decode_each("purchases", rows, |r| r.into_purchase(now)))
        }

        #[tracing::instrument(skip_all)]
        async fn settled_page(
            &self,
            from: time::OffsetDateTime,
            to: time::OffsetDateTime,
            after: Option<(time::OffsetDateTime, i64)>,
            limit: usize,
        ) -> Result<Vec<quota_shared::api::Purchase>, StoreError> {
            use $crate::store::rows::db_time;
            // The index purchases_settled (status, settled_at, id) serves it in order.
            let past = if after.is_some() {
                // A row value: the index range starts at the position itself, even inside a
                // long run of equal times.
                "(p.settled_at, p.id) > ($3, $4)"
            } else {
                "$3 IS NULL AND $4 IS NULL"
            };
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM purchases p JOIN users u ON u.id = p.buyer_id \
                 WHERE p.status = 'settled' AND p.confirmation_no IS NOT NULL AND p.settled_at >= $1 AND p.settled_at < $2 AND {past} \
                 ORDER BY p.settled_at, p.id LIMIT $5",
                $crate::store::rows::FINAL_PURCHASE_COLUMNS
            ));
            let rows: Vec<$crate::store::rows::PurchaseRow> = sqlx::query_as(sql)
                .bind(db_time(from))
                .bind(db_time(to))
                .bind(after.map(|(at, _)| db_time(at)))
                .bind(after.map(|(_, id)| id))
                .bind(i64::try_from(limit).unwrap_or(i64::MAX))
                .fetch_all(&self.pool)
                .await?;
            // A settled trade is final: its state does not depend on the time it is read.
            Ok($crate::store::rows::decode_each("settled trades", rows, |r| r.into_purchase(to)))
        }

        #[tracing::instrument(skip_all)]
        async fn settle(
            &self,
            id: i64,
            seller_name: &str,
            bank_reference: &str,
            publicity_ends_at: time::OffsetDateTime,
            actor: &str,
            now: time::OffsetDateTime,
        ) -> Result<$crate::store::types::SettleOutcome, StoreError> {
            use $crate::store::types::{SettleOutcome}; use $crate::store::rows::{db_time};
            let Some((current, _)) = self.purchase(id, now).await? else {
                return Ok(SettleOutcome::NotFound);
            };
            let now = db_time(now);
            let publicity_ends_at = db_time(publicity_ends_at);
            let year = quota_shared::calendar::year_of(now);
            let mut tx = self.writer.begin().await?;
            let done = sqlx::query(
                "UPDATE purchases SET status = 'settled', bank_reference = $1, settled_at = $2, \
                 publicity_ends_at = $3 WHERE id = $4 AND status = 'reserved' AND expires_at > $2",
            )
            .bind(bank_reference)
            .bind(now)
            .bind((publicity_ends_at > now).then_some(publicity_ends_at))
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                tx.rollback().await?;
                let status = self.purchase(id, now).await?.map(|(p, _)| p.status).unwrap_or(current.status);
                return Ok(SettleOutcome::Conflict(status));
            }
            // R16: without a publicity period the trade is final at once; otherwise the
            // scheduler numbers it when its publicity ends with no objection open.
            let confirmation = if publicity_ends_at <= now {
                let no = $crate::store::sql::purchases::next_confirmation!(tx, current.seller_county_code.as_str(), year);
                let confirmation = $crate::store::rows::confirmation_no(seller_name, year, no);
                sqlx::query("UPDATE purchases SET confirmation_no = $1 WHERE id = $2")
                    .bind(&confirmation)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                $crate::store::sql::serials::issue_serials!(tx, id);
                $crate::store::sql::serials::stamp_code!(tx, id);
                let parties = $crate::store::sql::purchases::stamp_parties!(tx, id);
                Some((confirmation, parties))
            } else {
                None
            };
            let (confirmation, parties) = confirmation.unzip();
            // proceeds_totals gains the trade by the database's trigger when it is numbered.
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::naming_parties($crate::store::payloads::purchase_settled(&current.seller_county_code, id, confirmation.as_deref(), bank_reference, current.amount_yuan, (publicity_ends_at > now).then_some(publicity_ends_at), actor, now), parties.as_ref()));
            tx.commit().await?;
            match self.purchase(id, now).await? {
                Some((p, _)) => Ok(SettleOutcome::Settled(Box::new(p))),
                None => Ok(SettleOutcome::NotFound),
            }
        }

        #[tracing::instrument(skip_all)]
        async fn finalize(
            &self,
            id: i64,
            seller_name: &str,
            now: time::OffsetDateTime,
        ) -> Result<Option<String>, StoreError> {
            use $crate::store::rows::db_time;
            let now = db_time(now);
            let mut tx = self.writer.begin().await?;
            // The first statement writes (and on SQLite takes the write lock): a trade whose
            // publicity has ended with no objection open, not yet numbered.
            let row: Option<(String, time::OffsetDateTime)> = sqlx::query_as(
                "UPDATE purchases SET confirmation_no = NULL WHERE id = $1 AND status = 'settled' \
                 AND confirmation_no IS NULL AND publicity_ends_at <= $2 AND NOT EXISTS \
                 (SELECT 1 FROM objections o WHERE o.purchase_id = $1 AND o.status = 'open') \
                 RETURNING seller_county_code, settled_at",
            )
            .bind(id)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((seller, settled_at)) = row else {
                tx.rollback().await?;
                return Ok(None);
            };
            // Numbered in the year of its settlement, the year its proceeds count in.
            let year = quota_shared::calendar::year_of(settled_at);
            let no = $crate::store::sql::purchases::next_confirmation!(tx, seller.as_str(), year);
            let confirmation = $crate::store::rows::confirmation_no(seller_name, year, no);
            sqlx::query("UPDATE purchases SET confirmation_no = $1 WHERE id = $2")
                .bind(&confirmation)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            $crate::store::sql::serials::issue_serials!(tx, id);
            $crate::store::sql::serials::stamp_code!(tx, id);
            let parties = $crate::store::sql::purchases::stamp_parties!(tx, id);
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::naming_parties($crate::store::payloads::purchase_final(&seller, id, &confirmation, now), Some(&parties)));
            tx.commit().await?;
            Ok(Some(confirmation))
        }

        #[tracing::instrument(skip_all)]
        async fn due_finals(
            &self,
            now: time::OffsetDateTime,
        ) -> Result<Vec<(i64, quota_shared::jurisdiction::CountyCode)>, StoreError> {
            let rows: Vec<(i64, String)> = sqlx::query_as(
                "SELECT p.id, p.seller_county_code FROM purchases p WHERE p.status = 'settled' \
                 AND p.confirmation_no IS NULL AND p.publicity_ends_at <= $1 AND NOT EXISTS \
                 (SELECT 1 FROM objections o WHERE o.purchase_id = p.id AND o.status = 'open') \
                 ORDER BY p.publicity_ends_at, p.id",
            )
            .bind($crate::store::rows::db_time(now))
            .fetch_all(&self.pool)
            .await?;
            Ok(rows
                .into_iter()
                .filter_map(|(id, code)| code.parse().ok().map(|c| (id, c)))
                .collect())
        }

        #[tracing::instrument(skip_all)]
        async fn release(
            &self,
            id: i64,
            to: quota_shared::api::PurchaseStatus,
            actor: &str,
            now: time::OffsetDateTime,
        ) -> Result<bool, StoreError> {
            use quota_shared::api::PurchaseStatus;
            let (to_status, condition) = match to {
                PurchaseStatus::Expired => ("expired", "expires_at <= $3"),
                PurchaseStatus::Cancelled => ("cancelled", "expires_at > $3"),
                other => return Err(StoreError::Corrupt(format!("cannot release to {other:?}"))),
            };
            let mut tx = self.writer.begin().await?;
            let sql = sqlx::AssertSqlSafe(format!(
                "UPDATE purchases SET status = $1 WHERE id = $2 AND status = 'reserved' AND {condition} \
                 RETURNING listing_id, area_e4_mu, farmland_e4_mu, paddy_e4_mu, grain_capacity_kg, kind, seller_county_code"
            ));
            let row: Option<(i64, i64, i64, i64, i64, String, String)> = sqlx::query_as(sql)
                .bind(to_status)
                .bind(id)
                .bind($crate::store::rows::db_time(now))
                .fetch_optional(&mut *tx)
                .await?;
            let Some((listing_id, area, farmland, paddy, capacity, kind, seller)) = row else {
                tx.rollback().await?;
                return Ok(false);
            };
            $crate::store::sql::purchases::return_area!(tx, kind.as_str(), listing_id, area, farmland, paddy, capacity);
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::purchase_released(&seller, id, to, area, listing_id, &kind, actor, now));
            tx.commit().await?;
            Ok(true)
        }

        #[tracing::instrument(skip_all)]
        async fn due_reservations(
            &self,
            listing: Option<i64>,
            now: time::OffsetDateTime,
        ) -> Result<Vec<i64>, StoreError> {
            let rows: Vec<(i64,)> = sqlx::query_as(
                "SELECT id FROM purchases WHERE status = 'reserved' AND expires_at <= $1 \
                 AND ($2 IS NULL OR listing_id = $2) ORDER BY id",
            )
            .bind($crate::store::rows::db_time(now))
            .bind(listing)
            .fetch_all(&self.pool)
            .await?;
            Ok(rows.into_iter().map(|r| r.0).collect())
        }
    };
}

pub(crate) use impl_purchases;

/// The parties, as they stand now, copied into the trade `$id` in `$tx` as it is numbered: the
/// 成交确认书 keeps naming them after a change of name or code.
macro_rules! stamp_parties {
    ($tx:expr, $id:expr) => {{
        let parties = sqlx::query_as(concat!(
            "UPDATE purchases SET seller_party = (", $crate::store::rows::seller_party!("name"), "), \
             seller_party_uscc = (", $crate::store::rows::seller_party!("uscc"), "), \
             buyer_party = (SELECT og.name FROM users u JOIN organisations og ON og.id = u.organisation_id WHERE u.id = purchases.buyer_id), \
             buyer_party_uscc = (SELECT og.uscc FROM users u JOIN organisations og ON og.id = u.organisation_id WHERE u.id = purchases.buyer_id) \
             WHERE id = $1 RETURNING seller_party, seller_party_uscc, buyer_party, buyer_party_uscc"
        ))
        .bind($id)
        .fetch_one(&mut *$tx)
        .await?;
        let parties: $crate::store::payloads::Parties = parties;
        parties
    }};
}
pub(crate) use stamp_parties;

/// The next confirmation number of a seller county in a year, inside the transaction `$tx`.
macro_rules! next_confirmation {
    ($tx:expr, $county:expr, $year:expr) => {{
        let (no,): (i32,) = sqlx::query_as(
            "INSERT INTO confirmation_counters (county_code, year, last_no) VALUES ($1, $2, 1) \
             ON CONFLICT (county_code, year) DO UPDATE SET last_no = confirmation_counters.last_no + 1 \
             RETURNING last_no",
        )
        .bind($county)
        .bind($year)
        .fetch_one(&mut *$tx)
        .await?;
        no
    }};
}

pub(crate) use next_confirmation;

/// Gives a released or annulled trade's area back, inside the transaction `$tx`: a county
/// purchase's area to its listing (a sold-out listing opens again; a withdrawn or expired one
/// keeps its status, and the county may list the area again); an award leaves its lot unsold
/// (it is not reopened).
macro_rules! return_area {
    ($tx:expr, $kind:expr, $listing_id:expr, $area:expr, $farmland:expr, $paddy:expr, $capacity:expr) => {{
        if $kind == "award" {
            sqlx::query(
                "UPDATE listings SET status = 'unsold', remaining_e4_mu = area_e4_mu \
                 WHERE id = $1 AND status = 'awarded'",
            )
            .bind($listing_id)
            .execute(&mut *$tx)
            .await?;
        } else {
            sqlx::query(
                "UPDATE listings SET remaining_e4_mu = remaining_e4_mu + $1, \
                 remaining_farmland_e4_mu = remaining_farmland_e4_mu + $2, \
                 remaining_paddy_e4_mu = remaining_paddy_e4_mu + $3, \
                 remaining_capacity_kg = remaining_capacity_kg + $4, \
                 status = CASE WHEN status = 'sold_out' THEN 'open' ELSE status END WHERE id = $5",
            )
            .bind($area)
            .bind($farmland)
            .bind($paddy)
            .bind($capacity)
            .bind($listing_id)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

pub(crate) use return_area;

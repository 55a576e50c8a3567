//! Regional lots: a bid as one conditional write on the lot, and the close — awarded (the
//! winner's reserved purchase) or unsold — exactly once across instances.
//!
//! SQL and binds for [`Store`](crate::store::contract::Store), written once for both databases
//! (see [`crate::store::sql`]) and expanded into each store's `impl` by `impl_auctions!`.

/// The auctions methods of the `Store` trait, for a store type with a `pool` (reads) and a `writer` (writes).
macro_rules! impl_auctions {
    () => {
        #[tracing::instrument(skip_all)]
        async fn place_bid(
            &self,
            b: &$crate::store::types::BidDraft,
        ) -> Result<$crate::store::types::BidOutcome, StoreError> {
            use $crate::store::types::{BidOutcome}; use $crate::store::rows::{db_time};
            let (listing_id, bidder_id, bidder, amount, step) =
                (b.listing_id, b.bidder_id, b.bidder.as_str(), b.amount, b.step);
            let now = db_time(b.now);
            let mut tx = self.writer.begin().await?;
            // One conditional write decides: the lot is open for bids and the amount beats the
            // high bid by a step (or reaches the start total when there is none).
            let done = sqlx::query(
                "UPDATE listings SET high_bid_fen = $1, high_bidder_id = $2, bid_count = bid_count + 1, \
                 status = 'bidding' \
                 WHERE id = $3 AND channel = 'regional' AND status IN ('scheduled', 'bidding') \
                 AND (opens_at IS NULL OR opens_at <= $4) AND closes_at > $4 \
                 AND ((high_bid_fen IS NULL AND $1 >= start_total_fen) OR high_bid_fen + $5 <= $1)",
            )
            .bind(amount.fen())
            .bind(bidder_id)
            .bind(listing_id)
            .bind(now)
            .bind(step.fen())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                tx.rollback().await?;
                let Some(lot) = self.listing(listing_id, now).await? else {
                    return Err(StoreError::Corrupt(format!("lot {listing_id} vanished")));
                };
                let open = lot.status == quota_shared::api::ListingStatus::Bidding
                    && lot.closes_at.is_some_and(|c| c > now);
                return Ok(match (open, lot.min_next_bid_yuan) {
                    (true, Some(min_next)) => BidOutcome::Outbid { min_next },
                    _ => BidOutcome::NotOpen {
                        status: lot.status,
                        opens_at: lot.opens_at,
                    },
                });
            }
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO bids (listing_id, bidder_id, amount_fen, created_at, ruleset_version) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(listing_id)
            .bind(bidder_id)
            .bind(amount.fen())
            .bind(now)
            .bind(&b.ruleset_version)
            .fetch_one(&mut *tx)
            .await?;
            let (county,): (String,) = sqlx::query_as("SELECT county_code FROM listings WHERE id = $1")
                .bind(listing_id)
                .fetch_one(&mut *tx)
                .await?;
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::bid_placed(&county, listing_id, id, amount, bidder, now));
            tx.commit().await?;
            Ok(BidOutcome::Placed(quota_shared::api::Bid {
                id,
                listing_id,
                bidder: bidder.to_string(),
                amount_yuan: amount,
                created_at: now,
            }))
        }

        #[tracing::instrument(skip_all)]
        async fn due_lots(&self, now: time::OffsetDateTime) -> Result<Vec<i64>, StoreError> {
            let rows: Vec<(i64,)> = sqlx::query_as(
                "SELECT id FROM listings WHERE channel = 'regional' AND status IN ('scheduled', 'bidding') \
                 AND closes_at <= $1 ORDER BY id",
            )
            .bind($crate::store::rows::db_time(now))
            .fetch_all(&self.pool)
            .await?;
            Ok(rows.into_iter().map(|r| r.0).collect())
        }

        #[tracing::instrument(skip_all)]
        async fn close_lot(
            &self,
            id: i64,
            now: time::OffsetDateTime,
            reservation: time::Duration,
        ) -> Result<$crate::store::types::LotClosing, StoreError> {
            use $crate::store::types::{LotClosing}; use $crate::store::rows::{db_time};
            let now = db_time(now);
            let mut tx = self.writer.begin().await?;
            // Exactly once, whichever instance gets here first: the status condition
            // makes every later attempt a no-op.
            #[allow(clippy::type_complexity)]
            let closed: Option<(String, Option<i64>, Option<i64>, String, i64, i64, i64, i64, String, time::OffsetDateTime)> =
                sqlx::query_as(
                    "UPDATE listings SET \
                     status = CASE WHEN high_bid_fen IS NULL THEN 'unsold' ELSE 'awarded' END, \
                     remaining_e4_mu = CASE WHEN high_bid_fen IS NULL THEN remaining_e4_mu ELSE 0 END \
                     WHERE id = $1 AND status IN ('scheduled', 'bidding') AND closes_at <= $2 \
                     RETURNING status, high_bid_fen, high_bidder_id, county_code, area_e4_mu, \
                     farmland_e4_mu, paddy_e4_mu, grain_capacity_kg, ruleset_version, closes_at",
                )
                .bind(id)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((status, high, winner, seller, area, farmland, paddy, kg, ruleset, closes_at)) = closed else {
                tx.rollback().await?;
                return Ok(LotClosing::NotDue);
            };
            let (Some(high), Some(winner)) = (high, winner) else {
                $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::lot_unsold(&seller, id, now));
                tx.commit().await?;
                return Ok(LotClosing::Unsold);
            };
            let _ = status;
            let area_mu = quota_shared::Area::from_e4(area).map_err(|_| StoreError::Corrupt("lot area".into()))?;
            let total = quota_shared::Money::from_fen(high).map_err(|_| StoreError::Corrupt("high bid".into()))?;
            // The lot's total is the authority; its 元/亩 is kept rounded, for display.
            let price = quota_shared::UnitPrice::display_from_total(total, area_mu)
                .ok_or_else(|| StoreError::Corrupt(format!("price per mu of lot {id} out of range")))?;
            let (purchase_id,): (i64,) = sqlx::query_as(
                "INSERT INTO purchases (listing_id, buyer_id, seller_county_code, kind, area_e4_mu, \
                 farmland_e4_mu, paddy_e4_mu, grain_capacity_kg, price_fen_per_mu, amount_fen, status, \
                 created_at, expires_at, ruleset_version) \
                 VALUES ($1, $2, $3, 'award', $4, $5, $6, $7, $8, $9, 'reserved', $10, $11, $12) RETURNING id",
            )
            .bind(id)
            .bind(winner)
            .bind(&seller)
            .bind(area)
            .bind(farmland)
            .bind(paddy)
            .bind(kg)
            .bind(price.fen())
            .bind(high)
            .bind(now)
            // The winner's time to pay runs from the close, not from when this turn ran, so a
            // late scheduler (or a restart) never gives more or less time.
            .bind(closes_at + reservation)
            .bind(&ruleset)
            .fetch_one(&mut *tx)
            .await?;
            let (winner_name,): (String,) = sqlx::query_as("SELECT username FROM users WHERE id = $1")
                .bind(winner)
                .fetch_one(&mut *tx)
                .await?;
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::lot_awarded(&seller, id, purchase_id, winner, &winner_name, high, now));
            tx.commit().await?;
            Ok(LotClosing::Awarded)
        }
    };
}

pub(crate) use impl_auctions;

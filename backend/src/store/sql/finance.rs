//! Proceeds per county and year, allocations (never beyond received, serialised per county
//! and year on `allocation_totals`) and disbursements (never beyond allocated).
//!
//! SQL and binds for [`Store`](crate::store::contract::Store), written once for both databases
//! (see [`crate::store::sql`]) and expanded into each store's `impl` by `impl_finance!`.

/// The finance methods of the `Store` trait, for a store type with a `pool` (reads) and a `writer` (writes).
macro_rules! impl_finance {
    () => {
        #[tracing::instrument(skip_all)]
        async fn proceeds(
            &self,
            year: i32,
        ) -> Result<Vec<$crate::store::types::CountyProceeds>, StoreError> {
            let rows: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
                // Sales from the running totals (one row per county and year), allocations
                // summed per county.
                "SELECT j.code, COALESCE(s.sold_e4_mu, 0), COALESCE(s.amount_fen, 0), \
                 CAST(COALESCE(a.allocated, 0) AS BIGINT), CAST(COALESCE(a.disbursed, 0) AS BIGINT) \
                 FROM jurisdictions j \
                 LEFT JOIN proceeds_totals s ON s.county_code = j.code AND s.year = $1 \
                 LEFT JOIN (SELECT a.county_code AS code, SUM(a.amount_fen) AS allocated, SUM(a.disbursed_fen) AS disbursed \
                   FROM allocations a WHERE a.year = $1 GROUP BY a.county_code) a ON a.code = j.code \
                 ORDER BY j.city_code, j.code",
            )
            .bind(year)
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter()
                .map(|(code, sold, proceeds, allocated, disbursed)| {
                    let money = |fen| quota_shared::Money::from_fen(fen).map_err(|_| StoreError::Corrupt("proceeds".into()));
                    Ok($crate::store::types::CountyProceeds {
                        county_code: code.parse().map_err(|_| StoreError::Corrupt("county".into()))?,
                        sold: quota_shared::Area::from_e4(sold).map_err(|_| StoreError::Corrupt("sold".into()))?,
                        proceeds: money(proceeds)?,
                        allocated: money(allocated)?,
                        disbursed: money(disbursed)?,
                    })
                })
                .collect()
        }

        #[tracing::instrument(skip_all)]
        async fn allocate(
            &self,
            d: &$crate::store::types::AllocationDraft,
        ) -> Result<$crate::store::types::AllocateOutcome, StoreError> {
            use $crate::store::types::{AllocateOutcome}; use $crate::store::rows::{db_time};
            let mut tx = self.writer.begin().await?;
            // The county-year total first: it serialises allocations of that county and year.
            let (allocated,): (i64,) = sqlx::query_as(
                "INSERT INTO allocation_totals (county_code, year, allocated_fen) VALUES ($1, $2, $3) \
                 ON CONFLICT (county_code, year) DO UPDATE SET allocated_fen = allocation_totals.allocated_fen + $3 \
                 RETURNING allocated_fen",
            )
            .bind(d.county_code.as_str())
            .bind(d.year)
            .bind(d.amount.fen())
            .fetch_one(&mut *tx)
            .await?;
            // Received only grows (a settlement is never undone), so checking after the
            // increment under the lock is enough.
            let (received,): (i64,) = sqlx::query_as(
                "SELECT COALESCE((SELECT amount_fen FROM proceeds_totals WHERE county_code = $1 AND year = $2), 0)",
            )
            .bind(d.county_code.as_str())
            .bind(d.year)
            .fetch_one(&mut *tx)
            .await?;
            let money = |fen| quota_shared::Money::from_fen(fen).map_err(|_| StoreError::Corrupt("allocation".into()));
            if allocated > received {
                tx.rollback().await?;
                return Ok(AllocateOutcome::ExceedsReceived {
                    received: money(received)?,
                    allocated: money(allocated - d.amount.fen())?,
                });
            }
            let row: $crate::store::rows::AllocationRow = sqlx::query_as(
                "INSERT INTO allocations (county_code, year, use_name, amount_fen, note, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 RETURNING id, county_code, year, use_name, amount_fen, disbursed_fen, note, created_at",
            )
            .bind(d.county_code.as_str())
            .bind(d.year)
            .bind(&d.use_name)
            .bind(d.amount.fen())
            .bind(&d.note)
            .bind(d.created_by)
            .bind(db_time(d.now))
            .fetch_one(&mut *tx)
            .await?;
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::allocated(row.id, d));
            tx.commit().await?;
            Ok(AllocateOutcome::Created(row.into_allocation()?))
        }

        #[tracing::instrument(skip_all)]
        async fn allocations(
            &self,
            year: i32,
            county: Option<&quota_shared::jurisdiction::CountyCode>,
        ) -> Result<Vec<quota_shared::api::Allocation>, StoreError> {
            let rows: Vec<$crate::store::rows::AllocationRow> = sqlx::query_as(
                "SELECT id, county_code, year, use_name, amount_fen, disbursed_fen, note, created_at \
                 FROM allocations WHERE year = $1 AND ($2 IS NULL OR county_code = $2) ORDER BY id",
            )
            .bind(year)
            .bind(county.map(|c| c.as_str().to_string()))
            .fetch_all(&self.pool)
            .await?;
            Ok($crate::store::rows::decode_each("allocations", rows, |r| r.into_allocation()))
        }

        #[tracing::instrument(skip_all)]
        async fn disburse(
            &self,
            d: &$crate::store::types::DisbursementDraft,
        ) -> Result<$crate::store::types::DisburseOutcome, StoreError> {
            use $crate::store::types::{DisburseOutcome}; use $crate::store::rows::{db_time};
            let mut tx = self.writer.begin().await?;
            let done: Option<(String, i64)> = sqlx::query_as(
                "UPDATE allocations SET disbursed_fen = disbursed_fen + $1 \
                 WHERE id = $2 AND disbursed_fen + $1 <= amount_fen RETURNING county_code, disbursed_fen",
            )
            .bind(d.amount.fen())
            .bind(d.allocation_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((county, disbursed_after)) = done else {
                tx.rollback().await?;
                let row: Option<(i64, i64)> =
                    sqlx::query_as("SELECT amount_fen, disbursed_fen FROM allocations WHERE id = $1")
                        .bind(d.allocation_id)
                        .fetch_optional(&self.pool)
                        .await?;
                let money = |fen| quota_shared::Money::from_fen(fen).map_err(|_| StoreError::Corrupt("allocation".into()));
                return Ok(match row {
                    None => DisburseOutcome::NotFound,
                    Some((allocated, disbursed)) => DisburseOutcome::ExceedsAllocated {
                        allocated: money(allocated)?,
                        disbursed: money(disbursed)?,
                    },
                });
            };
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO disbursements (allocation_id, amount_fen, voucher_no, bank_reference, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(d.allocation_id)
            .bind(d.amount.fen())
            .bind(&d.voucher_no)
            .bind(&d.bank_reference)
            .bind(d.created_by)
            .bind(db_time(d.now))
            .fetch_one(&mut *tx)
            .await?;
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::disbursed(&county, d, id, disbursed_after));
            tx.commit().await?;
            Ok(DisburseOutcome::Created(quota_shared::api::Disbursement {
                id,
                allocation_id: d.allocation_id,
                amount_yuan: d.amount,
                voucher_no: d.voucher_no.clone(),
                bank_reference: d.bank_reference.clone(),
                created_at: db_time(d.now),
            }))
        }
    };
}

pub(crate) use impl_finance;

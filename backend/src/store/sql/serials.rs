//! Serial numbers (docs/DOMAIN.md, "Serial numbers"): a final trade's runs issued in the
//! transaction that numbers it, a holding's blocks, and a serial traced to its project, trade
//! and use.
//!
//! SQL and binds for [`Store`](crate::store::contract::Store), written once for both databases
//! (see [`crate::store::sql`]) and expanded into each store's `impl` by `impl_serials!`.

/// Issues the runs of the trade `$purchase`, made final in the transaction `$tx`: from its
/// listing's sources in their order, each the next units of its project. A trade of a listing
/// made before listings drew from stock gets none.
macro_rules! issue_serials {
    ($tx:expr, $purchase:expr) => {{
        let purchase: i64 = $purchase;
        let (listing_id, area): (i64, i64) =
            sqlx::query_as("SELECT listing_id, area_e4_mu FROM purchases WHERE id = $1")
                .bind(purchase)
                .fetch_one(&mut *$tx)
                .await?;
        // Locks in the order a withdrawal or expiry takes them (the listing's row, then its
        // projects by id in the restock trigger, then its sources), so that a trade becoming
        // final while its listing is withdrawn waits instead of deadlocking on PostgreSQL. The
        // column set is none the triggers watch.
        sqlx::query("UPDATE listings SET county_code = county_code WHERE id = $1")
            .bind(listing_id)
            .execute(&mut *$tx)
            .await?;
        let mut locked: Vec<i64> = sqlx::query_as(
            "SELECT project_id FROM listing_sources WHERE listing_id = $1",
        )
        .bind(listing_id)
        .fetch_all(&mut *$tx)
        .await?
        .into_iter()
        .map(|(p,): (i64,)| p)
        .collect();
        locked.sort_unstable();
        locked.dedup();
        for project in locked {
            sqlx::query("UPDATE reclamation_projects SET serial_cursor = serial_cursor WHERE id = $1")
                .bind(project)
                .execute(&mut *$tx)
                .await?;
        }
        // Then the listing's sources: two trades of one listing are issued one after the
        // other, each seeing what the other took.
        sqlx::query("UPDATE listing_sources SET issued_e4_mu = issued_e4_mu WHERE listing_id = $1")
            .bind(listing_id)
            .execute(&mut *$tx)
            .await?;
        let sources: Vec<(i32, i64, i64, i64)> = sqlx::query_as(
            "SELECT position, project_id, area_e4_mu, issued_e4_mu FROM listing_sources \
             WHERE listing_id = $1 ORDER BY position",
        )
        .bind(listing_id)
        .fetch_all(&mut *$tx)
        .await?;
        let mut need = area;
        let mut takes = Vec::new();
        for (position, project, offered, issued) in sources {
            let take = need.min(offered - issued).max(0);
            if take > 0 {
                takes.push((position, project, take));
                need -= take;
            }
        }
        for (position, project, take) in takes {
            let (cursor,): (i64,) = sqlx::query_as(
                "UPDATE reclamation_projects SET serial_cursor = serial_cursor + $1 WHERE id = $2 \
                 RETURNING serial_cursor",
            )
            .bind(take)
            .bind(project)
            .fetch_one(&mut *$tx)
            .await?;
            sqlx::query(
                "INSERT INTO serial_ranges (project_id, first_unit, last_unit, purchase_id, listing_id) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(project)
            .bind(cursor - take + 1)
            .bind(cursor)
            .bind(purchase)
            .bind(listing_id)
            .execute(&mut *$tx)
            .await?;
            sqlx::query(
                "UPDATE listing_sources SET issued_e4_mu = issued_e4_mu + $1 \
                 WHERE listing_id = $2 AND position = $3",
            )
            .bind(take)
            .bind(listing_id)
            .bind(position)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

pub(crate) use issue_serials;

/// A new 核验码: 12 random characters of the code alphabet (60 bits).
pub(crate) fn new_code() -> String {
    use password_hash::rand_core::{OsRng, RngCore};
    let alphabet = quota_shared::serial::CODE_ALPHABET;
    (0..12)
        .map(|_| char::from(alphabet[(OsRng.next_u32() % 32) as usize]))
        .collect()
}

/// Gives the trade `$purchase`, made final in the transaction `$tx`, its 核验码.
macro_rules! stamp_code {
    ($tx:expr, $purchase:expr) => {{
        sqlx::query("UPDATE purchases SET verify_code = $1 WHERE id = $2 AND verify_code IS NULL")
            .bind($crate::store::sql::serials::new_code())
            .bind($purchase)
            .execute(&mut *$tx)
            .await?;
    }};
}

pub(crate) use stamp_code;

/// The serial methods of the `Store` trait, for a store type with a `pool` (reads).
macro_rules! impl_serials {
    () => {
        #[tracing::instrument(skip_all)]
        async fn purchase_serials(
            &self,
            purchase_id: i64,
        ) -> Result<Vec<quota_shared::api::SerialBlock>, StoreError> {
            let runs: Vec<$crate::store::rows::serials::RunRow> = sqlx::query_as(
                "SELECT r.project_id, r.first_unit, r.last_unit, p.name, p.registration_no, p.county_code, \
                 p.created_at FROM serial_ranges r JOIN reclamation_projects p ON p.id = r.project_id \
                 WHERE r.purchase_id = $1 ORDER BY r.id",
            )
            .bind(purchase_id)
            .fetch_all(&self.pool)
            .await?;
            let uses: Vec<$crate::store::rows::serials::LandingRow> = sqlx::query_as(
                "SELECT id, approval_no, used_before_e4_mu, area_e4_mu FROM holding_uses \
                 WHERE purchase_id = $1 ORDER BY used_before_e4_mu",
            )
            .bind(purchase_id)
            .fetch_all(&self.pool)
            .await?;
            $crate::store::rows::serials::blocks(&runs, &uses)
        }

        #[tracing::instrument(skip_all)]
        async fn verify_code_of(&self, purchase_id: i64) -> Result<Option<String>, StoreError> {
            let row: Option<(Option<String>,)> =
                sqlx::query_as("SELECT verify_code FROM purchases WHERE id = $1")
                    .bind(purchase_id)
                    .fetch_optional(&self.pool)
                    .await?;
            Ok(row.and_then(|r| r.0))
        }

        #[tracing::instrument(skip_all)]
        async fn verification(
            &self,
            code: &str,
        ) -> Result<Option<quota_shared::api::Verification>, StoreError> {
            use $crate::store::rows::corrupt;
            #[allow(clippy::type_complexity)]
            let row: Option<(i64, String, String, Option<String>, Option<String>, i64, i64, i64, Option<time::OffsetDateTime>)> =
                sqlx::query_as(
                    "SELECT id, confirmation_no, seller_county_code, project_name, project_county_code, \
                     area_e4_mu, price_fen_per_mu, amount_fen, settled_at FROM purchases \
                     WHERE verify_code = $1 AND confirmation_no IS NOT NULL",
                )
                .bind(code)
                .fetch_optional(&self.pool)
                .await?;
            let Some((id, confirmation_no, seller, project_name, project_county, area, price, amount, settled_at)) = row else {
                return Ok(None);
            };
            // The parties as the confirmation prints them, copied at numbering (names and codes;
            // no contact data).
            let parties: Option<(Option<String>, Option<String>, Option<String>, Option<String>)> = sqlx::query_as(
                "SELECT seller_party, seller_party_uscc, buyer_party, buyer_party_uscc FROM purchases WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
            let (seller_organisation, seller_uscc, buyer_organisation, buyer_uscc) = parties.unwrap_or_default();
            let area = quota_shared::Area::from_e4(area).map_err(|_| corrupt("area"))?;
            let amount = quota_shared::Money::from_fen(amount).map_err(|_| corrupt("amount"))?;
            // The trade's records, each checked against its chain, and the row against them.
            let records = self.audit_of(&format!("purchase:{id}")).await?;
            let mut intact = !records.is_empty();
            for r in &records {
                let next: Option<(String,)> = sqlx::query_as(
                    "SELECT prev_hash FROM audit_log WHERE stream = $1 AND seq = $2",
                )
                .bind(&r.stream)
                .bind(r.seq + 1)
                .fetch_optional(&self.pool)
                .await?;
                let head: Option<(i64, String)> =
                    sqlx::query_as("SELECT seq, hash FROM audit_heads WHERE stream = $1")
                        .bind(&r.stream)
                        .fetch_optional(&self.pool)
                        .await?;
                intact &= $crate::audit::record_intact(
                    r,
                    next.as_ref().map(|n| n.0.as_str()),
                    head.as_ref().map(|(seq, hash)| (*seq, hash.as_str())),
                );
            }
            let logged = |field| $crate::audit::last_logged(&records, field);
            intact &= logged("confirmation_no").as_deref() == Some(confirmation_no.as_str())
                && logged("amount_yuan").as_deref() == Some(amount.to_string().as_str())
                && logged("area_mu").is_none_or(|a| a == area.to_string());
            // The parties as logged at numbering, where their code was known then (a code
            // completed later fills only what was missing).
            for (name, code, row_name, row_code) in [
                ("seller_party", "seller_party_uscc", &seller_organisation, &seller_uscc),
                ("buyer_party", "buyer_party_uscc", &buyer_organisation, &buyer_uscc),
            ] {
                if let Some(logged_code) = logged(code) {
                    intact &= Some(&logged_code) == row_code.as_ref()
                        && logged(name).as_ref() == row_name.as_ref();
                }
            }
            Ok(Some(quota_shared::api::Verification {
                verify_code: quota_shared::serial::printed_code(code),
                confirmation_no,
                seller_county_code: seller.parse().map_err(|_| corrupt("seller"))?,
                seller_organisation,
                seller_uscc,
                buyer_organisation,
                buyer_uscc,
                project_name,
                project_county_code: project_county.and_then(|c| c.parse().ok()),
                area_mu: area,
                price_per_mu: quota_shared::UnitPrice::from_fen(price).map_err(|_| corrupt("price"))?,
                amount_capital: quota_shared::capital::to_capital(amount),
                amount_yuan: amount,
                settled_at: settled_at.ok_or_else(|| corrupt("settled_at"))?,
                blocks: self.purchase_serials(id).await?,
                audit_intact: intact,
                audit_records: u32::try_from(records.len()).unwrap_or(u32::MAX),
            }))
        }

        #[tracing::instrument(skip_all)]
        async fn trade_trace(
            &self,
            purchase_id: i64,
        ) -> Result<Option<quota_shared::api::TradeTrace>, StoreError> {
            use $crate::store::rows::corrupt;
            #[allow(clippy::type_complexity)]
            let trade: Option<(i64, Option<String>, String, i64, Option<time::OffsetDateTime>, Option<String>, Option<String>)> =
                sqlx::query_as(
                    "SELECT listing_id, confirmation_no, seller_county_code, area_e4_mu, settled_at, \
                     project_name, project_county_code FROM purchases WHERE id = $1",
                )
                .bind(purchase_id)
                .fetch_optional(&self.pool)
                .await?;
            let Some((listing_id, confirmation_no, seller, area, settled_at, project_name, project_county)) = trade else {
                return Ok(None);
            };
            // Only a final trade (numbered, settled) is public.
            let (Some(confirmation_no), Some(settled_at)) = (confirmation_no, settled_at) else {
                return Ok(None);
            };
            Ok(Some(quota_shared::api::TradeTrace {
                trade: quota_shared::api::TraceTrade {
                    purchase_id,
                    listing_id,
                    confirmation_no,
                    seller_county_code: seller.parse().map_err(|_| corrupt("seller"))?,
                    area_mu: quota_shared::Area::from_e4(area).map_err(|_| corrupt("area"))?,
                    settled_at,
                    project_name,
                    project_county_code: project_county.and_then(|c| c.parse().ok()),
                },
                blocks: self.purchase_serials(purchase_id).await?,
            }))
        }

        #[tracing::instrument(skip_all)]
        async fn purchase_numbered(&self, confirmation_no: &str) -> Result<Option<i64>, StoreError> {
            let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM purchases WHERE confirmation_no = $1")
                .bind(confirmation_no)
                .fetch_optional(&self.pool)
                .await?;
            Ok(found.map(|(id,)| id))
        }

        #[tracing::instrument(skip_all)]
        async fn trace(
            &self,
            serial: &quota_shared::serial::Serial,
        ) -> Result<Option<quota_shared::api::Trace>, StoreError> {
            use $crate::store::rows::corrupt;
            let found: Option<(i64,)> = sqlx::query_as(
                "SELECT purchase_id FROM serial_ranges WHERE project_id = $1 AND first_unit <= $2 \
                 AND last_unit >= $2",
            )
            .bind(serial.project_id)
            .bind(serial.unit)
            .fetch_optional(&self.pool)
            .await?;
            let Some((purchase_id,)) = found else { return Ok(None) };
            let Some(project) = self.project(serial.project_id).await? else { return Ok(None) };
            // The serial names its county and year too: both must be the project's.
            if project.county_code != serial.county
                || quota_shared::calendar::year_of(project.created_at) != serial.year
            {
                return Ok(None);
            }
            let Some(quota_shared::api::TradeTrace { trade, blocks }) = self.trade_trace(purchase_id).await? else {
                return Ok(None);
            };
            let text = serial.to_string();
            let block = blocks
                .into_iter()
                .find(|b| {
                    quota_shared::serial::Serial::parse(&b.first_serial).is_some_and(|f| f.project_id == serial.project_id && f.unit <= serial.unit)
                        && quota_shared::serial::Serial::parse(&b.last_serial).is_some_and(|l| l.project_id == serial.project_id && serial.unit <= l.unit)
                })
                .ok_or_else(|| corrupt(format!("no block of purchase {purchase_id} holds {text}")))?;
            let landed = match block.use_id {
                None => None,
                Some(use_id) => {
                    let (approval_no, name, county, at): (String, Option<String>, Option<String>, time::OffsetDateTime) =
                        sqlx::query_as(
                            "SELECT approval_no, project_name, project_county_code, created_at FROM holding_uses WHERE id = $1",
                        )
                        .bind(use_id)
                        .fetch_one(&self.pool)
                        .await?;
                    Some(quota_shared::api::TraceUse {
                        use_id,
                        approval_no,
                        project_name: name,
                        project_county_code: county.and_then(|c| c.parse().ok()),
                        landed_at: at,
                    })
                }
            };
            Ok(Some(quota_shared::api::Trace {
                serial: text,
                project: quota_shared::api::TraceProject {
                    id: project.id,
                    name: project.name,
                    registration_no: project.registration_no,
                    county_code: project.county_code,
                    township: project.township,
                    village: project.village,
                    status: project.status,
                    accepted_on: project.accepted_on,
                    acceptance_doc: project.acceptance_doc,
                },
                trade,
                block,
                landed,
            }))
        }
    };
}

pub(crate) use impl_serials;

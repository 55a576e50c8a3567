//! Listings on both channels: insert, read in their effective state, withdraw, and the
//! scheduler's expiry of due county listings.
//!
//! SQL and binds for [`Store`](crate::store::contract::Store), written once for both databases
//! (see [`crate::store::sql`]) and expanded into each store's `impl` by `impl_listings!`.

use std::collections::HashMap;

use quota_shared::api::Listing;
use time::OffsetDateTime;

use crate::store::error::StoreError;
use crate::store::rows::projects::SourceRow;
use crate::store::rows::{
    LISTING_COLUMNS, ListingRow, db_time, decode_each, stored_statuses_reading_as,
};
use crate::store::types::ListingFilter;

/// The listings methods of the `Store` trait, for a store type with a `pool` (reads) and a `writer` (writes).
macro_rules! impl_listings {
    () => {
        #[tracing::instrument(skip_all)]
        async fn insert_listing(
            &self,
            l: &$crate::store::types::ListingDraft,
        ) -> Result<$crate::store::types::ListingInsert, StoreError> {
            use $crate::store::types::ListingInsert;
            let mut tx = self.writer.begin().await?;
            // Draw on each project first: one conditional UPDATE per project, in the order of
            // their ids (so two listings drawing on the same projects lock them in the same
            // order and never deadlock). The condition is the stock check, evaluated on the
            // row as it is when the lock is taken: two clerks drawing the last of a project at
            // once cannot both succeed.
            let mut draws = l.sources.clone();
            draws.sort_by_key(|s| s.project_id);
            let mut registered = std::collections::HashSet::new();
            for s in &draws {
                let drawn: Option<(String,)> = sqlx::query_as(
                    "UPDATE reclamation_projects SET committed_e4_mu = committed_e4_mu + $1 \
                     WHERE id = $2 AND county_code = $3 AND (status = 'accepted' OR $4) \
                     AND committed_e4_mu + $1 <= reclaimed_e4_mu - local_use_e4_mu RETURNING status",
                )
                .bind(s.area.e4())
                .bind(s.project_id)
                .bind(l.county_code.as_str())
                .bind(l.advance)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((status,)) = drawn else {
                    tx.rollback().await?;
                    let available = match self.project(s.project_id).await? {
                        Some(p) if p.county_code == l.county_code => p.available_mu,
                        _ => quota_shared::Area::ZERO,
                    };
                    return Ok(ListingInsert::Short { project_id: s.project_id, available });
                };
                if status == "registered" {
                    registered.insert(s.project_id);
                }
            }
            let advance = !registered.is_empty() || (l.sources.is_empty() && l.advance);
            let row: (i64,) = sqlx::query_as(
                "INSERT INTO listings (county_code, channel, status, area_e4_mu, remaining_e4_mu, \
                 farmland_e4_mu, remaining_farmland_e4_mu, paddy_e4_mu, remaining_paddy_e4_mu, \
                 grain_capacity_kg, remaining_capacity_kg, price_fen_per_mu, start_total_fen, deposit_fen, \
                 source_project, township, advance, listed_at, opens_at, closes_at, ruleset_version, \
                 floor_effective_from, created_by, bid_step_fen) \
                 VALUES ($1, $2, $3, $4, $4, $5, $5, $6, $6, $7, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
                 $16, $17, $18, $19, $20) RETURNING id",
            )
            .bind(l.county_code.as_str())
            .bind(l.channel.wire())
            .bind(l.status.wire())
            .bind(l.area.e4())
            .bind(l.farmland.e4())
            .bind(l.paddy.e4())
            .bind(l.grain_capacity_kg)
            .bind(l.price.fen())
            .bind(l.start_total.map(|m| m.fen()))
            .bind(l.deposit.map(|m| m.fen()))
            .bind(&l.source_project)
            .bind(&l.township)
            .bind(advance)
            .bind($crate::store::rows::db_time(l.listed_at))
            .bind(l.opens_at.map($crate::store::rows::db_time))
            .bind(l.closes_at.map($crate::store::rows::db_time))
            .bind(&l.ruleset_version)
            .bind(l.floor_effective_from)
            .bind(l.created_by)
            .bind(l.bid_step.map(|m| m.fen()))
            .fetch_one(&mut *tx)
            .await?;
            for (position, s) in l.sources.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO listing_sources (listing_id, position, project_id, area_e4_mu, held_e4_mu, advance) \
                     VALUES ($1, $2, $3, $4, $4, $5)",
                )
                .bind(row.0)
                .bind(i32::try_from(position).unwrap_or(i32::MAX))
                .bind(s.project_id)
                .bind(s.area.e4())
                .bind(registered.contains(&s.project_id))
                .execute(&mut *tx)
                .await?;
            }
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::listing_created(row.0, l, advance));
            tx.commit().await?;
            Ok(ListingInsert::Inserted(row.0))
        }

        #[tracing::instrument(skip_all)]
        async fn listing(
            &self,
            id: i64,
            now: time::OffsetDateTime,
        ) -> Result<Option<quota_shared::api::Listing>, StoreError> {
            let Some(listing) = self.listing_alone(id, now).await? else {
                return Ok(None);
            };
            let mut one = [listing];
            $crate::store::sql::listings::attach_sources!(self, &mut one);
            let [listing] = one;
            Ok(Some(listing))
        }

        #[tracing::instrument(skip_all)]
        async fn listing_alone(
            &self,
            id: i64,
            now: time::OffsetDateTime,
        ) -> Result<Option<quota_shared::api::Listing>, StoreError> {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM listings WHERE id = $2",
                $crate::store::rows::LISTING_COLUMNS
            ));
            let row: Option<$crate::store::rows::ListingRow> = sqlx::query_as(sql)
                .bind($crate::store::rows::db_time(now))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
            row.map(|r| r.into_listing(now)).transpose()
        }

        #[tracing::instrument(skip_all)]
        async fn listings(
            &self,
            filter: &$crate::store::types::ListingFilter,
            now: time::OffsetDateTime,
        ) -> Result<Vec<quota_shared::api::Listing>, StoreError> {
            // Filters on status are applied after reading, because `scheduled` reads as
            // `bidding` once its opening time has passed.
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM listings WHERE ($2 IS NULL OR county_code = $2) \
                 AND ($3 IS NULL OR channel = $3) ORDER BY listed_at DESC, id DESC",
                $crate::store::rows::LISTING_COLUMNS
            ));
            let rows: Vec<$crate::store::rows::ListingRow> = sqlx::query_as(sql)
                .bind($crate::store::rows::db_time(now))
                .bind(filter.county.as_ref().map(|c| c.as_str().to_string()))
                .bind(filter.channel.map(|c| c.wire()))
                .fetch_all(&self.pool)
                .await?;
            // Every listing, for the calculator and the announcements: without their sources
            // (a page or a single read carries them).
            Ok($crate::store::rows::decode_each("listings", rows, |r| r.into_listing(now))
                .into_iter()
                .filter(|listing| filter.status.is_none_or(|s| s == listing.status))
                .collect())
        }

        #[tracing::instrument(skip_all)]
        async fn withdraw_listing(&self, id: i64, actor: &str, now: time::OffsetDateTime) -> Result<bool, StoreError> {
            let mut tx = self.writer.begin().await?;
            // Past its closing time a listing has ended (expired, awarded or unsold) even if
            // the scheduler has not written so yet. A lot that has a bid is the bidders' now:
            // it runs to its close (the bid and this update lock the same row).
            let row: Option<(String, i64)> = sqlx::query_as(
                "UPDATE listings SET status = 'withdrawn' WHERE id = $1 \
                 AND status IN ('open', 'scheduled', 'bidding') AND (closes_at IS NULL OR closes_at > $2) \
                 AND (channel = 'county' OR bid_count = 0) \
                 RETURNING county_code, remaining_e4_mu",
            )
            .bind(id)
            .bind($crate::store::rows::db_time(now))
            .fetch_optional(&mut *tx)
            .await?;
            let Some((county, remaining)) = row else {
                tx.rollback().await?;
                return Ok(false);
            };
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::listing_withdrawn(&county, id, remaining, actor, now));
            tx.commit().await?;
            Ok(true)
        }

        #[tracing::instrument(skip_all)]
        async fn due_listings(&self, now: time::OffsetDateTime) -> Result<Vec<i64>, StoreError> {
            let rows: Vec<(i64,)> = sqlx::query_as(
                "SELECT id FROM listings WHERE channel = 'county' AND status IN ('open', 'sold_out') \
                 AND closes_at IS NOT NULL AND closes_at <= $1 ORDER BY id",
            )
            .bind($crate::store::rows::db_time(now))
            .fetch_all(&self.pool)
            .await?;
            Ok(rows.into_iter().map(|r| r.0).collect())
        }

        #[tracing::instrument(skip_all)]
        async fn expire_listing(&self, id: i64, now: time::OffsetDateTime) -> Result<bool, StoreError> {
            let now = $crate::store::rows::db_time(now);
            let mut tx = self.writer.begin().await?;
            let row: Option<(String,)> = sqlx::query_as(
                "UPDATE listings SET status = 'expired' WHERE id = $1 AND channel = 'county' \
                 AND status IN ('open', 'sold_out') AND closes_at <= $2 RETURNING county_code",
            )
            .bind(id)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((county,)) = row else {
                tx.rollback().await?;
                return Ok(false);
            };
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::listing_expired(&county, id, now));
            tx.commit().await?;
            Ok(true)
        }
    };
}

pub(crate) use impl_listings;

/// The listings page of the `Store` trait through sqlx (PostgreSQL; SQLite reads its pages
/// without sqlx's per-row hand-offs, `store::sqlite_reader`).
macro_rules! impl_listings_page {
    () => {
        #[tracing::instrument(skip_all)]
        async fn listings_page(
            &self,
            filter: &$crate::store::types::ListingFilter,
            now: time::OffsetDateTime,
            after: Option<(time::OffsetDateTime, i64)>,
            limit: usize,
        ) -> Result<Vec<quota_shared::api::Listing>, StoreError> {
            let mut read = $crate::store::sql::listings::PageRead::new(filter, now, after, limit);
            loop {
                let rows: Vec<$crate::store::rows::ListingRow> =
                    sqlx::query_as(sqlx::AssertSqlSafe(read.statement()))
                        .bind($crate::store::rows::db_time(now))
                        .bind(read.county())
                        .bind(read.channel())
                        .bind(read.position_time())
                        .bind(read.position_id())
                        .bind(read.batch())
                        .fetch_all(&self.pool)
                        .await?;
                if read.take(rows) {
                    break;
                }
            }
            let mut page = read.finish();
            $crate::store::sql::listings::attach_sources!(self, &mut page);
            Ok(page)
        }
    };
}

pub(crate) use impl_listings_page;

/// Fills in the sources of `$listings` (a `&mut [Listing]`) with one read for all of them.
macro_rules! attach_sources {
    ($store:ident, $listings:expr) => {{
        let listings: &mut [quota_shared::api::Listing] = $listings;
        if let Some(sql) = $crate::store::sql::listings::sources_statement(listings) {
            let rows: Vec<$crate::store::rows::projects::SourceRow> =
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .fetch_all(&$store.pool)
                    .await?;
            $crate::store::sql::listings::attach(listings, rows)?;
        }
    }};
}

pub(crate) use attach_sources;

/// One page of listings being read, the same way by both stores: the statement of each batch,
/// its binds, and the rows kept.
///
/// The status filter is applied after reading (a listing's status is what it is at `now`,
/// [`ListingRow::into_listing`]), so rows are read in batches until the page is full or the
/// rows run out. Each condition is written only when it applies (`col = $n`, not `$n IS NULL
/// OR col = $n`), so both databases can walk an index: (county_code, listed_at, id) or
/// (listed_at, id).
pub(crate) struct PageRead {
    filter: ListingFilter,
    now: OffsetDateTime,
    limit: usize,
    batch: i64,
    position: Option<(OffsetDateTime, i64)>,
    page: Vec<Listing>,
}

impl PageRead {
    pub fn new(
        filter: &ListingFilter,
        now: OffsetDateTime,
        after: Option<(OffsetDateTime, i64)>,
        limit: usize,
    ) -> Self {
        // Batches grow when the filter keeps few rows, so a sparse status costs a few
        // queries, not one per page-size of rows. With a status, the first batch reads a
        // quarter more than the page: a few rows read as another status (an announced
        // listing is stored `open` until it opens), and one of them alone would otherwise
        // cost the page a second query.
        let first = if filter.status.is_some() {
            limit + limit / 4 + 4
        } else {
            limit.max(1)
        };
        Self {
            filter: filter.clone(),
            now,
            limit,
            batch: i64::try_from(first).unwrap_or(i64::MAX),
            position: after.map(|(at, id)| (db_time(at), id)),
            page: Vec::new(),
        }
    }

    /// The next batch's statement. Binds: `$1` the time of the read, `$2` [`Self::county`],
    /// `$3` [`Self::channel`], `$4` [`Self::position_time`], `$5` [`Self::position_id`], `$6`
    /// [`Self::batch`].
    pub fn statement(&self) -> String {
        let county = if self.filter.county.is_some() {
            "county_code = $2"
        } else {
            "$2 IS NULL"
        };
        let channel = if self.filter.channel.is_some() {
            "channel = $3"
        } else {
            "$3 IS NULL"
        };
        // The stored statuses that can read as the one asked for (a fixed list of wire names,
        // never user text), so a rare status is found without reading every row.
        let status = match self.filter.status {
            Some(s) => format!(
                "status IN ({})",
                stored_statuses_reading_as(s)
                    .iter()
                    .map(|w| format!("'{w}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => "TRUE".to_string(),
        };
        let after = if self.position.is_some() {
            // A row value: the index range starts at the position itself, even inside a long
            // run of equal times.
            "(listed_at, id) < ($4, $5)"
        } else {
            "$4 IS NULL AND $5 = 0"
        };
        format!(
            "SELECT {LISTING_COLUMNS} FROM listings WHERE {county} AND {channel} AND {status} \
             AND {after} ORDER BY listed_at DESC, id DESC LIMIT $6"
        )
    }

    pub fn county(&self) -> Option<String> {
        self.filter.county.as_ref().map(|c| c.as_str().to_string())
    }

    pub fn channel(&self) -> Option<&'static str> {
        self.filter.channel.map(|c| c.wire())
    }

    pub fn position_time(&self) -> Option<OffsetDateTime> {
        self.position.map(|(at, _)| at)
    }

    pub fn position_id(&self) -> i64 {
        self.position.map_or(0, |(_, id)| id)
    }

    pub fn batch(&self) -> i64 {
        self.batch
    }

    /// Takes a batch's rows, in the statement's order; true when the page is complete.
    pub fn take(&mut self, rows: Vec<ListingRow>) -> bool {
        let read = rows.len();
        if let Some(last) = rows.last() {
            self.position = Some((last.listed_at, last.id));
        }
        let (status, now) = (self.filter.status, self.now);
        self.page.extend(
            decode_each("listings", rows, |r| r.into_listing(now))
                .into_iter()
                .filter(|l| status.is_none_or(|s| s == l.status)),
        );
        if self.page.len() >= self.limit || i64::try_from(read).unwrap_or(i64::MAX) < self.batch {
            return true;
        }
        self.batch = (self.batch * 2).min(5_000);
        false
    }

    /// The page, without its sources yet ([`sources_statement`]).
    pub fn finish(mut self) -> Vec<Listing> {
        self.page.truncate(self.limit);
        self.page
    }
}

/// The statement reading the sources of `listings` (rows of [`SourceRow`]), or `None` for no
/// listings.
pub(crate) fn sources_statement(listings: &[Listing]) -> Option<String> {
    if listings.is_empty() {
        return None;
    }
    // Ids read from the database: integers, written into the statement as they are.
    let ids = listings
        .iter()
        .map(|l| l.id.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!(
        "SELECT s.listing_id, s.project_id, p.name, p.registration_no, s.area_e4_mu, s.held_e4_mu, \
         s.advance, p.status FROM listing_sources s JOIN reclamation_projects p ON p.id = s.project_id \
         WHERE s.listing_id IN ({ids}) ORDER BY s.listing_id, s.position"
    ))
}

/// Gives each listing its sources, from the rows of [`sources_statement`].
pub(crate) fn attach(listings: &mut [Listing], rows: Vec<SourceRow>) -> Result<(), StoreError> {
    let at: HashMap<i64, usize> = listings
        .iter()
        .enumerate()
        .map(|(n, l)| (l.id, n))
        .collect();
    for row in rows {
        let listing_id = row.listing_id;
        let source = row.into_source()?;
        if let Some(&n) = at.get(&listing_id) {
            listings[n].sources.push(source);
        }
    }
    Ok(())
}

//! The pages of listings on SQLite, read without sqlx. sqlx hands every row of a SQLite
//! statement from its connection's thread to the request's task: a page's statement of 50
//! rows took 0.39 ms (p50) through sqlx and 0.13 ms here, the hand-off to a blocking thread
//! included (docs/benchmarks.md, "Listing reads"). Here a page, its batches and its sources
//! are read in one read transaction on a connection of this pool, on a blocking thread: one
//! hand-off there and one back. The statements are PostgreSQL's
//! ([`super::sql::listings::PageRead`]), and the rows decode into the same
//! [`ListingRow`] and [`SourceRow`].

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use quota_shared::api::Listing;
use rusqlite::Connection;
use rusqlite::named_params;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::sync::Semaphore;

use super::error::StoreError;
use super::rows::projects::SourceRow;
use super::rows::{ListingRow, db_time};
use super::sql::listings::{PageRead, attach, sources_statement};
use super::types::ListingFilter;

/// At most this many pages are read at once (sqlx's pool of readers has as many).
const READERS: usize = 8;

/// Connections that only read, opened when first needed and kept.
#[derive(Clone)]
pub(crate) struct Readers(Arc<Pool>);

struct Pool {
    file: PathBuf,
    idle: Mutex<Vec<Connection>>,
    turns: Arc<Semaphore>,
}

impl Readers {
    pub fn new(file: &Path) -> Self {
        Self(Arc::new(Pool {
            file: file.to_path_buf(),
            idle: Mutex::new(Vec::new()),
            turns: Arc::new(Semaphore::new(READERS)),
        }))
    }

    /// Runs `read` on a connection, in a read transaction, on a blocking thread.
    async fn read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        // The turn goes with the read: a request dropped while it waits (the client left)
        // does not free a turn whose read still runs.
        let turn = self.0.turns.clone().acquire_owned().await.map_err(engine)?;
        let pool = self.0.clone();
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            let idle = pool.idle.lock().map(|mut idle| idle.pop());
            let conn = match idle {
                Ok(Some(conn)) => conn,
                _ => open(&pool.file)?,
            };
            let answer = conn.unchecked_transaction().map_err(engine).and_then(|tx| {
                let answer = read(&conn)?;
                tx.finish().map_err(engine)?;
                Ok(answer)
            });
            // A connection whose read failed is dropped: the next opens afresh.
            if answer.is_ok()
                && let Ok(mut idle) = pool.idle.lock()
                && idle.len() < READERS
            {
                idle.push(conn);
            }
            answer
        })
        .await
        .map_err(|e| StoreError::Engine(format!("reader: {e}")))?
    }

    /// A page of listings, as [`crate::store::Store::listings_page`].
    pub async fn listings_page(
        &self,
        filter: &ListingFilter,
        now: OffsetDateTime,
        after: Option<(OffsetDateTime, i64)>,
        limit: usize,
    ) -> Result<Vec<Listing>, StoreError> {
        let mut read = PageRead::new(filter, now, after, limit);
        self.read(move |conn| {
            loop {
                let mut statement = conn.prepare_cached(&read.statement()).map_err(engine)?;
                columns(&statement, &LISTING_FIELDS)?;
                // By name: SQLite numbers `$n` parameters in the order they first appear.
                let rows = statement
                    .query_map(
                        named_params! {
                            "$1": text(now)?,
                            "$2": read.county(),
                            "$3": read.channel(),
                            "$4": read.position_time().map(text).transpose()?,
                            "$5": read.position_id(),
                            "$6": read.batch(),
                        },
                        listing_row,
                    )
                    .map_err(engine)?
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(engine)?;
                if read.take(rows) {
                    break;
                }
            }
            let mut page = read.finish();
            if let Some(sql) = sources_statement(&page) {
                let mut statement = conn.prepare(&sql).map_err(engine)?;
                columns(&statement, &SOURCE_FIELDS)?;
                let rows = statement
                    .query_map([], source_row)
                    .map_err(engine)?
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(engine)?;
                attach(&mut page, rows)?;
            }
            Ok(page)
        })
        .await
    }
}

/// A reading connection: a 10 s busy timeout, and `query_only`, so that nothing read here
/// can write.
fn open(file: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(file).map_err(engine)?;
    conn.busy_timeout(Duration::from_secs(10)).map_err(engine)?;
    conn.execute_batch("PRAGMA query_only = ON;")
        .map_err(engine)?;
    // One statement per filter (county, channel, status) and position: 72 at most.
    conn.set_prepared_statement_cache_capacity(128);
    Ok(conn)
}

/// A time as sqlx writes it to SQLite (RFC 3339 in UTC, whole seconds), so that the stored
/// text compares with it as times do.
fn text(at: OffsetDateTime) -> Result<String, StoreError> {
    db_time(at)
        .format(&Rfc3339)
        .map_err(|e| StoreError::Engine(e.to_string()))
}

fn time_at(row: &rusqlite::Row, column: usize) -> rusqlite::Result<OffsetDateTime> {
    let stored: String = row.get(column)?;
    stored_time(&stored).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            column,
            rusqlite::types::Type::Text,
            format!("not a time: {stored:?}").into(),
        )
    })
}

/// A stored time: RFC 3339, as every write here stores it, or SQLite's own `YYYY-MM-DD
/// HH:MM:SS[.SSS]` in UTC (a row edited by hand with SQLite's date functions).
fn stored_time(stored: &str) -> Option<OffsetDateTime> {
    let sqlite = time::macros::format_description!(
        version = 2,
        "[year]-[month]-[day] [hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    OffsetDateTime::parse(stored, &Rfc3339).ok().or_else(|| {
        time::PrimitiveDateTime::parse(stored, &sqlite)
            .ok()
            .map(time::PrimitiveDateTime::assume_utc)
    })
}

fn optional_time_at(
    row: &rusqlite::Row,
    column: usize,
) -> rusqlite::Result<Option<OffsetDateTime>> {
    match row.get_ref(column)? {
        rusqlite::types::ValueRef::Null => Ok(None),
        _ => time_at(row, column).map(Some),
    }
}

/// The names of [`super::rows::LISTING_COLUMNS`], in the order [`listing_row`] reads them.
#[rustfmt::skip]
const LISTING_FIELDS: [&str; 23] = [
    "id", "county_code", "channel", "status", "area_e4_mu", "remaining_e4_mu", "farmland_e4_mu",
    "paddy_e4_mu", "grain_capacity_kg", "price_fen_per_mu", "start_total_fen", "deposit_fen",
    "source_project", "township", "advance", "listed_at", "opens_at", "closes_at",
    "ruleset_version", "high_bid_fen", "bid_count", "bid_step_fen", "due_e4_mu",
];

/// The names of [`sources_statement`]'s columns, in the order [`source_row`] reads them.
#[rustfmt::skip]
const SOURCE_FIELDS: [&str; 8] = [
    "listing_id", "project_id", "name", "registration_no", "area_e4_mu", "held_e4_mu",
    "advance", "status",
];

/// Fails unless `statement`'s columns are `names`, in order: the rows are read by position
/// (sqlx reads them by name), so a column moved in the statement must not read as another.
fn columns(statement: &rusqlite::Statement, names: &[&str]) -> Result<(), StoreError> {
    let found = statement.column_names();
    if found.len() == names.len() && found.iter().zip(names).all(|(a, b)| a == b) {
        Ok(())
    } else {
        Err(StoreError::Engine(format!(
            "the reader's columns {names:?} are not the statement's {found:?}"
        )))
    }
}

/// A row of [`super::rows::LISTING_COLUMNS`], in its order.
fn listing_row(row: &rusqlite::Row) -> rusqlite::Result<ListingRow> {
    Ok(ListingRow {
        id: row.get(0)?,
        county_code: row.get(1)?,
        channel: row.get(2)?,
        status: row.get(3)?,
        area_e4_mu: row.get(4)?,
        remaining_e4_mu: row.get(5)?,
        farmland_e4_mu: row.get(6)?,
        paddy_e4_mu: row.get(7)?,
        grain_capacity_kg: row.get(8)?,
        price_fen_per_mu: row.get(9)?,
        start_total_fen: row.get(10)?,
        deposit_fen: row.get(11)?,
        source_project: row.get(12)?,
        township: row.get(13)?,
        advance: row.get(14)?,
        listed_at: time_at(row, 15)?,
        opens_at: optional_time_at(row, 16)?,
        closes_at: optional_time_at(row, 17)?,
        ruleset_version: row.get(18)?,
        high_bid_fen: row.get(19)?,
        bid_count: row.get(20)?,
        bid_step_fen: row.get(21)?,
        due_e4_mu: row.get(22)?,
    })
}

/// A row of [`sources_statement`], in its order.
fn source_row(row: &rusqlite::Row) -> rusqlite::Result<SourceRow> {
    Ok(SourceRow {
        listing_id: row.get(0)?,
        project_id: row.get(1)?,
        name: row.get(2)?,
        registration_no: row.get(3)?,
        area_e4_mu: row.get(4)?,
        held_e4_mu: row.get(5)?,
        advance: row.get(6)?,
        status: row.get(7)?,
    })
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers")
            .field("file", &self.0.file)
            .finish_non_exhaustive()
    }
}

fn engine(e: impl std::fmt::Display) -> StoreError {
    StoreError::Engine(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_times_read_as_sqlx_writes_them_and_as_sqlite_writes_them() {
        let at = time::macros::datetime!(2026-12-07 14:20:19 UTC);
        assert_eq!(text(at).unwrap(), "2026-12-07T14:20:19Z");
        assert_eq!(stored_time("2026-12-07T14:20:19Z"), Some(at));
        assert_eq!(stored_time("2026-12-07T22:20:19+08:00"), Some(at));
        assert_eq!(stored_time("2026-12-07 14:20:19"), Some(at));
        assert_eq!(
            stored_time("2026-12-07 14:20:19.250"),
            Some(at + time::Duration::milliseconds(250))
        );
        assert_eq!(stored_time("7 December"), None);
        assert_eq!(stored_time(""), None);
    }

    #[test]
    fn a_reading_connection_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("q.db");
        Connection::open(&file)
            .unwrap()
            .execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
            .unwrap();
        let reader = open(&file).unwrap();
        let refused = reader.execute("INSERT INTO t VALUES (2)", []);
        assert!(refused.is_err(), "{refused:?}");
        let count: i64 = reader
            .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 1);
    }
}

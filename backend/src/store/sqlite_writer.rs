//! Purchases on SQLite by group commit. SQLite has one write lock per file and makes a commit
//! durable with one `fsync` of its log, and sqlx hands every statement and row of a SQLite
//! connection across threads (a couple of context switches each: 16 statements a purchase
//! were 68 % of the server's time in system calls). So reservations queue here for a thread
//! of their own with a connection of its own: it takes all that are waiting (up to
//! [`MAX_BATCH`]) and runs them in one transaction, each inside a savepoint of its own, so one
//! that fails is undone alone. Nobody is answered before the batch's `COMMIT` returns, so a
//! 201 still means durable; if the commit fails, every purchase of the batch fails with it and
//! none is kept. The statements are those PostgreSQL runs ([`super::reservation`]).
//!
//! The store's other writes keep sqlx's one writer connection, and a batch is written while
//! the thread holds that connection: writers take turns in the pool's queue, in order, and
//! never meet at SQLite's lock.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use sqlx::sqlite::SqlitePool;
use time::format_description::well_known::Rfc3339;

use super::error::StoreError;
use super::reservation::{self as r, Queue, Take, TakenRow, Waiting, Written};
use super::rows::db_time;
use super::sql::audit::{TAKE_HEAD_BY, append_records, link};
use super::types::PurchaseDraft;
use crate::audit::{Entry, GENESIS};

/// The most reservations one transaction takes: a batch holds the write lock for well under
/// a millisecond per ten, so other writers never wait long behind it.
const MAX_BATCH: usize = 128;

/// How many batches one turn on the writer may write while more reservations wait.
const TURN_BATCHES: usize = 8;

/// Opens the writer's connection to `file` (durable as the pool's: WAL, `synchronous =
/// FULL`, foreign keys, a 10 s busy timeout) and starts its thread, which takes turns
/// with the other writes on `writer` and ends when the last clone is dropped.
pub(super) fn start(file: &Path, writer: SqlitePool) -> Result<Queue, StoreError> {
    let conn = Connection::open(file).map_err(engine)?;
    conn.busy_timeout(Duration::from_secs(10)).map_err(engine)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
    )
    .map_err(engine)?;
    conn.set_prepared_statement_cache_capacity(16);
    let runtime = tokio::runtime::Handle::current();
    let (queue, waiting) = Queue::new();
    std::thread::Builder::new()
        .name("sqlite-purchases".into())
        .spawn(move || run(&conn, &writer, &runtime, waiting))
        .map_err(|e| StoreError::Engine(e.to_string()))?;
    Ok(queue)
}

fn run(
    conn: &Connection,
    writer: &SqlitePool,
    runtime: &tokio::runtime::Handle,
    mut queue: Waiting,
) {
    // The pool's connection is returned by a task of the runtime.
    let _context = runtime.enter();
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = queue.blocking_recv() {
        jobs.push(first);
        // The store's other writes go through sqlx's one writer connection; holding it is the
        // lock they queue for in turn. Without it the two connections would poll SQLite's
        // lock with the busy handler's sleeps, and a write that reads first would fail to
        // upgrade after a batch committed under it.
        let turn = runtime.block_on(writer.acquire());
        // While more wait, the turn is kept for a few batches (taking it costs two hand-offs
        // between threads), then given back so that the other writes are not kept waiting.
        for _ in 0..TURN_BATCHES {
            // Those who arrived meanwhile join the batch.
            while jobs.len() < MAX_BATCH {
                match queue.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            if jobs.is_empty() {
                break;
            }
            let drafts: Vec<&PurchaseDraft> = jobs.iter().map(|(d, _)| d).collect();
            let results = match &turn {
                Ok(_) => commit_batch(conn, &drafts),
                Err(e) => fail_all(drafts.len(), &e.to_string()),
            };
            for ((_, reply), result) in jobs.drain(..).zip(results) {
                // A caller that went away (its client hung up) finds its purchase by
                // replaying the key.
                let _ = reply.send(result);
            }
        }
        drop(turn);
    }
}

fn fail_all(n: usize, why: &str) -> Vec<Result<Written, StoreError>> {
    (0..n)
        .map(|_| Err(StoreError::Engine(why.to_string())))
        .collect()
}

fn engine(e: rusqlite::Error) -> StoreError {
    StoreError::Engine(e.to_string())
}

/// One transaction for `drafts`, each in a savepoint; their results once it has committed.
/// A panic inside is a failed batch, rolled back, not a dead writer.
fn commit_batch(conn: &Connection, drafts: &[&PurchaseDraft]) -> Vec<Result<Written, StoreError>> {
    let run = std::panic::AssertUnwindSafe(|| {
        conn.execute_batch("BEGIN IMMEDIATE").map_err(engine)?;
        // Whatever way this ends, the connection is left outside a transaction.
        let _guard = RollBackUnlessCommitted(conn);
        let mut results = Vec::with_capacity(drafts.len());
        for d in drafts {
            results.push(savepoint(conn, d)?);
        }
        conn.execute_batch("COMMIT").map_err(engine)?;
        Ok::<_, StoreError>(results)
    });
    match std::panic::catch_unwind(run) {
        Ok(Ok(results)) => results,
        Ok(Err(e)) => fail_all(drafts.len(), &e.to_string()),
        Err(_) => fail_all(drafts.len(), "the batch panicked"),
    }
}

struct RollBackUnlessCommitted<'c>(&'c Connection);

impl Drop for RollBackUnlessCommitted<'_> {
    fn drop(&mut self) {
        if !self.0.is_autocommit() {
            let _ = self.0.execute_batch("ROLLBACK");
        }
    }
}

/// The reservation `d` inside a savepoint: kept if written, undone if refused or failed. The
/// outer error is the batch's: a savepoint that cannot be ended, or SQLite having ended the
/// transaction itself (a full disk, an I/O error), so nothing of the batch can be kept.
fn savepoint(
    conn: &Connection,
    d: &PurchaseDraft,
) -> Result<Result<Written, StoreError>, StoreError> {
    conn.execute_batch("SAVEPOINT reservation")
        .map_err(engine)?;
    let outcome = reserve(conn, d);
    if conn.is_autocommit() {
        return Err(StoreError::Engine(
            "SQLite rolled the batch's transaction back".into(),
        ));
    }
    let end = match &outcome {
        Ok(Written::Created { .. }) => "RELEASE reservation",
        _ => "ROLLBACK TO reservation; RELEASE reservation",
    };
    conn.execute_batch(end).map_err(engine)?;
    Ok(outcome)
}

fn reserve(conn: &Connection, d: &PurchaseDraft) -> Result<Written, StoreError> {
    let now = text_time(d.now)?;
    let taken: Option<TakenRow> = conn
        .prepare_cached(r::TAKE)
        .map_err(engine)?
        .query_row(params![d.area.e4(), d.listing_id, now], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
            ))
        })
        .optional()
        .map_err(engine)?;
    let Some(taken) = taken else {
        return Ok(Written::NotTaken);
    };
    let take = Take::of(d, taken)?;
    conn.prepare_cached(r::TAKE_PARTS)
        .map_err(engine)?
        .execute(params![
            take.split.farmland.e4(),
            take.split.paddy.e4(),
            take.split.capacity_kg,
            d.listing_id
        ])
        .map_err(engine)?;
    let id: i64 = conn
        .prepare_cached(r::INSERT_PURCHASE)
        .map_err(engine)?
        .query_row(
            params![
                d.listing_id,
                d.buyer_id,
                take.seller,
                d.area.e4(),
                take.split.farmland.e4(),
                take.split.paddy.e4(),
                take.split.capacity_kg,
                take.price.fen(),
                take.amount.fen(),
                d.project.name,
                d.project.use_.wire(),
                d.project.county_code.as_str(),
                now,
                text_time(d.expires_at)?,
                d.ruleset_version,
            ],
            |row| row.get(0),
        )
        .map_err(engine)?;
    let (purchase, answer, entries) = r::reservation(d, id, &take)?;
    let stored = conn
        .prepare_cached(r::STORE_ANSWER)
        .map_err(engine)?
        .execute(params![
            d.buyer_id,
            d.idem_key,
            answer.request_sha256,
            answer.body,
            now
        ])
        .map_err(engine)?;
    if stored == 0 {
        return Ok(Written::Twin);
    }
    // Both records are of the seller county's stream.
    append_run(conn, entries.into())?;
    Ok(Written::Created {
        purchase: Box::new(purchase),
        answer,
    })
}

/// `audit_append_run!` on this connection: a run of one stream's entries, the same two
/// statements, the same hashes.
fn append_run(conn: &Connection, entries: Vec<Entry>) -> Result<(), StoreError> {
    let Some(stream) = entries.first().map(|e| e.stream.clone()) else {
        return Ok(());
    };
    let n = i64::try_from(entries.len()).unwrap_or(i64::MAX);
    let (last, prev): (i64, String) = conn
        .prepare_cached(TAKE_HEAD_BY)
        .map_err(engine)?
        .query_row(params![stream, n, GENESIS], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .map_err(engine)?;
    let rows = link(entries, last, prev);
    let mut binds: Vec<Box<dyn rusqlite::ToSql>> = Vec::with_capacity(rows.len() * 10);
    for r in &rows {
        binds.push(Box::new(r.stream.clone()));
        binds.push(Box::new(r.seq));
        binds.push(Box::new(r.object.clone()));
        binds.push(Box::new(r.actor.clone()));
        binds.push(Box::new(r.action));
        binds.push(Box::new(r.before_json.clone()));
        binds.push(Box::new(r.after_json.clone()));
        binds.push(Box::new(text_time(r.at)?));
        binds.push(Box::new(r.prev_hash.clone()));
        binds.push(Box::new(r.hash.clone()));
    }
    conn.prepare_cached(&append_records(rows.len()))
        .map_err(engine)?
        .execute(rusqlite::params_from_iter(binds))
        .map_err(engine)?;
    Ok(())
}

/// A time as sqlx binds it on SQLite (RFC 3339, UTC, whole seconds), so that text comparison
/// orders like time and every reader decodes it.
fn text_time(t: time::OffsetDateTime) -> Result<String, StoreError> {
    db_time(t)
        .format(&Rfc3339)
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

//! Purchases on PostgreSQL by group commit. Every purchase of a county appends to the county's
//! audit chain, whose head row is locked from the append to the commit: one purchase at a
//! time per county, each waiting for the previous one's `fsync` (at 8 clients, 266 of 500
//! samples of the active queries waited on that lock). So each instance queues its
//! reservations for one task, which writes all that wait (up to [`MAX_BATCH`]) in one
//! transaction: the listings locked in the order of their ids, then each county's chain
//! moved on once for all of the batch's records. Nobody is answered before the commit.
//!
//! A batch that fails (a broken row, a key a twin on another instance stored meanwhile, a
//! deadlock) is rolled back whole, and its purchases are then written one transaction each
//! ([`write_alone`]), so one bad purchase fails alone. The statements are those SQLite runs
//! ([`super::reservation`]), the last three in one round trip.

use std::collections::{BTreeMap, HashSet};

use sqlx::postgres::PgPool;

use super::error::StoreError;
use super::reservation::{self as r, Queue, Take, TakenRow, Waiting, Written};
use super::rows::db_time;
use super::types::{PurchaseDraft, StoredAnswer};
use crate::audit::Entry;

/// The most reservations one transaction takes.
const MAX_BATCH: usize = 64;

/// Starts the task that writes batches through `pool`; it ends when the last clone is
/// dropped.
pub(super) fn start(pool: PgPool) -> Queue {
    let (queue, waiting) = Queue::new();
    tokio::spawn(run(pool, waiting));
    queue
}

async fn run(pool: PgPool, mut queue: Waiting) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let (drafts, replies): (Vec<_>, Vec<_>) = jobs.drain(..).unzip();
        let n = drafts.len();
        // In a task of its own: a panic fails this batch, not every purchase after it.
        let results = tokio::spawn(write_all(pool.clone(), drafts))
            .await
            .unwrap_or_else(|_| {
                (0..n)
                    .map(|_| Err(StoreError::Engine("the batch panicked".into())))
                    .collect()
            });
        for (reply, result) in replies.into_iter().zip(results) {
            let _ = reply.send(result);
        }
    }
}

/// The results of `drafts`, in their order.
async fn write_all(pool: PgPool, drafts: Vec<PurchaseDraft>) -> Vec<Result<Written, StoreError>> {
    // A second copy of a key waits for the first's outcome: it is written alone after the
    // batch, where the stored answer (or its absence) decides.
    let mut keys = HashSet::new();
    let (batch, copies): (Vec<usize>, Vec<usize>) =
        (0..drafts.len()).partition(|&n| keys.insert((drafts[n].buyer_id, &drafts[n].idem_key)));
    let mut results: Vec<Option<Result<Written, StoreError>>> =
        (0..drafts.len()).map(|_| None).collect();
    let first: Vec<&PurchaseDraft> = batch.iter().map(|&n| &drafts[n]).collect();
    let written = match first.as_slice() {
        [one] => vec![write_alone(&pool, one).await],
        _ => match write_batch(&pool, &first).await {
            Ok(written) => written,
            Err(e) => {
                tracing::warn!(error = %e, purchases = first.len(), "a batch of purchases was rolled back; writing them one by one");
                let mut written = Vec::with_capacity(first.len());
                for d in &first {
                    written.push(write_alone(&pool, d).await);
                }
                written
            }
        },
    };
    for (n, result) in batch.into_iter().zip(written) {
        results[n] = Some(result);
    }
    for n in copies {
        results[n] = Some(write_alone(&pool, &drafts[n]).await);
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(StoreError::Corrupt("a purchase went unwritten".into()))))
        .collect()
}

/// Everything in `drafts` in one transaction, or an error and nothing written.
async fn write_batch(
    pool: &PgPool,
    drafts: &[&PurchaseDraft],
) -> Result<Vec<Result<Written, StoreError>>, StoreError> {
    // Listings locked in the order of their ids, chains in the order of their names: two
    // instances' batches never wait for each other in a circle.
    let mut order: Vec<usize> = (0..drafts.len()).collect();
    order.sort_by_key(|&n| (drafts[n].listing_id, n));
    let mut results: Vec<Option<Written>> = (0..drafts.len()).map(|_| None).collect();
    let mut chains: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
    let mut tx = pool.begin().await?;
    for n in order {
        let d = drafts[n];
        let written = match take(&mut tx, d).await? {
            None => Written::NotTaken,
            Some((take, id)) => {
                let Some((purchase, answer, entries)) = insert(&mut tx, d, &take, id).await? else {
                    return Err(StoreError::Engine(
                        "a twin on another instance stored the key first".into(),
                    ));
                };
                for entry in entries {
                    chains.entry(entry.stream.clone()).or_default().push(entry);
                }
                Written::Created {
                    purchase: Box::new(purchase),
                    answer,
                }
            }
        };
        results[n] = Some(written);
    }
    for (_, entries) in chains {
        crate::store::sql::audit::audit_append_run!(tx, entries);
    }
    tx.commit().await?;
    Ok(results
        .into_iter()
        .map(|w| {
            w.ok_or_else(|| StoreError::Corrupt("a purchase of the batch went unwritten".into()))
        })
        .collect())
}

/// A reservation in one transaction of its own. The first statement writes: the stock check
/// and the decrement are one step.
pub(super) async fn write_alone(pool: &PgPool, d: &PurchaseDraft) -> Result<Written, StoreError> {
    let mut tx = pool.begin().await?;
    let Some((take, id)) = take(&mut tx, d).await? else {
        tx.rollback().await?;
        return Ok(Written::NotTaken);
    };
    let Some((purchase, answer, [reserved, taken])) = insert(&mut tx, d, &take, id).await? else {
        // A twin with the same key committed first: undo ours.
        tx.rollback().await?;
        return Ok(Written::Twin);
    };
    // Both records are of the seller county's stream.
    crate::store::sql::audit::audit_append_run!(tx, vec![reserved, taken]);
    tx.commit().await?;
    Ok(Written::Created {
        purchase: Box::new(purchase),
        answer,
    })
}

type Tx = sqlx::Transaction<'static, sqlx::Postgres>;

/// [`r::TAKE`], answering also the id the purchase will have (drawn from its sequence), so
/// that its answer is ready before it is written.
static TAKE_WITH_ID: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "{}, nextval(pg_get_serial_sequence('purchases', 'id'))",
        r::TAKE
    )
});

/// [`r::TAKE_PARTS`], [`r::INSERT_PURCHASE`] (with its id) and [`r::STORE_ANSWER`] in one
/// statement, one round trip; affects no row when a twin with the same key committed first
/// (and then the caller rolls back). Binds: farmland, paddy, capacity, listing, id, buyer,
/// seller, area, price, amount, project name, use and county, now, expiry, rule versions,
/// key, request digest, answer.
const WRITE: &str = "WITH parts AS (UPDATE listings SET \
     remaining_farmland_e4_mu = remaining_farmland_e4_mu - $1, \
     remaining_paddy_e4_mu = remaining_paddy_e4_mu - $2, \
     remaining_capacity_kg = remaining_capacity_kg - $3, \
     status = CASE WHEN remaining_e4_mu = 0 THEN 'sold_out' ELSE status END WHERE id = $4), \
     purchase AS (INSERT INTO purchases (id, listing_id, buyer_id, seller_county_code, \
     area_e4_mu, farmland_e4_mu, paddy_e4_mu, grain_capacity_kg, price_fen_per_mu, amount_fen, \
     status, project_name, project_use, project_county_code, created_at, expires_at, \
     ruleset_version) VALUES ($5, $4, $6, $7, $8, $1, $2, $3, $9, $10, 'reserved', $11, $12, \
     $13, $14, $15, $16)) \
     INSERT INTO idempotency_keys (user_id, idem_key, request_sha256, response_status, \
     response_body, created_at) VALUES ($6, $17, $18, 201, $19, $14) \
     ON CONFLICT (user_id, idem_key) DO NOTHING";

async fn take(tx: &mut Tx, d: &PurchaseDraft) -> Result<Option<(Take, i64)>, StoreError> {
    let taken: Option<(i64, i64, i64, i64, i64, String, i64)> =
        sqlx::query_as(sqlx::AssertSqlSafe(TAKE_WITH_ID.as_str()))
            .bind(d.area.e4())
            .bind(d.listing_id)
            .bind(db_time(d.now))
            .fetch_optional(&mut **tx)
            .await?;
    taken
        .map(|(after, farmland, paddy, capacity, price, seller, id)| {
            let row: TakenRow = (after, farmland, paddy, capacity, price, seller);
            Take::of(d, row).map(|take| (take, id))
        })
        .transpose()
}

/// The purchase `id`, its answer and its records, written; `None` (nothing kept once the
/// caller rolls back) when a twin with the same key committed first.
async fn insert(
    tx: &mut Tx,
    d: &PurchaseDraft,
    take: &Take,
    id: i64,
) -> Result<Option<(quota_shared::api::Purchase, StoredAnswer, [Entry; 2])>, StoreError> {
    let (purchase, answer, entries) = r::reservation(d, id, take)?;
    let stored = sqlx::query(WRITE)
        .bind(take.split.farmland.e4())
        .bind(take.split.paddy.e4())
        .bind(take.split.capacity_kg)
        .bind(d.listing_id)
        .bind(id)
        .bind(d.buyer_id)
        .bind(&take.seller)
        .bind(d.area.e4())
        .bind(take.price.fen())
        .bind(take.amount.fen())
        .bind(&d.project.name)
        .bind(d.project.use_.wire())
        .bind(d.project.county_code.as_str())
        .bind(db_time(d.now))
        .bind(db_time(d.expires_at))
        .bind(&d.ruleset_version)
        .bind(&d.idem_key)
        .bind(&answer.request_sha256)
        .bind(&answer.body)
        .execute(&mut **tx)
        .await?;
    Ok((stored.rows_affected() == 1).then_some((purchase, answer, entries)))
}

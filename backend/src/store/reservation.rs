//! A purchase's reservation as both stores write it: the statements, in the order they run
//! inside one transaction, and the plain steps between them (the take's split, the purchase
//! answered and stored for replays, its two audit records). Each database writes them in
//! batches: SQLite statement by statement (`sqlite_writer`, rusqlite), PostgreSQL with the
//! last three joined into one round trip (`pg_writer`, sqlx). The story tests run on both.
//! [`Queue`] is how a request hands its reservation to either writer.

use quota_shared::api::Purchase;
use quota_shared::{Money, UnitPrice};

use tokio::sync::{mpsc, oneshot};

use super::error::StoreError;
use super::rows::{TakeSplit, reserved_purchase, split_take};
use super::types::{PurchaseDraft, StoredAnswer};
use crate::audit::Entry;

/// The stock check and the decrement in one step; binds: area (e4), listing id, now. A
/// listing past its closing time has expired even if the scheduler has not said so. Returns
/// what [`TakenRow`] holds.
pub(crate) const TAKE: &str = "UPDATE listings SET remaining_e4_mu = remaining_e4_mu - $1 \
     WHERE id = $2 AND channel = 'county' AND status = 'open' AND remaining_e4_mu >= $1 \
     AND (closes_at IS NULL OR closes_at > $3) AND (opens_at IS NULL OR opens_at <= $3) \
     RETURNING remaining_e4_mu, remaining_farmland_e4_mu, remaining_paddy_e4_mu, \
     remaining_capacity_kg, price_fen_per_mu, county_code";

/// The take's farmland, paddy and capacity; binds: the three parts, listing id.
pub(crate) const TAKE_PARTS: &str = "UPDATE listings SET \
     remaining_farmland_e4_mu = remaining_farmland_e4_mu - $1, \
     remaining_paddy_e4_mu = remaining_paddy_e4_mu - $2, \
     remaining_capacity_kg = remaining_capacity_kg - $3, \
     status = CASE WHEN remaining_e4_mu = 0 THEN 'sold_out' ELSE status END WHERE id = $4";

/// The reserved purchase; returns its id. (PostgreSQL joins this, [`TAKE_PARTS`] and
/// [`STORE_ANSWER`] into one statement of its own, `pg_writer`.)
pub(crate) const INSERT_PURCHASE: &str = "INSERT INTO purchases (listing_id, buyer_id, \
     seller_county_code, area_e4_mu, farmland_e4_mu, paddy_e4_mu, grain_capacity_kg, \
     price_fen_per_mu, amount_fen, status, project_name, project_use, project_county_code, \
     created_at, expires_at, ruleset_version) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'reserved', $10, $11, $12, $13, $14, $15) \
     RETURNING id";

/// The answer kept for replays; binds: buyer, key, request digest, body, now. Affects no row
/// when a twin with the same key committed first.
pub(crate) const STORE_ANSWER: &str = "INSERT INTO idempotency_keys (user_id, idem_key, \
     request_sha256, response_status, response_body, created_at) \
     VALUES ($1, $2, $3, 201, $4, $5) ON CONFLICT (user_id, idem_key) DO NOTHING";

/// The row [`TAKE`] returns: remaining after, farmland, paddy and capacity left, price, seller.
pub(crate) type TakenRow = (i64, i64, i64, i64, i64, String);

/// What was taken from the listing, ready to insert.
#[derive(Debug, Clone)]
pub(crate) struct Take {
    pub before_e4: i64,
    pub after_e4: i64,
    pub split: TakeSplit,
    pub price: UnitPrice,
    pub amount: Money,
    pub seller: String,
}

impl Take {
    /// The take that [`TAKE`] answered for the draft `d`.
    pub(crate) fn of(d: &PurchaseDraft, row: TakenRow) -> Result<Self, StoreError> {
        let (after_e4, farmland_left, paddy_left, capacity_left, price_fen, seller) = row;
        let before_e4 = after_e4 + d.area.e4();
        let split = split_take(d.area, before_e4, farmland_left, paddy_left, capacity_left)?;
        let price =
            UnitPrice::from_fen(price_fen).map_err(|_| StoreError::Corrupt("price".into()))?;
        let amount = price
            .amount_for(d.area)
            .map_err(|_| StoreError::Corrupt("amount overflow".into()))?;
        Ok(Self {
            before_e4,
            after_e4,
            split,
            price,
            amount,
            seller,
        })
    }
}

/// The purchase `id` as answered, its answer serialised once (stored for replays and sent as
/// it is), and its two audit records (the purchase, the listing's remaining).
pub(crate) fn reservation(
    d: &PurchaseDraft,
    id: i64,
    take: &Take,
) -> Result<(Purchase, StoredAnswer, [Entry; 2]), StoreError> {
    let seller = take
        .seller
        .parse()
        .map_err(|_| StoreError::Corrupt("seller".into()))?;
    let purchase = reserved_purchase(d, id, seller, take.split, take.price, take.amount);
    let answer = StoredAnswer::created(&purchase, &d.request_sha256)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let entries = [
        super::payloads::purchase_reserved(&purchase, &d.buyer_username, d.now)?,
        super::payloads::listing_taken(
            &take.seller,
            d.listing_id,
            take.before_e4,
            take.after_e4,
            &d.buyer_username,
            d.now,
        ),
    ];
    Ok((purchase, answer, entries))
}

/// What the write of a reservation did; the store words a refusal afterwards, from reads.
#[derive(Debug)]
pub(crate) enum Written {
    /// Committed: the purchase and its answer.
    Created {
        purchase: Box<Purchase>,
        answer: StoredAnswer,
    },
    /// The conditional take found the listing not open or short of area; nothing written.
    NotTaken,
    /// A twin with the same key committed first; ours was undone.
    Twin,
}

/// Where a writer answers a queued reservation.
pub(crate) type Reply = oneshot::Sender<Result<Written, StoreError>>;

/// The reservations waiting for a writer, in order.
pub(crate) type Waiting = mpsc::Receiver<(PurchaseDraft, Reply)>;

/// How many reservations may wait for their batch before a request waits to join the queue.
const QUEUE: usize = 1024;

/// The queue of reservations for a database's writer (`sqlite_writer`, `pg_writer`); cheap to
/// clone. The writer ends when the last clone is dropped.
#[derive(Clone, Debug)]
pub(crate) struct Queue {
    jobs: mpsc::Sender<(PurchaseDraft, Reply)>,
}

impl Queue {
    /// A queue and the end its writer reads.
    pub(crate) fn new() -> (Self, Waiting) {
        let (jobs, waiting) = mpsc::channel(QUEUE);
        (Self { jobs }, waiting)
    }

    /// Writes the reservation `d` in the writer's next batch; answers once that batch has
    /// committed.
    pub(crate) async fn write(&self, d: &PurchaseDraft) -> Result<Written, StoreError> {
        let stopped = || StoreError::Engine("the purchase writer stopped".into());
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send((d.clone(), reply))
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

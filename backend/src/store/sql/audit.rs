//! The audit log in the store: `audit_append!` links and hashes a record inside the
//! transaction of the change; reads for `audit verify` and an object's history.
//!
//! SQL and binds for [`Store`](crate::store::contract::Store), written once for both databases
//! (see [`crate::store::sql`]) and expanded into each store's `impl` by `impl_audit!`.

/// Appends an audit [`crate::audit::Entry`] inside the transaction `$tx` of a change: takes
/// the stream's head row (creating it on first use), links and hashes the record, stores both
/// (a run of one: [`audit_append_run!`]). Heads are always taken last in a transaction, so
/// they never join a lock cycle.
macro_rules! audit_append {
    ($tx:expr, $entry:expr) => {{
        let entry: $crate::audit::Entry = $entry;
        $crate::store::sql::audit::audit_append_run!($tx, vec![entry]);
    }};
}

pub(crate) use audit_append;

/// Appends a run of entries of one stream (`$entries`, a `Vec<Entry>` in order) inside `$tx`
/// with two statements whatever their number: the head moved on by all of them, then every
/// record in one insert. The head's row lock is held from the first to the commit, so fewer
/// statements after it mean less waiting for the next writer of the stream.
macro_rules! audit_append_run {
    ($tx:expr, $entries:expr) => {{
        let entries: Vec<$crate::audit::Entry> = $entries;
        if let Some(stream) = entries.first().map(|e| e.stream.clone()) {
            debug_assert!(entries.iter().all(|e| e.stream == stream), "one stream");
            let n = i64::try_from(entries.len()).unwrap_or(i64::MAX);
            let (last, prev): (i64, String) =
                sqlx::query_as($crate::store::sql::audit::TAKE_HEAD_BY)
                    .bind(&stream)
                    .bind(n)
                    .bind($crate::audit::GENESIS)
                    .fetch_one(&mut *$tx)
                    .await?;
            let rows = $crate::store::sql::audit::link(entries, last, prev);
            let sql = $crate::store::sql::audit::append_records(rows.len());
            let mut insert = sqlx::query(sqlx::AssertSqlSafe(sql));
            for r in rows {
                insert = insert
                    .bind(r.stream)
                    .bind(r.seq)
                    .bind(r.object)
                    .bind(r.actor)
                    .bind(r.action)
                    .bind(r.before_json)
                    .bind(r.after_json)
                    .bind(r.at)
                    .bind(r.prev_hash)
                    .bind(r.hash);
            }
            insert.execute(&mut *$tx).await?;
        }
    }};
}

pub(crate) use audit_append_run;

/// Takes a stream's head for a run of records: created on the stream's first record (the
/// hash before it the genesis), else moved on by their number. Binds: stream, how many,
/// genesis; answers the last seq of the run and the hash before it.
pub(crate) const TAKE_HEAD_BY: &str = "INSERT INTO audit_heads (stream, seq, hash) \
     VALUES ($1, $2, $3) ON CONFLICT (stream) DO UPDATE SET seq = audit_heads.seq + $2 \
     RETURNING seq, hash";

/// The insert of `n` records (at least one), binds as for [`APPEND_RECORD`], record after
/// record. The trigger moves the head's hash to each as it is written.
pub(crate) fn append_records(n: usize) -> String {
    let mut sql = APPEND_RECORD.to_string();
    for k in 1..n {
        let p = |i: usize| format!("${}", k * 10 + i);
        sql.push_str(&format!(
            ", ({}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            p(1),
            p(2),
            p(3),
            p(4),
            p(5),
            p(6),
            p(7),
            p(8),
            p(9),
            p(10)
        ));
    }
    sql
}

/// A record ready to insert: an [`crate::audit::Entry`] given its place in its stream and its hash.
#[derive(Debug, Clone)]
pub(crate) struct Linked {
    pub stream: String,
    pub seq: i64,
    pub object: String,
    pub actor: String,
    pub action: &'static str,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    /// As bound (UTC, whole seconds): what the hash covers.
    pub at: time::OffsetDateTime,
    pub prev_hash: String,
    pub hash: String,
}

/// Links a run of `entries` of one stream behind its head: the head, moved on by their number,
/// now stands at `last`, and `prev` is the hash of the record before the run.
pub(crate) fn link(entries: Vec<crate::audit::Entry>, last: i64, prev: String) -> Vec<Linked> {
    let first = last - i64::try_from(entries.len()).unwrap_or(i64::MAX) + 1;
    let mut prev = prev;
    entries
        .into_iter()
        .zip(first..)
        .map(|(entry, seq)| {
            let at = crate::store::rows::db_time(entry.at);
            let (before_json, after_json) = entry.json_texts();
            let hash = crate::audit::record_hash(
                &prev,
                &entry.stream,
                seq,
                &entry.object,
                &entry.actor,
                entry.action.wire(),
                before_json.as_deref(),
                after_json.as_deref(),
                at,
            );
            let prev_hash = std::mem::replace(&mut prev, hash.clone());
            Linked {
                stream: entry.stream,
                seq,
                object: entry.object,
                actor: entry.actor,
                action: entry.action.wire(),
                before_json,
                after_json,
                at,
                prev_hash,
                hash,
            }
        })
        .collect()
}

/// The record itself; the head takes its hash by trigger (migration 0018). Binds: stream, seq,
/// object, actor, action, before, after, at, previous hash, hash.
pub(crate) const APPEND_RECORD: &str = "INSERT INTO audit_log (stream, seq, object, actor, \
     action, before_json, after_json, at, prev_hash, hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/// The audit methods of the `Store` trait, for a store type with a `pool` (reads) and a `writer` (writes).
macro_rules! impl_audit {
    () => {
        #[tracing::instrument(skip_all)]
        async fn audit_snapshot(&self) -> Result<$crate::store::types::AuditSnapshot, StoreError> {
            // One snapshot for the log and the tables, so a change committed while they are
            // read is either in both or in neither. SQLite's read transaction is one already.
            let mut tx = self.pool.begin().await?;
            if self.kind() == "postgres" {
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(&mut *tx)
                    .await?;
            }
            let records: Vec<$crate::audit::Stored> = sqlx::query_as(
                "SELECT id, stream, seq, object, actor, action, before_json, after_json, at, prev_hash, hash \
                 FROM audit_log ORDER BY stream, seq",
            )
            .fetch_all(&mut *tx)
            .await?;
            let heads: Vec<(String, i64, String)> =
                sqlx::query_as("SELECT stream, seq, hash FROM audit_heads ORDER BY stream")
                    .fetch_all(&mut *tx)
                    .await?;
            let live = $crate::reconcile::LiveState {
                listings: sqlx::query_as(
                    "SELECT l.id, l.county_code, l.channel, l.status, l.area_e4_mu AS area_e4, \
                     l.remaining_e4_mu AS remaining_e4, l.price_fen_per_mu AS price_fen, \
                     l.start_total_fen, l.bid_count, l.high_bid_fen, u.username AS high_bidder \
                     FROM listings l LEFT JOIN users u ON u.id = l.high_bidder_id ORDER BY l.id",
                )
                .fetch_all(&mut *tx)
                .await?,
                purchases: sqlx::query_as(
                    "SELECT p.id, p.listing_id, p.seller_county_code, u.username AS buyer, p.kind, p.status, \
                     p.area_e4_mu AS area_e4, p.price_fen_per_mu AS price_fen, p.amount_fen, p.confirmation_no, \
                     p.bank_reference, p.used_e4_mu AS used_e4, p.expires_at, p.settled_at \
                     FROM purchases p LEFT JOIN users u ON u.id = p.buyer_id ORDER BY p.id",
                )
                .fetch_all(&mut *tx)
                .await?,
                organisations: sqlx::query_as(
                    "SELECT id, name, uscc, status, kind, regional_bidder FROM organisations o \
                     WHERE COALESCE(reviewed_by, '') <> 'migration' OR EXISTS (SELECT 1 FROM audit_log a \
                     WHERE a.object = 'organisation:' || CAST(o.id AS TEXT) AND a.action IN ('organisation_registered', \
                     'organisation_approved', 'organisation_rejected', 'organisation_changed')) ORDER BY id",
                )
                .fetch_all(&mut *tx)
                .await?,
                allocations: sqlx::query_as(
                    "SELECT id, county_code, year, use_name, amount_fen, disbursed_fen, note \
                     FROM allocations ORDER BY id",
                )
                .fetch_all(&mut *tx)
                .await?,
                disbursements: sqlx::query_as(
                    "SELECT id, allocation_id, amount_fen, voucher_no, bank_reference FROM disbursements ORDER BY id",
                )
                .fetch_all(&mut *tx)
                .await?,
                accounts: sqlx::query_as(
                    "SELECT username, role, county_code, regional_bidder, disabled, password_hash, \
                     must_change_password FROM users ORDER BY id",
                )
                .fetch_all(&mut *tx)
                .await?,
                projects: sqlx::query_as(
                    "SELECT id, county_code, registration_no, status, reclaimed_e4_mu AS reclaimed_e4, \
                     farmland_e4_mu AS farmland_e4, paddy_e4_mu AS paddy_e4, local_use_e4_mu AS local_use_e4, \
                     committed_e4_mu AS committed_e4, serial_cursor, plots_e4_mu AS plots_e4, \
                     (SELECT CAST(SUM(pp.area_e4_mu) AS BIGINT) FROM project_plots pp \
                      WHERE pp.project_id = reclamation_projects.id) AS plots_sum_e4 \
                     FROM reclamation_projects ORDER BY id",
                )
                .fetch_all(&mut *tx)
                .await?,
                sources: sqlx::query_as(
                    "SELECT listing_id, position, project_id, area_e4_mu AS area_e4, held_e4_mu AS held_e4, \
                     issued_e4_mu AS issued_e4 FROM listing_sources ORDER BY listing_id, position",
                )
                .fetch_all(&mut *tx)
                .await?,
                ranges: sqlx::query_as(
                    "SELECT project_id, first_unit, last_unit, purchase_id, listing_id FROM serial_ranges \
                     ORDER BY project_id, first_unit",
                )
                .fetch_all(&mut *tx)
                .await?,
                proceeds_totals: sqlx::query_as(
                    "SELECT county_code, year, sold_e4_mu AS sold_e4, amount_fen FROM proceeds_totals \
                     ORDER BY county_code, year",
                )
                .fetch_all(&mut *tx)
                .await?,
            };
            tx.rollback().await?;
            Ok($crate::store::types::AuditSnapshot { records, heads, live })
        }

        #[tracing::instrument(skip_all)]
        async fn audit_of(&self, object: &str) -> Result<Vec<$crate::audit::Stored>, StoreError> {
            Ok(sqlx::query_as(
                "SELECT id, stream, seq, object, actor, action, before_json, after_json, at, prev_hash, hash \
                 FROM audit_log WHERE object = $1 ORDER BY at, id",
            )
            .bind(object)
            .fetch_all(&self.pool)
            .await?)
        }
    };
}

pub(crate) use impl_audit;

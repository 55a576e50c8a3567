//! PostgreSQL through sqlx, for a region running several stateless backend instances on one
//! database. Migrations: `migrations/postgres`. Migrations take an advisory lock (sqlx), so
//! instances starting together do not race.

use std::time::Duration;

use quota_shared::jurisdiction::Jurisdiction;
use quota_shared::rules::FloorVersion;
use sqlx::postgres::{PgPool, PgPoolOptions};

use super::cache::Fresh;
use super::contract::Store;
use super::error::StoreError;
use super::reservation::Queue;
use super::types::SchedulerTurn;

/// The key of the advisory lock the scheduler's turn holds ("QXSCHED" in ASCII), so that
/// of several instances on one database one runs the due work at a time.
const SCHEDULER_LOCK: i64 = 0x0051_5853_4348_4544;

#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
    /// Writes go through the same pool: PostgreSQL locks rows, not the database.
    writer: PgPool,
    /// The counties and districts (`store::cache`).
    units: Fresh<Vec<Jurisdiction>>,
    /// Reservations, written in batches (`store::pg_writer`).
    purchases: Queue,
}

/// How long a pooled connection may wait unused before it is pinged ahead of its next use.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(1);

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        // One direct connection first, so a wrong host or password reports the server's own
        // words instead of a pool timeout.
        use sqlx::Connection;
        sqlx::PgConnection::connect(url).await?.close().await?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            // sqlx pings every connection as it goes back to the pool. Pinging it again
            // before each use was a second round trip for every statement, about a tenth of
            // the servers' processor time per purchase (docs/benchmarks.md). Only a
            // connection that has waited in the pool for a second is pinged before it is used
            // (a restarted server closes them all); a failed ping closes it, and the pool
            // opens a new one.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= IDLE_BEFORE_PING {
                        use sqlx::Connection;
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        Ok(Self {
            purchases: super::pg_writer::start(pool.clone()),
            writer: pool.clone(),
            pool,
            units: Fresh::new(),
        })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// A reservation, in this instance's next batch (`store::pg_writer`).
    async fn write_reservation(
        &self,
        d: &super::types::PurchaseDraft,
    ) -> Result<super::reservation::Written, StoreError> {
        self.purchases.write(d).await
    }
}

impl Store for PgStore {
    fn kind(&self) -> &'static str {
        "postgres"
    }

    async fn migrate(
        &self,
        units: &[Jurisdiction],
        floors: &[FloorVersion],
    ) -> Result<(), StoreError> {
        sqlx::migrate!("./migrations/postgres")
            .run(&self.pool)
            .await?;
        self.seed_reference(units, floors).await
    }

    async fn scheduler_turn(&self) -> Result<Option<SchedulerTurn>, StoreError> {
        let mut tx = self.writer.begin().await?;
        let (held,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_xact_lock($1)")
            .bind(SCHEDULER_LOCK)
            .fetch_one(&mut *tx)
            .await?;
        if held {
            Ok(Some(SchedulerTurn::Postgres(tx)))
        } else {
            tx.rollback().await?;
            Ok(None)
        }
    }

    crate::store::sql::reference::impl_reference!();
    crate::store::sql::reference::impl_pool_and_migrations!("./migrations/postgres");
    crate::store::sql::accounts::impl_accounts!();
    crate::store::sql::listings::impl_listings!();
    crate::store::sql::listings::impl_listings_page!();
    crate::store::sql::purchases::impl_purchases!();
    crate::store::sql::auctions::impl_auctions!();
    crate::store::sql::holdings::impl_holdings!();
    crate::store::sql::finance::impl_finance!();
    crate::store::sql::audit::impl_audit!();
    crate::store::sql::rules::impl_rules!();
    crate::store::sql::objections::impl_objections!();
    crate::store::sql::projects::impl_projects!();
    crate::store::sql::serials::impl_serials!();
    crate::store::sql::organisations::impl_organisations!();
}

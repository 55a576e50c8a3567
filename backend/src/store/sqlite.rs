//! The embedded default: SQLite through sqlx, in WAL mode with a busy timeout so readers never
//! block the single writer. Migrations: `migrations/sqlite`.

use std::str::FromStr;
use std::time::Duration;

use quota_shared::jurisdiction::Jurisdiction;
use quota_shared::rules::FloorVersion;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::cache::Fresh;
use super::contract::Store;
use super::error::StoreError;
use super::reservation::Queue;
use super::types::SchedulerTurn;

#[derive(Clone, Debug)]
pub struct SqliteStore {
    /// Readers: in WAL mode they never wait for the writer.
    pool: SqlitePool,
    /// The one connection every write but a reservation goes through. SQLite has one write
    /// lock per file; writers queue here (in order, without sleeping) instead of polling the
    /// lock with the busy handler's growing sleeps.
    writer: SqlitePool,
    /// Reservations, written in batches by a thread with a connection of its own.
    purchases: Queue,
    /// The counties and districts (`store::cache`).
    units: Fresh<Vec<Jurisdiction>>,
    /// Pages of listings, read without sqlx's per-row hand-offs.
    readers: super::sqlite_reader::Readers,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // A 2xx means durable: every commit reaches the disk before we answer.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        if url.contains(":memory:") || url.contains("mode=memory") {
            // Each connection would have a database of its own.
            return Err(StoreError::Engine(
                "不能使用内存中的 SQLite 数据库，请给出文件，例如 sqlite://data/quota-exchange.db / an in-memory SQLite database cannot be used: give a file, e.g. sqlite://data/quota-exchange.db".into(),
            ));
        }
        let file = options.get_filename().to_path_buf();
        if let Some(dir) = file.parent()
            && !dir.as_os_str().is_empty()
            && file.as_os_str() != ":memory:"
        {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Db(sqlx::Error::Io(e)))?;
        }
        if file.as_os_str() != ":memory:" && !file.exists() {
            create_private(&file).map_err(|e| StoreError::Db(sqlx::Error::Io(e)))?;
        }
        // Readers (the pages of listings have readers of their own, `store::sqlite_reader`):
        // a local file, nothing to ping before each use (a ping is one more hand-off to the
        // connection's thread), and rows enough in the channel that the connection's thread
        // does not wait for the request to take them.
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .connect_with(options.clone().row_buffer_size(512))
            .await?;
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            // A local file: nothing to ping before each turn.
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        let purchases = super::sqlite_writer::start(&file, writer.clone())?;
        Ok(Self {
            pool,
            writer,
            purchases,
            units: Fresh::new(),
            readers: super::sqlite_reader::Readers::new(&file),
        })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A reservation, in the writer's next batch (`store::sqlite_writer`).
    async fn write_reservation(
        &self,
        d: &super::types::PurchaseDraft,
    ) -> Result<super::reservation::Written, StoreError> {
        self.purchases.write(d).await
    }
}

/// Creates an empty file only its owner can read and write (0600): the database holds password
/// hashes and every trade. SQLite gives its `-wal` and `-shm` files the same mode. Fails if the
/// file exists.
pub fn create_private(path: &std::path::Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

impl Store for SqliteStore {
    fn kind(&self) -> &'static str {
        "sqlite"
    }

    async fn migrate(
        &self,
        units: &[Jurisdiction],
        floors: &[FloorVersion],
    ) -> Result<(), StoreError> {
        // On a pool of one connection of its own, closed afterwards: a migration that switches
        // foreign keys off for a table rebuild (0008) never hands that connection to a request.
        let own = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with((*self.pool.connect_options()).clone())
            .await?;
        let migrated = sqlx::migrate!("./migrations/sqlite").run(&own).await;
        own.close().await;
        migrated?;
        self.seed_reference(units, floors).await
    }

    /// One process owns a SQLite file; the conditional writes are enough.
    async fn scheduler_turn(&self) -> Result<Option<SchedulerTurn>, StoreError> {
        Ok(Some(SchedulerTurn::Unshared))
    }

    crate::store::sql::reference::impl_reference!();
    crate::store::sql::reference::impl_pool_and_migrations!("./migrations/sqlite");
    crate::store::sql::accounts::impl_accounts!();
    crate::store::sql::listings::impl_listings!();

    #[tracing::instrument(skip_all)]
    async fn listings_page(
        &self,
        filter: &super::types::ListingFilter,
        now: time::OffsetDateTime,
        after: Option<(time::OffsetDateTime, i64)>,
        limit: usize,
    ) -> Result<Vec<quota_shared::api::Listing>, StoreError> {
        self.readers.listings_page(filter, now, after, limit).await
    }

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

//! The embedded default: SQLite through sqlx, in WAL mode with a busy timeout so readers never
//! block the single writer. Migrations: `migrations/sqlite`.

use std::str::FromStr;
use std::time::Duration;

use quota_shared::api::{County, FloorPrice};
use quota_shared::jurisdiction::Jurisdiction;
use quota_shared::rules::FloorVersion;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::contract::{SchedulerTurn, Store};
use super::error::StoreError;
use super::rows::{CountyRow, county_from_row, floor_from_row};

/// Marker in `meta` that the reference data of product.md §3 was loaded once; after that the
/// administrator owns it and `migrate` does not put back what was edited away.
const REFERENCE_MARKER: &str = "reference_data_v1";

#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
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
        let file = options.get_filename();
        if let Some(dir) = file.parent()
            && !dir.as_os_str().is_empty()
            && file.as_os_str() != ":memory:"
        {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Db(sqlx::Error::Io(e)))?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
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
        sqlx::migrate!("./migrations/sqlite")
            .run(&self.pool)
            .await?;
        let mut tx = self.pool.begin().await?;
        let loaded: Option<(String,)> = sqlx::query_as("SELECT value FROM meta WHERE key = ?")
            .bind(REFERENCE_MARKER)
            .fetch_optional(&mut *tx)
            .await?;
        if loaded.is_none() {
            for u in units {
                sqlx::query(
                    "INSERT INTO jurisdictions (code, name, name_en, kind, city_code, city_name, \
                     poverty_alleviated, poverty_status_confirmed, project_rule) \
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING",
                )
                .bind(u.code.as_str())
                .bind(&u.name)
                .bind(&u.name_en)
                .bind(u.kind.wire())
                .bind(&u.city_code)
                .bind(&u.city_name)
                .bind(u.poverty_alleviated)
                .bind(u.poverty_status_confirmed)
                .bind(u.project_rule.wire())
                .execute(&mut *tx)
                .await?;
            }
            for f in floors {
                sqlx::query(
                    "INSERT INTO floor_versions (price_fen_per_mu, effective_from) VALUES (?, ?) \
                     ON CONFLICT (effective_from) DO NOTHING",
                )
                .bind(f.price_per_mu.fen())
                .bind(f.effective_from)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("INSERT INTO meta (key, value) VALUES (?, 'loaded')")
                .bind(REFERENCE_MARKER)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn counties(&self) -> Result<Vec<County>, StoreError> {
        let rows: Vec<CountyRow> = sqlx::query_as(
            "SELECT code, name, name_en, kind, city_code, city_name, poverty_alleviated, \
             poverty_status_confirmed, project_rule, base_price_fen_per_mu FROM jurisdictions ORDER BY city_code, code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(county_from_row).collect()
    }

    async fn floor_prices(&self) -> Result<Vec<FloorPrice>, StoreError> {
        let rows: Vec<(i64, time::Date)> = sqlx::query_as(
            "SELECT price_fen_per_mu, effective_from FROM floor_versions ORDER BY effective_from",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(p, d)| floor_from_row(p, d))
            .collect()
    }

    async fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM meta WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.0))
    }

    async fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn scheduler_turn(&self) -> Result<Option<SchedulerTurn>, StoreError> {
        Ok(Some(SchedulerTurn::Unshared))
    }

    crate::impl_market_store!();
}

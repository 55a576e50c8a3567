//! PostgreSQL through sqlx, for a region running several stateless backend instances on one
//! database. Migrations: `migrations/postgres`. Migrations take an advisory lock (sqlx), so
//! instances starting together do not race.

use std::time::Duration;

use quota_shared::api::{County, FloorPrice};
use quota_shared::jurisdiction::Jurisdiction;
use quota_shared::rules::FloorVersion;
use sqlx::postgres::{PgPool, PgPoolOptions};

use super::contract::{SchedulerTurn, Store};
use super::error::StoreError;
use super::rows::{CountyRow, county_from_row, floor_from_row};

/// The key of the advisory lock the scheduler's turn holds ("QXSCHED" in ASCII), so that
/// of several instances on one database one runs the due work at a time.
const SCHEDULER_LOCK: i64 = 0x0051_5853_4348_4544;

/// See the SQLite store: the reference data is loaded once, then owned by the administrator.
const REFERENCE_MARKER: &str = "reference_data_v1";

#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        // One direct connection first, so a wrong host or password reports the server's own
        // words instead of a pool timeout.
        use sqlx::Connection;
        sqlx::PgConnection::connect(url).await?.close().await?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
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
        let mut tx = self.pool.begin().await?;
        // Several instances may start at once: the marker row is the one that decides.
        let claimed = sqlx::query(
            "INSERT INTO meta (key, value) VALUES ($1, 'loaded') ON CONFLICT (key) DO NOTHING",
        )
        .bind(REFERENCE_MARKER)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if claimed {
            for u in units {
                sqlx::query(
                    "INSERT INTO jurisdictions (code, name, name_en, kind, city_code, city_name, \
                     poverty_alleviated, poverty_status_confirmed, project_rule) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (code) DO NOTHING",
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
                    "INSERT INTO floor_versions (price_fen_per_mu, effective_from) VALUES ($1, $2) \
                     ON CONFLICT (effective_from) DO NOTHING",
                )
                .bind(f.price_per_mu.fen())
                .bind(f.effective_from)
                .execute(&mut *tx)
                .await?;
            }
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
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.0))
    }

    async fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn scheduler_turn(&self) -> Result<Option<SchedulerTurn>, StoreError> {
        let mut tx = self.pool.begin().await?;
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

    crate::impl_market_store!();
}

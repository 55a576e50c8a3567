//! [`Database`]: the store chosen once at start-up from `DATABASE_URL`, and what an operator
//! does with it as a whole (connect, migrate, back up).

use quota_shared::jurisdiction;
use quota_shared::rules;

use super::contract::Store;
use super::error::StoreError;
use super::postgres::PgStore;
use super::sqlite::SqliteStore;
use crate::config::DatabaseUrl;

/// The database chosen at start-up.
#[derive(Clone)]
pub enum Database {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

/// Runs `$body` with `$store` bound to the concrete store inside a [`Database`].
#[macro_export]
macro_rules! with_store {
    ($db:expr, $store:ident => $body:expr) => {
        match $db {
            $crate::store::database::Database::Sqlite($store) => $body,
            $crate::store::database::Database::Postgres($store) => $body,
        }
    };
}

/// A failure to open the database, worded for the operator and naming `DATABASE_URL`.
#[derive(Debug, thiserror::Error)]
#[error(
    "无法打开 DATABASE_URL 指定的数据库 / cannot open the database of DATABASE_URL ({url}): {source}"
)]
pub struct ConnectError {
    url: String,
    source: StoreError,
}

impl Database {
    /// Connects (creating a SQLite file and its folder if needed). Does not migrate.
    pub async fn connect(url: &DatabaseUrl) -> Result<Self, ConnectError> {
        let wrap = |source| ConnectError {
            url: url.redacted(),
            source,
        };
        match url {
            DatabaseUrl::Sqlite(u) => SqliteStore::connect(u)
                .await
                .map(Self::Sqlite)
                .map_err(wrap),
            DatabaseUrl::Postgres(u) => PgStore::connect(u).await.map(Self::Postgres).map_err(wrap),
        }
    }

    /// A consistent copy of a SQLite database to `file` while the server runs (`VACUUM INTO`
    /// reads one snapshot; writers carry on). PostgreSQL has `pg_dump` for this.
    pub async fn backup_to(&self, file: &std::path::Path) -> Result<(), String> {
        match self {
            Database::Sqlite(s) => {
                if file.exists() {
                    return Err(format!(
                        "{} 已存在，请换一个文件名 / already exists; choose a new file",
                        file.display()
                    ));
                }
                // The copy is as private as the database: created 0600 (and empty, which
                // VACUUM INTO accepts) before it is filled.
                super::sqlite::create_private(file)
                    .map_err(|e| format!("无法创建备份文件 / cannot create the backup file: {e}"))?;
                sqlx::query("VACUUM INTO ?")
                    .bind(file.display().to_string())
                    .execute(s.pool())
                    .await
                    .map(|_| ())
                    .map_err(|e| format!("备份失败 / backup failed: {e}"))
            }
            Database::Postgres(_) => Err(
                "PostgreSQL 请用 pg_dump 备份 / on PostgreSQL use pg_dump, e.g. pg_dump -Fc \"$DATABASE_URL\" > quota-exchange.dump".into(),
            ),
        }
    }

    /// Copies a backup (`backup --to`) into place as the SQLite database of `url`, which must
    /// not exist yet: a restore never overwrites a database, live or not. The copy is 0600.
    /// The caller verifies it before anyone uses it.
    pub async fn restore_from(url: &DatabaseUrl, from: &std::path::Path) -> Result<Self, String> {
        let Some(target) = url.sqlite_path() else {
            return Err(
                "PostgreSQL 请用 pg_restore 恢复 / on PostgreSQL use pg_restore, e.g. pg_restore --no-owner -d \"$DATABASE_URL\" quota-exchange.dump".into(),
            );
        };
        let wal = std::path::PathBuf::from(format!("{}-wal", target.display()));
        for existing in [target.clone(), wal] {
            if existing.exists() {
                return Err(format!(
                    "{} 已存在，恢复不会覆盖现有数据库；请停止服务并把它移走，或把 DATABASE_URL 指向一个新文件 / already exists: a restore never overwrites a database; stop the server and move it aside, or point DATABASE_URL at a new file",
                    existing.display()
                ));
            }
        }
        let bytes = std::fs::read(from).map_err(|e| {
            format!(
                "无法读取备份 / cannot read the backup {}: {e}",
                from.display()
            )
        })?;
        if !bytes.starts_with(b"SQLite format 3\0") {
            return Err(format!(
                "{} 不是 SQLite 数据库（backup --to 的输出）/ is not a SQLite database (the output of backup --to)",
                from.display()
            ));
        }
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("无法创建目录 / cannot create {}: {e}", dir.display()))?;
        }
        super::sqlite::create_private(&target).map_err(|e| {
            format!(
                "无法创建数据库文件 / cannot create {}: {e}",
                target.display()
            )
        })?;
        std::fs::write(&target, &bytes)
            .map_err(|e| format!("无法写入 / cannot write {}: {e}", target.display()))?;
        Self::connect(url).await.map_err(|e| e.to_string())
    }

    /// Migrates and loads the reference data of the shared crate.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let units = jurisdiction::wuzhou_default();
        let floors = rules::default_floors();
        let categories = rules::default_use_categories();
        let book = rules::RuleBook::builtin();
        let now = time::OffsetDateTime::now_utc();
        with_store!(self, s => {
            s.migrate(&units, &floors).await?;
            s.seed_use_categories(&categories).await?;
            s.seed_rule_versions(&book, now).await
        })
    }
}

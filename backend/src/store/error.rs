//! [`StoreError`]: why a store call failed. Never the user's fault: the handlers turn it into a
//! 500 and log it.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A failure of SQLite called directly (the purchase writer), as its message.
    #[error("database: {0}")]
    Engine(String),
    #[error("stored value out of range: {0}")]
    Corrupt(String),
}

//! The SQL of the store, by area, written once for SQLite and PostgreSQL. It uses only what
//! both share — `$n` placeholders numbered in order of first use, `RETURNING`, `ON CONFLICT` —
//! binds every time from Rust (UTC, whole seconds, so text comparison in SQLite orders like
//! time), and keeps each action one transaction whose first statement writes: SQLite takes its
//! write lock at once and never fails a lock upgrade, and PostgreSQL re-checks the `WHERE` of
//! a conditional `UPDATE` under the row lock. The `CHECK`s of the schema are the second line.
//!
//! Each module's macro expands its methods into `impl Store for SqliteStore` and `PgStore`;
//! the arithmetic, audit payloads and row decoding they call are plain functions
//! (`store::rows`, `store::payloads`).

pub(crate) mod accounts;
pub(crate) mod auctions;
pub(crate) mod audit;
pub(crate) mod finance;
pub(crate) mod holdings;
pub(crate) mod listings;
pub(crate) mod objections;
pub(crate) mod organisations;
pub(crate) mod projects;
pub(crate) mod purchases;
pub(crate) mod reference;
pub(crate) mod rules;
pub(crate) mod serials;

//! Everything the server keeps. The [`Store`] trait ([`contract`]) has one implementation per
//! database — [`sqlite::SqliteStore`], [`postgres::PgStore`] — each with its own migrations
//! under `migrations/{sqlite,postgres}`; everything else both share is written once.
//! [`Database`] is the choice made once at start-up from `DATABASE_URL`.
//!
//! | module | what |
//! |---|---|
//! | [`error`] | `StoreError` |
//! | `cache` | reference data kept in memory for a minute |
//! | [`types`] | what the trait speaks: drafts, filters, scopes, outcomes |
//! | [`rows`] | stored rows into `quota_shared` values, effective states, the take split |
//! | `payloads` | what each change writes to the audit log |
//! | `reservation` | a purchase's reservation: its statements and the steps between them |
//! | [`contract`] | the `Store` trait |
//! | `sql` | the SQL by area (reference, accounts, listings, purchases, auctions, holdings, finance, audit) |
//! | [`sqlite`], [`postgres`] | connecting, migrations, the scheduler's lock; the SQL expanded |
//! | `sqlite_writer`, `pg_writer` | reservations by group commit, on each database |
//! | [`database`] | the store chosen from `DATABASE_URL`, backups |
//!
//! The modules import each other only downwards in this table; this file only declares and
//! re-exports.

pub(crate) mod cache;
pub mod contract;
pub mod database;
pub mod error;
pub(crate) mod payloads;
mod pg_writer;
pub mod postgres;
pub(crate) mod reservation;
pub mod rows;
pub(crate) mod sql;
pub mod sqlite;
mod sqlite_reader;
mod sqlite_writer;
pub mod types;

pub use contract::Store;
pub use database::{ConnectError, Database};
pub use error::StoreError;
pub use types::SchedulerTurn;

//! Everything the server keeps. The [`Store`] trait ([`contract`]) has one implementation per
//! database — [`sqlite::SqliteStore`], [`postgres::PgStore`] — each with its own migrations
//! under `migrations/{sqlite,postgres}`; the marketplace SQL both share is written once
//! ([`market`]). [`Database`] is the choice made once at start-up from `DATABASE_URL`.
//!
//! The modules import each other only downwards: `error` ← `market` ← `contract` ← `rows` ←
//! `sqlite`/`postgres` ← `database`; this file only declares and re-exports.

pub mod contract;
pub mod database;
pub mod error;
pub mod market;
pub mod postgres;
pub mod rows;
pub mod sqlite;

pub use contract::{SchedulerTurn, Store};
pub use database::{ConnectError, Database};
pub use error::StoreError;

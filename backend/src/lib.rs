//! Quota Exchange server: the HTTP API v1 (axum), the two stores (SQLite, PostgreSQL) and what
//! the `quota-exchange` binary runs.
//!
//! Map:
//! - [`config`]: typed [`config::Settings`] from the environment, the database URL.
//! - [`store`]: the [`store::Store`] trait and its two implementations, each with its own
//!   migrations under `migrations/{sqlite,postgres}`.
//! - [`http`]: the router, handlers and static serving of the built web app.
//! - [`error`]: [`error::ApiError`], the one error envelope of the API.
//! - [`app`]: [`app::Application`] binds first, then serves (port 0 in tests).
//! - [`demo`]: the demo data set.
//!
//! Request flow: axum route → handler (parses input into `quota_shared` types, which validate)
//! → rule checks from `quota_shared::rules` → `Store` call (one transaction per action) →
//! JSON built from `quota_shared::api` types.

pub mod accounts;
pub mod app;
pub mod audit;
pub mod auth;
pub mod config;
pub mod demo;
pub mod error;
pub mod http;
pub mod json;
pub mod openapi;
pub mod reports;
pub mod routes;
pub mod store;

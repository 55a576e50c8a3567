//! Quota Exchange server: the HTTP API v1 (axum), the two stores (SQLite, PostgreSQL), the
//! scheduler and what the `quota-exchange` binary runs. docs/ARCHITECTURE.md draws the house.
//!
//! Map, from the bottom up (each module imports only from the ones above it in this list):
//! - [`clock`]: the application's clock; tests move it forward.
//! - [`telemetry`]: the log subscriber and the request id in every log line of a request.
//! - [`config`]: typed [`config::Settings`] from the environment, the database URL.
//! - [`audit`]: the tamper-evident log's records, hashes and chain check (pure).
//! - [`meters`]: Prometheus metrics (`/metrics`): requests by route, purchases, bids, lot
//!   closes, scheduler turns, the connection pool.
//! - [`reconcile`]: the live rows compared with what the audit log says of them (pure).
//! - [`reports`]: CSV/XLSX rendering of finance tables (pure).
//! - [`store`]: the [`store::Store`] trait and its two implementations, each with its own
//!   migrations under `migrations/{sqlite,postgres}`.
//! - [`error`]: [`error::ApiError`], the one error envelope of the API.
//! - [`json`]: the JSON body extractor (400/413/422 in the envelope); [`extract`]: the path
//!   and query extractors (404/422 in the envelope).
//! - [`state`]: [`state::AppState`], what every handler shares.
//! - [`auth`]: passwords, sessions, the current-user extractor, the cross-site refusal.
//! - [`accounts`]: creating accounts (CLI, demo, administrator).
//! - [`idempotency`]: the `Idempotency-Key` extractor and the replay of a stored answer.
//! - [`scheduler`]: time-driven changes (listing expiry, lot close and award, reservation
//!   expiry), in one background task, never on a request path.
//! - [`routes`]: one module per resource, each with its router and OpenAPI paths.
//! - [`assets`]: the built web app in memory, precompressed copies by `Accept-Encoding`,
//!   caching by content-hashed name.
//! - [`headers`]: the security headers on every answer (CSP, nosniff, no framing).
//! - [`http`]: the whole router: API, `/healthz`, the built web app, middleware.
//! - [`app`]: [`app::Application`] connects, migrates, starts the scheduler, binds (port 0 in
//!   tests) and serves.
//! - [`demo`]: the demo data set.
//!
//! Request flow: axum route → handler in [`routes`] (parses input into `quota_shared` types,
//! which validate) → rule checks from `quota_shared::rules` → `Store` call (one transaction per
//! action) → JSON built from `quota_shared::api` types.

pub mod accounts;
pub mod app;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod config;
pub mod demo;
pub mod error;
pub mod extract;
pub mod headers;
pub mod http;
pub mod idempotency;
pub mod json;
pub mod meters;
pub mod plots;
pub mod reconcile;
pub mod reports;
pub mod routes;
pub mod scheduler;
pub mod sheets;
pub mod state;
pub mod store;
pub mod telemetry;

//! Prometheus metrics at `GET /metrics` (text format), recorded with the `metrics` crate and
//! rendered by `metrics-exporter-prometheus`:
//!
//! | metric | kind | labels |
//! |---|---|---|
//! | `http_requests_total` | counter | `method`, `route` (the route's pattern), `status` |
//! | `http_request_duration_seconds` | histogram | `method`, `route` |
//! | `quota_purchases_total` | counter | `outcome`: `created`, `refused` |
//! | `quota_bids_total` | counter | `outcome`: `accepted`, `refused` |
//! | `quota_lots_closed_total` | counter | `outcome`: `awarded`, `unsold` |
//! | `quota_scheduler_turn_duration_seconds` | histogram | |
//! | `quota_scheduler_last_turn_timestamp_seconds` | gauge | (lag = now − this) |
//! | `quota_scheduler_failed_items_total` | counter | |
//! | `quota_db_pool_connections` | gauge | `state`: `idle`, `in_use` |
//!
//! Routes are labelled by their pattern (`/api/v1/listings/{id}`), never by the path a client
//! sent, so the number of series stays bounded. nginx keeps `/metrics` off the public side
//! (deploy/nginx/quota-exchange.conf).

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Latency buckets in seconds: from a fast read to a slow write under load.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The process's recorder, installed on first use; `None` if another recorder was installed
/// first (metrics are then not exported, and nothing else changes).
fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &BUCKETS)
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok()?;
            Some(handle)
        })
        .as_ref()
}

/// Installs the recorder (at start, so counts begin with the process).
pub fn install() {
    let _ = handle();
}

/// Counts and times every request that matched a route, labelled by the route's pattern.
/// Added with `route_layer`, so the pattern is known.
pub async fn record(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// The text exposition of every metric, with the pool's state read now.
pub fn render(pool: (u32, u32)) -> Response {
    let (size, idle) = pool;
    metrics::gauge!("quota_db_pool_connections", "state" => "idle").set(f64::from(idle));
    metrics::gauge!("quota_db_pool_connections", "state" => "in_use")
        .set(f64::from(size.saturating_sub(idle)));
    match handle() {
        Some(h) => (
            [(
                axum::http::header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            h.render(),
        )
            .into_response(),
        None => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "metrics recorder unavailable\n",
        )
            .into_response(),
    }
}

/// A purchase answered: created or refused (409/422).
pub fn purchase(created: bool) {
    let outcome = if created { "created" } else { "refused" };
    metrics::counter!("quota_purchases_total", "outcome" => outcome).increment(1);
}

/// A bid answered: accepted or refused.
pub fn bid(accepted: bool) {
    let outcome = if accepted { "accepted" } else { "refused" };
    metrics::counter!("quota_bids_total", "outcome" => outcome).increment(1);
}

/// A scheduler turn: how long it took, what it closed, what failed.
pub fn scheduler_turn(seconds: f64, awarded: u32, unsold: u32, failed: usize) {
    metrics::histogram!("quota_scheduler_turn_duration_seconds").record(seconds);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default();
    metrics::gauge!("quota_scheduler_last_turn_timestamp_seconds").set(now);
    metrics::counter!("quota_lots_closed_total", "outcome" => "awarded")
        .increment(u64::from(awarded));
    metrics::counter!("quota_lots_closed_total", "outcome" => "unsold")
        .increment(u64::from(unsold));
    metrics::counter!("quota_scheduler_failed_items_total").increment(failed as u64);
}

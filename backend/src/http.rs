//! The router: API v1 under `/api/v1`, `/healthz`, and the built web app, read from its
//! directory at start ([`crate::assets`]; the binary serves the API even when no web app was
//! built).

use std::path::Path;

use axum::extract::{DefaultBodyLimit, OriginalUri};
use axum::http::StatusCode;
use axum::http::{HeaderName, Method};
use axum::response::{Html, IntoResponse};
use axum::{Router, middleware};
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::auth::refuse_cross_site;
use crate::error::{ApiError, localize};
use crate::headers::security_headers;
use crate::routes;
use crate::state::AppState;
use crate::store::Store;
use crate::telemetry::{REQUEST_ID, RandomRequestId, drop_unusable_request_id, request_id_of};

/// Builds the whole application for a store: `/healthz`, API v1 under `/api/v1` (with its own
/// 404 envelope and the cross-site refusal), the built web app from `static_dir`, and the
/// layers every request passes (language of errors, tracing outermost).
pub fn router<S: Store>(state: AppState<S>, static_dir: &Path) -> Router {
    let api = routes::api::<S>()
        .route_layer(middleware::from_fn(crate::meters::record))
        .fallback(api_not_found)
        // The JSON extractor enforces the size limit itself, draining oversized bodies so the
        // client receives the 413 envelope (see json::read_body).
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn(refuse_cross_site));
    let app = routes::root::<S>()
        .route_layer(middleware::from_fn(crate::meters::record))
        .nest("/api/v1", api)
        .with_state(state);
    let app = match crate::assets::Assets::load(static_dir) {
        Ok(Some(assets)) => {
            let (files, bytes) = assets.size();
            tracing::info!(dir = %static_dir.display(), files, bytes, "web app read into memory");
            app.fallback(
                move |method: Method, uri: axum::http::Uri, headers: axum::http::HeaderMap| {
                    let assets = assets.clone();
                    async move { assets.answer(&method, uri.path(), &headers).await }
                },
            )
        }
        Ok(None) => {
            tracing::warn!(dir = %static_dir.display(), "no built web app found; serving the API only");
            app.fallback(no_web_app)
        }
        Err(e) => {
            tracing::error!(dir = %static_dir.display(), error = %e, "the web app could not be read; serving the API only");
            app.fallback(no_web_app)
        }
    };
    // Outermost first: the request id is set before the trace span opens (so every log line
    // of the request carries it) and copied onto the response.
    let request_id = HeaderName::from_static(REQUEST_ID);
    app.layer(middleware::from_fn(localize))
        .layer(middleware::from_fn(security_headers))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &axum::extract::Request| {
                    tracing::info_span!(
                        "request",
                        id = %request_id_of(request),
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                })
                // One line per answered request (status and latency, in the request's span):
                // the access log.
                .on_response(
                    tower_http::trace::DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Millis),
                ),
        )
        .layer(SetRequestIdLayer::new(request_id, RandomRequestId))
        .layer(middleware::from_fn(drop_unusable_request_id))
}

async fn api_not_found(OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::not_found(
        &format!("接口 {}", uri.path()),
        &format!("Route {}", uri.path()),
    )
}

/// What `/` shows when the web app was not built: the API still works.
async fn no_web_app() -> impl IntoResponse {
    (
        StatusCode::OK,
        Html(
            "<!doctype html><meta charset=utf-8><title>增减挂钩节余指标交易平台</title>\
             <p>网页前端尚未构建（运行 <code>scripts/run.sh</code> 会构建）。接口可用：\
             <a href=/api/v1/counties>/api/v1/counties</a></p>\
             <p>The web app is not built (scripts/run.sh builds it). The API works: \
             <a href=/api/v1/counties>/api/v1/counties</a></p>",
        ),
    )
}

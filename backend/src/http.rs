//! The router: API v1 under `/api/v1`, `/healthz`, and the built web app from a directory read
//! at run time (so the binary serves the API even when no web app was built).

use std::path::Path;

use axum::extract::{DefaultBodyLimit, OriginalUri};
use axum::http::HeaderName;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::{Router, middleware};
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::{ServeDir, ServeFile};
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
    let index = static_dir.join("index.html");
    let app = if index.is_file() {
        // The build wrote each file's gzip and brotli copies beside it; the one the browser
        // accepts is sent as is, with `Content-Encoding` and `Vary: accept-encoding`.
        let files = ServeDir::new(static_dir)
            .precompressed_br()
            .precompressed_gzip()
            .fallback(
                ServeFile::new(index)
                    .precompressed_br()
                    .precompressed_gzip(),
            );
        app.fallback_service(
            tower::ServiceBuilder::new()
                .layer(middleware::from_fn(cache_control))
                .service(files),
        )
    } else {
        tracing::warn!(dir = %static_dir.display(), "no built web app found; serving the API only");
        app.fallback(no_web_app)
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

/// How long a browser keeps a file of the web app: a content-hashed name (`app.<16 hex>.js`,
/// see `scripts/lib.sh`) for a year without asking again, since a change makes a new name;
/// anything else — `index.html`, which names them, and the pages' addresses — is revalidated
/// on every visit, so a new build reaches users at once.
async fn cache_control(
    request: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let hashed = is_content_hashed(request.uri().path());
    let mut response = next.run(request).await;
    let value = if hashed && response.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static(value),
    );
    response
}

/// Whether the last segment of `path` reads `stem.<16 hex digits>.ext`.
fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let mut parts = name.rsplit('.');
    let (Some(_ext), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !stem.is_empty()
        && hash.len() == 16
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
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

#[cfg(test)]
mod tests {
    use super::is_content_hashed;

    #[test]
    fn only_names_with_a_sixteen_digit_hash_are_cached_for_good() {
        assert!(is_content_hashed("/frontend_bg.0123456789abcdef.wasm"));
        assert!(is_content_hashed("/style.fedcba9876543210.css"));
        assert!(!is_content_hashed("/index.html"));
        assert!(!is_content_hashed("/"));
        assert!(!is_content_hashed("/listings/12"));
        assert!(!is_content_hashed("/style.css"));
        assert!(!is_content_hashed("/.0123456789abcdef.css"));
        assert!(!is_content_hashed("/x.0123456789ABCDEF.css"));
        assert!(!is_content_hashed("/x.0123456789abcde.css"));
        assert!(!is_content_hashed("/x.0123456789abcdefa.css"));
    }
}

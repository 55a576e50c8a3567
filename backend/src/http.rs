//! The router: API v1 under `/api/v1`, `/healthz`, and the built web app from a directory read
//! at run time (so the binary serves the API even when no web app was built).

use std::path::Path;

use axum::extract::{DefaultBodyLimit, OriginalUri, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post, put};
use axum::{Json, Router, middleware};
use quota_shared::api::{CountiesResponse, FloorPricesResponse, Health};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

use quota_shared::auction::AuctionParams;

use crate::auth::{Clock, refuse_cross_site};
use crate::error::{ApiError, localize};
use crate::routes;
use crate::store::Store;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState<S> {
    pub store: S,
    pub clock: Clock,
    pub params: AuctionParams,
}

/// Builds the whole application for a store.
pub fn router<S: Store>(state: AppState<S>, static_dir: &Path) -> Router {
    let api = Router::new()
        .route(
            "/session",
            post(routes::login::<S>).delete(routes::logout::<S>),
        )
        .route("/me", get(routes::me))
        .route("/counties", get(counties::<S>))
        .route(
            "/counties/{code}/base-price",
            put(routes::set_base_price::<S>),
        )
        .route(
            "/floor-prices",
            get(floor_prices::<S>).post(routes::add_floor_price::<S>),
        )
        .route(
            "/listings",
            get(routes::list_listings::<S>).post(routes::create_listing::<S>),
        )
        .route("/listings/{id}", get(routes::get_listing::<S>))
        .route("/listings/{id}/bids", post(routes::place_bid::<S>))
        .route(
            "/listings/{id}/withdraw",
            post(routes::withdraw_listing::<S>),
        )
        .route(
            "/purchases",
            get(routes::list_purchases::<S>).post(routes::create_purchase::<S>),
        )
        .route("/purchases/{id}/settle", post(routes::settle_purchase::<S>))
        .route("/purchases/{id}/cancel", post(routes::cancel_purchase::<S>))
        .route("/quote", post(routes::quote::<S>))
        .route("/holdings", get(routes::list_holdings::<S>))
        .route("/holdings/uses", post(routes::record_use::<S>))
        .route("/proceeds", get(routes::proceeds::<S>))
        .route(
            "/allocations",
            get(routes::list_allocations::<S>).post(routes::allocate::<S>),
        )
        .route("/disbursements", post(routes::disburse::<S>))
        .route("/use-categories", get(routes::use_categories::<S>))
        .route("/announcements", get(routes::announcements::<S>))
        .route("/reports/{file}", get(routes::report::<S>))
        .route("/audit", get(routes::audit_of::<S>))
        .route(
            "/users",
            get(routes::list_users::<S>).post(routes::create_user::<S>),
        )
        .route(
            "/users/{username}/disabled",
            put(routes::set_user_disabled::<S>),
        )
        .route("/rules", get(routes::rules_catalog))
        .route("/audit/verify", get(routes::audit_verify::<S>))
        .route("/openapi.json", get(openapi_json))
        .fallback(api_not_found)
        // The JSON extractor enforces the size limit itself, draining oversized bodies so the
        // client receives the 413 envelope (see json::read_body).
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn(refuse_cross_site));
    let app = Router::new()
        .route("/healthz", get(healthz::<S>))
        .nest("/api/v1", api)
        .with_state(state);
    let index = static_dir.join("index.html");
    let app = if index.is_file() {
        app.fallback_service(ServeDir::new(static_dir).fallback(ServeFile::new(index)))
    } else {
        tracing::warn!(dir = %static_dir.display(), "no built web app found; serving the API only");
        app.fallback(no_web_app)
    };
    app.layer(middleware::from_fn(localize))
        .layer(TraceLayer::new_for_http())
}

#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, body = Health)))]
#[tracing::instrument(skip_all)]
pub async fn healthz<S: Store>(State(state): State<AppState<S>>) -> Result<Json<Health>, ApiError> {
    state.store.ping().await?;
    Ok(Json(Health {
        status: "ok".into(),
        database: state.store.kind().into(),
    }))
}

#[utoipa::path(get, path = "/api/v1/counties", tag = "counties", responses((status = 200, body = CountiesResponse)))]
#[tracing::instrument(skip_all)]
pub async fn counties<S: Store>(
    State(state): State<AppState<S>>,
) -> Result<Json<CountiesResponse>, ApiError> {
    Ok(Json(CountiesResponse {
        counties: state.store.counties().await?,
    }))
}

#[utoipa::path(get, path = "/api/v1/floor-prices", tag = "counties", responses((status = 200, body = FloorPricesResponse)))]
#[tracing::instrument(skip_all)]
pub async fn floor_prices<S: Store>(
    State(state): State<AppState<S>>,
) -> Result<Json<FloorPricesResponse>, ApiError> {
    Ok(Json(FloorPricesResponse {
        floor_prices: state.store.floor_prices().await?,
    }))
}

/// The OpenAPI document generated from the handlers and the shared wire types.
async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(crate::openapi::document())
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

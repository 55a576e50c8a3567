//! Reference data: the county-level units with their base prices, the regional floor versions,
//! the use categories of proceeds (R12), the rule catalogue, and `/healthz`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use quota_shared::api::{
    BasePriceRequest, CountiesResponse, CountyResponse, ErrorEnvelope, FloorPrice,
    FloorPricesResponse, Health, Readiness, Role, UseCategoriesResponse,
};
use quota_shared::calendar;
use quota_shared::codes::ErrorCode;
use quota_shared::jurisdiction::CountyCode;
use quota_shared::rules::check_base_price;
use serde::{Deserialize, Serialize};

use super::lookup::county_of;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::json::ApiJson;
use crate::state::AppState;
use crate::store::Store;

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new()
        .route("/counties", get(counties::<S>))
        .route("/counties/{code}/base-price", put(set_base_price::<S>))
        .route(
            "/floor-prices",
            get(floor_prices::<S>).post(add_floor_price::<S>),
        )
        .route("/use-categories", get(use_categories::<S>))
}

/// `/healthz` (alive) and `/readyz` (ready for traffic), outside `/api/v1`.
pub(super) fn health_router<S: Store>() -> Router<AppState<S>> {
    Router::new()
        .route("/healthz", get(healthz::<S>))
        .route("/readyz", get(readyz::<S>))
        .route("/metrics", get(metrics_text::<S>))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        healthz,
        readyz,
        counties,
        floor_prices,
        set_base_price,
        add_floor_price,
        use_categories,
    ),
    components(schemas(FloorPriceResponse))
)]
pub(super) struct Doc;

/// The process answers (a liveness probe: it does not wait on the database, so a slow
/// database never gets a live instance restarted).
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, body = Health)))]
#[tracing::instrument(skip_all)]
async fn healthz<S: Store>(State(state): State<AppState<S>>) -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        database: state.store.kind().into(),
    })
}

/// Prometheus text format (crate::meters); not in the API document: it is for the operator's
/// scraper, and nginx keeps it off the public side.
async fn metrics_text<S: Store>(State(state): State<AppState<S>>) -> axum::response::Response {
    crate::meters::render(state.store.pool_state())
}

/// Ready for traffic: the database answers and every migration of this build is applied (a
/// load balancer sends nothing to an instance that answers 503 here).
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses((status = 200, body = Readiness), (status = 503, description = "数据库不可用或迁移未完成 / database unreachable or migrations pending", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn readyz<S: Store>(State(state): State<AppState<S>>) -> Result<Json<Readiness>, ApiError> {
    let not_ready = |zh: String, en: String| ApiError::coded(ErrorCode::NotReady, zh, en);
    let (applied, pending) = match state.store.migration_state().await {
        Ok(state) => state,
        Err(e) => {
            tracing::warn!(error = %e, "readiness: the database does not answer");
            return Err(not_ready(
                "数据库无法连接".into(),
                "The database does not answer".into(),
            ));
        }
    };
    if pending > 0 {
        return Err(not_ready(
            format!("还有 {pending} 个数据库迁移未执行，请运行 quota-exchange migrate"),
            format!("{pending} migrations are pending: run quota-exchange migrate"),
        ));
    }
    Ok(Json(Readiness {
        status: "ready".into(),
        database: state.store.kind().into(),
        migrations_applied: applied,
    }))
}

#[utoipa::path(get, path = "/api/v1/counties", tag = "counties", responses((status = 200, body = CountiesResponse)))]
#[tracing::instrument(skip_all)]
async fn counties<S: Store>(
    State(state): State<AppState<S>>,
) -> Result<Json<CountiesResponse>, ApiError> {
    let day = calendar::day_of(state.clock.now());
    let book = state.store.rule_versions().await?;
    Ok(Json(CountiesResponse {
        counties: state
            .store
            .counties()
            .await?
            .into_iter()
            .map(|c| c.as_ruled(&book, day))
            .collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/floor-prices", tag = "counties", responses((status = 200, body = FloorPricesResponse)))]
#[tracing::instrument(skip_all)]
async fn floor_prices<S: Store>(
    State(state): State<AppState<S>>,
) -> Result<Json<FloorPricesResponse>, ApiError> {
    Ok(Json(FloorPricesResponse {
        floor_prices: state.store.floor_prices().await?,
    }))
}

#[utoipa::path(put, path = "/api/v1/counties/{code}/base-price", tag = "counties",
    params(("code" = String, Path, description = "区划代码 / county code")),
    request_body = BasePriceRequest,
    responses((status = 200, body = CountyResponse),
        (status = 401, body = ErrorEnvelope), (status = 403, description = "非本县自然资源局 / not this county's bureau", body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 422, description = "R1 或输入错误 / R1 or invalid input", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn set_base_price<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath(code): ApiPath<String>,
    body: ApiJson<BasePriceRequest>,
) -> Result<Json<CountyResponse>, ApiError> {
    let code: CountyCode = code.parse().map_err(|_| {
        ApiError::not_found(&format!("县（市、区）{code}"), &format!("County {code}"))
    })?;
    let units = state.store.jurisdictions().await?;
    county_of(&units, &code)?;
    user.require_bureau_of(&code)?;
    let price = body.value.price_per_mu;
    let floors: Vec<_> = state
        .store
        .floor_prices()
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let day = calendar::day_of(state.clock.now());
    let book = super::lookup::rule_book(&state).await?;
    check_base_price(price, day, &floors, &book).map_err(|v| ApiError::Rules(vec![v]))?;
    state
        .store
        .set_base_price(&code, price, &user.0.username, state.clock.now())
        .await?;
    let county = state
        .store
        .counties()
        .await?
        .into_iter()
        .find(|c| c.code == code)
        .ok_or(ApiError::Internal)?
        .as_ruled(&book, day);
    Ok(Json(CountyResponse { county }))
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FloorPriceResponse {
    pub floor_price: FloorPrice,
}

#[utoipa::path(post, path = "/api/v1/floor-prices", tag = "counties",
    request_body = FloorPrice,
    responses((status = 201, body = FloorPriceResponse), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 409, description = "该日期已有版本 / a version starts that day", body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn add_floor_price<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    body: ApiJson<FloorPrice>,
) -> Result<(StatusCode, Json<FloorPriceResponse>), ApiError> {
    user.require(&[Role::Admin])?;
    let floor = body.value;
    if !state
        .store
        .add_floor_version(
            floor.price_per_mu,
            floor.effective_from,
            &user.0.username,
            state.clock.now(),
        )
        .await?
    {
        return Err(ApiError::coded(
            ErrorCode::FloorExists,
            format!(
                "{} 起已有一个最低价版本，请换一个起始日期",
                floor.effective_from
            ),
            format!(
                "A floor version already starts on {}; pick another date",
                floor.effective_from
            ),
        ));
    }
    Ok((
        StatusCode::CREATED,
        Json(FloorPriceResponse { floor_price: floor }),
    ))
}

#[utoipa::path(get, path = "/api/v1/use-categories", tag = "finance",
    responses((status = 200, body = UseCategoriesResponse)))]
#[tracing::instrument(skip_all)]
async fn use_categories<S: Store>(
    State(state): State<AppState<S>>,
) -> Result<Json<UseCategoriesResponse>, ApiError> {
    // R12: the uses in force today.
    let day = calendar::day_of(state.clock.now());
    Ok(Json(UseCategoriesResponse {
        use_categories: state.store.rule_versions().await?.use_categories_on(day),
    }))
}

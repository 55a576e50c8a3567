//! 复垦地块边界: the county's bureau uploads a project's plots as GeoJSON (WGS 84 or CGCS2000
//! longitude/latitude); the server computes each plot's geodesic area in 亩 and flags a project
//! whose plots add up to more than the tolerance away from its reclaimed area
//! (`crate::plots`). An upload replaces the project's plots, and is audited.

use axum::extract::State;
use axum::routing::put;
use axum::{Json, Router};
use quota_shared::api::{ErrorEnvelope, ProjectResponse};
use quota_shared::codes::ErrorCode;

use super::projects::visible;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::state::AppState;
use crate::store::Store;

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new().route("/projects/{id}/plots", put(upload::<S>))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(upload))]
pub(super) struct Doc;

#[utoipa::path(put, path = "/api/v1/projects/{id}/plots", tag = "counties", params(("id" = i64, Path)),
    request_body(content = Object, description = "GeoJSON：FeatureCollection、Feature、Polygon 或 MultiPolygon，经纬度（WGS84/CGCS2000）；地块名取 properties.name / GeoJSON in longitude/latitude; a plot's name is its properties.name"),
    responses((status = 200, description = "各地块面积（亩，椭球面计算）与是否超出容差 / each plot's geodesic area, and whether the sum is off by more than the tolerance", body = ProjectResponse),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 422, description = "不是面、未闭合、投影坐标或超出数量 / not polygons, open rings, projected coordinates or too many", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn upload<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Body,
) -> Result<Json<ProjectResponse>, ApiError> {
    let project = visible(&state, &user, id).await?;
    let bureau = user.require_bureau_of(&project.county_code)?;
    // A file as GIS software saves it: any content type, perhaps with a UTF-8 byte-order mark.
    let bytes = crate::json::read_body(body).await?;
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let value: serde_json::Value =
        serde_json::from_slice(text).map_err(|e| ApiError::Malformed {
            zh: format!("文件不是有效的 GeoJSON（JSON 第 {} 行有误）", e.line()),
            en: format!(
                "The file is not valid GeoJSON (JSON error on line {})",
                e.line()
            ),
        })?;
    let plots = crate::plots::parse(&value)
        .map_err(|e| ApiError::invalid("geojson", ErrorCode::InvalidValue, e.zh, e.en))?;
    let now = state.clock.now();
    if !state
        .store
        .replace_plots(id, &plots, &bureau.username, now)
        .await?
    {
        return Err(ApiError::not_found(
            &format!("复垦项目 #{id}"),
            &format!("Reclamation project #{id}"),
        ));
    }
    let project = visible(&state, &user, id).await?;
    Ok(Json(ProjectResponse {
        project,
        draws: state.store.project_draws(id).await?,
        plots: state.store.project_plots(id).await?,
    }))
}

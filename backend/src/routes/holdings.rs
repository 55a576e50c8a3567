//! Holdings and their uses (落地): a settled purchase is drawn down by land-use approval
//! filings, recorded by the buyer or by the bureau of the project's county.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use quota_shared::Area;
use quota_shared::api::{
    ErrorEnvelope, HoldingTotals, HoldingsResponse, Role, UseRequest, UseResponse,
};
use quota_shared::codes::ErrorCode;

use super::lookup::purchase_not_found;
use super::page::{Order, Page, PageQuery, Position};
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::json::ApiJson;
use crate::state::AppState;
use crate::store::Store;
use crate::store::types::{HoldingScope, UseDraft, UseOutcome};

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new()
        .route("/holdings", get(list_holdings::<S>))
        .route("/holdings/uses", post(record_use::<S>))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(record_use, list_holdings))]
pub(super) struct Doc;

#[utoipa::path(post, path = "/api/v1/holdings/uses", tag = "holdings",
    request_body = UseRequest,
    responses((status = 201, body = UseResponse), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "未结算或批文号已登记 / not settled, or the approval is already recorded", body = ErrorEnvelope),
        (status = 422, description = "超出剩余指标或输入错误 / more than what is left, or invalid input", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn record_use<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    body: ApiJson<UseRequest>,
) -> Result<(StatusCode, Json<UseResponse>), ApiError> {
    let req = body.value;
    let (purchase, owner) = state
        .store
        .purchase(req.purchase_id, state.clock.now())
        .await?
        .ok_or_else(|| purchase_not_found(req.purchase_id))?;
    // The buyer, or the bureau of the county where the project is.
    let is_owner = user.0.role == Role::Buyer && owner == user.0.id;
    let is_project_bureau = user.0.role == Role::CountyBureau
        && purchase
            .project
            .as_ref()
            .is_some_and(|p| Some(&p.county_code) == user.0.county_code.as_ref());
    if !is_owner && !is_project_bureau {
        return Err(if user.0.role == Role::Buyer {
            purchase_not_found(req.purchase_id)
        } else {
            ApiError::forbidden(
                "只有购买方或项目所在县（市、区）自然资源局可以登记使用",
                "Only the buyer or the bureau of the project's county may record uses",
            )
        });
    }
    let approval_no = req.approval_no.trim().to_string();
    if approval_no.is_empty() {
        return Err(ApiError::invalid(
            "approval_no",
            ErrorCode::Required,
            "请填写用地批文号",
            "The approval number is required",
        ));
    }
    let draft = UseDraft {
        purchase_id: req.purchase_id,
        approval_no: approval_no.clone(),
        area: req.area_mu.get(),
        project_name: req
            .project_name
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty()),
        recorded_by: user.0.id,
        actor: user.0.username.clone(),
        now: state.clock.now(),
    };
    match state.store.record_use(&draft).await? {
        UseOutcome::Recorded(use_) => Ok((StatusCode::CREATED, Json(UseResponse { use_ }))),
        UseOutcome::NotSettled(status) => Err(ApiError::coded(
            ErrorCode::NotAHolding,
            format!(
                "交易 #{} {}：结算后才能登记使用",
                req.purchase_id,
                status.label_zh()
            ),
            format!(
                "Purchase #{} is {status:?}: uses are recorded once it is settled",
                req.purchase_id
            ),
        )),
        UseOutcome::Exceeds { remaining } => Err(ApiError::invalid(
            "area_mu",
            ErrorCode::ExceedsHolding,
            format!("超出剩余指标：本笔仅剩 {remaining} 亩可用"),
            format!("More than what is left: {remaining} mu remain on this holding"),
        )),
        UseOutcome::Duplicate => Err(ApiError::coded(
            ErrorCode::ApprovalRecorded,
            format!("批文号 {approval_no} 已在本笔指标上登记过"),
            format!("Approval {approval_no} is already recorded on this holding"),
        )),
    }
}

#[utoipa::path(get, path = "/api/v1/holdings", tag = "holdings",
    params(PageQuery),
    responses((status = 200, description = "购买方：本人的；县局：本县项目的；财政、管理员：全部；最早在前；合计按全部持有计 / buyer: own; bureau: its county's projects; finance, admin: all; oldest first; totals cover every holding, not only the page", body = HoldingsResponse),
        (status = 401, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn list_holdings<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<HoldingsResponse>, ApiError> {
    let page = Page::of(&q)?;
    let u = &user.0;
    let scope = match u.role {
        Role::Buyer => HoldingScope::Buyer(u.id),
        Role::CountyBureau => {
            HoldingScope::ProjectCounty(u.county_code.clone().ok_or(ApiError::Internal)?)
        }
        Role::Finance | Role::Admin => HoldingScope::All,
    };
    let holdings = state.store.holdings(&scope).await?;
    let mut totals: Vec<HoldingTotals> = Vec::new();
    for h in &holdings {
        let add = |a: Area, b: Area| a.checked_add(b).map_err(|_| ApiError::Internal);
        match totals.iter_mut().find(|t| t.buyer == h.buyer) {
            Some(t) => {
                t.area_mu = add(t.area_mu, h.area_mu)?;
                t.used_mu = add(t.used_mu, h.used_mu)?;
                t.remaining_mu = add(t.remaining_mu, h.remaining_mu)?;
            }
            None => totals.push(HoldingTotals {
                buyer: h.buyer.clone(),
                area_mu: h.area_mu,
                used_mu: h.used_mu,
                remaining_mu: h.remaining_mu,
            }),
        }
    }
    let (holdings, next_cursor) =
        page.take(holdings, Order::Ascending, |h| Position::id(h.purchase_id));
    Ok(Json(HoldingsResponse {
        holdings,
        totals,
        next_cursor,
    }))
}

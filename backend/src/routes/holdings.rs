//! Holdings and their uses (落地): a settled purchase is drawn down by land-use approval
//! filings, recorded by the buyer or by the bureau of the project's county.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use quota_shared::Area;
use quota_shared::api::{
    ErrorEnvelope, HoldingTotals, HoldingsResponse, Purchase, PurchaseKind, PurchaseProject, Role,
    UseRequest, UseResponse,
};
use quota_shared::codes::ErrorCode;
use quota_shared::rules::{Channel, validate_purchase};
use quota_shared::{DomainError, FieldError, calendar, jurisdiction};

use super::lookup::{county_of, purchase_not_found};
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
        (status = 422, description = "超出剩余指标、项目不符、违反 R6–R8 或输入错误 / more than what is left, another project, R6–R8, or invalid input", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn record_use<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    body: ApiJson<UseRequest>,
) -> Result<(StatusCode, Json<UseResponse>), ApiError> {
    let req = body.value;
    let now = state.clock.now();
    let (purchase, owner) = state
        .store
        .purchase(req.purchase_id, now)
        .await?
        .ok_or_else(|| purchase_not_found(req.purchase_id))?;
    let is_owner = user.0.role == Role::Buyer && owner == user.0.id;
    if user.0.role == Role::Buyer && !is_owner {
        return Err(purchase_not_found(req.purchase_id));
    }
    let project = project_of_use(&purchase, req.project)?;
    // The buyer, or the bureau of the project's county: for a purchase, the county named when
    // it was bought; for an award, a county where the holder has already landed some of it.
    let is_project_bureau = user.0.role == Role::CountyBureau
        && user.0.county_code.as_ref() == Some(&project.county_code)
        && match purchase.kind {
            PurchaseKind::Purchase => true,
            PurchaseKind::Award => {
                state
                    .store
                    .landed_in(purchase.id, &project.county_code)
                    .await?
            }
        };
    if !is_owner && !is_project_bureau {
        return Err(ApiError::forbidden(
            "只有购买方或项目所在县（市、区）自然资源局可以登记使用；竞得的指标由竞得人先登记首笔使用",
            "Only the buyer or the bureau of the project's county may record uses; the winner of a lot records its first use",
        ));
    }
    if purchase.in_publicity() {
        return Err(not_final(&purchase));
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
    // R6–R8 for the project the quota lands on: for an award, those of the filing day (its
    // project is named now); for a purchase, those of the day it was bought for this very
    // project (a later change of the rules does not strand quota bought under the earlier).
    let units = state.store.jurisdictions().await?;
    let seller = county_of(&units, &purchase.seller_county_code)?;
    let project_unit = jurisdiction::find(&units, &project.county_code).ok_or_else(|| {
        FieldError::new(
            "project.county_code",
            DomainError::UnknownCounty {
                input: project.county_code.to_string(),
            },
        )
    })?;
    let channel = match purchase.kind {
        PurchaseKind::Purchase => Channel::County,
        PurchaseKind::Award => Channel::Regional,
    };
    let day = match purchase.kind {
        PurchaseKind::Award => calendar::day_of(now),
        PurchaseKind::Purchase => calendar::day_of(purchase.created_at),
    };
    let book = super::lookup::rule_book(&state).await?;
    validate_purchase(seller, channel, project_unit, project.use_, day, &book)
        .map_err(ApiError::Rules)?;
    let draft = UseDraft {
        purchase_id: req.purchase_id,
        approval_no: approval_no.clone(),
        area: req.area_mu.get(),
        project,
        ruleset_version: book.labels_on(day),
        recorded_by: user.0.id,
        actor: user.0.username.clone(),
        now,
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

/// The project a use lands on: an award's must be named; a purchase's is the one it was bought
/// for (named again, it must be the same).
fn project_of_use(
    purchase: &Purchase,
    named: Option<PurchaseProject>,
) -> Result<PurchaseProject, ApiError> {
    let named = named
        .map(|p| {
            let name = p.name.trim().to_string();
            if name.is_empty() {
                return Err(ApiError::invalid(
                    "project.name",
                    ErrorCode::Required,
                    "请填写项目名称",
                    "The project name is required",
                ));
            }
            Ok(PurchaseProject { name, ..p })
        })
        .transpose()?;
    match (&purchase.project, named) {
        (Some(bought), None) => Ok(bought.clone()),
        (Some(bought), Some(named)) => {
            if bought.name.trim() == named.name
                && bought.use_ == named.use_
                && bought.county_code == named.county_code
            {
                Ok(bought.clone())
            } else {
                Err(ApiError::invalid(
                    "project",
                    ErrorCode::ProjectMismatch,
                    format!(
                        "交易 #{} 是为“{}”（{}，{}）购买的，只能登记在该项目上",
                        purchase.id,
                        bought.name,
                        bought.use_.label_zh(),
                        bought.county_code
                    ),
                    format!(
                        "Purchase #{} was bought for \"{}\" ({}, {}): uses land on that project only",
                        purchase.id,
                        bought.name,
                        bought.use_.label_en(),
                        bought.county_code
                    ),
                ))
            }
        }
        (None, Some(named)) => Ok(named),
        (None, None) => Err(ApiError::invalid(
            "project",
            ErrorCode::Required,
            "竞得的指标登记使用时须填写项目：名称、用途、所在县（市、区）",
            "A use of awarded quota names its project: name, use and county",
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
        Role::Finance | Role::Admin | Role::Supervisor => HoldingScope::All,
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

/// R16: a trade in its publicity, or held by an open objection, is not a holding yet.
fn not_final(p: &quota_shared::api::Purchase) -> ApiError {
    let ends = p
        .publicity_ends_at
        .map(quota_shared::calendar::format_local)
        .unwrap_or_default();
    let (zh, en) = if p.open_objections > 0 {
        (
            format!(
                "交易 #{} 有 {} 件异议待处理，处理完毕前不能登记使用（R16）",
                p.id, p.open_objections
            ),
            format!(
                "Purchase #{} holds {} open objection(s): no use can be recorded until they are resolved (R16)",
                p.id, p.open_objections
            ),
        )
    } else {
        (
            format!(
                "交易 #{} 在成交公示期内（至 {ends}，北京时间），公示期满后才能登记使用（R16）",
                p.id
            ),
            format!(
                "Purchase #{} is in its publicity period (until {ends} Beijing time): uses are recorded once it ends (R16)",
                p.id
            ),
        )
    };
    ApiError::coded(ErrorCode::NotFinal, zh, en)
}

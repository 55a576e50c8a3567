//! Objections (异议) to a trade in its publicity (R16): anyone lodges one on the public page
//! (`POST /purchases/{id}/objections`, no login); the seller county's bureau resolves it
//! (`POST /objections/{id}/resolve`); the bureau, the administrator and the supervisor read
//! them (`GET /objections`). The objector's contact is shown to staff only.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use quota_shared::api::{
    ErrorEnvelope, OBJECTION_CONTACT_MAX, OBJECTION_NAME_MAX, OBJECTION_REASON_MAX,
    OPEN_OBJECTIONS_MAX, ObjectionDecision, ObjectionReceiptResponse, ObjectionRequest,
    ObjectionResponse, ObjectionsResponse, ResolveObjectionRequest, Role,
};
use quota_shared::codes::ErrorCode;
use serde::Deserialize;

use super::lookup::{TextRule, bounded_text, county_of, purchase_not_found};
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::json::ApiJson;
use crate::state::AppState;
use crate::store::Store;
use crate::store::types::{LodgeOutcome, ObjectionDraft, ResolveOutcome};

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new()
        .route("/purchases/{id}/objections", post(lodge::<S>))
        .route("/objections", get(list::<S>))
        .route("/objections/{id}/resolve", post(resolve::<S>))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(lodge, list, resolve))]
pub(super) struct Doc;

/// The objection's fields and the bureau's resolution: all required.
const NAME: TextRule = TextRule {
    field: "name",
    label: "异议人",
    max: OBJECTION_NAME_MAX,
    required: true,
    multiline: false,
};
const CONTACT: TextRule = TextRule {
    field: "contact",
    label: "联系方式",
    max: OBJECTION_CONTACT_MAX,
    required: true,
    multiline: false,
};
const REASON: TextRule = TextRule {
    field: "reason",
    label: "异议理由",
    max: OBJECTION_REASON_MAX,
    required: true,
    multiline: true,
};
const RESOLUTION: TextRule = TextRule {
    field: "resolution",
    label: "处理意见",
    max: OBJECTION_REASON_MAX,
    required: true,
    multiline: true,
};

#[utoipa::path(post, path = "/api/v1/purchases/{id}/objections", tag = "purchases",
    params(("id" = i64, Path)), request_body = ObjectionRequest,
    responses((status = 201, description = "异议已受理；联系方式不公开 / lodged; the contact is never public", body = ObjectionReceiptResponse),
        (status = 404, body = ErrorEnvelope),
        (status = 409, description = "不在公示期内（publicity_over），或待处理异议已达上限（too_many_objections）/ not in publicity, or too many open objections", body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn lodge<S: Store>(
    State(state): State<AppState<S>>,
    MaybeUser(user): MaybeUser,
    ApiPath(id): ApiPath<i64>,
    body: ApiJson<ObjectionRequest>,
) -> Result<(StatusCode, Json<ObjectionReceiptResponse>), ApiError> {
    // Anyone may object — but the supervisor's session changes nothing, this included.
    if user.is_some_and(|u| u.role == Role::Supervisor) {
        return Err(ApiError::forbidden(
            "监督账号只读，不能提出异议；请以个人身份退出登录后提出",
            "A supervisor account is read-only: log out to object in your own name",
        ));
    }
    let req = body.value;
    let draft = ObjectionDraft {
        purchase_id: id,
        name: bounded_text(&NAME, &req.name)?,
        contact: bounded_text(&CONTACT, &req.contact)?,
        reason: bounded_text(&REASON, &req.reason)?,
        now: state.clock.now(),
    };
    match state.store.lodge_objection(&draft).await? {
        LodgeOutcome::Lodged(objection) => Ok((
            StatusCode::CREATED,
            Json(ObjectionReceiptResponse { objection }),
        )),
        LodgeOutcome::NotFound => Err(purchase_not_found(id)),
        LodgeOutcome::NotInPublicity => Err(ApiError::coded(
            ErrorCode::PublicityOver,
            format!(
                "交易 #{id} 不在成交公示期内（公示期已满、交易已撤销或尚未成交），不能再提出异议"
            ),
            format!(
                "Purchase #{id} is not in its publicity period (it ended, the trade was annulled or is not settled): no objection can be lodged"
            ),
        )),
        LodgeOutcome::TooMany => Err(ApiError::coded(
            ErrorCode::TooManyObjections,
            format!(
                "交易 #{id} 已有 {OPEN_OBJECTIONS_MAX} 件异议待处理，请待自然资源局处理后再提出"
            ),
            format!(
                "Purchase #{id} already holds {OPEN_OBJECTIONS_MAX} open objections: wait for the bureau to resolve them"
            ),
        )),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectionsQuery {
    purchase_id: Option<i64>,
    open: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/objections", tag = "purchases",
    params(("purchase_id" = Option<i64>, Query, description = "只看一宗交易 / one trade only"),
        ("open" = Option<bool>, Query, description = "只看待处理的 / open ones only")),
    responses((status = 200, description = "县局：本县售出交易的异议；管理员、监督：全部；最新在前，最多 500 件 / bureau: its county's; admin, supervisor: all; newest first, at most 500", body = ObjectionsResponse),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn list<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ObjectionsQuery>,
) -> Result<Json<ObjectionsResponse>, ApiError> {
    let u = user.require(&[Role::CountyBureau, Role::Admin, Role::Supervisor])?;
    let county = match u.role {
        Role::CountyBureau => Some(u.county_code.clone().ok_or(ApiError::Internal)?),
        _ => None,
    };
    let objections = state
        .store
        .objections(county.as_ref(), q.purchase_id, q.open.unwrap_or(false))
        .await?;
    Ok(Json(ObjectionsResponse { objections }))
}

#[utoipa::path(post, path = "/api/v1/objections/{id}/resolve", tag = "purchases",
    params(("id" = i64, Path)), request_body = ResolveObjectionRequest,
    responses((status = 200, description = "已处理：成立则交易撤销、面积退回；不成立则公示期满后成交确认 / resolved: upheld annuls the trade and returns its area; dismissed lets it become final", body = ObjectionResponse),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "已处理过 / already resolved", body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn resolve<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    body: ApiJson<ResolveObjectionRequest>,
) -> Result<Json<ObjectionResponse>, ApiError> {
    let not_found = || ApiError::not_found(&format!("异议 #{id}"), &format!("Objection #{id}"));
    let objection = state.store.objection(id).await?;
    // Another county's objection does not exist for this bureau.
    let objection = match (&objection, user.0.role) {
        (Some(o), Role::CountyBureau)
            if user.0.county_code.as_ref() != Some(&o.seller_county_code) =>
        {
            return Err(not_found());
        }
        (Some(o), _) => o,
        (None, _) => return Err(not_found()),
    };
    let bureau = user.require_bureau_of(&objection.seller_county_code)?;
    let req = body.value;
    let resolution = bounded_text(&RESOLUTION, &req.resolution)?;
    let now = state.clock.now();
    let resolved = match state
        .store
        .resolve_objection(id, req.decision, &resolution, &bureau.username, now)
        .await?
    {
        ResolveOutcome::Resolved(o) => *o,
        ResolveOutcome::NotFound => return Err(not_found()),
        ResolveOutcome::AlreadyResolved(status) => {
            return Err(ApiError::coded(
                ErrorCode::ObjectionResolved,
                format!("异议 #{id} 已处理（{}），不能再次处理", status.label_zh()),
                format!("Objection #{id} is already resolved ({})", status.wire()),
            ));
        }
    };
    if req.decision == ObjectionDecision::Dismissed {
        // The trade may be final now (its publicity over, no other objection open); the
        // scheduler would number it within a second, this spares the wait. Best effort.
        let units = state.store.jurisdictions().await?;
        let seller = county_of(&units, &resolved.seller_county_code)?;
        if let Err(e) = state
            .store
            .finalize(resolved.purchase_id, &seller.name, now)
            .await
        {
            tracing::warn!(purchase_id = resolved.purchase_id, error = %e, "could not finalise after a dismissal; the scheduler will");
        }
    }
    Ok(Json(ObjectionResponse {
        objection: resolved,
    }))
}

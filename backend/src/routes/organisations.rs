//! Parties (单位, #16): a company registers itself online — the organisation with its
//! 统一社会信用代码 and its first user — and stays pending until the regional administrator
//! approves it or rejects it with a reason the applicant sees. Only an approved organisation's
//! users buy or bid ([`require_approved`]).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use quota_shared::api::{
    DocumentKind, ErrorEnvelope, Organisation, OrganisationKind, OrganisationResponse,
    OrganisationStatus, OrganisationsResponse, RegistrationRequest, ReviewRequest, Role,
};
use quota_shared::codes::ErrorCode;
use serde::Deserialize;

use super::lookup::{TextRule, bounded_text};
use super::organisation_fields::{checked_fields, checked_login, username_taken, visible};
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::json::ApiJson;
use crate::state::AppState;
use crate::store::Store;
use crate::store::types::{NewUser, Registration, Review, UserRecord};

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new()
        .route("/registrations", post(register::<S>))
        .route("/organisations", get(list::<S>))
        .route("/organisations/{id}", get(read::<S>))
        .route("/organisations/{id}/approve", post(approve::<S>))
        .route("/organisations/{id}/reject", post(reject::<S>))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(register, list, read, approve, reject))]
pub(super) struct Doc;

const NOTE: TextRule = TextRule {
    field: "note",
    label: "审核意见",
    max: 500,
    required: false,
    multiline: true,
};

/// Registrations hashing their first user's password at once (of the two argon2 slots).
static REGISTRATIONS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// Refuses a buy or a bid by a user whose organisation is not approved. Accounts made by an
/// administrator (no organisation) act as before.
/// The approved organisation is the answer (`None` for an account without one).
pub(crate) async fn require_approved<S: Store>(
    state: &AppState<S>,
    user: &UserRecord,
) -> Result<Option<Organisation>, ApiError> {
    let Some(id) = user.organisation_id else {
        return Ok(None);
    };
    match state.store.organisation_alone(id).await? {
        Some(o) if o.status == OrganisationStatus::Approved => Ok(Some(o)),
        Some(o) => {
            let reason = o
                .review_note
                .filter(|_| o.status == OrganisationStatus::Rejected)
                .map(|n| {
                    (
                        format!("（审核意见：{n}）"),
                        format!(" (the reviewer's note: {n})"),
                    )
                })
                .unwrap_or_default();
            Err(ApiError::coded(
                ErrorCode::OrganisationNotApproved,
                format!(
                    "{}的注册{}，审核通过前不能购买或竞价{}",
                    o.name,
                    o.status.label_zh(),
                    reason.0
                ),
                format!(
                    "{} is {}: it buys and bids nothing until approved{}",
                    o.name,
                    o.status.wire(),
                    reason.1
                ),
            ))
        }
        None => Err(ApiError::Internal),
    }
}

#[utoipa::path(post, path = "/api/v1/registrations", tag = "accounts", request_body = RegistrationRequest,
    responses((status = 201, description = "已注册，待审核 / registered, pending review", body = OrganisationResponse),
        (status = 409, description = "该统一社会信用代码已注册 / the code is registered already", body = ErrorEnvelope),
        (status = 422, description = "字段有误（代码校验位、电话、用户名、密码）/ a field is wrong", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn register<S: Store>(
    State(state): State<AppState<S>>,
    MaybeUser(user): MaybeUser,
    body: ApiJson<RegistrationRequest>,
) -> Result<(StatusCode, Json<OrganisationResponse>), ApiError> {
    if user.is_some_and(|u| u.role == Role::Supervisor) {
        return Err(ApiError::forbidden(
            "监督账号只读，不能注册单位；请退出登录后注册",
            "A supervisor account is read-only: log out to register an organisation",
        ));
    }
    let RegistrationRequest {
        organisation,
        username,
        password,
    } = body.value;
    let organisation = checked_fields(&state, organisation, false).await?;
    // A taken username is said before the costly hash; and registrations hash one at a time,
    // so a flood of them leaves the other argon2 slot to logins.
    let username = checked_login(&state, &username, &password).await?;
    let _turn = REGISTRATIONS
        .acquire()
        .await
        .map_err(|_| ApiError::Internal)?;
    let password_hash = crate::auth::hash_password_blocking(password).await?;
    let user = NewUser {
        username: username.clone(),
        password_hash,
        role: Role::Buyer,
        county_code: None,
        regional_bidder: false,
        organisation_id: None,
    };
    match state
        .store
        .register_organisation(&organisation, &user, state.clock.now())
        .await?
    {
        Registration::Registered(o) => Ok((
            StatusCode::CREATED,
            Json(OrganisationResponse { organisation: *o }),
        )),
        Registration::UsccTaken => Err(ApiError::coded(
            ErrorCode::UsccTaken,
            format!(
                "统一社会信用代码为 {} 的单位已注册，请勿重复注册；如需新增人员请联系管理员",
                organisation.uscc
            ),
            format!(
                "An organisation with code {} is registered already: ask the administrator to add people",
                organisation.uscc
            ),
        )),
        Registration::UsernameTaken => Err(username_taken(&username)),
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// `pending`, `approved` or `rejected`; all when absent.
    status: Option<OrganisationStatus>,
}

#[utoipa::path(get, path = "/api/v1/organisations", tag = "admin", params(ListQuery),
    responses((status = 200, description = "最早的在前（审核顺序），至多 1000 个 / oldest first (the review order), at most 1,000", body = OrganisationsResponse),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn list<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<OrganisationsResponse>, ApiError> {
    user.require(&[Role::Admin, Role::Supervisor])?;
    Ok(Json(OrganisationsResponse {
        organisations: state.store.organisations(q.status).await?,
    }))
}

#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "admin", params(("id" = i64, Path)),
    responses((status = 200, body = OrganisationResponse),
        (status = 401, body = ErrorEnvelope), (status = 404, description = "无此单位，或不是本单位 / none, or not yours", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn read<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<OrganisationResponse>, ApiError> {
    Ok(Json(OrganisationResponse {
        organisation: visible(&state, &user, id).await?,
    }))
}

async fn review<S: Store>(
    state: &AppState<S>,
    user: &CurrentUser,
    id: i64,
    approve: bool,
    note: &str,
) -> Result<Json<OrganisationResponse>, ApiError> {
    let admin = user.require(&[Role::Admin])?;
    let note = bounded_text(&NOTE, note)?;
    if !approve && note.is_empty() {
        return Err(ApiError::invalid(
            "note",
            ErrorCode::Required,
            "不通过须写明原因（申请人可见），如：营业执照与单位名称不符",
            "A rejection states its reason (the applicant sees it)",
        ));
    }
    // Nothing is approved unchecked: the licence, and a regional bidder's authorisation.
    if approve && let Some(o) = state.store.organisation(id).await? {
        let mut missing = Vec::new();
        if o.status != OrganisationStatus::Approved {
            if o.document(DocumentKind::Licence).is_none() {
                missing.push(DocumentKind::Licence);
            }
            if o.regional_bidder
                && o.kind != OrganisationKind::Government
                && o.document(DocumentKind::Authorisation).is_none()
            {
                missing.push(DocumentKind::Authorisation);
            }
        }
        if !missing.is_empty() {
            let zh: Vec<&str> = missing.iter().map(|k| k.label_zh()).collect();
            let en: Vec<&str> = missing.iter().map(|k| k.wire()).collect();
            return Err(ApiError::coded(
                ErrorCode::DocumentMissing,
                format!("{}尚未上传{}，上传后方可审核通过", o.name, zh.join("、")),
                format!(
                    "{} has not uploaded: {}; approve it once it has",
                    o.name,
                    en.join(", ")
                ),
            ));
        }
    }
    match state
        .store
        .review_organisation(id, approve, &note, &admin.username, state.clock.now())
        .await?
    {
        Review::Reviewed(o) => Ok(Json(OrganisationResponse { organisation: *o })),
        Review::AlreadyApproved => Err(ApiError::coded(
            ErrorCode::OrganisationApproved,
            "该单位已审核通过，不能再次审核",
            "The organisation is approved already",
        )),
        Review::DocumentsMissing => Err(ApiError::coded(
            ErrorCode::DocumentMissing,
            "审核所需材料未上传（营业执照；非人民政府的竞买人另需授权文件），上传后方可审核通过",
            "A document the review needs is missing (the licence; a regional bidder that is not a government also its authorisation)",
        )),
        Review::NotFound => Err(ApiError::not_found(
            &format!("单位 #{id}"),
            &format!("Organisation #{id}"),
        )),
    }
}

#[utoipa::path(post, path = "/api/v1/organisations/{id}/approve", tag = "admin", params(("id" = i64, Path)), request_body = ReviewRequest,
    responses((status = 200, body = OrganisationResponse), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 409, description = "已通过 / approved already", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn approve<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    body: ApiJson<ReviewRequest>,
) -> Result<Json<OrganisationResponse>, ApiError> {
    review(&state, &user, id, true, &body.value.note).await
}

#[utoipa::path(post, path = "/api/v1/organisations/{id}/reject", tag = "admin", params(("id" = i64, Path)), request_body = ReviewRequest,
    responses((status = 200, body = OrganisationResponse), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 409, description = "已通过 / approved already", body = ErrorEnvelope),
        (status = 422, description = "未写原因 / no reason given", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn reject<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    body: ApiJson<ReviewRequest>,
) -> Result<Json<OrganisationResponse>, ApiError> {
    review(&state, &user, id, false, &body.value.note).await
}

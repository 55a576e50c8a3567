//! Parties (单位, #16): a company registers itself online — the organisation with its
//! 统一社会信用代码 and its first user — and stays pending until the regional administrator
//! approves it or rejects it with a reason the applicant sees. Only an approved organisation's
//! users buy or bid ([`require_approved`]).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use quota_shared::api::{
    DocumentKind, ErrorEnvelope, MemberRequest, Organisation, OrganisationFields, OrganisationKind,
    OrganisationResponse, OrganisationStatus, OrganisationsResponse, RegistrationRequest,
    ReviewRequest, Role,
};
use quota_shared::codes::ErrorCode;
use serde::Deserialize;

use super::lookup::{TextRule, bounded_text};
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::json::ApiJson;
use crate::state::AppState;
use crate::store::Store;
use crate::store::types::{NewUser, OrganisationEdit, Registration, Review, UserRecord};

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new()
        .route("/registrations", post(register::<S>))
        .route("/organisations", get(list::<S>))
        .route("/organisations/{id}", get(read::<S>).put(edit::<S>))
        .route("/organisations/{id}/users", post(add_member::<S>))
        .route("/organisations/{id}/approve", post(approve::<S>))
        .route("/organisations/{id}/reject", post(reject::<S>))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(register, list, read, edit, add_member, approve, reject))]
pub(super) struct Doc;

const NAME: TextRule = TextRule {
    field: "organisation.name",
    label: "单位全称",
    max: 100,
    required: true,
    multiline: false,
};
const LEGAL: TextRule = TextRule {
    field: "organisation.legal_representative",
    label: "法定代表人",
    max: 40,
    required: true,
    multiline: false,
};
const CONTACT: TextRule = TextRule {
    field: "organisation.contact_name",
    label: "联系人",
    max: 40,
    required: true,
    multiline: false,
};
const ADDRESS: TextRule = TextRule {
    field: "organisation.address",
    label: "地址",
    max: 200,
    required: true,
    multiline: false,
};
const NOTE: TextRule = TextRule {
    field: "note",
    label: "审核意见",
    max: 500,
    required: false,
    multiline: true,
};

/// Registrations hashing their first user's password at once (of the two argon2 slots).
static REGISTRATIONS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// A telephone number as people write it: digits with +, -, spaces or brackets, 7 to 15 digits.
fn phone(text: &str) -> Result<String, ApiError> {
    let text = text.trim();
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let allowed = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')' | '（' | '）'));
    if !allowed || !(7..=15).contains(&digits) || text.chars().count() > 25 {
        return Err(ApiError::invalid(
            "organisation.contact_phone",
            ErrorCode::InvalidValue,
            "联系电话：请填写 7–15 位数字的电话号码，如 0774-3826000 或 13800000000",
            "Contact phone: 7 to 15 digits, e.g. 0774-3826000 or 13800000000",
        ));
    }
    Ok(text.to_string())
}

const AUTHORISATION_NO: TextRule = TextRule {
    field: "organisation.authorisation.number",
    label: "授权文件文号",
    max: 60,
    required: true,
    multiline: false,
};

/// An organisation's fields as typed, checked and trimmed: the texts, the phone, the county of
/// a government body and, for a regional bidder that is not a 人民政府, its authorisation (R11)
/// — valid today or later, its last day not before its first.
async fn checked_fields<S: Store>(
    state: &AppState<S>,
    mut organisation: OrganisationFields,
) -> Result<OrganisationFields, ApiError> {
    organisation.name = bounded_text(&NAME, &organisation.name)?;
    organisation.legal_representative = bounded_text(&LEGAL, &organisation.legal_representative)?;
    organisation.contact_name = bounded_text(&CONTACT, &organisation.contact_name)?;
    organisation.address = bounded_text(&ADDRESS, &organisation.address)?;
    organisation.contact_phone = phone(&organisation.contact_phone)?;
    match (
        &organisation.county_code,
        organisation.kind.is_government_body(),
    ) {
        (None, true) => {
            return Err(ApiError::invalid(
                "organisation.county_code",
                ErrorCode::Required,
                "政府机关须选择所属县（市、区）",
                "A government body names its county (or district)",
            ));
        }
        (Some(code), _) => {
            let units = state.store.jurisdictions().await?;
            if quota_shared::jurisdiction::find(&units, code).is_none() {
                return Err(ApiError::invalid(
                    "organisation.county_code",
                    ErrorCode::UnknownCounty,
                    format!("没有区划代码为 {code} 的县（市、区）"),
                    format!("No county (or district) {code}"),
                ));
            }
        }
        (None, false) => {}
    }
    if !organisation.regional_bidder {
        organisation.authorisation = None;
        return Ok(organisation);
    }
    let needs_document = organisation.kind != OrganisationKind::Government;
    match organisation.authorisation.as_mut() {
        None if needs_document => Err(ApiError::invalid(
            "organisation.authorisation",
            ErrorCode::Required,
            "申请自治区平台竞买人资格的单位（人民政府除外）须填写人民政府授权文件的文号和有效期（R11）",
            "A regional bidder that is not a people's government gives its authorisation's number and validity (R11)",
        )),
        None => Ok(organisation),
        Some(a) => {
            a.number = bounded_text(&AUTHORISATION_NO, &a.number)?;
            let today = quota_shared::calendar::day_of(state.clock.now());
            if a.valid_until < a.valid_from {
                return Err(ApiError::invalid(
                    "organisation.authorisation.valid_until",
                    ErrorCode::InvalidValue,
                    "授权有效期的截止日早于起始日，请核对",
                    "The authorisation ends before it begins: check the dates",
                ));
            }
            if a.valid_until < today {
                return Err(ApiError::invalid(
                    "organisation.authorisation.valid_until",
                    ErrorCode::InvalidValue,
                    format!("授权文件已于 {} 到期，请上传有效的授权文件", a.valid_until),
                    format!(
                        "The authorisation ended on {}: give one in force",
                        a.valid_until
                    ),
                ));
            }
            Ok(organisation)
        }
    }
}

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
    match state.store.organisation(id).await? {
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
    let organisation = checked_fields(&state, organisation).await?;
    let refused =
        |zh: String, en: String| ApiError::invalid("username", ErrorCode::AccountRefused, zh, en);
    let Some(username) = crate::accounts::normalise_username(&username) else {
        let r = crate::accounts::USERNAME_CHARS;
        return Err(refused(
            format!(
                "用户名须为{}–{}个字符，只用小写字母、数字和 . _ -",
                r.start(),
                r.end()
            ),
            format!(
                "The username must be {}–{} characters of a–z, 0–9, . _ -",
                r.start(),
                r.end()
            ),
        ));
    };
    let min = quota_shared::api::MIN_PASSWORD_CHARS;
    if password.chars().count() < min {
        return Err(ApiError::invalid(
            "password",
            ErrorCode::AccountRefused,
            format!("密码至少 {min} 个字符"),
            format!("The password needs at least {min} characters"),
        ));
    }
    // A taken username is said before the costly hash; and registrations hash one at a time,
    // so a flood of them leaves the other argon2 slot to logins.
    if state.store.user_by_username(&username).await?.is_some() {
        return Err(refused(
            format!("用户名 {username} 已被使用，请换一个"),
            format!("The username {username} is taken: choose another"),
        ));
    }
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
        Registration::UsernameTaken => Err(refused(
            format!("用户名 {username} 已被使用，请换一个"),
            format!("The username {username} is taken: choose another"),
        )),
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

/// The organisation `id` as `user` may see it: the administrator and the supervisor see every
/// one, a user its own; any other reads as none.
pub(super) async fn visible<S: Store>(
    state: &AppState<S>,
    user: &CurrentUser,
    id: i64,
) -> Result<quota_shared::api::Organisation, ApiError> {
    let not_found = || ApiError::not_found(&format!("单位 #{id}"), &format!("Organisation #{id}"));
    let own = user.0.organisation_id == Some(id);
    if !own && !matches!(user.0.role, Role::Admin | Role::Supervisor) {
        return Err(not_found());
    }
    state.store.organisation(id).await?.ok_or_else(not_found)
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

#[utoipa::path(put, path = "/api/v1/organisations/{id}", tag = "admin", params(("id" = i64, Path)), request_body = OrganisationFields,
    responses((status = 200, description = "本单位人员修改待审核或未通过的注册（重新进入审核）；管理员可修改任何单位（如补全迁移单位的代码）/ a member mends a registration not yet approved (back to review); the administrator edits any", body = OrganisationResponse),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "代码已被另一单位使用，或已通过（本单位人员）/ the code is another's, or approved (members)", body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn edit<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    body: ApiJson<OrganisationFields>,
) -> Result<Json<OrganisationResponse>, ApiError> {
    let current = visible(&state, &user, id).await?;
    let admin = user.0.role == Role::Admin;
    if !admin {
        user.require(&[Role::Buyer, Role::CountyBureau])?;
        if current.status == OrganisationStatus::Approved {
            return Err(ApiError::coded(
                ErrorCode::OrganisationApproved,
                "单位已审核通过，信息变更请联系自治区管理员",
                "The organisation is approved: ask the administrator to change it",
            ));
        }
    }
    let fields = checked_fields(&state, body.value).await?;
    let uscc = fields.uscc.to_string();
    match state
        .store
        .edit_organisation(id, &fields, !admin, &user.0.username, state.clock.now())
        .await?
    {
        OrganisationEdit::Edited(o) => Ok(Json(OrganisationResponse { organisation: *o })),
        OrganisationEdit::UsccTaken => Err(ApiError::coded(
            ErrorCode::UsccTaken,
            format!("统一社会信用代码 {uscc} 已属于另一单位，请核对"),
            format!("The code {uscc} belongs to another organisation: check it"),
        )),
        OrganisationEdit::NotFound => Err(ApiError::not_found(
            &format!("单位 #{id}"),
            &format!("Organisation #{id}"),
        )),
    }
}

#[utoipa::path(post, path = "/api/v1/organisations/{id}/users", tag = "admin", params(("id" = i64, Path)), request_body = MemberRequest,
    responses((status = 201, description = "已新增人员（首次登录须修改密码）/ added; the person sets a password at first login", body = OrganisationResponse),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 422, description = "用户名已被使用或不合规、密码过短 / username taken or invalid, password too short", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn add_member<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    body: ApiJson<MemberRequest>,
) -> Result<(StatusCode, Json<OrganisationResponse>), ApiError> {
    let admin = user.require(&[Role::Admin])?;
    let organisation = visible(&state, &user, id).await?;
    // A county's 自然资源局 lists and sells as its bureau; any other organisation buys.
    let (role, county) = match (organisation.kind, &organisation.county_code) {
        (OrganisationKind::NaturalResources, Some(code)) => {
            (Role::CountyBureau, Some(code.to_string()))
        }
        _ => (Role::Buyer, None),
    };
    let MemberRequest { username, password } = body.value;
    let spec = crate::accounts::AccountSpec {
        username: &username,
        password: &password,
        role,
        county: county.as_deref(),
        regional_bidder: false,
        organisation_id: Some(id),
    };
    crate::accounts::add_user(&state.store, spec, &admin.username, state.clock.now())
        .await
        .map_err(|message| {
            let (zh, en) = message
                .split_once(" / ")
                .unwrap_or((message.as_str(), message.as_str()));
            ApiError::invalid(
                "username",
                ErrorCode::AccountRefused,
                zh.to_string(),
                en.to_string(),
            )
        })?;
    Ok((
        StatusCode::CREATED,
        Json(OrganisationResponse {
            organisation: visible(&state, &user, id).await?,
        }),
    ))
}

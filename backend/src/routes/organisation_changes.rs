//! Changes to an organisation (单位, #16) after its registration: its own user mends a
//! registration not yet approved (it goes back to review); the administrator corrects any (an
//! organisation moved from an earlier account gets its code) and adds people to it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{post, put};
use axum::{Json, Router};
use quota_shared::api::{
    ErrorEnvelope, MemberRequest, OrganisationFields, OrganisationKind, OrganisationResponse,
    OrganisationStatus, Role,
};
use quota_shared::codes::ErrorCode;

use super::organisation_fields::{checked_fields, checked_login, username_taken, visible};
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::json::ApiJson;
use crate::state::AppState;
use crate::store::Store;
use crate::store::types::{NewUser, OrganisationEdit};

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new()
        .route("/organisations/{id}", put(edit::<S>))
        .route("/organisations/{id}/users", post(add_member::<S>))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(edit, add_member))]
pub(super) struct Doc;

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
    let fields = checked_fields(&state, body.value, admin).await?;
    // The people of an organisation act as what it is: its kind and county stay while it has
    // people (a bureau's users list for their county).
    if admin
        && !current.members.is_empty()
        && (fields.kind != current.kind || fields.county_code != current.county_code)
    {
        return Err(ApiError::invalid(
            "organisation.kind",
            ErrorCode::InvalidValue,
            "该单位已有人员，不能改变单位类别或所属县；如确需变更，请新建单位",
            "The organisation has people: its kind and county stay; set up a new organisation instead",
        ));
    }
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
        OrganisationEdit::Approved => Err(ApiError::coded(
            ErrorCode::OrganisationApproved,
            "单位已审核通过，信息变更请联系自治区管理员",
            "The organisation is approved: ask the administrator to change it",
        )),
        OrganisationEdit::NotFound => Err(ApiError::not_found(
            &format!("单位 #{id}"),
            &format!("Organisation #{id}"),
        )),
    }
}

#[utoipa::path(post, path = "/api/v1/organisations/{id}/users", tag = "admin", params(("id" = i64, Path)), request_body = MemberRequest,
    responses((status = 201, description = "已新增人员（县级自然资源局的人员为该县局账号，其他单位为购买方）/ added (a bureau's people act for its county, others buy)", body = OrganisationResponse),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 403, description = "县级自然资源局未审核通过，或不是管理员 / a bureau not approved, or not the administrator", body = ErrorEnvelope),
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
    // A county's 自然资源局 lists and sells as its bureau, once approved; any other
    // organisation's people buy (and only once it is approved).
    let (role, county_code) = match (organisation.kind, &organisation.county_code) {
        (OrganisationKind::NaturalResources, _)
            if organisation.status != OrganisationStatus::Approved =>
        {
            return Err(ApiError::coded(
                ErrorCode::OrganisationNotApproved,
                format!(
                    "{}尚未审核通过，不能为其开设县级自然资源局账号",
                    organisation.name
                ),
                format!(
                    "{} is not approved: it gets no bureau accounts",
                    organisation.name
                ),
            ));
        }
        (OrganisationKind::NaturalResources, Some(code)) => {
            (Role::CountyBureau, Some(code.clone()))
        }
        _ => (Role::Buyer, None),
    };
    let MemberRequest { username, password } = body.value;
    let username = checked_login(&state, &username, &password).await?;
    let user_record = NewUser {
        username: username.clone(),
        password_hash: crate::auth::hash_password_blocking(password).await?,
        role,
        county_code,
        regional_bidder: false,
        organisation_id: Some(id),
    };
    if state
        .store
        .create_user(&user_record, &admin.username, state.clock.now())
        .await?
        .is_none()
    {
        return Err(username_taken(&username));
    }
    Ok((
        StatusCode::CREATED,
        Json(OrganisationResponse {
            organisation: visible(&state, &user, id).await?,
        }),
    ))
}

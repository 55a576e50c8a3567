//! Accounts, for the administrator: list, create and disable (which ends the account's
//! sessions at once).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use quota_shared::api::{
    Account, AccountsResponse, ErrorEnvelope, MIN_PASSWORD_CHARS, NewAccount, PasswordReset, Role,
};
use quota_shared::codes::ErrorCode;
use serde::{Deserialize, Serialize};

use super::page::{Order, Page, PageQuery, Position};
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::json::ApiJson;
use crate::state::AppState;
use crate::store::Store;
use crate::store::types::UserRecord;

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new()
        .route("/users", get(list_users::<S>).post(create_user::<S>))
        .route("/users/{username}/disabled", put(set_user_disabled::<S>))
        .route("/users/{username}/password", post(reset_password::<S>))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list_users, create_user, set_user_disabled, reset_password),
    components(schemas(DisableRequest))
)]
pub(super) struct Doc;

fn account_of(u: &UserRecord) -> Account {
    Account {
        username: u.username.clone(),
        role: u.role,
        county_code: u.county_code.clone(),
        regional_bidder: u.regional_bidder,
        disabled: u.disabled,
        must_change_password: u.must_change_password,
    }
}

/// One page of the accounts, oldest first.
async fn accounts_page<S: Store>(
    state: &AppState<S>,
    page: Page,
) -> Result<AccountsResponse, ApiError> {
    let users = state.store.users().await?;
    let (users, next_cursor) = page.take(users.iter(), Order::Ascending, |u| Position::id(u.id));
    Ok(AccountsResponse {
        users: users.into_iter().map(account_of).collect(),
        next_cursor,
    })
}

#[utoipa::path(get, path = "/api/v1/users", tag = "admin", params(PageQuery),
    responses((status = 200, description = "最早在前 / oldest first", body = AccountsResponse), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn list_users<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<AccountsResponse>, ApiError> {
    user.require(&[Role::Admin, Role::Supervisor])?;
    let page = Page::of(&q)?;
    Ok(Json(accounts_page(&state, page).await?))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "admin", request_body = NewAccount,
    responses((status = 201, body = AccountsResponse), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 422, description = "用户名已存在或输入错误 / username taken or invalid input", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn create_user<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    body: ApiJson<NewAccount>,
) -> Result<(StatusCode, Json<AccountsResponse>), ApiError> {
    let admin = user.require(&[Role::Admin])?;
    let new = body.value;
    let county = new.county_code.as_ref().map(|c| c.to_string());
    let spec = crate::accounts::AccountSpec {
        username: &new.username,
        password: &new.password,
        role: new.role,
        county: county.as_deref(),
        regional_bidder: new.regional_bidder,
        organisation_id: None,
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
        Json(accounts_page(&state, Page::default()).await?),
    ))
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisableRequest {
    pub disabled: bool,
}

#[utoipa::path(put, path = "/api/v1/users/{username}/disabled", tag = "admin",
    params(("username" = String, Path)), request_body = DisableRequest,
    responses((status = 200, body = AccountsResponse), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 422, description = "不能停用自己 / cannot disable oneself", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn set_user_disabled<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath(username): ApiPath<String>,
    body: ApiJson<DisableRequest>,
) -> Result<Json<AccountsResponse>, ApiError> {
    let admin = user.require(&[Role::Admin])?;
    if admin.username == username && body.value.disabled {
        return Err(ApiError::invalid(
            "username",
            ErrorCode::SelfDisable,
            "不能停用当前登录的管理员账号",
            "You cannot disable the account you are logged in with",
        ));
    }
    if !state
        .store
        .set_user_disabled(
            &username,
            body.value.disabled,
            &admin.username,
            state.clock.now(),
        )
        .await?
    {
        return Err(ApiError::not_found(
            &format!("账号 {username}"),
            &format!("Account {username}"),
        ));
    }
    Ok(Json(accounts_page(&state, Page::default()).await?))
}

#[utoipa::path(post, path = "/api/v1/users/{username}/password", tag = "admin",
    params(("username" = String, Path)), request_body = PasswordReset,
    responses((status = 200, description = "已重置；该账号所有会话已退出，下次登录须先改密码 / reset; every session of the account ended, and it must set a new password at its next login", body = AccountsResponse),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 422, description = "临时密码太短，或重置自己的密码 / a short temporary password, or one's own account", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn reset_password<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath(username): ApiPath<String>,
    body: ApiJson<PasswordReset>,
) -> Result<Json<AccountsResponse>, ApiError> {
    let admin = user.require(&[Role::Admin])?;
    if admin.username == username {
        return Err(ApiError::invalid(
            "username",
            ErrorCode::InvalidValue,
            "不能重置自己的密码：请在“账号”页修改",
            "You cannot reset your own password: change it on the account page",
        ));
    }
    let temporary = body.value.temporary_password;
    if temporary.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ApiError::invalid(
            "temporary_password",
            ErrorCode::InvalidValue,
            format!("临时密码至少 {MIN_PASSWORD_CHARS} 个字符"),
            format!("temporary_password: at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    let hash = crate::auth::hash_password_blocking(temporary).await?;
    if !state
        .store
        .reset_password(&username, &hash, &admin.username, state.clock.now())
        .await?
    {
        return Err(ApiError::not_found(
            &format!("账号 {username}"),
            &format!("Account {username}"),
        ));
    }
    Ok(Json(accounts_page(&state, Page::default()).await?))
}

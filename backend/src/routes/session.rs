//! Logging in and out: `POST`/`DELETE /api/v1/session` and `GET /api/v1/me`. Only failed
//! logins are throttled, per username (docs/API-DESIGN.md, "Sessions and safety").

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use quota_shared::api::{ErrorEnvelope, LoginRequest, PasswordChange, UserResponse};
use quota_shared::codes::ErrorCode;

use crate::accounts;
use crate::auth::{self, CurrentUser, MAX_FAILED_LOGINS, THROTTLE_WINDOW, sha256_hex};
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;
use crate::store::Store;

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new()
        .route("/session", post(login::<S>).delete(logout::<S>))
        .route("/me", get(me))
        .route("/me/password", post(change_password::<S>))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(login, logout, me, change_password))]
pub(super) struct Doc;

#[utoipa::path(post, path = "/api/v1/session", tag = "session",
    request_body = LoginRequest,
    responses((status = 200, description = "登录成功，设置会话 Cookie / logged in, session cookie set", body = UserResponse),
        (status = 401, description = "用户名或密码错误 / wrong credentials", body = ErrorEnvelope),
        (status = 429, description = "失败次数过多 / too many failures", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn login<S: Store>(
    State(state): State<AppState<S>>,
    headers: HeaderMap,
    body: ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let LoginRequest { username, password } = body.value;
    let now = state.clock.now();
    let bad_credentials = || {
        ApiError::coded(
            ErrorCode::BadCredentials,
            "用户名或密码错误",
            "Wrong username or password",
        )
    };
    // A name no account can have is refused before anything is written or checked.
    let Some(username) = accounts::normalise_username(&username) else {
        return Err(bad_credentials());
    };
    count_attempt(&state, &username, now).await?;
    let user = state.store.user_by_username(&username).await?;
    let verified = match &user {
        Some(u) if !u.disabled => {
            auth::verify_password_blocking(password, u.password_hash.clone()).await
        }
        _ => false,
    };
    let Some(user) = user.filter(|_| verified) else {
        return Err(bad_credentials());
    };
    state.store.clear_login_failures(&username).await?;
    let (token, digest) = auth::new_session_token();
    state
        .store
        .create_session(&digest, &user, now, state.sessions.deadline(now, now))
        .await?;
    let mut response = Json(UserResponse {
        user: user.to_wire(),
    })
    .into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        auth::session_cookie(&token, &headers, state.sessions.lifetime),
    );
    Ok(response)
}

/// Counts an attempt to prove `username`'s password, before the password is checked and in
/// one statement, so parallel guesses each see their own number: at most [`MAX_FAILED_LOGINS`]
/// are ever checked per [`THROTTLE_WINDOW`]. Logins and password changes share the count.
async fn count_attempt<S: Store>(
    state: &AppState<S>,
    username: &str,
    now: time::OffsetDateTime,
) -> Result<(), ApiError> {
    let (attempts, since) = state
        .store
        .record_login_failure(username, now, now - THROTTLE_WINDOW)
        .await?;
    if attempts > MAX_FAILED_LOGINS {
        let minutes = ((since + THROTTLE_WINDOW - now).whole_seconds() + 59).max(60) / 60;
        return Err(ApiError::coded(
            ErrorCode::TooManyFailures,
            format!("密码错误次数过多，请 {minutes} 分钟后再试"),
            format!("Too many wrong passwords; try again in {minutes} minutes"),
        ));
    }
    Ok(())
}

#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses((status = 204, description = "已退出，清除 Cookie / logged out, cookie cleared")))]
#[tracing::instrument(skip_all)]
async fn logout<S: Store>(
    State(state): State<AppState<S>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = auth::session_token(&headers) {
        state
            .store
            .delete_session(&sha256_hex(token.as_bytes()), state.clock.now())
            .await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, auth::clear_cookie(&headers));
    Ok(response)
}

#[utoipa::path(get, path = "/api/v1/me", tag = "session",
    responses((status = 200, body = UserResponse), (status = 401, description = "未登录 / not logged in", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn me(user: CurrentUser) -> Json<UserResponse> {
    Json(UserResponse {
        user: user.0.to_wire(),
    })
}

#[utoipa::path(post, path = "/api/v1/me/password", tag = "session",
    request_body = PasswordChange,
    responses((status = 200, description = "已修改；本账号其他会话均已退出 / changed; every other session of the account ended", body = UserResponse),
        (status = 401, description = "未登录 / not logged in", body = ErrorEnvelope),
        (status = 422, description = "当前密码不对或新密码太短 / wrong current password or a short new one", body = ErrorEnvelope),
        (status = 429, description = "失败次数过多 / too many failures", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn change_password<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    headers: HeaderMap,
    body: ApiJson<PasswordChange>,
) -> Result<Json<UserResponse>, ApiError> {
    let PasswordChange {
        current_password,
        new_password,
    } = body.value;
    let user = user.0;
    let now = state.clock.now();
    let min = accounts::MIN_PASSWORD_CHARS;
    if new_password.chars().count() < min {
        return Err(ApiError::coded(
            ErrorCode::InvalidValue,
            format!("新密码至少 {min} 个字符"),
            format!("new_password: at least {min} characters"),
        ));
    }
    if new_password == current_password {
        return Err(ApiError::coded(
            ErrorCode::InvalidValue,
            "新密码不能与当前密码相同",
            "new_password: must differ from the current one",
        ));
    }
    // A stolen session must not become a way to guess the password.
    count_attempt(&state, &user.username, now).await?;
    if !auth::verify_password_blocking(current_password, user.password_hash.clone()).await {
        return Err(ApiError::coded(
            ErrorCode::WrongPassword,
            "当前密码不对，请重新输入",
            "current_password: wrong password, type it again",
        ));
    }
    state.store.clear_login_failures(&user.username).await?;
    let hash = auth::hash_password_blocking(new_password).await?;
    let keep = auth::session_token(&headers)
        .map(|t| sha256_hex(t.as_bytes()))
        .unwrap_or_default();
    if !state
        .store
        .change_password(&user, &hash, &keep, now)
        .await?
    {
        return Err(ApiError::coded(
            ErrorCode::WrongPassword,
            "密码刚被修改或由管理员重置，请重新输入当前密码",
            "current_password: the password was just changed or reset; type the current one again",
        ));
    }
    let mut user = user.to_wire();
    user.must_change_password = false;
    Ok(Json(UserResponse { user }))
}

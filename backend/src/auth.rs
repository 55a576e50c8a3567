//! Accounts and sessions: argon2id password hashes (computed off the async threads), random
//! session tokens kept only as SHA-256, the session cookie, the current-user extractor, the
//! failed-login throttle and the refusal of cross-site state changes.

use axum::extract::{FromRequestParts, Request};
use axum::http::{HeaderMap, HeaderValue, Method, header, request::Parts};
use axum::middleware::Next;
use axum::response::Response;
use password_hash::rand_core::{OsRng, RngCore};
use password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use quota_shared::api::Role;
use quota_shared::codes::ErrorCode;
use quota_shared::jurisdiction::CountyCode;
use sha2::{Digest, Sha256};
use time::Duration;

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::Store;
use crate::store::types::UserRecord;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "qx_session";
/// Its name over HTTPS: the `__Host-` prefix makes the browser refuse it unless it is Secure,
/// for this host only (no Domain) and for every path, so a sibling subdomain cannot set or
/// shadow it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-qx_session";
/// Activity moves the idle deadline at most this often, so reads write rarely. (How long a
/// session lasts is a setting: [`crate::config::SessionPolicy`].)
pub const EXTEND_EVERY: Duration = Duration::minutes(1);
/// Failed logins allowed per username within [`THROTTLE_WINDOW`] before refusing attempts.
pub const MAX_FAILED_LOGINS: i32 = 5;
pub const THROTTLE_WINDOW: Duration = Duration::minutes(15);

/// An argon2id PHC string for a password. CPU-heavy: call through `spawn_blocking`.
pub fn hash_password(password: &str) -> Result<String, password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Whether `password` matches a stored PHC string. CPU-heavy: call through `spawn_blocking`.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashes off the async threads.
/// How many argon2 computations run at once. Each takes about 19 MiB and most of a core for
/// a fraction of a second: a burst of logins waits its turn instead of exhausting memory.
pub const PASSWORD_WORK_AT_ONCE: usize = 2;
static PASSWORD_WORK: tokio::sync::Semaphore =
    tokio::sync::Semaphore::const_new(PASSWORD_WORK_AT_ONCE);

pub async fn hash_password_blocking(password: String) -> Result<String, ApiError> {
    let _turn = PASSWORD_WORK
        .acquire()
        .await
        .map_err(|_| ApiError::Internal)?;
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| ApiError::Internal)?
        .map_err(|_| ApiError::Internal)
}

/// Verifies off the async threads.
pub async fn verify_password_blocking(password: String, phc: String) -> bool {
    let Ok(_turn) = PASSWORD_WORK.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || verify_password(&password, &phc))
        .await
        .unwrap_or(false)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new random session token (256 bits, hex) and the SHA-256 we store.
pub fn new_session_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let digest = sha256_hex(token.as_bytes());
    (token, digest)
}

/// The session token from the `Cookie` header, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(name, _)| *name == SECURE_SESSION_COOKIE || *name == SESSION_COOKIE)
        // The __Host- cookie wins over a plain one of the same session name.
        .max_by_key(|(name, _)| *name == SECURE_SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
}

/// Whether the request came over HTTPS (directly or through a proxy that says so).
fn is_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

/// `Set-Cookie` for a new session lasting at most `max_age`: HttpOnly, SameSite=Lax, Secure
/// only over HTTPS.
pub fn session_cookie(token: &str, headers: &HeaderMap, max_age: Duration) -> HeaderValue {
    let (name, secure) = if is_https(headers) {
        (SECURE_SESSION_COOKIE, "; Secure")
    } else {
        (SESSION_COOKIE, "")
    };
    let value = format!(
        "{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        max_age.whole_seconds()
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` that removes the session cookie (of the name the request came with).
pub fn clear_cookie(headers: &HeaderMap) -> HeaderValue {
    if is_https(headers) {
        HeaderValue::from_static(
            "__Host-qx_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure",
        )
    } else {
        HeaderValue::from_static("qx_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
    }
}

/// The logged-in user, or 401.
pub struct CurrentUser(pub UserRecord);

/// The logged-in user if there is one (public routes that show more to some roles). An
/// account that must change its password is still that user here; [`CurrentUser`] is what
/// holds it to the password change.
pub struct MaybeUser(pub Option<UserRecord>);

impl<S: Store> FromRequestParts<AppState<S>> for MaybeUser {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState<S>) -> Result<Self, ApiError> {
        let Some(token) = session_token(&parts.headers) else {
            return Ok(Self(None));
        };
        let digest = sha256_hex(token.as_bytes());
        let now = state.clock.now();
        let Some(session) = state.store.user_by_session(&digest, now).await? else {
            return Ok(Self(None));
        };
        // Bookkeeping of the session, not of the market: at most one write a minute per
        // session, and a failure to write does not fail the request.
        let deadline = state.sessions.deadline(session.created_at, now);
        if deadline - session.expires_at >= EXTEND_EVERY
            && let Err(e) = state.store.extend_session(&digest, now, deadline).await
        {
            tracing::warn!(error = %e, "could not extend a session");
        }
        Ok(Self(Some(session.user)))
    }
}

/// What an account whose password an administrator reset may still do: see who it is, set
/// its own password, log out (paths under `/api/v1`).
const ALLOWED_BEFORE_CHANGE: [&str; 3] = ["/me", "/me/password", "/session"];

impl<S: Store> FromRequestParts<AppState<S>> for CurrentUser {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState<S>) -> Result<Self, ApiError> {
        let Some(user) = MaybeUser::from_request_parts(parts, state).await?.0 else {
            return Err(ApiError::unauthorized());
        };
        if user.must_change_password {
            // Inside the nested API router the path has lost its `/api/v1`.
            let path = parts
                .extensions
                .get::<axum::extract::OriginalUri>()
                .map_or(parts.uri.path(), |u| u.0.path());
            let path = path.strip_prefix("/api/v1").unwrap_or(path);
            if !ALLOWED_BEFORE_CHANGE.contains(&path) {
                return Err(ApiError::coded(
                    ErrorCode::PasswordChangeRequired,
                    "管理员已重置您的密码：请先在“账号”页设置自己的新密码，再继续操作",
                    "An administrator reset your password: set your own on the account page before anything else",
                ));
            }
        }
        if user.role == Role::Supervisor && !matches!(parts.method, Method::GET | Method::HEAD) {
            let path = parts
                .extensions
                .get::<axum::extract::OriginalUri>()
                .map_or(parts.uri.path(), |u| u.0.path());
            let path = path.strip_prefix("/api/v1").unwrap_or(path);
            if !SUPERVISOR_MAY_WRITE.contains(&path) {
                return Err(ApiError::forbidden(
                    "监督账号只读：可以查看所有县（市、区）的数据，不能修改任何数据",
                    "A supervisor account reads everything and changes nothing",
                ));
            }
        }
        Ok(Self(user))
    }
}

/// What a supervisor may change: its own password and its session (paths under `/api/v1`).
const SUPERVISOR_MAY_WRITE: [&str; 2] = ["/me/password", "/session"];

impl CurrentUser {
    /// 403 unless the user has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<&UserRecord, ApiError> {
        if roles.contains(&self.0.role) {
            Ok(&self.0)
        } else {
            let names: Vec<&str> = roles.iter().map(|r| r.label_zh()).collect();
            Err(ApiError::forbidden(
                format!(
                    "此操作仅限{}，当前账号为{}",
                    names.join("或"),
                    self.0.role.label_zh()
                ),
                format!(
                    "Only {roles:?} may do this; this account is {:?}",
                    self.0.role
                ),
            ))
        }
    }

    /// 403 unless the user is the bureau of `county`.
    pub fn require_bureau_of(&self, county: &CountyCode) -> Result<&UserRecord, ApiError> {
        let user = self.require(&[Role::CountyBureau])?;
        if user.county_code.as_ref() == Some(county) {
            Ok(user)
        } else {
            Err(ApiError::forbidden(
                "只能操作本县（市、区）的数据",
                "A county bureau may act only for its own county",
            ))
        }
    }
}

/// Refuses state-changing requests from another site (by `Sec-Fetch-Site`, else `Origin`
/// against `Host`), so a page elsewhere cannot use a logged-in clerk's cookie.
pub async fn refuse_cross_site(request: Request, next: Next) -> Result<Response, ApiError> {
    let changes_state = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if changes_state && is_cross_site(request.headers()) {
        return Err(ApiError::coded(
            ErrorCode::CrossSite,
            "拒绝来自其他网站的请求，请在本平台页面内操作",
            "Requests from another site are refused; use the platform's own pages",
        ));
    }
    Ok(next.run(request).await)
}

/// Whether a request comes from another site. A browser says so in `Sec-Fetch-Site`: only
/// `same-origin` (our own pages) and `none` (typed or bookmarked) are accepted — `same-site`
/// is a sibling subdomain, which on a shared government domain can be anybody. Without that
/// header, an `Origin` must be our own host.
fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
    origin == "null" || origin_host != host
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let phc = hash_password("正确的密码 horse").expect("hash");
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("正确的密码 horse", &phc));
        assert!(!verify_password("wrong", &phc));
        assert!(!verify_password("x", "not a phc string"));
    }

    #[test]
    fn session_tokens_are_random_and_stored_hashed() {
        let (a, ha) = new_session_token();
        let (b, _) = new_session_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(ha, sha256_hex(a.as_bytes()));
    }

    #[test]
    fn cookies_are_read_and_written_with_the_right_attributes() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; qx_session=abc; b=2"),
        );
        assert_eq!(session_token(&h).as_deref(), Some("abc"));
        let plain = session_cookie("t", &HeaderMap::new(), Duration::hours(12));
        let plain = plain.to_str().expect("ascii");
        assert!(
            plain.contains("HttpOnly")
                && plain.contains("SameSite=Lax")
                && !plain.contains("Secure")
        );
        let mut https = HeaderMap::new();
        https.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        let secure = session_cookie("t", &https, Duration::hours(12));
        let secure = secure.to_str().expect("ascii");
        assert!(
            secure.starts_with("__Host-qx_session=t; Path=/;")
                && secure.contains("; Secure")
                && !secure.contains("Domain"),
            "{secure}"
        );
        let mut both = HeaderMap::new();
        both.insert(
            header::COOKIE,
            HeaderValue::from_static("qx_session=planted; __Host-qx_session=real"),
        );
        assert_eq!(session_token(&both).as_deref(), Some("real"));
        assert!(
            clear_cookie(&https)
                .to_str()
                .expect("ascii")
                .starts_with("__Host-qx_session=;")
        );
    }

    #[test]
    fn cross_site_detection() {
        let mut h = HeaderMap::new();
        assert!(!is_cross_site(&h), "no headers: a non-browser client");
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert!(!is_cross_site(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://evil.example"),
        );
        assert!(is_cross_site(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(!is_cross_site(&h), "Sec-Fetch-Site decides when present");
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(is_cross_site(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-site"));
        assert!(is_cross_site(&h), "a sibling subdomain is another site");
        h.insert("sec-fetch-site", HeaderValue::from_static("none"));
        assert!(!is_cross_site(&h), "typed into the address bar");
    }
}

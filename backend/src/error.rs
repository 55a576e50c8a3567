//! [`ApiError`]: every failure of a request, rendered as the error envelope of docs/API-DESIGN.md
//! with one `status_code()` match. The response carries the error in its extensions so the
//! [`localize`] middleware can pick `message` from the request's `Accept-Language`.

use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use quota_shared::FieldError;
use quota_shared::api::{ErrorBody, ErrorEnvelope, Lang};
use quota_shared::codes::ErrorCode;
use quota_shared::rules::RuleViolation;

use crate::store::StoreError;

#[derive(Debug, Clone)]
pub enum ApiError {
    /// 400: the body is not JSON or not the expected shape.
    Malformed { zh: String, en: String },
    /// 404.
    NotFound { what_zh: String, what_en: String },
    /// 422: a field is invalid.
    Field(FieldError),
    /// 422: one or more rules refuse the action.
    Rules(Vec<RuleViolation>),
    /// 422: a bid on a county listing or a purchase of a regional lot (`rule: wrong_channel`).
    WrongChannel { zh: String, en: String },
    /// Any other refusal: its code (which decides the status) and words, and the field at
    /// fault if there is one.
    Coded {
        code: ErrorCode,
        zh: String,
        en: String,
        field: Option<String>,
    },
    /// 500: our fault, not the user's; details go to the log only.
    Internal,
}

impl ApiError {
    /// The code of the answer; its row in `quota_shared::codes` decides the status.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Malformed { .. } => ErrorCode::Malformed,
            Self::NotFound { .. } => ErrorCode::NotFound,
            Self::Field(e) => e.error.code(),
            Self::Rules(_) => ErrorCode::RuleViolation,
            Self::WrongChannel { .. } => ErrorCode::WrongChannel,
            Self::Coded { code, .. } => *code,
            Self::Internal => ErrorCode::Internal,
        }
    }

    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    pub fn body(&self, lang: Lang) -> ErrorBody {
        let code = self.code();
        match self {
            Self::Malformed { zh, en } => ErrorBody::new(code, zh.clone(), en.clone(), lang),
            Self::NotFound { what_zh, what_en } => ErrorBody::new(
                code,
                format!("未找到{what_zh}"),
                format!("{what_en} not found"),
                lang,
            ),
            Self::Field(e) => ErrorBody::from_field(e, lang),
            Self::Rules(v) => ErrorBody::from_violations(v.clone(), lang),
            Self::WrongChannel { zh, en } => {
                let mut body = ErrorBody::new(code, zh.clone(), en.clone(), lang);
                body.rule = Some(code.wire().into());
                body
            }
            Self::Coded { zh, en, field, .. } => {
                let body = ErrorBody::new(code, zh.clone(), en.clone(), lang);
                match field {
                    Some(f) => body.with_field(f),
                    None => body,
                }
            }
            Self::Internal => ErrorBody::new(
                code,
                "服务器内部错误，请稍后重试；如持续出现请联系管理员".into(),
                "Internal server error; please retry later and tell the administrator if it persists".into(),
                lang,
            ),
        }
    }

    fn render(&self, lang: Lang) -> Response {
        let mut response = (
            self.status_code(),
            Json(ErrorEnvelope {
                error: self.body(lang),
            }),
        )
            .into_response();
        response.extensions_mut().insert(self.clone());
        response
    }

    /// A refusal with its code and words.
    pub fn coded(code: ErrorCode, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::Coded {
            code,
            zh: zh.into(),
            en: en.into(),
            field: None,
        }
    }

    /// 401: the caller must log in.
    pub fn unauthorized() -> Self {
        Self::coded(
            ErrorCode::Unauthorized,
            "未登录或会话已结束（长时间未操作或登录时间已满），请重新登录",
            "Not logged in, or the session ended (idle too long, or its lifetime is over): log in again",
        )
    }

    /// 403 with the reason.
    pub fn forbidden(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::coded(ErrorCode::Forbidden, zh, en)
    }

    /// A refusal tied to a field, with our own words.
    pub fn invalid(
        field: &str,
        code: ErrorCode,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self::Coded {
            code,
            zh: zh.into(),
            en: en.into(),
            field: Some(field.to_string()),
        }
    }

    pub fn not_found(what_zh: &str, what_en: &str) -> Self {
        Self::NotFound {
            what_zh: what_zh.into(),
            what_en: what_en.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.render(Lang::Zh)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "store error");
        Self::Internal
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        Self::Field(e)
    }
}

/// The language a request asks for.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    Lang::from_accept_language(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

/// Re-renders error responses in the request's language (zh-CN unless it prefers English).
pub async fn localize(request: Request, next: Next) -> Response {
    let lang = request_lang(request.headers());
    let response = next.run(request).await;
    if lang == Lang::Zh {
        return response;
    }
    match response.extensions().get::<ApiError>() {
        Some(error) => error.clone().render(lang),
        None => response,
    }
}

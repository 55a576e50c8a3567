//! [`ApiError`]: every failure of a request, rendered as the error envelope of product.md §6
//! with one `status_code()` match. The response carries the error in its extensions so the
//! [`localize`] middleware can pick `message` from the request's `Accept-Language`.

use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use quota_shared::FieldError;
use quota_shared::api::{ErrorBody, ErrorEnvelope, Lang};
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
    /// Any other refusal with its status, code and words (401, 403, 409, 413, 429 …).
    Status {
        status: StatusCode,
        code: &'static str,
        zh: String,
        en: String,
        field: Option<String>,
    },
    /// 500: our fault, not the user's; details go to the log only.
    Internal,
}

impl ApiError {
    pub fn status_code(&self) -> StatusCode {
        match self {
            Self::Malformed { .. } => StatusCode::BAD_REQUEST,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::Field(_) | Self::Rules(_) | Self::WrongChannel { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::Status { status, .. } => *status,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn body(&self, lang: Lang) -> ErrorBody {
        match self {
            Self::Malformed { zh, en } => ErrorBody::new("malformed", zh.clone(), en.clone(), lang),
            Self::NotFound { what_zh, what_en } => ErrorBody::new(
                "not_found",
                format!("未找到{what_zh}"),
                format!("{what_en} not found"),
                lang,
            ),
            Self::Field(e) => ErrorBody::from_field(e, lang),
            Self::Rules(v) => ErrorBody::from_violations(v.clone(), lang),
            Self::WrongChannel { zh, en } => {
                let mut body = ErrorBody::new("wrong_channel", zh.clone(), en.clone(), lang);
                body.rule = Some("wrong_channel".into());
                body
            }
            Self::Status {
                code, zh, en, field, ..
            } => {
                let body = ErrorBody::new(code, zh.clone(), en.clone(), lang);
                match field {
                    Some(f) => body.with_field(f),
                    None => body,
                }
            }
            Self::Internal => ErrorBody::new(
                "internal",
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

    pub fn status(
        status: StatusCode,
        code: &'static str,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self::Status {
            status,
            code,
            zh: zh.into(),
            en: en.into(),
            field: None,
        }
    }

    /// 401: the caller must log in.
    pub fn unauthorized() -> Self {
        Self::status(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "请先登录",
            "Please log in first",
        )
    }

    /// 403 with the reason.
    pub fn forbidden(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::status(StatusCode::FORBIDDEN, "forbidden", zh, en)
    }

    /// 409: the state of the object does not allow this now.
    pub fn conflict(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::status(StatusCode::CONFLICT, code, zh, en)
    }

    /// 422 tied to a field, with our own words.
    pub fn invalid(
        field: &str,
        code: &'static str,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self::Status {
            status: StatusCode::UNPROCESSABLE_ENTITY,
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

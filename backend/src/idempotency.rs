//! Idempotent requests (docs/API-DESIGN.md, "Idempotency"), in one place: the
//! [`IdempotencyKey`] extractor (400 when the header is missing or too long), the request's
//! fingerprint, and [`replay`], which answers a stored first answer again — or 422 when the
//! same key comes with another body. The answer is serialised once, by the store, in the
//! transaction that records it; the first response and every replay send those same bytes.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use quota_shared::codes::ErrorCode;

use crate::auth::sha256_hex;
use crate::error::ApiError;
use crate::store::types::StoredAnswer;

/// Longest `Idempotency-Key` accepted (a UUID is 36).
pub const MAX_KEY_CHARS: usize = 200;

/// The `Idempotency-Key` of a request that requires one.
pub struct IdempotencyKey(pub String);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parts
            .headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|k| !k.is_empty() && k.len() <= MAX_KEY_CHARS)
            .map(|k| Self(k.to_string()))
            .ok_or_else(|| {
                ApiError::coded(
                    ErrorCode::IdempotencyKeyRequired,
                    "购买请求须带 Idempotency-Key 请求头（每次购买一个新的随机值，最长200字符）",
                    "A purchase needs an Idempotency-Key header (a new random value per purchase, at most 200 characters)",
                )
            })
    }
}

/// What identifies a request's body: the same key with another fingerprint is another request.
pub fn fingerprint(body: &[u8]) -> String {
    sha256_hex(body)
}

/// The stored answer again when the request is the same, else 422 `idempotency_key_reused`.
pub fn replay(answer: StoredAnswer, fingerprint: &str) -> Result<Response, ApiError> {
    if answer.request_sha256 != fingerprint {
        return Err(ApiError::invalid(
            "Idempotency-Key",
            ErrorCode::IdempotencyKeyReused,
            "该 Idempotency-Key 已用于另一笔不同的请求，请为新的购买使用新的键",
            "This Idempotency-Key was used for a different request; use a new key for a new purchase",
        ));
    }
    Ok((
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK),
        [(header::CONTENT_TYPE, "application/json")],
        answer.body,
    )
        .into_response())
}

//! [`ApiPath`] and [`ApiQuery`]: axum's path and query extractors with their refusals in the
//! one error envelope. A path segment that does not parse (`/listings/abc`) names nothing that
//! exists: 404. A query string that does not fit (an unknown filter, a year that is not a
//! number): 422 naming the parameter.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use quota_shared::codes::ErrorCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A path parameter, or 404 in the envelope.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(e @ PathRejection::FailedToDeserializePathParams(_)) => {
                let path = parts.uri.path().to_string();
                tracing::debug!(error = %e, "unparsable path parameter");
                Err(ApiError::not_found(
                    &format!("“{path}”"),
                    &format!("\"{path}\""),
                ))
            }
            Err(e) => {
                tracing::error!(error = %e, "path extraction");
                Err(ApiError::Internal)
            }
        }
    }
}

/// Query parameters, or 422 naming what is wrong with them.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(Self(value)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                let detail = e.body_text();
                let detail = detail
                    .strip_prefix("Failed to deserialize query string: ")
                    .unwrap_or(&detail)
                    .to_string();
                let code = if detail.contains("unknown field") {
                    ErrorCode::UnknownField
                } else {
                    ErrorCode::InvalidFilter
                };
                Err(ApiError::invalid(
                    "query",
                    code,
                    format!("查询参数无效：{detail}；请检查网址中 ? 之后的参数"),
                    format!(
                        "Invalid query parameters: {detail}; check what follows ? in the address"
                    ),
                ))
            }
            Err(e) => {
                tracing::error!(error = %e, "query extraction");
                Err(ApiError::Internal)
            }
        }
    }
}

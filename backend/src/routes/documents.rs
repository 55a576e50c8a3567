//! An organisation's documents (单位材料, #16): the business licence (or a public body's code
//! certificate) and a regional bidder's authorisation (R11), uploaded by the organisation's own
//! users while it awaits review, read by them, the administrator and the supervisor. The type
//! is read from the content — never from the name or the header the sender gives.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use axum::{Json, Router};
use quota_shared::api::{
    DocumentKind, ErrorEnvelope, OrganisationResponse, OrganisationStatus, Role,
};
use quota_shared::codes::ErrorCode;
use sha2::{Digest, Sha256};

use super::organisation_fields::visible;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::state::AppState;
use crate::store::Store;

/// Largest document accepted: a scanned page as PDF or photograph.
pub const MAX_DOCUMENT_BYTES: usize = 5 * 1024 * 1024;

/// Documents held in memory at once (uploads and reads); the others wait their turn.
static UPLOADS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new().route(
        "/organisations/{id}/documents/{kind}",
        put(upload::<S>).get(download::<S>),
    )
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(upload, download))]
pub(super) struct Doc;

/// The media type of a PDF, PNG or JPEG file, from its first bytes.
pub fn sniff(content: &[u8]) -> Option<&'static str> {
    if content.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if content.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

fn approved_meanwhile() -> ApiError {
    ApiError::coded(
        ErrorCode::OrganisationApproved,
        "单位已审核通过，更换材料请联系自治区管理员",
        "The organisation is approved: ask the administrator to replace a document",
    )
}

/// How long a file may take to arrive, and how long it waits for its turn.
const ARRIVAL: std::time::Duration = std::time::Duration::from_secs(120);
const TURN: std::time::Duration = std::time::Duration::from_secs(15);

/// The uploaded file: refused at once when it says it is too large, read within [`ARRIVAL`]
/// while holding one of the [`UPLOADS`] turns (waited for at most [`TURN`]), so slow or
/// oversized senders cannot hold the others up.
async fn read_document(
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Result<axum::body::Bytes, ApiError> {
    let too_large = || {
        ApiError::coded(
            ErrorCode::BodyTooLarge,
            "文件过大，上限为 5 MB：请压缩或降低扫描分辨率后再上传",
            "The file is too large; the limit is 5 MB: compress it or scan at a lower resolution",
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_DOCUMENT_BYTES as u64) {
        return Err(too_large());
    }
    let busy = || {
        ApiError::coded(
            ErrorCode::Busy,
            "上传的人较多，请稍后再试",
            "Many uploads at once: try again shortly",
        )
    };
    let _turn = tokio::time::timeout(TURN, UPLOADS.acquire())
        .await
        .map_err(|_| busy())?
        .map_err(|_| ApiError::Internal)?;
    tokio::time::timeout(
        ARRIVAL,
        crate::json::read_body_within(body, MAX_DOCUMENT_BYTES),
    )
    .await
    .map_err(|_| ApiError::Malformed {
        zh: "文件传输超时，请检查网络后重新上传".into(),
        en: "The file took too long to arrive: check the connection and upload again".into(),
    })?
}

fn kind_of(text: &str) -> Result<DocumentKind, ApiError> {
    text.parse().map_err(|_| {
        ApiError::not_found(
            &format!("材料类型 {text}（应为 licence 或 authorisation）"),
            &format!("Document kind {text} (licence or authorisation)"),
        )
    })
}

#[utoipa::path(put, path = "/api/v1/organisations/{id}/documents/{kind}", tag = "admin",
    params(("id" = i64, Path), ("kind" = DocumentKind, Path)),
    request_body(content = Vec<u8>, description = "PDF、PNG 或 JPEG 文件本身，至多 5 MB / the file itself, at most 5 MB", content_type = "application/octet-stream"),
    responses((status = 200, description = "已保存，替换同类旧材料 / stored, replacing the earlier one of its kind", body = OrganisationResponse),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "单位已审核通过（本单位人员）/ approved (members)", body = ErrorEnvelope),
        (status = 413, body = ErrorEnvelope), (status = 415, description = "不是 PDF、PNG 或 JPEG / not a PDF, PNG or JPEG", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn upload<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath((id, kind)): ApiPath<(i64, String)>,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Result<Json<OrganisationResponse>, ApiError> {
    let kind = kind_of(&kind)?;
    let organisation = visible(&state, &user, id).await?;
    if user.0.role != Role::Admin {
        user.require(&[Role::Buyer, Role::CountyBureau])?;
        if organisation.status == OrganisationStatus::Approved {
            return Err(approved_meanwhile());
        }
    }
    let content = read_document(headers, body).await?;
    if content.is_empty() {
        return Err(ApiError::invalid(
            "document",
            ErrorCode::Empty,
            "请选择要上传的文件",
            "Choose a file to upload",
        ));
    }
    let Some(content_type) = sniff(&content) else {
        return Err(ApiError::coded(
            ErrorCode::UnsupportedDocument,
            "文件不是 PDF、PNG 或 JPEG：请将营业执照或授权文件扫描为 PDF，或拍照保存为 JPEG/PNG 后上传",
            "The file is not a PDF, PNG or JPEG: scan the document to PDF, or photograph it as JPEG/PNG",
        ));
    };
    let sha256: String = Sha256::digest(&content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let admin = user.0.role == Role::Admin;
    if !state
        .store
        .put_organisation_document(
            id,
            kind,
            content_type,
            &content,
            &sha256,
            admin,
            &user.0.username,
            state.clock.now(),
        )
        .await?
    {
        // Approved while the file was on its way: the documents checked stay.
        return Err(approved_meanwhile());
    }
    Ok(Json(OrganisationResponse {
        organisation: visible(&state, &user, id).await?,
    }))
}

#[utoipa::path(get, path = "/api/v1/organisations/{id}/documents/{kind}", tag = "admin",
    params(("id" = i64, Path), ("kind" = DocumentKind, Path)),
    responses((status = 200, description = "文件本身（PDF、PNG 或 JPEG）/ the file", content_type = "application/octet-stream"),
        (status = 401, body = ErrorEnvelope), (status = 404, description = "无此单位或材料，或不是本单位 / none, or not yours", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn download<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath((id, kind)): ApiPath<(i64, String)>,
) -> Result<Response, ApiError> {
    let kind = kind_of(&kind)?;
    visible(&state, &user, id).await?;
    let _turn = tokio::time::timeout(TURN, UPLOADS.acquire())
        .await
        .map_err(|_| {
            ApiError::coded(
                ErrorCode::Busy,
                "查看材料的人较多，请稍后再试",
                "Many documents are being read: try again shortly",
            )
        })?
        .map_err(|_| ApiError::Internal)?;
    let Some((content_type, content)) = state.store.organisation_document(id, kind).await? else {
        return Err(ApiError::not_found(
            &format!("单位 #{id} 的{}", kind.label_zh()),
            &format!("Organisation #{id}'s {}", kind.wire()),
        ));
    };
    // Only a type this module stored is sent as such; the file is shown in a sandbox, never
    // sniffed, never cached.
    let content_type = sniff(&content)
        .filter(|t| *t == content_type)
        .unwrap_or("application/octet-stream");
    let extension = match content_type {
        "application/pdf" => "pdf",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        _ => "bin",
    };
    let mut response = content.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    // A picture is shown in the sandbox; a PDF is saved and opened with the reader (the
    // browser's viewer does not run in a sandboxed page).
    let disposition = if extension == "pdf" {
        "attachment"
    } else {
        "inline"
    };
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{disposition}; filename=\"organisation-{id}-{}.{extension}\"",
        kind.wire()
    )) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

//! The HTTP calls of parties (单位, #16) that only the staff bundle's pages make: an
//! organisation's documents, its mended fields and its people. Same-origin, through the web
//! app's one client (`crate::api`).

use gloo::net::http::Request;
use quota_shared::api::{DocumentKind, OrganisationResponse};

use crate::api::{ApiFailure, finish, send};

/// Where a document of an organisation is read and written.
pub fn document_url(id: i64, kind: DocumentKind) -> String {
    format!("/api/v1/organisations/{id}/documents/{}", kind.wire())
}

/// Uploads a document as it is (the server reads its type from the content).
pub async fn upload_document(
    id: i64,
    kind: DocumentKind,
    file: &web_sys::File,
) -> Result<OrganisationResponse, ApiFailure> {
    let request = Request::put(&document_url(id, kind))
        .header("Content-Type", "application/octet-stream")
        .body(file.clone())
        .map_err(|e| ApiFailure::network(&e.to_string()))?;
    finish(request.send().await, true).await
}

/// Changes an organisation's fields: its own user mending a registration (back to review), or
/// the administrator.
pub async fn edit_organisation(
    id: i64,
    fields: &serde_json::Value,
) -> Result<OrganisationResponse, ApiFailure> {
    send(
        Request::put(&format!("/api/v1/organisations/{id}")),
        fields,
        true,
    )
    .await
}

/// Adds a person to an organisation (the administrator).
pub async fn add_member(
    id: i64,
    username: &str,
    password: &str,
) -> Result<OrganisationResponse, ApiFailure> {
    send(
        Request::post(&format!("/api/v1/organisations/{id}/users")),
        &serde_json::json!({ "username": username, "password": password }),
        true,
    )
    .await
}

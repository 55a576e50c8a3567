//! The HTTP calls of the quota stock (#15): reclamation projects, their import and plots, a
//! trade's serials, the public trace and the verification of a confirmation. Same-origin JSON,
//! through the web app's one client (`crate::api`).

use gloo::net::http::Request;

use crate::api::{ApiFailure, finish, get, send};

/// Uploads a spreadsheet of projects: the preview, or with `commit` the import itself.
pub async fn import_projects(
    file: &web_sys::File,
    commit: bool,
) -> Result<quota_shared::api::ImportResponse, ApiFailure> {
    let request = Request::post(&format!("/api/v1/projects/import?commit={commit}"))
        .header("Content-Type", "application/octet-stream")
        .body(file.clone())
        .map_err(|e| ApiFailure::network(&e.to_string()))?;
    finish(request.send().await, true).await
}

/// What the confirmation with this 核验码 must say (public). `code` is one that read as a
/// code: letters and digits only.
pub async fn verify(code: &str) -> Result<quota_shared::api::VerificationResponse, ApiFailure> {
    get(&format!("/api/v1/verify/{code}")).await
}

/// A trade's serial blocks (empty until it is final).
pub async fn purchase_serials(id: i64) -> Result<quota_shared::api::SerialsResponse, ApiFailure> {
    get(&format!("/api/v1/purchases/{id}/serials")).await
}

/// Where a serial comes from and went (public). `serial` is one that read as a serial, so it
/// is digits and dashes only.
pub async fn trace(
    serial: &quota_shared::serial::Serial,
) -> Result<quota_shared::api::TraceResponse, ApiFailure> {
    get(&format!("/api/v1/trace/{serial}")).await
}

/// A final trade by its confirmation's number, with all its serial blocks (public).
pub async fn trace_trade(
    number: &str,
) -> Result<quota_shared::api::TradeTraceResponse, ApiFailure> {
    get(&format!("/api/v1/trace/trade/{}", path_segment(number))).await
}

/// `text` percent-encoded as one path segment (UTF-8 bytes; letters, digits and `-._~` kept).
fn path_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The reclamation projects of the bureau's county (every county's for other staff).
pub async fn projects() -> Result<quota_shared::api::ProjectsResponse, ApiFailure> {
    get("/api/v1/projects").await
}

/// One project with its plots and the listings drawn on it.
pub async fn project(id: i64) -> Result<quota_shared::api::ProjectResponse, ApiFailure> {
    get(&format!("/api/v1/projects/{id}")).await
}

/// Uploads a GeoJSON file of a project's plots (the server reads it; it replaces the plots).
pub async fn upload_plots(
    id: i64,
    file: &web_sys::File,
) -> Result<quota_shared::api::ProjectResponse, ApiFailure> {
    let request = Request::put(&format!("/api/v1/projects/{id}/plots"))
        .header("Content-Type", "application/json")
        .body(file.clone())
        .map_err(|e| ApiFailure::network(&e.to_string()))?;
    finish(request.send().await, true).await
}

pub async fn register_project(
    request: &quota_shared::api::ProjectRequest,
) -> Result<quota_shared::api::ProjectResponse, ApiFailure> {
    send(Request::post("/api/v1/projects"), request, true).await
}

pub async fn edit_project(
    id: i64,
    request: &quota_shared::api::ProjectRequest,
) -> Result<quota_shared::api::ProjectResponse, ApiFailure> {
    send(
        Request::put(&format!("/api/v1/projects/{id}")),
        request,
        true,
    )
    .await
}

pub async fn accept_project(
    id: i64,
    request: &quota_shared::api::AcceptanceRequest,
) -> Result<quota_shared::api::ProjectResponse, ApiFailure> {
    send(
        Request::post(&format!("/api/v1/projects/{id}/accept")),
        request,
        true,
    )
    .await
}

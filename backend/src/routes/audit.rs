//! The audit log over HTTP: one object's history and the check of the whole chain
//! (`verify_audit`, also behind `quota-exchange audit verify`).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use quota_shared::api::{
    AuditEntry, AuditResponse, AuditVerification, AuditVerificationResponse, ErrorEnvelope, Role,
};
use serde::Deserialize;

use super::page::{Order, Page, PageQuery, Position};
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::state::AppState;
use crate::store::Store;

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new()
        .route("/audit", get(audit_of::<S>))
        .route("/audit/verify", get(audit_verify::<S>))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(audit_of, audit_verify))]
pub(super) struct Doc;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    object: String,
    limit: Option<u32>,
    cursor: Option<String>,
}

fn parse_json_text(text: Option<String>) -> Option<serde_json::Value> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit",
    params(("object" = String, Query, description = "对象，如 listing:5、purchase:7、county:450422 / the object, e.g. listing:5"), PageQuery),
    responses((status = 200, description = "最早在前 / oldest first", body = AuditResponse), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn audit_of<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<AuditResponse>, ApiError> {
    user.require(&[Role::Admin, Role::Finance, Role::Supervisor])?;
    let page = Page::parse(q.limit, q.cursor.as_deref())?;
    let (records, next_cursor) = page.take(
        state.store.audit_of(q.object.trim()).await?,
        Order::Ascending,
        |r| Position::at(r.at, r.id),
    );
    // Each actor beside the organisation it acts for (the party, #16), looked up once a page.
    let mut parties = std::collections::BTreeMap::new();
    for r in &records {
        if !parties.contains_key(&r.actor) {
            let party = match state.store.user_by_username(&r.actor).await? {
                Some(u) => match u.organisation_id {
                    Some(id) => state.store.organisation_alone(id).await?.map(|o| o.name),
                    None => None,
                },
                None => None,
            };
            parties.insert(r.actor.clone(), party);
        }
    }
    Ok(Json(AuditResponse {
        next_cursor,
        audit: records
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                stream: r.stream,
                object: r.object,
                actor_organisation: parties.get(&r.actor).cloned().flatten(),
                actor: r.actor,
                action: r.action,
                before: parse_json_text(r.before_json),
                after: parse_json_text(r.after_json),
                at: r.at,
                hash: r.hash,
            })
            .collect(),
    }))
}

/// Checks the whole audit log (the `audit verify` command and the admin console).
pub async fn verify_audit<S: Store>(store: &S) -> Result<AuditVerification, ApiError> {
    verify_audit_with(store, None).await
}

/// [`verify_audit`], and with an anchor also that no anchored record is gone or rewritten.
pub async fn verify_audit_with<S: Store>(
    store: &S,
    anchor: Option<&[crate::audit::AnchorHead]>,
) -> Result<AuditVerification, ApiError> {
    let crate::store::types::AuditSnapshot {
        records,
        heads,
        live,
    } = store.audit_snapshot().await?;
    let total = records.len() as u64;
    // The rows are compared with the log only once the log itself is proven intact.
    let mismatch = crate::reconcile::first_mismatch(&records, &live);
    let checked = match anchor {
        Some(anchor) => crate::audit::verify_with_anchor(records, &heads, anchor),
        None => crate::audit::verify(records, &heads),
    };
    Ok(match (checked, mismatch) {
        (Ok(n), None) => AuditVerification {
            intact: true,
            records: n,
            broken: None,
        },
        (Ok(n), Some(m)) => AuditVerification {
            intact: false,
            records: n,
            broken: Some(m.to_string()),
        },
        (Err(b), _) => AuditVerification {
            intact: false,
            records: total,
            broken: Some(b.to_string()),
        },
    })
}

#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit",
    responses((status = 200, body = AuditVerificationResponse), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn audit_verify<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
) -> Result<Json<AuditVerificationResponse>, ApiError> {
    user.require(&[Role::Admin, Role::Finance, Role::Supervisor])?;
    Ok(Json(AuditVerificationResponse {
        verification: verify_audit(&state.store).await?,
    }))
}

//! Audit payloads of organisations (单位): a registration and its review.

use quota_shared::api::AuditAction;
use serde_json::json;
use time::OffsetDateTime;

use crate::audit::{Entry, REGION_STREAM};

/// An organisation registered (pending review, or approved when an administrator adds it): its
/// name, code, kind, county and legal representative; its contact person, phone and address
/// stay out of the log.
pub(crate) fn organisation_registered(
    id: i64,
    o: &quota_shared::api::OrganisationFields,
    status: quota_shared::api::OrganisationStatus,
    actor: &str,
    now: OffsetDateTime,
) -> Entry {
    Entry::new(
        REGION_STREAM,
        format!("organisation:{id}"),
        actor,
        AuditAction::OrganisationRegistered,
        now,
    )
    .after(json!({
        "name": o.name,
        "uscc": o.uscc.as_str(),
        "kind": o.kind.wire(),
        "county_code": o.county_code.as_ref().map(|c| c.to_string()),
        "legal_representative": o.legal_representative,
        "status": status.wire(),
    }))
}

/// A registration approved or rejected, with the reviewer's note.
pub(crate) fn organisation_reviewed(
    id: i64,
    name: &str,
    uscc: &str,
    approved: bool,
    note: Option<&str>,
    actor: &str,
    now: OffsetDateTime,
) -> Entry {
    let (action, status) = if approved {
        (AuditAction::OrganisationApproved, "approved")
    } else {
        (AuditAction::OrganisationRejected, "rejected")
    };
    Entry::new(
        REGION_STREAM,
        format!("organisation:{id}"),
        actor,
        action,
        now,
    )
    .after(json!({
        "name": name,
        "uscc": uscc,
        "status": status,
        "review_note": note,
    }))
}

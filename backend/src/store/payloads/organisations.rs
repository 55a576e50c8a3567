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
        "regional_bidder": o.regional_bidder,
        "authorisation": o.authorisation,
        "status": status.wire(),
    }))
}

/// An organisation's fields changed: by its own user mending a registration (back to pending),
/// or by the administrator (a code completed).
pub(crate) fn organisation_changed(
    id: i64,
    o: &quota_shared::api::OrganisationFields,
    status: quota_shared::api::OrganisationStatus,
    actor: &str,
    now: OffsetDateTime,
) -> Entry {
    let mut entry = organisation_registered(id, o, status, actor, now);
    entry.action = AuditAction::OrganisationChanged;
    entry
}

/// A document uploaded for an organisation: its kind, type, size and digest (the content stays
/// in the documents table).
pub(crate) fn organisation_document(
    id: i64,
    kind: quota_shared::api::DocumentKind,
    content_type: &str,
    size: usize,
    sha256: &str,
    actor: &str,
    now: OffsetDateTime,
) -> Entry {
    Entry::new(
        REGION_STREAM,
        format!("organisation:{id}"),
        actor,
        AuditAction::OrganisationDocument,
        now,
    )
    .after(json!({
        "document": kind.wire(),
        "content_type": content_type,
        "size_bytes": size,
        "sha256": sha256,
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

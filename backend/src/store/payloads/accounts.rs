//! Audit payloads of accounts: created, disabled or enabled, logins and logouts, password
//! changes and resets (a fingerprint of the hash, never the hash).

use quota_shared::api::AuditAction;
use serde_json::json;
use time::OffsetDateTime;

use crate::audit::{Entry, REGION_STREAM};
use crate::reconcile::password_fingerprint;
use crate::store::types::NewUser;

/// The password hash stays out of the log.
pub(crate) fn user_created(user: &NewUser, actor: &str, now: OffsetDateTime) -> Entry {
    Entry::new(
        REGION_STREAM,
        format!("user:{}", user.username),
        actor,
        AuditAction::UserCreated,
        now,
    )
    .after(json!({
        "username": user.username,
        "role": user.role.wire(),
        "county_code": user.county_code.as_ref().map(|c| c.to_string()),
        "regional_bidder": user.regional_bidder,
        "disabled": false,
        "password_sha256": password_fingerprint(&user.password_hash),
        "must_change_password": false,
        "organisation_id": user.organisation_id,
    }))
}

pub(crate) fn user_disabled(
    username: &str,
    disabled: bool,
    actor: &str,
    now: OffsetDateTime,
) -> Entry {
    let action = if disabled {
        AuditAction::UserDisabled
    } else {
        AuditAction::UserEnabled
    };
    Entry::new(
        REGION_STREAM,
        format!("user:{username}"),
        actor,
        action,
        now,
    )
    .after(json!({"disabled": disabled}))
}

/// A login: who, when (never the token).
pub(crate) fn logged_in(username: &str, now: OffsetDateTime) -> Entry {
    Entry::new(
        REGION_STREAM,
        format!("user:{username}"),
        username,
        AuditAction::Login,
        now,
    )
}

pub(crate) fn password_changed(username: &str, password_hash: &str, now: OffsetDateTime) -> Entry {
    Entry::new(
        REGION_STREAM,
        format!("user:{username}"),
        username,
        AuditAction::PasswordChanged,
        now,
    )
    .after(json!({
        "password_sha256": password_fingerprint(password_hash),
        "must_change_password": false,
    }))
}

/// An administrator's reset: a temporary password the user must replace.
pub(crate) fn password_reset(
    username: &str,
    password_hash: &str,
    actor: &str,
    now: OffsetDateTime,
) -> Entry {
    Entry::new(
        REGION_STREAM,
        format!("user:{username}"),
        actor,
        AuditAction::PasswordReset,
        now,
    )
    .after(json!({
        "password_sha256": password_fingerprint(password_hash),
        "must_change_password": true,
    }))
}

pub(crate) fn logged_out(username: &str, now: OffsetDateTime) -> Entry {
    Entry::new(
        REGION_STREAM,
        format!("user:{username}"),
        username,
        AuditAction::Logout,
        now,
    )
}

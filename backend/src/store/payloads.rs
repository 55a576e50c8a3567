//! What each change writes to the audit log: one plain function per action, building the
//! [`Entry`] — its stream, object, actor, and the state before and after. Areas are written in
//! 亩 (`…_mu`, 4 decimals) and money in 元 (`…_yuan`, 2 decimals), as on the wire, so a
//! record reads the same whatever wrote it. The store's transactions append what these return.

use quota_shared::api::{AuditAction, Purchase, PurchaseStatus};
use quota_shared::jurisdiction::CountyCode;
use quota_shared::{Money, UnitPrice};
use serde_json::json;
use time::{Date, OffsetDateTime};

use super::error::StoreError;
use super::types::{AllocationDraft, DisbursementDraft, ListingDraft, UseDraft};
use crate::audit::{Entry, REGION_STREAM, county_stream};

mod accounts;
mod organisations;
mod projects;
pub(crate) use accounts::{
    logged_in, logged_out, password_changed, password_reset, user_created, user_disabled,
};
pub(crate) use organisations::{
    organisation_changed, organisation_document, organisation_registered, organisation_reviewed,
};
pub(crate) use projects::{
    project_accepted, project_imported_accepted, project_plots, project_saved,
};

/// An area in 1/10000 亩 as the 亩 text the wire uses ("17.5335").
/// A time as RFC 3339 text (the form the wire uses).
fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

fn mu(e4: i64) -> String {
    format!("{}.{:04}", e4 / 10_000, (e4 % 10_000).abs())
}

/// An amount in 分 as the 元 text the wire uses ("4383375.00").
fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, (fen % 100).abs())
}

pub(crate) fn floor_added(
    price: UnitPrice,
    effective_from: Date,
    actor: &str,
    now: OffsetDateTime,
) -> Entry {
    Entry::new(
        REGION_STREAM,
        format!("floor:{effective_from}"),
        actor,
        AuditAction::FloorAdded,
        now,
    )
    .after(json!({"price_per_mu": price.to_string(), "effective_from": effective_from.to_string()}))
}

pub(crate) fn rule_version_added(
    v: &quota_shared::rules::RuleVersion,
    ended: &[(u32, String, Option<String>)],
    day_before: Date,
    actor: &str,
    now: OffsetDateTime,
) -> Entry {
    Entry::new(
        REGION_STREAM,
        format!("rule:{}", v.rule),
        actor,
        AuditAction::RuleVersionAdded,
        now,
    )
    .before(json!({
        "ended": ended.iter().map(|(n, from, to)| json!({
            "version": n, "effective_from": from, "effective_to": to,
            "now_ends": day_before.to_string(),
        })).collect::<Vec<_>>(),
    }))
    .after(json!({
        "version": v.version,
        "effective_from": v.effective_from.to_string(),
        "effective_to": v.effective_to.map(|d| d.to_string()),
        "confirmed": v.confirmed,
        "citation": v.citation,
        "params": v.params,
    }))
}

pub(crate) fn rule_version_ended(
    rule: quota_shared::rules::RuleId,
    version: u32,
    previous_end: Option<String>,
    effective_to: Date,
    actor: &str,
    now: OffsetDateTime,
) -> Entry {
    Entry::new(
        REGION_STREAM,
        format!("rule:{rule}"),
        actor,
        AuditAction::RuleVersionEnded,
        now,
    )
    .before(json!({"version": version, "effective_to": previous_end}))
    .after(json!({"version": version, "effective_to": effective_to.to_string()}))
}

pub(crate) fn base_price_set(
    code: &CountyCode,
    price: UnitPrice,
    actor: &str,
    now: OffsetDateTime,
) -> Entry {
    Entry::new(
        county_stream(code.as_str()),
        format!("county:{code}"),
        actor,
        AuditAction::BasePriceSet,
        now,
    )
    .after(json!({"base_price_per_mu": price.to_string()}))
}

pub(crate) fn listing_created(id: i64, l: &ListingDraft, advance: bool) -> Entry {
    Entry::new(
        county_stream(l.county_code.as_str()),
        format!("listing:{id}"),
        &l.actor,
        AuditAction::ListingCreated,
        l.listed_at,
    )
    .after(json!({
        "channel": l.channel.wire(),
        "status": l.status.wire(),
        "area_mu": l.area.to_string(),
        "farmland_mu": l.farmland.to_string(),
        "paddy_mu": l.paddy.to_string(),
        "grain_capacity_kg": l.grain_capacity_kg,
        "price_per_mu": l.price.to_string(),
        "start_total_yuan": l.start_total.map(|m| m.to_string()),
        "closes_at": l.closes_at.map(|t| t.to_string()),
        "ruleset_version": l.ruleset_version,
        "advance": advance,
        "sources": l.sources.iter().map(|s| json!({
            "project_id": s.project_id,
            "area_mu": s.area.to_string(),
        })).collect::<Vec<_>>(),
    }))
}

pub(crate) fn listing_withdrawn(
    county: &str,
    id: i64,
    released_e4: i64,
    actor: &str,
    now: OffsetDateTime,
) -> Entry {
    Entry::new(
        county_stream(county),
        format!("listing:{id}"),
        actor,
        AuditAction::ListingWithdrawn,
        now,
    )
    .after(json!({"status": "withdrawn", "released_mu": mu(released_e4)}))
}

pub(crate) fn listing_expired(county: &str, id: i64, now: OffsetDateTime) -> Entry {
    Entry::new(
        county_stream(county),
        format!("listing:{id}"),
        "system",
        AuditAction::ListingExpired,
        now,
    )
    .after(json!({"status": "expired"}))
}

pub(crate) fn purchase_reserved(
    purchase: &Purchase,
    actor: &str,
    now: OffsetDateTime,
) -> Result<Entry, StoreError> {
    Ok(Entry::new(
        county_stream(purchase.seller_county_code.as_str()),
        format!("purchase:{}", purchase.id),
        actor,
        AuditAction::PurchaseReserved,
        now,
    )
    .after(serde_json::to_value(purchase).map_err(|e| StoreError::Corrupt(e.to_string()))?))
}

pub(crate) fn listing_taken(
    seller: &str,
    listing_id: i64,
    before_e4: i64,
    after_e4: i64,
    actor: &str,
    now: OffsetDateTime,
) -> Entry {
    Entry::new(
        county_stream(seller),
        format!("listing:{listing_id}"),
        actor,
        AuditAction::ListingTaken,
        now,
    )
    .before(json!({"remaining_mu": mu(before_e4)}))
    .after(json!({"remaining_mu": mu(after_e4)}))
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn purchase_settled(
    seller: &CountyCode,
    id: i64,
    confirmation_no: Option<&str>,
    bank_reference: &str,
    amount: Money,
    publicity_ends_at: Option<OffsetDateTime>,
    actor: &str,
    now: OffsetDateTime,
) -> Entry {
    Entry::new(
        county_stream(seller.as_str()),
        format!("purchase:{id}"),
        actor,
        AuditAction::PurchaseSettled,
        now,
    )
    .before(json!({"status": "reserved"}))
    .after(json!({
        "status": "settled",
        "confirmation_no": confirmation_no,
        "bank_reference": bank_reference,
        "amount_yuan": amount.to_string(),
        "publicity_ends_at": publicity_ends_at.map(rfc3339),
    }))
}

/// The parties a numbered trade names: seller and its code, buyer and its code.
pub(crate) type Parties = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// `entry` with the parties copied into a trade at numbering beside its other facts: the log
/// names the organisations, not only the logins (#16).
pub(crate) fn naming_parties(mut entry: Entry, parties: Option<&Parties>) -> Entry {
    if let (
        Some((seller, seller_uscc, buyer, buyer_uscc)),
        Some(serde_json::Value::Object(after)),
    ) = (parties, entry.after.as_mut())
    {
        after.insert("seller_party".into(), json!(seller));
        after.insert("seller_party_uscc".into(), json!(seller_uscc));
        after.insert("buyer_party".into(), json!(buyer));
        after.insert("buyer_party_uscc".into(), json!(buyer_uscc));
    }
    entry
}

/// A trade's publicity ended with no objection open: it is numbered and final (R16).
pub(crate) fn purchase_final(
    seller: &str,
    id: i64,
    confirmation_no: &str,
    now: OffsetDateTime,
) -> Entry {
    Entry::new(
        county_stream(seller),
        format!("purchase:{id}"),
        "scheduler",
        AuditAction::PurchaseFinal,
        now,
    )
    .before(json!({"confirmation_no": null}))
    .after(json!({"confirmation_no": confirmation_no}))
}

/// An objection lodged against a trade in its publicity. The contact is kept (the audit is
/// read by staff only), as the record of who objected.
pub(crate) fn objection_lodged(
    seller: &str,
    purchase_id: i64,
    objection_id: i64,
    draft: &crate::store::types::ObjectionDraft,
) -> Entry {
    Entry::new(
        county_stream(seller),
        format!("purchase:{purchase_id}"),
        "public",
        AuditAction::ObjectionLodged,
        draft.now,
    )
    .after(json!({
        "objection_id": objection_id,
        "name": draft.name,
        "contact": draft.contact,
        "reason": draft.reason,
    }))
}

/// An objection resolved; when upheld the trade is annulled in the same transaction.
pub(crate) fn objection_resolved(
    seller: &str,
    purchase_id: i64,
    objection_id: i64,
    decision: quota_shared::api::ObjectionDecision,
    resolution: &str,
    actor: &str,
    now: OffsetDateTime,
) -> Entry {
    Entry::new(
        county_stream(seller),
        format!("purchase:{purchase_id}"),
        actor,
        AuditAction::ObjectionResolved,
        now,
    )
    .before(json!({"objection_id": objection_id, "status": "open"}))
    .after(
        json!({"objection_id": objection_id, "status": decision.wire(), "resolution": resolution}),
    )
}

/// A trade annulled by an upheld objection: its area went back to the listing (or the lot is
/// left unsold).
pub(crate) fn purchase_annulled(
    seller: &str,
    id: i64,
    returned_e4: i64,
    listing_id: i64,
    kind: &str,
    actor: &str,
    now: OffsetDateTime,
) -> Entry {
    Entry::new(
        county_stream(seller),
        format!("purchase:{id}"),
        actor,
        AuditAction::PurchaseAnnulled,
        now,
    )
    .before(json!({"status": "settled"}))
    .after(json!({
        "status": "annulled",
        "returned_mu": mu(returned_e4),
        "listing_id": listing_id,
        "kind": kind,
    }))
}

/// A reservation ended (`expired` or `cancelled`), returning its area.
#[allow(clippy::too_many_arguments)]
pub(crate) fn purchase_released(
    seller: &str,
    id: i64,
    to: PurchaseStatus,
    returned_e4: i64,
    listing_id: i64,
    kind: &str,
    actor: &str,
    now: OffsetDateTime,
) -> Entry {
    let action = if to == PurchaseStatus::Expired {
        AuditAction::PurchaseExpired
    } else {
        AuditAction::PurchaseCancelled
    };
    Entry::new(
        county_stream(seller),
        format!("purchase:{id}"),
        actor,
        action,
        now,
    )
    .before(json!({"status": "reserved"}))
    .after(json!({
        "status": to.wire(),
        "returned_mu": mu(returned_e4),
        "listing_id": listing_id,
        "kind": kind,
    }))
}

pub(crate) fn bid_placed(
    county: &str,
    listing_id: i64,
    bid_id: i64,
    amount: Money,
    bidder: &str,
    now: OffsetDateTime,
) -> Entry {
    Entry::new(
        county_stream(county),
        format!("listing:{listing_id}"),
        bidder,
        AuditAction::BidPlaced,
        now,
    )
    .after(json!({"bid_id": bid_id, "amount_yuan": amount.to_string()}))
}

pub(crate) fn lot_unsold(seller: &str, id: i64, now: OffsetDateTime) -> Entry {
    Entry::new(
        county_stream(seller),
        format!("listing:{id}"),
        "system",
        AuditAction::LotUnsold,
        now,
    )
    .after(json!({"status": "unsold"}))
}

/// A lot closed with a winner, and the award (a reserved purchase) it created.
pub(crate) fn lot_awarded(
    seller: &str,
    id: i64,
    purchase_id: i64,
    winner_id: i64,
    winner: &str,
    total_fen: i64,
    now: OffsetDateTime,
) -> Entry {
    Entry::new(
        county_stream(seller),
        format!("listing:{id}"),
        "system",
        AuditAction::LotAwarded,
        now,
    )
    .after(json!({
        "status": "awarded",
        "purchase_id": purchase_id,
        "winner_id": winner_id,
        "winner": winner,
        "amount_yuan": yuan(total_fen),
    }))
}

pub(crate) fn use_recorded(
    seller: &str,
    d: &UseDraft,
    use_id: i64,
    used_before_e4: i64,
    used_after_e4: i64,
) -> Entry {
    Entry::new(
        county_stream(seller),
        format!("purchase:{}", d.purchase_id),
        &d.actor,
        AuditAction::UseRecorded,
        d.now,
    )
    .before(json!({"used_mu": mu(used_before_e4)}))
    .after(json!({
        "used_mu": mu(used_after_e4),
        "use_id": use_id,
        "approval_no": d.approval_no,
        "project_name": d.project.name,
        "project_use": d.project.use_.wire(),
        "project_county_code": d.project.county_code.as_str(),
    }))
}

pub(crate) fn allocated(id: i64, d: &AllocationDraft) -> Entry {
    Entry::new(
        county_stream(d.county_code.as_str()),
        format!("allocation:{id}"),
        &d.actor,
        AuditAction::Allocated,
        d.now,
    )
    .after(json!({
        "year": d.year,
        "use": d.use_name,
        "amount_yuan": d.amount.to_string(),
        "note": d.note,
    }))
}

pub(crate) fn disbursed(
    county: &str,
    d: &DisbursementDraft,
    disbursement_id: i64,
    disbursed_after_fen: i64,
) -> Entry {
    Entry::new(
        county_stream(county),
        format!("allocation:{}", d.allocation_id),
        &d.actor,
        AuditAction::Disbursed,
        d.now,
    )
    .after(json!({
        "disbursement_id": disbursement_id,
        "amount_yuan": d.amount.to_string(),
        "disbursed_yuan": yuan(disbursed_after_fen),
        "voucher_no": d.voucher_no,
        "bank_reference": d.bank_reference,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_and_money_are_written_in_the_wire_units() {
        assert_eq!(mu(175_335), "17.5335");
        assert_eq!(mu(5), "0.0005");
        assert_eq!(yuan(438_337_500), "4383375.00");
        assert_eq!(yuan(7), "0.07");
        let e = listing_taken(
            "450422",
            3,
            100_000,
            60_000,
            "dev",
            OffsetDateTime::UNIX_EPOCH,
        );
        assert_eq!(e.stream, "county:450422");
        assert_eq!(e.before, Some(json!({"remaining_mu": "10.0000"})));
        assert_eq!(e.after, Some(json!({"remaining_mu": "6.0000"})));
    }
}

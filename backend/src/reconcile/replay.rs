//! The state the audit log describes: each record applied in its stream's order to the
//! listing, purchase, allocation, disbursement or account it names.

use std::collections::BTreeMap;

use quota_shared::{Area, Money, UnitPrice};
use serde_json::Value;
use time::OffsetDateTime;

use crate::audit::Stored;

/// What the log says a listing is.
#[derive(Debug, Clone, Default)]
pub(super) struct Listing {
    pub(super) county_code: String,
    pub(super) channel: String,
    pub(super) status: String,
    pub(super) area_e4: i64,
    pub(super) remaining_e4: i64,
    pub(super) price_fen: i64,
    pub(super) start_total_fen: Option<i64>,
    pub(super) bid_count: i64,
    pub(super) high_bid_fen: Option<i64>,
    pub(super) high_bidder: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Purchase {
    pub(super) listing_id: i64,
    pub(super) seller_county_code: String,
    pub(super) buyer: Option<String>,
    pub(super) kind: String,
    pub(super) status: String,
    pub(super) area_e4: i64,
    /// Unknown (`None`) for an award: its 元/亩 is derived, not logged.
    pub(super) price_fen: Option<i64>,
    pub(super) amount_fen: i64,
    pub(super) confirmation_no: Option<String>,
    pub(super) bank_reference: Option<String>,
    pub(super) used_e4: i64,
    /// Unix seconds; unknown for an award (its time to pay runs from the close).
    pub(super) expires_at: Option<i64>,
    pub(super) settled_at: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Allocation {
    pub(super) county_code: String,
    pub(super) year: i64,
    pub(super) use_name: String,
    pub(super) amount_fen: i64,
    pub(super) disbursed_fen: i64,
    pub(super) note: String,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Disbursement {
    pub(super) allocation_id: i64,
    pub(super) amount_fen: i64,
    pub(super) voucher_no: String,
    pub(super) bank_reference: String,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Account {
    pub(super) role: String,
    pub(super) county_code: Option<String>,
    pub(super) regional_bidder: bool,
    pub(super) disabled: bool,
    /// `None` while no record has fingerprinted the password.
    pub(super) password_sha256: Option<String>,
    pub(super) must_change_password: bool,
}

/// The state the log describes.
#[derive(Debug, Default)]
pub(super) struct Expected {
    pub(super) listings: BTreeMap<i64, Listing>,
    pub(super) purchases: BTreeMap<i64, Purchase>,
    pub(super) allocations: BTreeMap<i64, Allocation>,
    pub(super) disbursements: BTreeMap<i64, Disbursement>,
    pub(super) accounts: BTreeMap<String, Account>,
    pub(super) projects: BTreeMap<i64, Project>,
    pub(super) organisations: BTreeMap<i64, Organisation>,
}

/// What the log says an organisation (单位) is.
#[derive(Debug, Clone, Default)]
pub(super) struct Organisation {
    pub(super) name: String,
    pub(super) uscc: Option<String>,
    pub(super) status: String,
    /// Its kind and regional-bidder mark (R11), as logged since they were (#16).
    pub(super) kind: Option<String>,
    pub(super) regional_bidder: Option<bool>,
}

/// What the log says a reclamation project is.
#[derive(Debug, Clone, Default)]
pub(super) struct Project {
    pub(super) county_code: String,
    pub(super) registration_no: String,
    pub(super) status: String,
    pub(super) reclaimed_e4: i64,
    pub(super) farmland_e4: i64,
    pub(super) paddy_e4: i64,
    pub(super) local_use_e4: i64,
    /// Its plots' area, once uploaded.
    pub(super) plots_e4: Option<i64>,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn area_e4(v: &Value, key: &str) -> Option<i64> {
    text(v, key)?.parse::<Area>().ok().map(Area::e4)
}

fn fen(v: &Value, key: &str) -> Option<i64> {
    text(v, key)?.parse::<Money>().ok().map(Money::fen)
}

fn price_fen(v: &Value, key: &str) -> Option<i64> {
    text(v, key)?.parse::<UnitPrice>().ok().map(UnitPrice::fen)
}

/// An RFC 3339 time as Unix seconds.
fn unix(v: &Value, key: &str) -> Option<i64> {
    let t = text(v, key)?;
    OffsetDateTime::parse(&t, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

/// The numeric id after `kind:` in an object name.
fn id_of(object: &str, kind: &str) -> Option<i64> {
    object.strip_prefix(kind)?.strip_prefix(':')?.parse().ok()
}

impl Expected {
    /// `legacy_awards`: the award purchase of each lot as stored, for `lot_awarded` records
    /// written before they named their purchase.
    pub(super) fn replay(records: &[Stored], legacy_awards: &BTreeMap<i64, i64>) -> Self {
        let mut e = Self::default();
        // Each object lives in one stream; within a stream the sequence is the order.
        let mut ordered: Vec<&Stored> = records.iter().collect();
        ordered.sort_by(|a, b| (&a.stream, a.seq).cmp(&(&b.stream, b.seq)));
        for r in ordered {
            let after: Value = r
                .after_json
                .as_deref()
                .and_then(|t| serde_json::from_str(t).ok())
                .unwrap_or(Value::Null);
            e.apply(r, &after, legacy_awards);
        }
        e
    }

    fn apply(&mut self, r: &Stored, after: &Value, legacy_awards: &BTreeMap<i64, i64>) {
        let county = r.stream.strip_prefix("county:").unwrap_or_default();
        match r.action.as_str() {
            "listing_created" => {
                let Some(id) = id_of(&r.object, "listing") else {
                    return;
                };
                let area = area_e4(after, "area_mu").unwrap_or_default();
                self.listings.insert(
                    id,
                    Listing {
                        county_code: county.to_string(),
                        channel: text(after, "channel").unwrap_or_default(),
                        status: text(after, "status").unwrap_or_default(),
                        area_e4: area,
                        remaining_e4: area,
                        price_fen: price_fen(after, "price_per_mu").unwrap_or_default(),
                        start_total_fen: fen(after, "start_total_yuan"),
                        ..Listing::default()
                    },
                );
            }
            "listing_taken" => {
                if let Some(l) =
                    id_of(&r.object, "listing").and_then(|id| self.listings.get_mut(&id))
                {
                    l.remaining_e4 = area_e4(after, "remaining_mu").unwrap_or(l.remaining_e4);
                    if l.remaining_e4 == 0 && l.status == "open" {
                        l.status = "sold_out".into();
                    }
                }
            }
            "listing_withdrawn" | "listing_expired" | "lot_unsold" => {
                if let Some(l) =
                    id_of(&r.object, "listing").and_then(|id| self.listings.get_mut(&id))
                {
                    l.status = text(after, "status").unwrap_or_default();
                }
            }
            "bid_placed" => {
                if let Some(l) =
                    id_of(&r.object, "listing").and_then(|id| self.listings.get_mut(&id))
                {
                    l.bid_count += 1;
                    l.high_bid_fen = fen(after, "amount_yuan");
                    l.high_bidder = Some(r.actor.clone());
                    // A bid opens a lot that was scheduled.
                    if l.status == "scheduled" {
                        l.status = "bidding".into();
                    }
                }
            }
            "lot_awarded" => {
                let Some(id) = id_of(&r.object, "listing") else {
                    return;
                };
                let Some(l) = self.listings.get_mut(&id) else {
                    return;
                };
                l.status = "awarded".into();
                l.remaining_e4 = 0;
                let area = l.area_e4;
                let purchase_id = after
                    .get("purchase_id")
                    .and_then(Value::as_i64)
                    .or_else(|| legacy_awards.get(&id).copied());
                if let Some(purchase_id) = purchase_id {
                    self.purchases.insert(
                        purchase_id,
                        Purchase {
                            listing_id: id,
                            seller_county_code: county.to_string(),
                            buyer: text(after, "winner"),
                            kind: "award".into(),
                            status: "reserved".into(),
                            area_e4: area,
                            amount_fen: fen(after, "amount_yuan").unwrap_or_default(),
                            ..Purchase::default()
                        },
                    );
                }
            }
            "purchase_reserved" => {
                let Some(id) = id_of(&r.object, "purchase") else {
                    return;
                };
                self.purchases.insert(
                    id,
                    Purchase {
                        listing_id: after
                            .get("listing_id")
                            .and_then(Value::as_i64)
                            .unwrap_or_default(),
                        seller_county_code: text(after, "seller_county_code").unwrap_or_default(),
                        buyer: text(after, "buyer"),
                        kind: text(after, "kind").unwrap_or_else(|| "purchase".into()),
                        status: text(after, "status").unwrap_or_default(),
                        area_e4: area_e4(after, "area_mu").unwrap_or_default(),
                        price_fen: price_fen(after, "price_per_mu"),
                        amount_fen: fen(after, "amount_yuan").unwrap_or_default(),
                        expires_at: unix(after, "expires_at"),
                        ..Purchase::default()
                    },
                );
            }
            "purchase_settled" => {
                if let Some(p) =
                    id_of(&r.object, "purchase").and_then(|id| self.purchases.get_mut(&id))
                {
                    p.status = "settled".into();
                    p.settled_at = Some(r.at.unix_timestamp());
                    p.confirmation_no = text(after, "confirmation_no");
                    p.bank_reference = text(after, "bank_reference");
                }
            }
            "purchase_final" => {
                if let Some(p) =
                    id_of(&r.object, "purchase").and_then(|id| self.purchases.get_mut(&id))
                {
                    p.confirmation_no = text(after, "confirmation_no");
                }
            }
            "purchase_expired" | "purchase_cancelled" | "purchase_annulled" => {
                let Some(p) =
                    id_of(&r.object, "purchase").and_then(|id| self.purchases.get_mut(&id))
                else {
                    return;
                };
                p.status = text(after, "status").unwrap_or_default();
                let (listing_id, kind, area) = (p.listing_id, p.kind.clone(), p.area_e4);
                if let Some(l) = self.listings.get_mut(&listing_id) {
                    if kind == "award" {
                        if l.status == "awarded" {
                            l.status = "unsold".into();
                            l.remaining_e4 = l.area_e4;
                        }
                    } else {
                        l.remaining_e4 += area_e4(after, "returned_mu").unwrap_or(area);
                        if l.status == "sold_out" {
                            l.status = "open".into();
                        }
                    }
                }
            }
            "use_recorded" => {
                if let Some(p) =
                    id_of(&r.object, "purchase").and_then(|id| self.purchases.get_mut(&id))
                {
                    p.used_e4 = area_e4(after, "used_mu").unwrap_or(p.used_e4);
                }
            }
            "allocated" => {
                let Some(id) = id_of(&r.object, "allocation") else {
                    return;
                };
                self.allocations.insert(
                    id,
                    Allocation {
                        county_code: county.to_string(),
                        year: after
                            .get("year")
                            .and_then(Value::as_i64)
                            .unwrap_or_default(),
                        use_name: text(after, "use").unwrap_or_default(),
                        amount_fen: fen(after, "amount_yuan").unwrap_or_default(),
                        disbursed_fen: 0,
                        note: text(after, "note").unwrap_or_default(),
                    },
                );
            }
            "project_registered" | "project_edited" | "project_accepted" => {
                let Some(id) = id_of(&r.object, "project") else {
                    return;
                };
                let p = self.projects.entry(id).or_default();
                p.county_code = county.to_string();
                if let Some(number) = text(after, "registration_no") {
                    p.registration_no = number;
                }
                p.status = text(after, "status").unwrap_or_default();
                p.reclaimed_e4 = area_e4(after, "reclaimed_mu").unwrap_or_default();
                p.farmland_e4 = area_e4(after, "farmland_mu").unwrap_or_default();
                p.paddy_e4 = area_e4(after, "paddy_mu").unwrap_or_default();
                p.local_use_e4 = area_e4(after, "local_use_mu").unwrap_or_default();
            }
            "project_plots" => {
                if let Some(id) = id_of(&r.object, "project") {
                    self.projects.entry(id).or_default().plots_e4 = area_e4(after, "plots_mu");
                }
            }
            "disbursed" => {
                let Some(allocation_id) = id_of(&r.object, "allocation") else {
                    return;
                };
                if let Some(a) = self.allocations.get_mut(&allocation_id) {
                    a.disbursed_fen = fen(after, "disbursed_yuan").unwrap_or(a.disbursed_fen);
                }
                if let Some(id) = after.get("disbursement_id").and_then(Value::as_i64) {
                    self.disbursements.insert(
                        id,
                        Disbursement {
                            allocation_id,
                            amount_fen: fen(after, "amount_yuan").unwrap_or_default(),
                            voucher_no: text(after, "voucher_no").unwrap_or_default(),
                            bank_reference: text(after, "bank_reference").unwrap_or_default(),
                        },
                    );
                }
            }
            "organisation_registered"
            | "organisation_approved"
            | "organisation_rejected"
            | "organisation_changed" => {
                let Some(id) = id_of(&r.object, "organisation") else {
                    return;
                };
                let o = self.organisations.entry(id).or_default();
                o.name = text(after, "name").unwrap_or_default();
                o.uscc = text(after, "uscc").filter(|c| !c.is_empty());
                o.status = text(after, "status").unwrap_or_default();
                if let Some(kind) = text(after, "kind") {
                    o.kind = Some(kind);
                }
                if let Some(bidder) = after.get("regional_bidder").and_then(Value::as_bool) {
                    o.regional_bidder = Some(bidder);
                }
            }
            "user_created" => {
                let Some(name) = r.object.strip_prefix("user:") else {
                    return;
                };
                self.accounts.insert(
                    name.to_string(),
                    Account {
                        role: text(after, "role").unwrap_or_default(),
                        county_code: text(after, "county_code"),
                        regional_bidder: after
                            .get("regional_bidder")
                            .and_then(Value::as_bool)
                            .unwrap_or_default(),
                        disabled: false,
                        password_sha256: text(after, "password_sha256"),
                        must_change_password: false,
                    },
                );
            }
            "user_disabled" | "user_enabled" => {
                if let Some(a) = r
                    .object
                    .strip_prefix("user:")
                    .and_then(|n| self.accounts.get_mut(n))
                {
                    a.disabled = r.action == "user_disabled";
                }
            }
            "password_changed" | "password_reset" => {
                if let Some(a) = r
                    .object
                    .strip_prefix("user:")
                    .and_then(|n| self.accounts.get_mut(n))
                {
                    a.password_sha256 = text(after, "password_sha256");
                    a.must_change_password = after
                        .get("must_change_password")
                        .and_then(Value::as_bool)
                        .unwrap_or(r.action == "password_reset");
                }
            }
            _ => {}
        }
    }
}

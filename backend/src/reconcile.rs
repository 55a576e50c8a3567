//! The live tables checked against the audit log: replaying the log gives the state every
//! listing, purchase, allocation, disbursement and account must be in; [`first_mismatch`]
//! names the first that is not (a row edited, inserted or deleted behind the application's
//! back). The hash chains prove the log itself untouched ([`crate::audit::verify`]); this
//! proves the data agrees with it.
//!
//! Only what the log records is compared: a field no record of an object mentions (an old
//! record written before the field was logged) is not held against the row.

use std::collections::BTreeMap;
use std::fmt;

use quota_shared::{Area, Money, UnitPrice};
use serde_json::Value;
use time::OffsetDateTime;

use crate::audit::Stored;

/// A listing row as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LiveListing {
    pub id: i64,
    pub county_code: String,
    pub channel: String,
    pub status: String,
    pub area_e4: i64,
    pub remaining_e4: i64,
    pub price_fen: i64,
    pub start_total_fen: Option<i64>,
    pub bid_count: i64,
    pub high_bid_fen: Option<i64>,
    /// The username of the high bidder.
    pub high_bidder: Option<String>,
}

/// A purchase row as stored, with its buyer's username.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LivePurchase {
    pub id: i64,
    pub listing_id: i64,
    pub seller_county_code: String,
    pub buyer: Option<String>,
    pub kind: String,
    pub status: String,
    pub area_e4: i64,
    pub price_fen: i64,
    pub amount_fen: i64,
    pub confirmation_no: Option<String>,
    pub bank_reference: Option<String>,
    pub used_e4: i64,
    pub expires_at: OffsetDateTime,
    pub settled_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LiveAllocation {
    pub id: i64,
    pub county_code: String,
    pub year: i32,
    pub use_name: String,
    pub amount_fen: i64,
    pub disbursed_fen: i64,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LiveDisbursement {
    pub id: i64,
    pub allocation_id: i64,
    pub amount_fen: i64,
    pub voucher_no: String,
    pub bank_reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LiveAccount {
    pub username: String,
    pub role: String,
    pub county_code: Option<String>,
    pub regional_bidder: bool,
    pub disabled: bool,
    pub password_hash: String,
    pub must_change_password: bool,
}

/// Every row the log accounts for, read in the same snapshot as the log.
#[derive(Debug, Clone, Default)]
pub struct LiveState {
    pub listings: Vec<LiveListing>,
    pub purchases: Vec<LivePurchase>,
    pub allocations: Vec<LiveAllocation>,
    pub disbursements: Vec<LiveDisbursement>,
    pub accounts: Vec<LiveAccount>,
}

/// The first disagreement between a row and the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// `listing:5`, `purchase:7`, `allocation:2`, `disbursement:3`, `user:finance`.
    pub object: String,
    pub field: &'static str,
    /// What the log says (`absent` when it never recorded the object).
    pub logged: String,
    /// What the table holds (`absent` when the row is gone).
    pub live: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} 的 {} 与审计记录不符：记录为 {}，表中为 {} / {} field {} disagrees with the audit log: logged {}, stored {}",
            self.object,
            self.field,
            self.logged,
            self.live,
            self.object,
            self.field,
            self.logged,
            self.live
        )
    }
}

const ABSENT: &str = "absent";

/// A fingerprint of a stored password hash (never the hash itself), logged with each password
/// change: a hash replaced behind the application's back no longer matches it.
pub fn password_fingerprint(password_hash: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(password_hash.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What the log says a listing is.
#[derive(Debug, Clone, Default)]
struct Listing {
    county_code: String,
    channel: String,
    status: String,
    area_e4: i64,
    remaining_e4: i64,
    price_fen: i64,
    start_total_fen: Option<i64>,
    bid_count: i64,
    high_bid_fen: Option<i64>,
    high_bidder: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct Purchase {
    listing_id: i64,
    seller_county_code: String,
    buyer: Option<String>,
    kind: String,
    status: String,
    area_e4: i64,
    /// Unknown (`None`) for an award: its 元/亩 is derived, not logged.
    price_fen: Option<i64>,
    amount_fen: i64,
    confirmation_no: Option<String>,
    bank_reference: Option<String>,
    used_e4: i64,
    /// Unix seconds; unknown for an award (its time to pay runs from the close).
    expires_at: Option<i64>,
    settled_at: Option<i64>,
}

#[derive(Debug, Clone, Default)]
struct Allocation {
    county_code: String,
    year: i64,
    use_name: String,
    amount_fen: i64,
    disbursed_fen: i64,
    note: String,
}

#[derive(Debug, Clone, Default)]
struct Disbursement {
    allocation_id: i64,
    amount_fen: i64,
    voucher_no: String,
    bank_reference: String,
}

#[derive(Debug, Clone, Default)]
struct Account {
    role: String,
    county_code: Option<String>,
    regional_bidder: bool,
    disabled: bool,
    /// `None` while no record has fingerprinted the password.
    password_sha256: Option<String>,
    must_change_password: bool,
}

/// The state the log describes.
#[derive(Debug, Default)]
struct Expected {
    listings: BTreeMap<i64, Listing>,
    purchases: BTreeMap<i64, Purchase>,
    allocations: BTreeMap<i64, Allocation>,
    disbursements: BTreeMap<i64, Disbursement>,
    accounts: BTreeMap<String, Account>,
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
    fn replay(records: &[Stored], legacy_awards: &BTreeMap<i64, i64>) -> Self {
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
            "purchase_expired" | "purchase_cancelled" => {
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

/// Compares one field; the first difference becomes the mismatch.
struct Check<'a> {
    object: &'a str,
    found: Option<Mismatch>,
}

impl Check<'_> {
    fn field<T: PartialEq + fmt::Debug>(&mut self, field: &'static str, logged: T, live: T) {
        if self.found.is_none() && logged != live {
            self.found = Some(Mismatch {
                object: self.object.to_string(),
                field,
                logged: format!("{logged:?}"),
                live: format!("{live:?}"),
            });
        }
    }
}

fn missing(object: String, logged_present: bool) -> Mismatch {
    let (logged, live) = if logged_present {
        ("present".to_string(), ABSENT.to_string())
    } else {
        (ABSENT.to_string(), "present".to_string())
    };
    Mismatch {
        object,
        field: "row",
        logged,
        live,
    }
}

/// Pairs each logged object with its row by key and compares them; a row without a record or
/// a record without a row is a mismatch too.
fn pair<K: Ord + Copy + fmt::Display, E, L>(
    kind: &str,
    expected: &BTreeMap<K, E>,
    live: &[L],
    key: impl Fn(&L) -> K,
    compare: impl Fn(&mut Check<'_>, &E, &L),
) -> Option<Mismatch> {
    let mut rows: BTreeMap<K, &L> = live.iter().map(|l| (key(l), l)).collect();
    for (k, e) in expected {
        let object = format!("{kind}:{k}");
        let Some(row) = rows.remove(k) else {
            return Some(missing(object, true));
        };
        let mut check = Check {
            object: &object,
            found: None,
        };
        compare(&mut check, e, row);
        if check.found.is_some() {
            return check.found;
        }
    }
    rows.keys()
        .next()
        .map(|k| missing(format!("{kind}:{k}"), false))
}

/// The first row that disagrees with what the log says of it, if any.
pub fn first_mismatch(records: &[Stored], live: &LiveState) -> Option<Mismatch> {
    let legacy_awards: BTreeMap<i64, i64> = live
        .purchases
        .iter()
        .filter(|p| p.kind == "award")
        .map(|p| (p.listing_id, p.id))
        .collect();
    let e = Expected::replay(records, &legacy_awards);
    pair(
        "listing",
        &e.listings,
        &live.listings,
        |l| l.id,
        |c, e, l| {
            c.field(
                "county_code",
                e.county_code.as_str(),
                l.county_code.as_str(),
            );
            c.field("channel", e.channel.as_str(), l.channel.as_str());
            c.field("status", e.status.as_str(), l.status.as_str());
            c.field("area_mu", e.area_e4, l.area_e4);
            c.field("remaining_mu", e.remaining_e4, l.remaining_e4);
            c.field("price_per_mu", e.price_fen, l.price_fen);
            c.field("start_total_yuan", e.start_total_fen, l.start_total_fen);
            c.field("bid_count", e.bid_count, l.bid_count);
            c.field("high_bid", e.high_bid_fen, l.high_bid_fen);
            c.field(
                "high_bidder",
                e.high_bidder.as_deref(),
                l.high_bidder.as_deref(),
            );
        },
    )
    .or_else(|| {
        pair(
            "purchase",
            &e.purchases,
            &live.purchases,
            |p| p.id,
            |c, e, p| {
                c.field("listing_id", e.listing_id, p.listing_id);
                c.field(
                    "seller_county_code",
                    e.seller_county_code.as_str(),
                    p.seller_county_code.as_str(),
                );
                if e.buyer.is_some() {
                    c.field("buyer", e.buyer.as_deref(), p.buyer.as_deref());
                }
                c.field("kind", e.kind.as_str(), p.kind.as_str());
                c.field("status", e.status.as_str(), p.status.as_str());
                c.field("area_mu", e.area_e4, p.area_e4);
                if let Some(price) = e.price_fen {
                    c.field("price_per_mu", price, p.price_fen);
                }
                c.field("amount_yuan", e.amount_fen, p.amount_fen);
                if let Some(expires) = e.expires_at {
                    c.field("expires_at", expires, p.expires_at.unix_timestamp());
                }
                c.field(
                    "settled_at",
                    e.settled_at,
                    p.settled_at.map(OffsetDateTime::unix_timestamp),
                );
                c.field(
                    "confirmation_no",
                    e.confirmation_no.as_deref(),
                    p.confirmation_no.as_deref(),
                );
                c.field(
                    "bank_reference",
                    e.bank_reference.as_deref(),
                    p.bank_reference.as_deref(),
                );
                c.field("used_mu", e.used_e4, p.used_e4);
            },
        )
    })
    .or_else(|| {
        pair(
            "allocation",
            &e.allocations,
            &live.allocations,
            |a| a.id,
            |c, e, a| {
                c.field(
                    "county_code",
                    e.county_code.as_str(),
                    a.county_code.as_str(),
                );
                c.field("year", e.year, i64::from(a.year));
                c.field("use", e.use_name.as_str(), a.use_name.as_str());
                c.field("amount_yuan", e.amount_fen, a.amount_fen);
                c.field("disbursed_yuan", e.disbursed_fen, a.disbursed_fen);
                c.field("note", e.note.as_str(), a.note.as_str());
            },
        )
    })
    .or_else(|| {
        pair(
            "disbursement",
            &e.disbursements,
            &live.disbursements,
            |d| d.id,
            |c, e, d| {
                c.field("allocation_id", e.allocation_id, d.allocation_id);
                c.field("amount_yuan", e.amount_fen, d.amount_fen);
                c.field("voucher_no", e.voucher_no.as_str(), d.voucher_no.as_str());
                c.field(
                    "bank_reference",
                    e.bank_reference.as_str(),
                    d.bank_reference.as_str(),
                );
            },
        )
    })
    .or_else(|| accounts_mismatch(&e.accounts, &live.accounts))
}

fn accounts_mismatch(
    expected: &BTreeMap<String, Account>,
    live: &[LiveAccount],
) -> Option<Mismatch> {
    let mut rows: BTreeMap<&str, &LiveAccount> =
        live.iter().map(|a| (a.username.as_str(), a)).collect();
    for (name, e) in expected {
        let object = format!("user:{name}");
        let Some(a) = rows.remove(name.as_str()) else {
            return Some(missing(object, true));
        };
        let mut c = Check {
            object: &object,
            found: None,
        };
        c.field("role", e.role.as_str(), a.role.as_str());
        c.field(
            "county_code",
            e.county_code.as_deref(),
            a.county_code.as_deref(),
        );
        c.field("regional_bidder", e.regional_bidder, a.regional_bidder);
        c.field("disabled", e.disabled, a.disabled);
        if let Some(fingerprint) = &e.password_sha256 {
            let stored = password_fingerprint(&a.password_hash);
            // The hash itself is never shown, only that it is not the one logged.
            c.field(
                "password_hash",
                "the logged password",
                if *fingerprint == stored {
                    "the logged password"
                } else {
                    "another password"
                },
            );
        }
        c.field(
            "must_change_password",
            e.must_change_password,
            a.must_change_password,
        );
        if c.found.is_some() {
            return c.found;
        }
    }
    rows.keys()
        .next()
        .map(|name| missing(format!("user:{name}"), false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: i64, object: &str, actor: &str, action: &str, after: Value) -> Stored {
        Stored {
            id: seq,
            stream: "county:451321".into(),
            seq,
            object: object.into(),
            actor: actor.into(),
            action: action.into(),
            before_json: None,
            after_json: Some(after.to_string()),
            at: OffsetDateTime::UNIX_EPOCH,
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    fn lot(status: &str, remaining_e4: i64) -> LiveListing {
        LiveListing {
            id: 1,
            county_code: "451321".into(),
            channel: "regional".into(),
            status: status.into(),
            area_e4: 20_000,
            remaining_e4,
            price_fen: 25_000_000,
            start_total_fen: Some(50_000_000),
            bid_count: 1,
            high_bid_fen: Some(50_000_000),
            high_bidder: Some("longxu".into()),
        }
    }

    fn award(status: &str) -> LivePurchase {
        LivePurchase {
            id: 9,
            listing_id: 1,
            seller_county_code: "451321".into(),
            buyer: Some("longxu".into()),
            kind: "award".into(),
            status: status.into(),
            area_e4: 20_000,
            price_fen: 25_000_000,
            amount_fen: 50_000_000,
            confirmation_no: None,
            bank_reference: None,
            used_e4: 0,
            expires_at: OffsetDateTime::UNIX_EPOCH,
            settled_at: None,
        }
    }

    /// A lot from creation to an award that lapsed, with the award record in the format
    /// written before awards named their purchase.
    fn legacy_lot_story() -> Vec<Stored> {
        vec![
            record(
                1,
                "listing:1",
                "xincheng",
                "listing_created",
                serde_json::json!({
                "channel": "regional", "status": "scheduled", "area_mu": "2.0000",
                "price_per_mu": "250000.00", "start_total_yuan": "500000.00"}),
            ),
            record(
                2,
                "listing:1",
                "longxu",
                "bid_placed",
                serde_json::json!({
                "bid_id": 1, "amount_yuan": "500000.00"}),
            ),
            record(
                3,
                "listing:1",
                "system",
                "lot_awarded",
                serde_json::json!({
                "status": "awarded", "winner_id": 4, "amount_yuan": "500000.00"}),
            ),
            record(
                4,
                "purchase:9",
                "system",
                "purchase_expired",
                serde_json::json!({
                "status": "expired", "returned_mu": "2.0000", "listing_id": 1, "kind": "award"}),
            ),
        ]
    }

    #[test]
    fn an_old_award_record_is_matched_to_its_purchase_by_lot() {
        let live = LiveState {
            listings: vec![lot("unsold", 20_000)],
            purchases: vec![award("expired")],
            ..LiveState::default()
        };
        assert_eq!(first_mismatch(&legacy_lot_story(), &live), None);
        // The same rows with the award's amount changed are still caught.
        let mut tampered = live.clone();
        tampered.purchases[0].amount_fen = 1;
        let m = first_mismatch(&legacy_lot_story(), &tampered).expect("caught");
        assert_eq!((m.object.as_str(), m.field), ("purchase:9", "amount_yuan"));
    }

    #[test]
    fn a_bid_opens_a_scheduled_lot_and_names_its_bidder() {
        let story = &legacy_lot_story()[..2];
        let live = LiveState {
            listings: vec![lot("bidding", 20_000)],
            ..LiveState::default()
        };
        assert_eq!(first_mismatch(story, &live), None);
        let mut tampered = live.clone();
        tampered.listings[0].high_bidder = Some("intruder".into());
        let m = first_mismatch(story, &tampered).expect("caught");
        assert_eq!(m.field, "high_bidder");
        assert!(m.to_string().contains("intruder"), "{m}");
    }
}

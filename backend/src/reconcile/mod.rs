//! The live tables checked against the audit log: replaying the log gives the state every
//! listing, purchase, allocation, disbursement and account must be in; [`first_mismatch`]
//! names the first that is not (a row edited, inserted or deleted behind the application's
//! back). The hash chains prove the log itself untouched ([`crate::audit::verify`]); this
//! proves the data agrees with it.
//!
//! Only what the log records is compared: a field no record of an object mentions (an old
//! record written before the field was logged) is not held against the row.
//!
//! [`live`] holds the rows as read, [`replay`] the state the log describes; this module pairs
//! them and names the first difference.

mod compare;
mod live;
mod replay;
mod stock;

use std::collections::BTreeMap;

use time::OffsetDateTime;

use crate::audit::Stored;
pub use compare::Mismatch;
use compare::{Check, missing, pair};
pub use live::{
    LiveAccount, LiveAllocation, LiveDisbursement, LiveListing, LiveProceedsTotal, LivePurchase,
    LiveSource, LiveState,
};
use replay::{Account, Expected};

/// A fingerprint of a stored password hash (never the hash itself), logged with each password
/// change: a hash replaced behind the application's back no longer matches it.
pub fn password_fingerprint(password_hash: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(password_hash.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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
    .or_else(|| {
        pair(
            "project",
            &e.projects,
            &live.projects,
            |p| p.id,
            |c, e, p| {
                c.field(
                    "county_code",
                    e.county_code.as_str(),
                    p.county_code.as_str(),
                );
                c.field(
                    "registration_no",
                    e.registration_no.as_str(),
                    p.registration_no.as_str(),
                );
                c.field("status", e.status.as_str(), p.status.as_str());
                c.field("reclaimed_mu", e.reclaimed_e4, p.reclaimed_e4);
                c.field("farmland_mu", e.farmland_e4, p.farmland_e4);
                c.field("paddy_mu", e.paddy_e4, p.paddy_e4);
                c.field("local_use_mu", e.local_use_e4, p.local_use_e4);
                c.field("plots_mu", e.plots_e4, p.plots_e4);
                c.field("plots_mu", p.plots_sum_e4, p.plots_e4);
            },
        )
    })
    .or_else(|| {
        pair(
            "organisation",
            &e.organisations,
            &live.organisations,
            |o| o.id,
            |c, e, o| {
                c.field("name", e.name.as_str(), o.name.as_str());
                c.field("uscc", e.uscc.as_deref(), o.uscc.as_deref());
                c.field("status", e.status.as_str(), o.status.as_str());
                if let Some(kind) = &e.kind {
                    c.field("kind", kind.as_str(), o.kind.as_str());
                }
                if let Some(bidder) = e.regional_bidder {
                    c.field("regional_bidder", bidder, o.regional_bidder);
                }
            },
        )
    })
    .or_else(|| accounts_mismatch(&e.accounts, &live.accounts))
    .or_else(|| totals_mismatch(live))
    .or_else(|| stock::mismatch(live))
}

/// The running proceeds totals against the final trades they sum (each in the Asia/Shanghai
/// year of its settlement): the reports and the allocation check read the totals, so a total
/// that drifted from the trades is named like a row that drifted from the log.
fn totals_mismatch(live: &LiveState) -> Option<Mismatch> {
    let mut expected: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    // A trade counts once it is final (numbered): one in its publicity may yet be annulled.
    for p in live
        .purchases
        .iter()
        .filter(|p| p.status == "settled" && p.confirmation_no.is_some())
    {
        let Some(at) = p.settled_at else { continue };
        let year = quota_shared::calendar::year_of(at);
        let sum = expected
            .entry(format!("{}/{year}", p.seller_county_code))
            .or_default();
        *sum = (sum.0 + p.area_e4, sum.1 + p.amount_fen);
    }
    pair(
        "proceeds_total",
        &expected,
        &live.proceeds_totals,
        |t| format!("{}/{}", t.county_code, t.year),
        |c, (sold, amount), t| {
            c.field("sold_mu", *sold, t.sold_e4);
            c.field("proceeds_yuan", *amount, t.amount_fen);
        },
    )
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
    use serde_json::Value;

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
    fn running_totals_must_add_up_to_the_settled_trades_of_their_shanghai_year() {
        let settled = |id, amount_fen, at: OffsetDateTime| LivePurchase {
            id,
            kind: "purchase".into(),
            status: "settled".into(),
            amount_fen,
            settled_at: Some(at),
            confirmation_no: Some(format!("藤县〔2026〕第{id:04}号")),
            ..award("settled")
        };
        // 2026-12-31 16:30 UTC is 2027-01-01 in Shanghai.
        let new_year = time::macros::datetime!(2026-12-31 16:30 UTC);
        let live = LiveState {
            purchases: vec![
                settled(1, 100, time::macros::datetime!(2026-06-01 00:00 UTC)),
                settled(2, 250, new_year),
                award("expired"),
                // In its publicity (R16): not yet counted.
                LivePurchase {
                    confirmation_no: None,
                    ..settled(3, 999, new_year)
                },
            ],
            proceeds_totals: vec![
                LiveProceedsTotal {
                    county_code: "451321".into(),
                    year: 2026,
                    sold_e4: 20_000,
                    amount_fen: 100,
                },
                LiveProceedsTotal {
                    county_code: "451321".into(),
                    year: 2027,
                    sold_e4: 20_000,
                    amount_fen: 250,
                },
            ],
            ..LiveState::default()
        };
        assert_eq!(totals_mismatch(&live), None);
        let mut drifted = live.clone();
        drifted.proceeds_totals[1].amount_fen = 251;
        let m = totals_mismatch(&drifted).expect("caught");
        assert_eq!(
            (m.object.as_str(), m.field),
            ("proceeds_total:451321/2027", "proceeds_yuan")
        );
        let mut counted_in_utc = live.clone();
        counted_in_utc.proceeds_totals[0].amount_fen = 350;
        counted_in_utc.proceeds_totals.pop();
        assert!(totals_mismatch(&counted_in_utc).is_some());
        let mut extra = live.clone();
        extra.proceeds_totals.push(LiveProceedsTotal {
            county_code: "450422".into(),
            year: 2026,
            sold_e4: 0,
            amount_fen: 5,
        });
        assert_eq!(totals_mismatch(&extra).expect("caught").field, "row");
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

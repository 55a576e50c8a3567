//! The quota stock checked against the listings that draw on it (docs/DOMAIN.md, "Quota
//! stock"): derived columns, kept by the database's triggers, that must agree with the rows
//! they derive from.

use std::collections::BTreeMap;

use super::compare::{Check, Mismatch, missing, pair};
use super::live::{LiveListing, LiveState};

/// The stock against the listings that draw on it (docs/DOMAIN.md, "Quota stock"): each
/// source holds its part of what its listing holds (all of it while live or sold, what it sold
/// once ended; the sources filled in order), and each project's committed area is the sum of
/// what its sources hold. The listing's insert checks the surplus against the committed area,
/// so one that drifted is named like a total that drifted from the trades.
pub(super) fn mismatch(live: &LiveState) -> Option<Mismatch> {
    let listings: BTreeMap<i64, &LiveListing> = live.listings.iter().map(|l| (l.id, l)).collect();
    let mut committed: BTreeMap<i64, i64> = live.projects.iter().map(|p| (p.id, 0)).collect();
    let mut filled: BTreeMap<i64, i64> = BTreeMap::new();
    for s in &live.sources {
        let object = format!("listing_source:{}/{}", s.listing_id, s.position);
        let Some(l) = listings.get(&s.listing_id) else {
            return Some(missing(object, false));
        };
        let target = match l.status.as_str() {
            "withdrawn" | "expired" | "unsold" => l.area_e4 - l.remaining_e4,
            _ => l.area_e4,
        };
        // Sources come in position order: what the earlier ones took is not this one's.
        let before = filled.entry(s.listing_id).or_default();
        let held = (target - *before).clamp(0, s.area_e4);
        *before += s.area_e4;
        let mut check = Check {
            object: &object,
            found: None,
        };
        check.field("held_mu", held, s.held_e4);
        if check.found.is_some() {
            return check.found;
        }
        *committed.entry(s.project_id).or_default() += s.held_e4;
    }
    pair(
        "project",
        &committed,
        &live.projects,
        |p| p.id,
        |c, sum, p| c.field("committed_mu", *sum, p.committed_e4),
    )
    .or_else(|| serials_mismatch(live))
}

/// The serials against the trades and sources they were issued from (docs/DOMAIN.md, "Serial
/// numbers"): each project's runs are 1..serial_cursor, each unit once; each source has issued
/// what its runs hold; each trade with runs holds exactly its area, and only a final one.
fn serials_mismatch(live: &LiveState) -> Option<Mismatch> {
    let field = |object: String, field: &'static str, logged: i64, stored: i64| {
        (logged != stored).then(|| Mismatch {
            object,
            field,
            logged: logged.to_string(),
            live: stored.to_string(),
        })
    };
    // Ranges come ordered by project and first unit.
    let mut next: BTreeMap<i64, i64> = BTreeMap::new();
    let mut by_source: BTreeMap<(i64, i64), i64> = BTreeMap::new();
    let mut by_trade: BTreeMap<i64, i64> = BTreeMap::new();
    for r in &live.ranges {
        let expected = next.entry(r.project_id).or_insert(1);
        if let Some(m) = field(
            format!("serial_range:{}/{}", r.project_id, r.first_unit),
            "first_unit",
            *expected,
            r.first_unit,
        ) {
            return Some(m);
        }
        *expected = r.last_unit + 1;
        let len = r.last_unit - r.first_unit + 1;
        *by_source.entry((r.listing_id, r.project_id)).or_default() += len;
        *by_trade.entry(r.purchase_id).or_default() += len;
    }
    for p in &live.projects {
        let issued = next.get(&p.id).map_or(0, |n| n - 1);
        if let Some(m) = field(
            format!("project:{}", p.id),
            "serial_cursor",
            issued,
            p.serial_cursor,
        ) {
            return Some(m);
        }
    }
    for s in &live.sources {
        let issued = by_source
            .get(&(s.listing_id, s.project_id))
            .copied()
            .unwrap_or(0);
        if let Some(m) = field(
            format!("listing_source:{}/{}", s.listing_id, s.position),
            "issued_mu",
            issued,
            s.issued_e4,
        ) {
            return Some(m);
        }
    }
    // A final trade of a listing that draws on stock holds serials.
    let stocked: std::collections::BTreeSet<i64> =
        live.sources.iter().map(|s| s.listing_id).collect();
    for p in live
        .purchases
        .iter()
        .filter(|p| p.confirmation_no.is_some() && stocked.contains(&p.listing_id))
    {
        by_trade.entry(p.id).or_insert(0);
    }
    let trades: BTreeMap<i64, _> = live.purchases.iter().map(|p| (p.id, p)).collect();
    for (id, units) in by_trade {
        let object = format!("purchase:{id}");
        let Some(p) = trades.get(&id) else {
            return Some(missing(object, false));
        };
        let area = if p.confirmation_no.is_some() {
            p.area_e4
        } else {
            0
        };
        if let Some(m) = field(object, "serials", area, units) {
            return Some(m);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconcile::live::{LiveProject, LivePurchase, LiveRange, LiveSource};

    fn listing(status: &str, area_e4: i64, remaining_e4: i64) -> LiveListing {
        LiveListing {
            id: 1,
            county_code: "450422".into(),
            channel: "county".into(),
            status: status.into(),
            area_e4,
            remaining_e4,
            price_fen: 30_000_000,
            start_total_fen: None,
            bid_count: 0,
            high_bid_fen: None,
            high_bidder: None,
        }
    }

    fn project(id: i64, committed_e4: i64) -> LiveProject {
        LiveProject {
            id,
            county_code: "450422".into(),
            registration_no: format!("P{id}"),
            status: "accepted".into(),
            reclaimed_e4: 300_000,
            farmland_e4: 0,
            paddy_e4: 0,
            local_use_e4: 0,
            committed_e4,
            serial_cursor: 0,
            plots_e4: None,
            plots_sum_e4: None,
        }
    }

    fn source(position: i32, project_id: i64, area_e4: i64, held_e4: i64) -> LiveSource {
        LiveSource {
            listing_id: 1,
            position,
            project_id,
            area_e4,
            held_e4,
            issued_e4: 0,
        }
    }

    fn range(project_id: i64, first_unit: i64, last_unit: i64) -> LiveRange {
        LiveRange {
            project_id,
            first_unit,
            last_unit,
            purchase_id: 9,
            listing_id: 1,
        }
    }

    fn trade(confirmation_no: Option<&str>) -> LivePurchase {
        LivePurchase {
            id: 9,
            listing_id: 1,
            seller_county_code: "450422".into(),
            buyer: Some("dev".into()),
            kind: "purchase".into(),
            status: "settled".into(),
            area_e4: 50_000,
            price_fen: 30_000_000,
            amount_fen: 150_000_000,
            confirmation_no: confirmation_no.map(str::to_string),
            bank_reference: Some("B".into()),
            used_e4: 0,
            expires_at: time::OffsetDateTime::UNIX_EPOCH,
            settled_at: Some(time::OffsetDateTime::UNIX_EPOCH),
        }
    }

    #[test]
    fn what_a_withdrawn_listing_sold_stays_with_its_first_sources_and_the_rest_is_back() {
        // 10 亩 from two projects (4 + 6), 5 sold, then withdrawn: 4 held by the first, 1 by
        // the second.
        let mut live = LiveState {
            listings: vec![listing("withdrawn", 100_000, 50_000)],
            projects: vec![project(1, 40_000), project(2, 10_000)],
            sources: vec![source(0, 1, 40_000, 40_000), source(1, 2, 60_000, 10_000)],
            ..LiveState::default()
        };
        assert_eq!(mismatch(&live), None);
        // A held area set by hand is named, and so is a committed total that drifted.
        live.sources[1].held_e4 = 60_000;
        let found = mismatch(&live).expect("named");
        assert_eq!(
            (found.object.as_str(), found.field),
            ("listing_source:1/1", "held_mu")
        );
        live.sources[1].held_e4 = 10_000;
        live.projects[1].committed_e4 = 0;
        let found = mismatch(&live).expect("named");
        assert_eq!(
            (found.object.as_str(), found.field),
            ("project:2", "committed_mu")
        );
        // Serials: trade 9 (final, 5 亩) holds 4 亩 of project 1 and 1 of project 2.
        live.projects[1].committed_e4 = 10_000;
        live.sources[0].issued_e4 = 40_000;
        live.sources[1].issued_e4 = 10_000;
        live.projects[0].serial_cursor = 40_000;
        live.projects[1].serial_cursor = 10_000;
        live.ranges = vec![range(1, 1, 40_000), range(2, 1, 10_000)];
        live.purchases = vec![trade(Some("藤县〔2026〕第0001号"))];
        assert_eq!(mismatch(&live), None);
        // A unit issued twice, a cursor out of step, a trade not final holding serials.
        live.ranges[1].first_unit = 0;
        assert_eq!(mismatch(&live).map(|m| m.field), Some("first_unit"));
        live.ranges[1].first_unit = 1;
        live.projects[1].serial_cursor = 9_999;
        assert_eq!(mismatch(&live).map(|m| m.field), Some("serial_cursor"));
        live.projects[1].serial_cursor = 10_000;
        live.purchases = vec![trade(None)];
        assert_eq!(
            mismatch(&live).map(|m| (m.object, m.field)),
            Some(("purchase:9".to_string(), "serials"))
        );
        live.purchases = vec![trade(Some("藤县〔2026〕第0001号"))];
        // While the listing is live, all of it is held.
        live.listings[0].status = "open".into();
        live.projects[1].committed_e4 = 60_000;
        live.sources[1].held_e4 = 60_000;
        assert_eq!(mismatch(&live), None);
    }
}

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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconcile::live::{LiveProject, LiveSource};

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
        }
    }

    fn source(position: i32, project_id: i64, area_e4: i64, held_e4: i64) -> LiveSource {
        LiveSource {
            listing_id: 1,
            position,
            project_id,
            area_e4,
            held_e4,
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
        // While the listing is live, all of it is held.
        live.listings[0].status = "open".into();
        live.projects[1].committed_e4 = 60_000;
        live.sources[1].held_e4 = 60_000;
        assert_eq!(mismatch(&live), None);
    }
}

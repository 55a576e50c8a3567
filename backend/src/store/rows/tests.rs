//! Tests of `rows`: the take split and effective states.

use super::*;

fn a(s: &str) -> Area {
    s.parse().expect("area")
}

#[test]
fn takes_split_farmland_paddy_and_capacity_pro_rata_and_the_last_takes_the_rest() {
    // 10 亩 with 8 farmland, 3 paddy, 1,000 kg: take 3 亩.
    let s = split_take(a("3"), 100_000, 80_000, 30_000, 1_000).expect("split");
    assert_eq!(
        (s.farmland, s.paddy, s.capacity_kg),
        (a("2.4"), a("0.9"), 300)
    );
    // What is left after it, taken whole, is exactly the rest.
    let rest = split_take(a("7"), 70_000, 56_000, 21_000, 700).expect("split");
    assert_eq!(
        (rest.farmland, rest.paddy, rest.capacity_kg),
        (a("5.6"), a("2.1"), 700)
    );
    // A third of 1 亩 of 1 kg rounds half-up per part; the parts still add up.
    let third = split_take(a("0.3333"), 10_000, 10_000, 0, 1).expect("split");
    assert_eq!((third.farmland, third.capacity_kg), (a("0.3333"), 0));
}

#[test]
fn a_county_listing_past_its_close_reads_expired_with_due_area_back() {
    let now = OffsetDateTime::UNIX_EPOCH + time::Duration::days(30);
    let past = Some(now - time::Duration::days(1));
    let (s, r) = effective_listing(
        Channel::County,
        ListingStatus::SoldOut,
        None,
        None,
        false,
        100,
        0,
        40,
        now,
    );
    assert_eq!(
        (s, r),
        (ListingStatus::Open, 40),
        "a due reservation reopens it"
    );
    let (s, _) = effective_listing(
        Channel::County,
        ListingStatus::Open,
        None,
        past,
        false,
        100,
        60,
        0,
        now,
    );
    assert_eq!(s, ListingStatus::Expired);
    let (s, r) = effective_listing(
        Channel::Regional,
        ListingStatus::Bidding,
        None,
        past,
        true,
        100,
        100,
        0,
        now,
    );
    assert_eq!((s, r), (ListingStatus::Awarded, 0));
    let (s, r) = effective_listing(
        Channel::Regional,
        ListingStatus::Awarded,
        None,
        past,
        true,
        100,
        0,
        100,
        now,
    );
    assert_eq!(
        (s, r),
        (ListingStatus::Unsold, 100),
        "an unpaid award leaves it unsold"
    );
    // Closed with a bid sixteen days ago and never written by the scheduler: the award's
    // time to pay has run out all the same.
    let long_ago = Some(now - time::Duration::days(16));
    let (s, r) = effective_listing(
        Channel::Regional,
        ListingStatus::Bidding,
        None,
        long_ago,
        true,
        100,
        100,
        0,
        now,
    );
    assert_eq!((s, r), (ListingStatus::Unsold, 100));
}

mod status_filter {
    use super::super::*;
    use quota_shared::api::ListingStatus;

    #[test]
    fn every_effective_status_is_found_among_the_stored_ones_that_read_as_it() {
        let now = OffsetDateTime::UNIX_EPOCH + time::Duration::days(400);
        let times = [
            None,
            Some(now - time::Duration::days(30)),
            Some(now - time::Duration::hours(1)),
            Some(now + time::Duration::hours(1)),
        ];
        for channel in [Channel::County, Channel::Regional] {
            for stored in ListingStatus::ALL.iter().copied() {
                for opens in times {
                    for closes in times {
                        for has_bid in [false, true] {
                            for (remaining, due) in [(0, 0), (0, 5), (5, 0)] {
                                let (effective, _) = effective_listing(
                                    channel, stored, opens, closes, has_bid, 10, remaining, due,
                                    now,
                                );
                                assert!(
                                    stored_statuses_reading_as(effective).contains(&stored.wire()),
                                    "{channel:?} stored {stored:?} reads as {effective:?}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}

//! Calculator over 10,000 county listings and 200 regional lots: prints the time per quote and
//! the ratio against a baseline measured in the same run (sorting the same listings by price,
//! the least any cheapest-fill must do).
//!
//! Run: `cargo bench -p quota-shared --bench calculator`

use std::hint::black_box;
use std::time::{Duration, Instant};

use quota_shared::api::{Listing, ListingStatus, QuoteProject};
use quota_shared::auction::AuctionParams;
use quota_shared::calculator::{Market, quote};
use quota_shared::jurisdiction::wuzhou_default;
use quota_shared::rules::{Channel, ProjectUse, RULESET_VERSION};
use quota_shared::{Area, AreaUnit, UnitPrice};
use time::macros::{date, datetime};

fn listings(n: usize) -> Vec<Listing> {
    let units = wuzhou_default();
    (0..n)
        .map(|i| {
            let seller = &units[i % units.len()];
            let regional = i % 50 == 0;
            let area = Area::from_e4(10_000 + (i as i64 * 7_919) % 500_000).expect("area");
            Listing {
                id: i as i64 + 1,
                county_code: seller.code.clone(),
                channel: if regional {
                    Channel::Regional
                } else {
                    Channel::County
                },
                status: if regional {
                    ListingStatus::Bidding
                } else {
                    ListingStatus::Open
                },
                area_mu: area,
                remaining_mu: area,
                farmland_mu: Area::ZERO,
                paddy_mu: Area::ZERO,
                grain_capacity_kg: 0,
                price_per_mu: UnitPrice::from_yuan(250_000 + (i as i64 * 104_729) % 200_000)
                    .expect("price"),
                source_project: String::new(),
                township: String::new(),
                advance: false,
                listed_at: datetime!(2026-01-01 00:00 UTC) + time::Duration::seconds(i as i64),
                opens_at: None,
                closes_at: None,
                start_total_yuan: None,
                deposit_yuan: None,
                high_bid_yuan: None,
                min_next_bid_yuan: None,
                bid_step_yuan: None,
                bid_count: 0,
                ruleset_version: RULESET_VERSION.into(),
                sources: Vec::new(),
            }
        })
        .collect()
}

fn time_per_iter(iterations: u32, mut f: impl FnMut()) -> Duration {
    f();
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    start.elapsed() / iterations
}

fn main() {
    let units = wuzhou_default();
    let listings = listings(10_000);
    let params = AuctionParams::default();
    let book = quota_shared::rules::RuleBook::builtin();
    let market = Market {
        units: &units,
        listings: &listings,
        params: &params,
        book: &book,
        day: date!(2026 - 11 - 29),
    };
    let cases = [
        (
            "岑溪市 商服 5000 亩 (county fill)",
            ProjectUse::Commercial,
            "450481",
            "5000",
        ),
        (
            "长洲区 商品住宅 30 公顷 (regional only)",
            ProjectUse::Residential,
            "450405",
            "30",
        ),
    ];
    let baseline = time_per_iter(50, || {
        let mut refs: Vec<&Listing> = listings.iter().collect();
        refs.sort_by(|a, b| {
            a.price_per_mu
                .cmp(&b.price_per_mu)
                .then(a.listed_at.cmp(&b.listed_at))
        });
        black_box(refs);
    });
    println!("listings: {}", listings.len());
    println!(
        "baseline (sort 10,000 listings by price): {:>10.1} µs",
        baseline.as_secs_f64() * 1e6
    );
    for (name, use_, county, area) in cases {
        let unit = if county == "450405" {
            AreaUnit::Ha
        } else {
            AreaUnit::Mu
        };
        let project = QuoteProject {
            use_,
            county_code: county.parse().expect("code"),
            area: area.into(),
            unit,
        };
        let per = time_per_iter(50, || {
            black_box(quote(black_box(&project), market).expect("quote"));
        });
        println!(
            "quote {name}: {:>10.1} µs  ({:.2}× baseline)",
            per.as_secs_f64() * 1e6,
            per.as_secs_f64() / baseline.as_secs_f64()
        );
    }
}

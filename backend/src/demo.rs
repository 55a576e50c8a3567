//! The demo data set: enough that every page has something to show — users for every role,
//! county base prices, county listings, the two real Guangxi notices as regional lots (dates
//! relative to now), settled and pending trades, a lot already awarded and paid, an
//! allocation with a disbursement and a recorded use, and the reclamation projects (复垦项目)
//! behind every listing. Loaded once (marker in `meta`), and
//! only into an empty database: one that already holds accounts or listings is refused, so
//! demo accounts with a published password never reach real data. `scripts/run.sh` keeps
//! its own demo database. Everything goes through the same rule
//! checks a user's request does.

use quota_shared::api::{ListingStatus, PurchaseProject, Role};
use quota_shared::auction::AuctionParams;
use quota_shared::rules::{
    Channel, ProjectUse, check_base_price, default_floors, floor_on, validate_listing,
};
use quota_shared::{Money, UnitPrice};
use time::{Duration, OffsetDateTime};

use crate::accounts::{AccountSpec, add_user};
use crate::store::types::{
    AllocateOutcome, AllocationDraft, DisbursementDraft, ListingDraft, PurchaseDraft,
    PurchaseOutcome, PurchaseScope, SettleOutcome, UseDraft,
};
use crate::store::{Store, StoreError};

const DEMO_MARKER: &str = "demo_v2";

mod organisations;
mod plots;
mod stock;
mod values;

use values::{area, bad, code};

/// The one password of every demo account (printed by `demo`; never use it for real data).
pub const DEMO_PASSWORD: &str = "demo-2026";

/// Demo accounts: username, role, county, regional bidder, what it is for.
pub const DEMO_USERS: [(&str, Role, Option<&str>, bool, &str); 10] = [
    (
        "admin",
        Role::Admin,
        None,
        false,
        "自治区管理员 / regional administrator",
    ),
    ("finance", Role::Finance, None, false, "财政 / finance"),
    (
        "jijian",
        Role::Supervisor,
        None,
        false,
        "监督（纪检、审计，只读）/ supervisor (inspection and audit, read only)",
    ),
    (
        "tengxian",
        Role::CountyBureau,
        Some("450422"),
        false,
        "藤县自然资源局 / Teng County bureau",
    ),
    (
        "mengshan",
        Role::CountyBureau,
        Some("450423"),
        false,
        "蒙山县自然资源局 / Mengshan bureau",
    ),
    (
        "cangwu",
        Role::CountyBureau,
        Some("450421"),
        false,
        "苍梧县自然资源局 / Cangwu bureau",
    ),
    (
        "xincheng",
        Role::CountyBureau,
        Some("451321"),
        false,
        "忻城县人民政府 / Xincheng (regional seller)",
    ),
    (
        "jingxi",
        Role::CountyBureau,
        Some("451081"),
        false,
        "靖西市人民政府 / Jingxi (regional seller)",
    ),
    (
        "developer",
        Role::Buyer,
        None,
        false,
        "开发企业 / developer",
    ),
    (
        "changzhou",
        Role::Buyer,
        None,
        true,
        "长洲区土地储备中心（竞买人）/ Changzhou land reserve (regional bidder)",
    ),
];

/// County base prices of the demo (元/亩), at or above the 250,000 floor (R1). 龙圩区 is left
/// without one to show the "未设定" state.
const DEMO_BASE_PRICES: [(&str, i64); 6] = [
    ("450403", 300_000),
    ("450405", 300_000),
    ("450421", 260_000),
    ("450422", 280_000),
    ("450423", 270_000),
    ("450481", 265_000),
];

/// What loading the demo did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoOutcome {
    Loaded,
    AlreadyPresent,
    /// The database holds real-looking data the demo did not put there: accounts with a
    /// known password and fake trades must never be mixed into it.
    Refused {
        accounts: usize,
        listings: usize,
    },
}

/// Loads the demo data unless it is already there.
pub async fn load<S: Store>(store: &S, now: OffsetDateTime) -> Result<DemoOutcome, StoreError> {
    if store.meta(DEMO_MARKER).await?.is_some() {
        return Ok(DemoOutcome::AlreadyPresent);
    }
    let accounts = store.users().await?.len();
    let listings = store
        .listings(&crate::store::types::ListingFilter::default(), now)
        .await?
        .len();
    if accounts > 0 || listings > 0 {
        return Ok(DemoOutcome::Refused { accounts, listings });
    }
    let day = quota_shared::calendar::day_of(now);
    let floors = default_floors();
    let book = store.rule_versions().await?;
    // R16: the county listings were announced long enough ago to be open now.
    let periods = book.periods_on(day);
    let announced = Duration::days(i64::from(periods.announce_days));
    for (c, yuan) in DEMO_BASE_PRICES {
        let price = UnitPrice::from_yuan(yuan).map_err(bad)?;
        check_base_price(price, day, &floors, &book).map_err(|v| bad(v.message_en))?;
        store.set_base_price(&code(c)?, price, "demo", now).await?;
    }
    let mut ids = std::collections::HashMap::new();
    for (username, role, county, regional_bidder, _) in DEMO_USERS {
        let spec = AccountSpec {
            username,
            password: DEMO_PASSWORD,
            role,
            county,
            regional_bidder,
            organisation_id: None,
        };
        let id = add_user(store, spec, "demo", now)
            .await
            .map_err(|e| bad(format!("user {username}: {e}")))?;
        ids.insert(username, id);
    }
    organisations::load(store, now).await?;
    let params = AuctionParams::default().as_on(&book, day);
    let base_of = |c: &str| {
        DEMO_BASE_PRICES
            .iter()
            .find(|(k, _)| *k == c)
            .map(|(_, p)| *p)
    };
    // The source projects of the listings below (复垦项目), as their bureaus registered them.
    let projects = stock::load(store, now).await?;
    plots::load(store, &projects, now).await?;
    // (seller account, county, channel, project's 备案号, area drawn, 元/亩, closes in days)
    let listings = [
        (
            "tengxian",
            "450422",
            Channel::County,
            "450422-2021-0007",
            "20",
            280_000,
            None,
        ),
        (
            "mengshan",
            "450423",
            Channel::County,
            "450423-2022-0012",
            "15",
            270_000,
            None,
        ),
        (
            "cangwu",
            "450421",
            Channel::County,
            "450421-2023-0004",
            "12",
            260_000,
            Some(60),
        ),
        (
            "xincheng",
            "451321",
            Channel::Regional,
            "451321-2020-0031",
            "17.5335",
            250_000,
            Some(10),
        ),
        (
            "jingxi",
            "451081",
            Channel::Regional,
            "451081-2021-0028",
            "75.2604",
            250_000,
            Some(14),
        ),
    ];
    let mut listing_ids = Vec::new();
    for (seller, county, channel, number, total, yuan, closes_in) in listings {
        let price = UnitPrice::from_yuan(yuan).map_err(bad)?;
        let base = base_of(county)
            .map(UnitPrice::from_yuan)
            .transpose()
            .map_err(bad)?;
        validate_listing(channel, price, base, day, &floors, &book)
            .map_err(|v| bad(format!("{v:?}")))?;
        let drawn = stock::draw(&projects, number, total)?;
        let area_mu = drawn.source.area;
        let (status, start_total, deposit) = match channel {
            Channel::County => (ListingStatus::Open, None, None),
            Channel::Regional => {
                let start = params.start_total(area_mu, price).map_err(bad)?;
                (
                    ListingStatus::Bidding,
                    Some(start),
                    Some(params.deposit(start).map_err(bad)?),
                )
            }
        };
        let draft = ListingDraft {
            county_code: code(county)?,
            channel,
            status,
            area: area_mu,
            farmland: drawn.share.farmland_mu,
            paddy: drawn.share.paddy_mu,
            grain_capacity_kg: drawn.share.grain_capacity_kg,
            price,
            start_total,
            deposit,
            bid_step: start_total.map(|_| params.bid_step),
            source_project: drawn.name,
            township: drawn.township,
            advance: drawn.source.advance,
            sources: vec![drawn.source],
            listed_at: match channel {
                Channel::County => now - announced - Duration::days(1),
                Channel::Regional => now,
            },
            opens_at: match channel {
                Channel::County => Some(now - Duration::days(1)),
                Channel::Regional => None,
            },
            closes_at: closes_in.map(|d| now + Duration::days(d)),
            ruleset_version: book.labels_on(day),
            floor_effective_from: floor_on(&floors, day).map(|f| f.effective_from),
            created_by: ids[seller],
            actor: seller.to_string(),
        };
        listing_ids.push(stock::inserted(store.insert_listing(&draft).await?)?);
    }
    // One county listing still in its announcement (挂牌公告): buying opens when it ends. It
    // draws in advance (预支) on a project not accepted yet.
    let drawn = stock::draw(&projects, "450422-2025-0003", "8")?;
    let price = UnitPrice::from_yuan(300_000).map_err(bad)?;
    validate_listing(
        Channel::County,
        price,
        base_of("450422")
            .map(UnitPrice::from_yuan)
            .transpose()
            .map_err(bad)?,
        day,
        &floors,
        &book,
    )
    .map_err(|v| bad(format!("{v:?}")))?;
    let announced_listing = store
        .insert_listing(&ListingDraft {
            county_code: code("450422")?,
            channel: Channel::County,
            status: ListingStatus::Open,
            area: drawn.source.area,
            farmland: drawn.share.farmland_mu,
            paddy: drawn.share.paddy_mu,
            grain_capacity_kg: drawn.share.grain_capacity_kg,
            price,
            start_total: None,
            deposit: None,
            bid_step: None,
            source_project: drawn.name,
            township: drawn.township,
            advance: drawn.source.advance,
            sources: vec![drawn.source],
            listed_at: now,
            opens_at: (periods.announce_days > 0).then_some(now + announced),
            closes_at: None,
            ruleset_version: book.labels_on(day),
            floor_effective_from: floor_on(&floors, day).map(|f| f.effective_from),
            created_by: ids["tengxian"],
            actor: "tengxian".into(),
        })
        .await?;
    stock::inserted(announced_listing)?;
    // The developer buys 5 亩 of 藤县 quota for a 岑溪 commercial project (settled, its
    // publicity over: final), 3 亩 of 蒙山县 quota (still awaiting payment) and 2 亩 more of 藤县
    // quota (settled today: in its publicity, with an objection lodged).
    let publicity = Duration::days(i64::from(periods.publicity_days));
    for (n, listing_id, take, settle) in [
        (1, listing_ids[0], "5", Some(now)),
        (2, listing_ids[1], "3", None),
        (3, listing_ids[0], "2", Some(now + publicity)),
    ] {
        let draft = PurchaseDraft {
            listing_id,
            buyer_id: ids["developer"],
            buyer_username: "developer".into(),
            buyer_party: None,
            area: area(take)?,
            project: PurchaseProject {
                name: "岑溪市城南商业综合体".into(),
                use_: ProjectUse::Commercial,
                county_code: code("450481")?,
            },
            now,
            expires_at: now + Duration::days(i64::from(params.reservation_days)),
            ruleset_version: book.labels_on(day),
            idem_key: format!("demo-{n}"),
            request_sha256: format!("demo-{n}"),
        };
        let PurchaseOutcome::Created { purchase: p, .. } = store.reserve(&draft).await? else {
            return Err(bad("demo purchase was not created"));
        };
        if let Some(publicity_ends_at) = settle {
            let SettleOutcome::Settled(settled) = store
                .settle(
                    p.id,
                    "藤县",
                    &format!("DEMO-BANK-000{n}"),
                    publicity_ends_at,
                    "tengxian",
                    now,
                )
                .await?
            else {
                return Err(bad("demo settlement"));
            };
            if settled.in_publicity() {
                store
                    .lodge_objection(&crate::store::types::ObjectionDraft {
                        purchase_id: settled.id,
                        name: "藤县太平镇某村民小组".into(),
                        contact: "0774-0000000".into(),
                        reason: "复垦地块中有一处仍有房屋未拆除，请核实后再确认成交。".into(),
                        now,
                    })
                    .await?;
            }
        }
    }
    // A lot that closed three days ago, won by the 长洲区 land reserve and paid for.
    let lot_price = UnitPrice::from_yuan(250_000).map_err(bad)?;
    let drawn = stock::draw(&projects, "450423-2020-0031", "40")?;
    let lot_area = drawn.source.area;
    let start = params.start_total(lot_area, lot_price).map_err(bad)?;
    let past_lot = ListingDraft {
        county_code: code("450423")?,
        channel: Channel::Regional,
        status: ListingStatus::Bidding,
        area: lot_area,
        farmland: drawn.share.farmland_mu,
        paddy: drawn.share.paddy_mu,
        grain_capacity_kg: drawn.share.grain_capacity_kg,
        price: lot_price,
        start_total: Some(start),
        deposit: Some(params.deposit(start).map_err(bad)?),
        bid_step: Some(params.bid_step),
        source_project: drawn.name,
        township: drawn.township,
        advance: drawn.source.advance,
        sources: vec![drawn.source],
        listed_at: now - Duration::days(20),
        opens_at: Some(now - Duration::days(20)),
        closes_at: Some(now - Duration::days(3)),
        ruleset_version: book.labels_on(day),
        floor_effective_from: floor_on(&floors, day).map(|f| f.effective_from),
        created_by: ids["mengshan"],
        actor: "mengshan".into(),
    };
    let lot_id = stock::inserted(store.insert_listing(&past_lot).await?)?;
    let winning = start
        .checked_add(params.bid_step.checked_mul_int(2).map_err(bad)?)
        .map_err(bad)?;
    for (amount, when) in [(start, 10), (winning, 5)] {
        store
            .place_bid(&crate::store::types::BidDraft {
                listing_id: lot_id,
                bidder_id: ids["changzhou"],
                bidder: "changzhou".into(),
                amount,
                step: params.bid_step,
                ruleset_version: book.labels_on(day),
                now: now - Duration::days(when),
            })
            .await?;
    }
    store
        .close_lot(
            lot_id,
            now,
            Duration::days(i64::from(params.reservation_days)),
        )
        .await?;
    let award = store
        .purchases(&PurchaseScope::Buyer(ids["changzhou"]), now)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| bad("award"))?;
    store
        .settle(award.id, "蒙山县", "DEMO-BANK-0004", now, "mengshan", now)
        .await?;

    // 藤县 puts part of its proceeds to work, and the developer files its first approval.
    let year = quota_shared::calendar::year_of(now);
    let finance_id = ids["finance"];
    let allocation = store
        .allocate(&AllocationDraft {
            county_code: code("450422")?,
            year,
            use_name: "乡村振兴项目建设".into(),
            amount: Money::from_yuan(800_000).map_err(bad)?,
            note: "太平镇道路硬化及产业配套".into(),
            created_by: finance_id,
            actor: "finance".into(),
            now,
        })
        .await?;
    if let AllocateOutcome::Created(a) = allocation {
        store
            .disburse(&DisbursementDraft {
                allocation_id: a.id,
                amount: Money::from_yuan(300_000).map_err(bad)?,
                voucher_no: "藤财拨〔2026〕15号".into(),
                bank_reference: "DEMO-BANK-0003".into(),
                created_by: finance_id,
                actor: "finance".into(),
                now,
            })
            .await?;
    }
    if let Some(holding) = store
        .purchases(&PurchaseScope::Buyer(ids["developer"]), now)
        .await?
        .into_iter()
        .find(|p| p.confirmation_no.is_some())
    {
        store
            .record_use(&UseDraft {
                purchase_id: holding.id,
                approval_no: "梧政土批〔2026〕8号".into(),
                area: area("2")?,
                project: holding.project.clone().ok_or_else(|| {
                    StoreError::Corrupt("the demo purchase has no project".into())
                })?,
                ruleset_version: book.labels_on(day),
                recorded_by: ids["developer"],
                actor: "developer".into(),
                now,
            })
            .await?;
    }
    store.set_meta(DEMO_MARKER, "loaded").await?;
    Ok(DemoOutcome::Loaded)
}

/// The lines `demo` prints: every login and what it is for.
pub fn login_lines() -> Vec<String> {
    DEMO_USERS
        .iter()
        .map(|(u, _, _, _, what)| format!("  {u:<10} / {DEMO_PASSWORD}   {what}"))
        .collect()
}

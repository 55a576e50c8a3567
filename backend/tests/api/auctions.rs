//! Regional lots: bids on the 50,000 元 ladder by regional bidders, the automatic close and
//! award, settlement, an unpaid award, and two instances racing to close one lot.

use quota_backend::scheduler::Scheduler;
use quota_backend::store::Store;
use quota_backend::with_store;
use quota_shared::api::{AuditAction, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{
    Client, TestApp, TestDb, county_listing, error_of, on_both_databases, purchase,
};

on_both_databases!(
    an_auction_runs_from_first_bid_to_award_and_settlement,
    a_lot_without_bids_closes_unsold_and_an_unpaid_award_leaves_it_unsold,
    a_lot_is_withdrawn_only_while_scheduled_or_bidding_without_a_bid,
);

/// 忻城县 lists the 2020 notice's lot (17.5335 亩 at 250,000 元/亩) closing in `hours`.
async fn xincheng_lot(app: &TestApp, hours: i64) -> (Client, i64) {
    let bureau = app
        .login_as("xincheng", Role::CountyBureau, Some("451321"))
        .await;
    let lot = list_lot(app, &bureau, None, hours).await;
    (bureau, lot)
}

/// `bureau` lists that lot, bidding from `opens_in` hours (now when `None`) until `closes_in`.
async fn list_lot(app: &TestApp, bureau: &Client, opens_in: Option<i64>, closes_in: i64) -> i64 {
    let at = |hours: i64| {
        (app.clock.now() + Duration::hours(hours))
            .format(&time::format_description::well_known::Rfc3339)
            .expect("time")
    };
    let mut lot = county_listing(
        app.project("451321", "17.5335", "14.3805", "0", 8_600)
            .await,
        "17.5335",
        "250000",
    );
    lot["channel"] = json!("regional");
    lot["closes_at"] = json!(at(closes_in));
    if let Some(opens) = opens_in {
        lot["opens_at"] = json!(at(opens));
    }
    let (status, body) = bureau.post("/api/v1/listings", &lot).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["listing"]["id"].as_i64().expect("id")
}

async fn bid(client: &Client, lot: i64, amount: &str) -> (StatusCode, Value) {
    client
        .post(
            &format!("/api/v1/listings/{lot}/bids"),
            &json!({"amount_yuan": amount}),
        )
        .await
}

async fn an_auction_runs_from_first_bid_to_award_and_settlement(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (_, lot) = xincheng_lot(&app, 2).await;
    app.add_user("changzhou", Role::Buyer, None, true).await;
    app.add_user("longxu", Role::Buyer, None, true).await;
    let changzhou = app.login("changzhou").await;
    let longxu = app.login("longxu").await;
    let developer = app.login_as("dev", Role::Buyer, None).await;

    // R11: a developer is not a regional bidder.
    let (status, body) = bid(&developer, lot, "4383375.00").await;
    assert_eq!(
        (status, error_of(&body).1.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("R11"))
    );
    // R4: off the ladder, then below the start.
    let (_, body) = bid(&changzhou, lot, "4400000").await;
    assert_eq!(error_of(&body).1.as_deref(), Some("R4"));
    let (_, body) = bid(&changzhou, lot, "4333375.00").await;
    assert_eq!(error_of(&body).1.as_deref(), Some("R4"));
    // A bid on a county listing is the wrong channel.
    let teng = app
        .login_as("teng", Role::CountyBureau, Some("450422"))
        .await;
    teng.put(
        "/api/v1/counties/450422/base-price",
        &json!({"price_per_mu": "280000"}),
    )
    .await;
    let (_, county) = teng
        .post(
            "/api/v1/listings",
            &county_listing(app.stock("450422").await, "5", "280000"),
        )
        .await;
    let county_id = county["listing"]["id"].as_i64().expect("id");
    let (_, body) = bid(&changzhou, county_id, "1400000").await;
    assert_eq!(error_of(&body).1.as_deref(), Some("wrong_channel"));
    // …and buying a lot directly is too.
    let (_, body) = changzhou
        .buy("lot", &purchase(lot, "17.5335", "residential", "450405"))
        .await;
    assert_eq!(error_of(&body).1.as_deref(), Some("wrong_channel"));

    // The first bid may be the start total (k = 0).
    let (status, body) = bid(&changzhou, lot, "4383375.00").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["bid"]["amount_yuan"], "4383375.00");
    // Equal to the high bid is not enough; one step more is.
    let (_, body) = bid(&longxu, lot, "4383375.00").await;
    assert_eq!(error_of(&body).1.as_deref(), Some("R4"));
    assert!(
        body["error"]["message_zh"]
            .as_str()
            .is_some_and(|m| m.contains("4,433,375.00")),
        "{body}"
    );
    assert_eq!(bid(&longxu, lot, "4433375.00").await.0, StatusCode::CREATED);
    // Raising one's own high bid is allowed, by at least a step; skipping steps is fine.
    assert_eq!(bid(&longxu, lot, "4533375.00").await.0, StatusCode::CREATED);
    let (_, l) = app
        .anonymous()
        .get(&format!("/api/v1/listings/{lot}"))
        .await;
    let l = &l["listing"];
    assert_eq!(
        (
            l["high_bid_yuan"].as_str(),
            l["min_next_bid_yuan"].as_str(),
            l["bid_count"].as_i64()
        ),
        (Some("4533375.00"), Some("4583375.00"), Some(3))
    );
    assert_eq!(
        (l["start_total_yuan"].as_str(), l["deposit_yuan"].as_str()),
        (Some("4383375.00"), Some("500000.00"))
    );

    // Time is up: bids are refused and the lot reads as awarded at once; the scheduler's next
    // turn writes the award and the winner's reservation.
    app.clock.advance(Duration::hours(2) + Duration::seconds(1));
    // Two idle hours later every session has lapsed: each party logs in again.
    let (seller, changzhou, longxu) = (
        app.login("xincheng").await,
        app.login("changzhou").await,
        app.login("longxu").await,
    );
    let (status, body) = bid(&changzhou, lot, "4583375.00").await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::CONFLICT, "bidding_closed")
    );
    let (_, l) = app
        .anonymous()
        .get(&format!("/api/v1/listings/{lot}"))
        .await;
    assert_eq!(
        (
            l["listing"]["status"].as_str(),
            l["listing"]["remaining_mu"].as_str()
        ),
        (Some("awarded"), Some("0.0000"))
    );
    let turn = app.tick().await;
    assert_eq!((turn.lots_awarded, turn.failed.len()), (1, 0), "{turn:?}");
    let (_, mine) = longxu.get("/api/v1/purchases").await;
    let award = &mine["purchases"][0];
    assert_eq!(
        (
            award["kind"].as_str(),
            award["status"].as_str(),
            award["amount_yuan"].as_str(),
            award["area_mu"].as_str()
        ),
        (
            Some("award"),
            Some("reserved"),
            Some("4533375.00"),
            Some("17.5335")
        )
    );
    assert!(
        award["project"].is_null(),
        "an award names its projects when uses are recorded"
    );
    // 4,533,375.00 ÷ 17.5335 = 258,555.0517… → 258,555.05 (display only).
    assert_eq!(
        award["price_per_mu"], "258555.05",
        "元/亩 of the lot, rounded for display"
    );
    assert_eq!(
        changzhou.get("/api/v1/purchases").await.1["purchases"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );

    // The seller confirms payment; the confirmation carries the seller's number.
    let award_id = award["id"].as_i64().expect("id");
    let (status, settled) = seller
        .post(
            &format!("/api/v1/purchases/{award_id}/settle"),
            &json!({"bank_reference": "ICBC-778"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{settled}");
    let year = quota_shared::calendar::year_of(app.clock.now());
    assert_eq!(
        settled["purchase"]["confirmation_no"],
        format!("忻城县〔{year}〕第0001号")
    );
    // The district uses the won quota for a project, approval by approval.
    let (status, used) = longxu
        .post(
            "/api/v1/holdings/uses",
            &json!({"purchase_id": award_id, "approval_no": "梧政土批〔2026〕21号", "area_mu": "10",
                    "project": {"name": "龙圩区商住地块A", "use": "residential", "county_code": "450406"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{used}");
    assert_eq!(used["use"]["remaining_mu"], "7.5335");
    let (_, holdings) = longxu.get("/api/v1/holdings").await;
    let landed = &holdings["holdings"][0]["uses"][0];
    assert_eq!(
        (
            landed["project_name"].as_str(),
            landed["project"]["county_code"].as_str()
        ),
        (Some("龙圩区商住地块A"), Some("450406"))
    );
}

async fn a_lot_without_bids_closes_unsold_and_an_unpaid_award_leaves_it_unsold(db: TestDb) {
    let app = TestApp::spawn_with_scheduler(db).await;
    let (_, quiet) = xincheng_lot(&app, 1).await;
    let (_, won) = xincheng_lot_again(&app).await;
    app.add_user("changzhou", Role::Buyer, None, true).await;
    let changzhou = app.login("changzhou").await;
    assert_eq!(
        bid(&changzhou, won, "4383375.00").await.0,
        StatusCode::CREATED
    );
    app.clock.advance(Duration::hours(3));
    // Nobody reads: the background scheduler closes both lots within about a second. Its work
    // shows in the audit log (reads only compute the effective state, they never write it).
    let closed_by_scheduler = |records: &[quota_backend::audit::Stored]| {
        records
            .iter()
            .filter(|r| {
                r.action == AuditAction::LotUnsold.wire()
                    || r.action == AuditAction::LotAwarded.wire()
            })
            .count()
    };
    let mut closed = 0;
    for _ in 0..100 {
        let records = with_store!(&app.db, s => s.audit_snapshot().await)
            .expect("store")
            .records;
        closed = closed_by_scheduler(&records);
        if closed == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        closed, 2,
        "the background scheduler closed both lots within 5 s"
    );
    let (_, l) = app
        .anonymous()
        .get(&format!("/api/v1/listings/{quiet}"))
        .await;
    assert_eq!(l["listing"]["status"], "unsold");
    let (_, l) = app
        .anonymous()
        .get(&format!("/api/v1/listings/{won}"))
        .await;
    assert_eq!(l["listing"]["status"], "awarded");
    // Fifteen days without payment: the award expires and the lot is unsold.
    app.clock.advance(Duration::days(15) + Duration::seconds(1));
    let changzhou = app.login("changzhou").await;
    let (_, mine) = changzhou.get("/api/v1/purchases").await;
    assert_eq!(mine["purchases"][0]["status"], "expired");
    let (_, l) = app
        .anonymous()
        .get(&format!("/api/v1/listings/{won}"))
        .await;
    assert_eq!(
        (
            l["listing"]["status"].as_str(),
            l["listing"]["remaining_mu"].as_str()
        ),
        (Some("unsold"), Some("17.5335"))
    );
    // Once the scheduler has written the expiry, the rows agree with the log again.
    let turn = app.tick().await;
    assert_eq!(turn.failed.len(), 0, "{turn:?}");
    let verification =
        with_store!(&app.db, s => quota_backend::routes::audit::verify_audit(s).await)
            .expect("verify runs");
    assert_eq!(
        (verification.intact, verification.broken),
        (true, None),
        "the unsold lot and its lapsed award agree with the log"
    );
}

/// A second lot of the same seller, closing in two hours.
async fn xincheng_lot_again(app: &TestApp) -> (Client, i64) {
    let bureau = app.login("xincheng").await;
    let lot = list_lot(app, &bureau, None, 2).await;
    (bureau, lot)
}

/// Two backend instances on one PostgreSQL database close the same lot at the same moment:
/// exactly one award.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_racing_to_close_a_lot_award_it_once() {
    let db = TestDb::postgres();
    let url = db.url.clone();
    let first = TestApp::spawn(db).await;
    let second_db = quota_backend::store::Database::connect(&url)
        .await
        .expect("second instance");
    let (_, lot) = xincheng_lot(&first, 1).await;
    first.add_user("changzhou", Role::Buyer, None, true).await;
    let changzhou = first.login("changzhou").await;
    assert_eq!(
        bid(&changzhou, lot, "4383375.00").await.0,
        StatusCode::CREATED
    );
    let later = first.clock.now() + Duration::hours(1) + Duration::seconds(1);
    let params = quota_shared::auction::AuctionParams::default();
    for _ in 0..10 {
        let a = first.db.clone();
        let b = second_db.clone();
        let (pa, pb) = (params.clone(), params.clone());
        let (ra, rb) = tokio::join!(
            tokio::spawn(async move {
                with_store!(&a, s => Scheduler::new(s.clone(), pa).turn(later).await)
            }),
            tokio::spawn(async move {
                with_store!(&b, s => Scheduler::new(s.clone(), pb).turn(later).await)
            }),
        );
        let (ra, rb) = (
            ra.expect("task").expect("turn"),
            rb.expect("task").expect("turn"),
        );
        assert!(
            ra.failed.is_empty() && rb.failed.is_empty(),
            "{ra:?} {rb:?}"
        );
    }
    let changzhou = first.login("changzhou").await;
    let (_, mine) = changzhou.get("/api/v1/purchases").await;
    let awards = mine["purchases"].as_array().expect("purchases").len();
    assert_eq!(awards, 1, "exactly one award: {mine}");
}

/// Withdrawal: while `scheduled`; while `bidding` with no bid; never once a bid is in (even
/// racing it), never past the close.
async fn a_lot_is_withdrawn_only_while_scheduled_or_bidding_without_a_bid(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let withdraw = |client: &Client, lot: i64| {
        let client = client.clone();
        async move {
            let (status, body) = client
                .post_empty(&format!("/api/v1/listings/{lot}/withdraw"))
                .await;
            (status, error_of(&body).0, body)
        }
    };
    // Scheduled: bidding opens tomorrow.
    let (bureau, open) = xincheng_lot(&app, 48).await;
    let scheduled = list_lot(&app, &bureau, Some(24), 48).await;
    let (status, _, body) = withdraw(&bureau, scheduled).await;
    assert_eq!(
        (status, body["listing"]["status"].as_str()),
        (StatusCode::OK, Some("withdrawn")),
        "{body}"
    );
    // Bidding, no bid yet.
    let (status, _, body) = withdraw(&bureau, open).await;
    assert_eq!(
        (status, body["listing"]["status"].as_str()),
        (StatusCode::OK, Some("withdrawn")),
        "{body}"
    );

    // Bidding with a bid: refused, and the lot keeps its bid and its status.
    let lot = list_lot(&app, &bureau, None, 2).await;
    app.add_user("changzhou", Role::Buyer, None, true).await;
    let changzhou = app.login("changzhou").await;
    assert_eq!(
        bid(&changzhou, lot, "4383375.00").await.0,
        StatusCode::CREATED
    );
    let (status, code, body) = withdraw(&bureau, lot).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "lot_has_bids"),
        "{body}"
    );
    assert!(
        body["error"]["message_zh"]
            .as_str()
            .is_some_and(|m| m.contains("不能撤回")),
        "{body}"
    );
    let (_, l) = app
        .anonymous()
        .get(&format!("/api/v1/listings/{lot}"))
        .await;
    assert_eq!(
        (
            l["listing"]["status"].as_str(),
            l["listing"]["bid_count"].as_i64()
        ),
        (Some("bidding"), Some(1))
    );

    // A bid and a withdrawal racing: exactly one of them wins, never both.
    let mut race_withdrawals = 0;
    for _ in 0..5 {
        let lot = list_lot(&app, &bureau, None, 2).await;
        let (w, b) = tokio::join!(withdraw(&bureau, lot), bid(&changzhou, lot, "4383375.00"));
        let withdrawn = w.0 == StatusCode::OK;
        let bid_in = b.0 == StatusCode::CREATED;
        race_withdrawals += usize::from(withdrawn);
        assert!(
            withdrawn != bid_in,
            "withdraw {:?} {}, bid {:?} {}",
            w.0,
            w.2,
            b.0,
            b.1
        );
        let (_, l) = app
            .anonymous()
            .get(&format!("/api/v1/listings/{lot}"))
            .await;
        let expected = if withdrawn {
            ("withdrawn", 0)
        } else {
            ("bidding", 1)
        };
        assert_eq!(
            (
                l["listing"]["status"].as_str(),
                l["listing"]["bid_count"].as_i64()
            ),
            (Some(expected.0), Some(expected.1))
        );
    }

    // Past the close (not yet written by the scheduler) a lot without bids has ended too.
    let late = list_lot(&app, &bureau, None, 1).await;
    app.clock.advance(Duration::hours(1) + Duration::seconds(1));
    let bureau = app.login("xincheng").await;
    let (status, code, body) = withdraw(&bureau, late).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "listing_closed"),
        "{body}"
    );
    // Refusals leave nothing in the audit log: it holds the two withdrawals that went through
    // and those that won their race.
    let records = with_store!(&app.db, s => s.audit_snapshot().await).expect("store");
    let withdrawals = records
        .records
        .iter()
        .filter(|r| r.action == AuditAction::ListingWithdrawn.wire())
        .count();
    assert_eq!(withdrawals, 2 + race_withdrawals);
}

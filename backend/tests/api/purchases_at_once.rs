//! Purchases arriving together. They are written in batches: on SQLite one transaction with a
//! savepoint each (`store::sqlite_writer`), on PostgreSQL one transaction that is rolled back
//! and written purchase by purchase if it fails (`store::pg_writer`). Either way:
//! copies of one request buy once, a failing purchase takes no other down with it, and the
//! audit chains of several counties written in the same batch stay whole.

use quota_backend::routes::audit::verify_audit;
use quota_backend::store::Store;
use quota_backend::store::types::{PurchaseDraft, PurchaseOutcome};
use quota_backend::with_store;
use quota_shared::Area;
use quota_shared::api::{PurchaseProject, Role};
use quota_shared::rules::ProjectUse;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{
    TestApp, TestDb, county_bureau_listing, on_both_databases, purchase, teng_listing,
};

on_both_databases!(
    twenty_copies_of_a_purchase_of_the_whole_listing_sent_at_once_buy_it_once_and_answer_alike,
    sixty_purchases_at_once_on_two_counties_sell_exactly_the_stock_and_keep_both_chains,
    a_purchase_that_fails_in_the_database_takes_none_of_its_neighbours_with_it,
    copies_that_reach_the_store_together_are_the_purchase_not_a_refusal,
);

async fn remaining(app: &TestApp, listing: i64) -> String {
    let (_, l) = app
        .anonymous()
        .get(&format!("/api/v1/listings/{listing}"))
        .await;
    l["listing"]["remaining_mu"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn assert_audit_intact(app: &TestApp) {
    let v = with_store!(&app.db, s => verify_audit(s).await).expect("verify runs");
    assert!(v.intact, "audit verify: {:?}", v.broken);
}

async fn twenty_copies_of_a_purchase_of_the_whole_listing_sent_at_once_buy_it_once_and_answer_alike(
    db: TestDb,
) {
    let app = TestApp::spawn(db).await;
    let (_, listing) = teng_listing(&app, "10").await;
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    // The first copy sells the listing out: every other copy finds it sold out, and is still
    // answered with that purchase, not refused.
    let body = purchase(listing, "10", "industrial", "450481");
    let copies = (0..20).map(|_| {
        let (buyer, body) = (buyer.clone(), body.clone());
        tokio::spawn(async move { buyer.buy("one-key", &body).await })
    });
    let mut answers: Vec<Value> = Vec::new();
    for copy in copies {
        let (status, answer) = copy.await.expect("task");
        assert_eq!(status, StatusCode::CREATED, "{answer}");
        answers.push(answer);
    }
    assert!(
        answers.iter().all(|a| a == &answers[0]),
        "every copy is answered with the first answer"
    );
    assert_eq!(remaining(&app, listing).await, "0.0000", "bought once");
    let (_, mine) = buyer.get("/api/v1/purchases").await;
    assert_eq!(mine["purchases"].as_array().map(Vec::len), Some(1));
    assert_audit_intact(&app).await;
}

async fn sixty_purchases_at_once_on_two_counties_sell_exactly_the_stock_and_keep_both_chains(
    db: TestDb,
) {
    let app = TestApp::spawn(db).await;
    let (_, teng) = teng_listing(&app, "10").await;
    let (_, cenxi) = county_bureau_listing(&app, "cenxi", "450481", "10").await;

    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let attempts = (0..60).map(|n| {
        let buyer = buyer.clone();
        let body = if n % 2 == 0 {
            purchase(teng, "1", "industrial", "450481")
        } else {
            purchase(cenxi, "1", "industrial", "450422")
        };
        tokio::spawn(async move { buyer.buy(&format!("at-once-{n}"), &body).await })
    });
    let mut ids = std::collections::BTreeSet::new();
    let mut refused = 0;
    for attempt in attempts {
        let (status, answer) = attempt.await.expect("task");
        match status {
            StatusCode::CREATED => {
                ids.insert(answer["purchase"]["id"].as_i64().expect("id"));
            }
            StatusCode::CONFLICT => refused += 1,
            other => panic!("unexpected {other}: {answer}"),
        }
    }
    assert_eq!((ids.len(), refused), (20, 40), "ten from each listing");
    assert_eq!(remaining(&app, teng).await, "0.0000");
    assert_eq!(remaining(&app, cenxi).await, "0.0000");
    let (_, mine) = buyer.get("/api/v1/purchases?limit=100").await;
    let listed: std::collections::BTreeSet<i64> = mine["purchases"]
        .as_array()
        .expect("purchases")
        .iter()
        .filter_map(|p| p["id"].as_i64())
        .collect();
    assert_eq!(listed, ids, "every acknowledged purchase is kept, no other");
    assert_audit_intact(&app).await;
}

async fn a_purchase_that_fails_in_the_database_takes_none_of_its_neighbours_with_it(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (_, listing) = teng_listing(&app, "10").await;
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let buyer_id = buyer_id(&app).await;
    let draft = |n: usize, buyer_id: i64| draft(&app, listing, buyer_id, "1", n);
    // The middle one names a buyer that does not exist: its insert breaks the foreign key
    // after its take has already lowered the listing.
    let drafts = [
        draft(0, buyer_id),
        draft(1, 987_654_321),
        draft(2, buyer_id),
    ];
    let outcomes = with_store!(&app.db, s => {
        let [a, b, c] = &drafts;
        let (a, b, c) = tokio::join!(s.reserve(a), s.reserve(b), s.reserve(c));
        [a, b, c]
    });
    let [first, broken, last] = outcomes;
    assert!(broken.is_err(), "the broken purchase fails: {broken:?}");
    for outcome in [first, last] {
        assert!(
            matches!(outcome, Ok(PurchaseOutcome::Created { .. })),
            "its neighbours are kept: {outcome:?}"
        );
    }
    assert_eq!(
        remaining(&app, listing).await,
        "8.0000",
        "the failed take was undone"
    );
    let (_, mine) = buyer.get("/api/v1/purchases").await;
    assert_eq!(mine["purchases"].as_array().map(Vec::len), Some(2));
    assert_audit_intact(&app).await;
}

/// A checked purchase of `area` 亩 of `listing` by `buyer_id`, with key number `n`.
fn draft(app: &TestApp, listing: i64, buyer_id: i64, area: &str, n: usize) -> PurchaseDraft {
    let now = app.clock.now();
    PurchaseDraft {
        listing_id: listing,
        buyer_id,
        buyer_username: "dev".into(),
        buyer_party: None,
        area: area.parse::<Area>().expect("area"),
        project: PurchaseProject {
            name: "城南商业综合体".into(),
            use_: ProjectUse::Industrial,
            county_code: "450481".parse().expect("code"),
        },
        now,
        expires_at: now + time::Duration::days(15),
        ruleset_version: "test".into(),
        idem_key: format!("neighbour-{n}"),
        request_sha256: format!("{n:064}"),
    }
}

async fn buyer_id(app: &TestApp) -> i64 {
    with_store!(&app.db, s => s.user_by_username("dev").await)
        .expect("read")
        .expect("the buyer")
        .id
}

/// Five copies of one reservation reach the store together (past the handler's check for a
/// stored answer): one takes the whole listing, and every other copy, finding it sold out,
/// is answered with that purchase.
async fn copies_that_reach_the_store_together_are_the_purchase_not_a_refusal(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (_, listing) = teng_listing(&app, "10").await;
    app.login_as("dev", Role::Buyer, None).await;
    let one = draft(&app, listing, buyer_id(&app).await, "10", 7);
    let outcomes = with_store!(&app.db, s => {
        let (a, b, c, d, e) = tokio::join!(s.reserve(&one), s.reserve(&one), s.reserve(&one), s.reserve(&one), s.reserve(&one));
        [a, b, c, d, e]
    });
    let mut ids = std::collections::BTreeSet::new();
    for outcome in outcomes {
        let body = match outcome {
            Ok(PurchaseOutcome::Created { answer, .. } | PurchaseOutcome::Replay(answer)) => {
                answer.body
            }
            other => panic!("every copy is the purchase: {other:?}"),
        };
        let v: Value = serde_json::from_str(&body).expect("answer");
        ids.insert(v["purchase"]["id"].as_i64().expect("id"));
    }
    assert_eq!(ids.len(), 1, "one purchase: {ids:?}");
    assert_eq!(remaining(&app, listing).await, "0.0000");
}

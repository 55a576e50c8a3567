//! Time-driven changes: reads show what is due before the scheduler has written it and never
//! write themselves; the scheduler's turn writes exactly that; one failing item is skipped
//! without blocking the others or any request.

use quota_backend::scheduler::{Item, Scheduler};
use quota_backend::store::Store;
use quota_backend::with_store;
use quota_shared::api::Role;
use quota_shared::auction::AuctionParams;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;
use time::format_description::well_known::Rfc3339;

use crate::helpers::{
    Client, TestApp, TestDb, county_listing, on_both_databases, purchase, teng_listing,
};

on_both_databases!(
    reads_show_due_changes_before_the_scheduler_writes_them_and_never_write,
    a_failing_item_is_skipped_and_blocks_neither_the_others_nor_any_request,
    a_listing_that_reads_open_again_can_be_withdrawn_before_the_scheduler_runs,
);

/// Every record and every stream head of the audit log: any write the application makes
/// appends to it, so an unchanged snapshot means nothing was written.
async fn audit_snapshot(app: &TestApp) -> (usize, Vec<(String, i64, String)>) {
    let snapshot = with_store!(&app.db, s => s.audit_snapshot().await).expect("audit");
    (snapshot.records.len(), snapshot.heads)
}

/// A regional lot of 忻城县 of `area` at the 250,000 floor, closing in `hours`.
async fn lot(app: &TestApp, bureau: &Client, area: &str, hours: i64) -> i64 {
    let mut body = county_listing(app.stock("451321").await, area, "250000");
    body["channel"] = json!("regional");
    body["closes_at"] = json!(
        (app.clock.now() + Duration::hours(hours))
            .format(&Rfc3339)
            .expect("time")
    );
    let (status, created) = bureau.post("/api/v1/listings", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["listing"]["id"].as_i64().expect("id")
}

async fn status_of(client: &Client, listing: i64) -> (String, String) {
    let (status, body) = client.get(&format!("/api/v1/listings/{listing}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let l = &body["listing"];
    (
        l["status"].as_str().unwrap_or_default().to_string(),
        l["remaining_mu"].as_str().unwrap_or_default().to_string(),
    )
}

/// Every read a user can make, as each role; each must answer 200.
async fn read_everything(app: &TestApp, clients: &[&Client], ids: &[i64]) {
    let mut paths: Vec<String> = [
        "/healthz",
        "/api/v1/counties",
        "/api/v1/floor-prices",
        "/api/v1/use-categories",
        "/api/v1/rules",
        "/api/v1/listings",
        "/api/v1/listings?status=open",
        "/api/v1/announcements",
        "/api/v1/me",
        "/api/v1/purchases",
        "/api/v1/holdings",
        "/api/v1/proceeds",
        "/api/v1/allocations",
        "/api/v1/reports/trades.csv",
        "/api/v1/reports/proceeds.xlsx",
        "/api/v1/audit/verify",
        "/api/v1/users",
    ]
    .map(str::to_string)
    .to_vec();
    for id in ids {
        paths.push(format!("/api/v1/listings/{id}"));
        paths.push(format!("/api/v1/audit?object=listing:{id}"));
    }
    for client in clients {
        for path in &paths {
            let r = client
                .http
                .get(format!("{}{path}", app.base))
                .send()
                .await
                .expect("request");
            let status = r.status();
            assert!(
                status == StatusCode::OK
                    || status == StatusCode::FORBIDDEN
                    || status == StatusCode::UNAUTHORIZED,
                "GET {path}: {status} {}",
                r.text().await.unwrap_or_default()
            );
        }
    }
}

async fn reads_show_due_changes_before_the_scheduler_writes_them_and_never_write(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (teng, open_listing) = teng_listing(&app, "10").await;
    let mut closing = county_listing(app.stock("450422").await, "5", "300000");
    closing["closes_at"] = json!(
        (app.clock.now() + Duration::hours(1))
            .format(&Rfc3339)
            .expect("time")
    );
    let (_, body) = teng.post("/api/v1/listings", &closing).await;
    let closing = body["listing"]["id"].as_i64().expect("id");
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let (status, _) = buyer
        .buy("k1", &purchase(open_listing, "4", "industrial", "450481"))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let xincheng = app
        .login_as("xincheng", Role::CountyBureau, Some("451321"))
        .await;
    // The lots run fifteen days, so they close just before the reservation falls due.
    let won = lot(&app, &xincheng, "17.5335", 15 * 24).await;
    let quiet = lot(&app, &xincheng, "10", 15 * 24).await;
    app.add_user("changzhou", Role::Buyer, None, true).await;
    let changzhou = app.login("changzhou").await;
    let (status, _) = changzhou
        .post(
            &format!("/api/v1/listings/{won}/bids"),
            &json!({"amount_yuan": "4383375.00"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    app.add_user("fin", Role::Finance, None, false).await;
    app.add_user("root", Role::Admin, None, false).await;

    // Fifteen days and two hours on: the closing listing has expired, the reservation is
    // due, both lots have closed. Nothing has run yet.
    app.clock.advance(Duration::days(15) + Duration::hours(2));
    // The sessions lapsed long ago: everyone logs in again (a login writes only its session).
    let (buyer, teng, changzhou, finance, admin) = (
        app.login("dev").await,
        app.login("teng").await,
        app.login("changzhou").await,
        app.login("fin").await,
        app.login("root").await,
    );
    let before = audit_snapshot(&app).await;
    let public = app.anonymous();
    assert_eq!(
        status_of(&public, open_listing).await,
        ("open".into(), "10.0000".into())
    );
    assert_eq!(
        status_of(&public, closing).await,
        ("expired".into(), "5.0000".into())
    );
    assert_eq!(
        status_of(&public, won).await,
        ("awarded".into(), "0.0000".into())
    );
    assert_eq!(
        status_of(&public, quiet).await,
        ("unsold".into(), "10.0000".into())
    );
    let (_, mine) = buyer.get("/api/v1/purchases").await;
    assert_eq!(mine["purchases"][0]["status"], "expired");
    let (_, sales) = teng.get("/api/v1/purchases").await;
    assert_eq!(sales["purchases"][0]["status"], "expired");
    read_everything(
        &app,
        &[&public, &buyer, &teng, &changzhou, &finance, &admin],
        &[open_listing, closing, won, quiet],
    )
    .await;
    assert_eq!(
        audit_snapshot(&app).await,
        before,
        "no read wrote anything, though everything was due"
    );

    // The scheduler's turn writes what the reads showed.
    let turn = app.tick().await;
    assert_eq!(
        (
            turn.lots_awarded,
            turn.lots_unsold,
            turn.listings_expired,
            turn.reservations_expired,
            turn.failed.len()
        ),
        (1, 1, 1, 1, 0),
        "{turn:?}"
    );
    assert_ne!(audit_snapshot(&app).await, before);
    for (id, expected) in [
        (open_listing, ("open", "10.0000")),
        (closing, ("expired", "5.0000")),
        (won, ("awarded", "0.0000")),
        (quiet, ("unsold", "10.0000")),
    ] {
        let stored = with_store!(&app.db, s => s.listing(id, app.clock.now()).await)
            .expect("store")
            .expect("listing");
        assert_eq!(
            (
                stored.status.wire(),
                stored.remaining_mu.to_string().as_str()
            ),
            expected,
            "listing {id}"
        );
    }
    let (_, awards) = changzhou.get("/api/v1/purchases").await;
    assert_eq!(
        (
            awards["purchases"][0]["kind"].as_str(),
            awards["purchases"][0]["status"].as_str()
        ),
        (Some("award"), Some("reserved"))
    );
    // A second turn finds nothing left to do.
    let again = app.tick().await;
    assert_eq!(
        again,
        quota_backend::scheduler::Report::default(),
        "nothing is due twice"
    );
}

async fn a_failing_item_is_skipped_and_blocks_neither_the_others_nor_any_request(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (bureau, listing) = teng_listing(&app, "10").await;
    let (status, body) = bureau
        .post(
            "/api/v1/listings",
            &county_listing(app.stock("450422").await, "5", "300000.00"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let broken = body["listing"]["id"].as_i64().expect("id");
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    for (key, id, area) in [("k0", broken, "2"), ("k1", listing, "4")] {
        let (status, body) = buyer
            .buy(key, &purchase(id, area, "industrial", "450481"))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (_, mine) = buyer.get("/api/v1/purchases").await;
    let doomed = mine["purchases"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["listing_id"] == broken))
        .and_then(|p| p["id"].as_i64())
        .expect("the reservation on the broken listing");
    // Someone edits the broken listing's row by hand: its remaining is its whole area again,
    // so giving the 2 亩 reservation back would exceed the area (a CHECK of the schema). That
    // one release fails; everything else due at the same time must still happen.
    with_store!(&app.db, s => sqlx::query("UPDATE listings SET remaining_e4_mu = area_e4_mu WHERE id = $1")
        .bind(broken)
        .execute(s.pool())
        .await
        .map(|_| ()))
    .expect("edit the row");
    let xincheng = app
        .login_as("xincheng", Role::CountyBureau, Some("451321"))
        .await;
    let normal = lot(&app, &xincheng, "17.5335", 15 * 24).await;
    app.add_user("changzhou", Role::Buyer, None, true).await;
    let changzhou = app.login("changzhou").await;
    let (status, body) = changzhou
        .post(
            &format!("/api/v1/listings/{normal}/bids"),
            &json!({"amount_yuan": "4383375.00"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    app.clock.advance(Duration::days(15) + Duration::hours(2));
    let (buyer, changzhou) = (app.login("dev").await, app.login("changzhou").await);

    // One scheduler, three turns: now, half a second later (the failing item waits for its
    // retry time instead of being tried every second) and three seconds later (tried again).
    let now = app.clock.now();
    let (turn, next, later) = with_store!(&app.db, s => {
        let mut scheduler = Scheduler::new(s.clone(), AuctionParams::default());
        let turn = scheduler.turn(now).await.expect("turn");
        let next = scheduler.turn(now + Duration::milliseconds(500)).await.expect("turn");
        let later = scheduler.turn(now + Duration::seconds(3)).await.expect("turn");
        (turn, next, later)
    });
    let failed = |r: &quota_backend::scheduler::Report| {
        r.failed.iter().map(|(item, _)| *item).collect::<Vec<_>>()
    };
    assert_eq!(failed(&turn), vec![Item::Reservation(doomed)], "{turn:?}");
    assert_eq!(
        (turn.lots_awarded, turn.reservations_expired),
        (1, 1),
        "{turn:?}"
    );
    // Every read still answers, including those that show the broken listing.
    for path in [
        "/api/v1/listings",
        "/api/v1/announcements",
        &format!("/api/v1/listings/{broken}"),
    ] {
        let (status, body): (StatusCode, Value) = app.anonymous().get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
    }
    let (status, mine) = changzhou.get("/api/v1/purchases").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        mine["purchases"].as_array().map(Vec::len),
        Some(1),
        "the award"
    );
    // Writes go on: the healthy listing's expired reservation is bought again.
    let (status, body) = buyer
        .buy("k2", &purchase(listing, "10", "industrial", "450481"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        (next.failed.len(), next.deferred.clone()),
        (0, vec![Item::Reservation(doomed)])
    );
    assert_eq!(failed(&later), vec![Item::Reservation(doomed)]);
}

async fn a_listing_that_reads_open_again_can_be_withdrawn_before_the_scheduler_runs(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (_, listing) = teng_listing(&app, "4").await;
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let (status, _) = buyer
        .buy("k1", &purchase(listing, "4", "industrial", "450481"))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        status_of(&app.anonymous(), listing).await,
        ("sold_out".into(), "0.0000".into())
    );
    // The reservation falls due: the listing reads open with its area back, and the bureau,
    // which sees that, can withdraw it at once.
    app.clock.advance(Duration::days(15) + Duration::hours(1));
    assert_eq!(
        status_of(&app.anonymous(), listing).await,
        ("open".into(), "4.0000".into())
    );
    let teng = app.login("teng").await;
    let (status, body) = teng
        .post_empty(&format!("/api/v1/listings/{listing}/withdraw"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["listing"]["status"], "withdrawn");
    assert_eq!(body["listing"]["remaining_mu"], "4.0000");
}

//! The marketplace: base prices, county listings, purchases, settlement, expiry, idempotency,
//! races and the quote — on SQLite and on PostgreSQL.

use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{
    TestApp, TestDb, county_listing, error_of, on_both_databases, purchase, teng_listing,
};

on_both_databases!(
    a_county_listing_lives_from_base_price_to_withdrawal,
    every_rule_refusal_names_its_rule_in_the_asked_language,
    a_repeated_idempotency_key_replays_the_first_answer,
    reservations_expire_after_fifteen_days_even_across_a_restart,
    fifty_concurrent_purchases_never_oversell,
    the_quote_uses_live_listings,
    a_county_listing_with_a_closing_time_expires,
    a_raised_floor_holds_county_listings_above_an_older_base_price,
);

fn year_now(app: &TestApp) -> i32 {
    quota_shared::calendar::year_of(app.clock.now())
}

async fn a_county_listing_lives_from_base_price_to_withdrawal(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let bureau = app
        .login_as("teng", Role::CountyBureau, Some("450422"))
        .await;
    // R1: exactly at the floor passes, one 分 below is refused.
    let (status, body) = bureau
        .put(
            "/api/v1/counties/450422/base-price",
            &json!({"price_per_mu": "249999.99"}),
        )
        .await;
    assert_eq!(
        (status, error_of(&body).1.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("R1"))
    );
    let (status, body) = bureau
        .put(
            "/api/v1/counties/450422/base-price",
            &json!({"price_per_mu": "250000.00"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["county"]["base_price_per_mu"], "250000.00");

    let (status, body) = bureau
        .post(
            "/api/v1/listings",
            &county_listing(
                app.project("450422", "10", "8", "4", 1000).await,
                "10",
                "260000",
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let listing = &body["listing"];
    assert_eq!(
        (
            listing["status"].as_str(),
            listing["remaining_mu"].as_str(),
            listing["county_code"].as_str()
        ),
        (Some("open"), Some("10.0000"), Some("450422"))
    );
    // The rule versions in force on the day it was listed (R13).
    let versions = listing["ruleset_version"].as_str().unwrap_or_default();
    assert!(
        versions.starts_with("R1.1 R2.1 R3.1") && versions.contains("R6.2 R7.2 R8.2"),
        "{versions}"
    );
    let id = listing["id"].as_i64().expect("id");
    let (_, public) = app
        .anonymous()
        .get("/api/v1/listings?county=450422&status=open")
        .await;
    assert_eq!(public["listings"].as_array().map(Vec::len), Some(1));

    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let (status, first) = buyer
        .buy("k1", &purchase(id, "4", "commercial", "450481"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let p1 = &first["purchase"];
    assert_eq!(p1["amount_yuan"], "1040000.00");
    assert_eq!(p1["status"], "reserved");
    assert_eq!(
        (p1["farmland_mu"].as_str(), p1["paddy_mu"].as_str()),
        (Some("3.2000"), Some("1.6000"))
    );
    let (_, l) = app.anonymous().get(&format!("/api/v1/listings/{id}")).await;
    assert_eq!(l["listing"]["remaining_mu"], "6.0000");

    let (status, second) = buyer
        .buy("k2", &purchase(id, "6", "industrial", "450405"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    let (_, l) = app.anonymous().get(&format!("/api/v1/listings/{id}")).await;
    assert_eq!(
        (
            l["listing"]["status"].as_str(),
            l["listing"]["remaining_mu"].as_str()
        ),
        (Some("sold_out"), Some("0.0000"))
    );
    let (status, body) = buyer
        .buy("k3", &purchase(id, "0.0001", "industrial", "450405"))
        .await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::CONFLICT, "listing_closed")
    );

    // Settlement gives numbers per seller county and year, in order.
    let p1_id = p1["id"].as_i64().expect("id");
    let (status, settled) = bureau
        .post(
            &format!("/api/v1/purchases/{p1_id}/settle"),
            &json!({"bank_reference": "BOC-20261129-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{settled}");
    let year = year_now(&app);
    assert_eq!(
        settled["purchase"]["confirmation_no"],
        format!("藤县〔{year}〕第0001号")
    );
    assert_eq!(settled["purchase"]["status"], "settled");
    let (status, again) = bureau
        .post(
            &format!("/api/v1/purchases/{p1_id}/settle"),
            &json!({"bank_reference": "x"}),
        )
        .await;
    assert_eq!(
        (status, error_of(&again).0.as_str()),
        (StatusCode::CONFLICT, "purchase_not_reserved")
    );

    // Cancelling the second reservation returns its area; the listing opens again.
    let p2_id = second["purchase"]["id"].as_i64().expect("id");
    let (status, cancelled) = buyer
        .post_empty(&format!("/api/v1/purchases/{p2_id}/cancel"))
        .await;
    assert_eq!(
        (status, cancelled["purchase"]["status"].as_str()),
        (StatusCode::OK, Some("cancelled"))
    );
    let (_, l) = app.anonymous().get(&format!("/api/v1/listings/{id}")).await;
    assert_eq!(
        (
            l["listing"]["status"].as_str(),
            l["listing"]["remaining_mu"].as_str()
        ),
        (Some("open"), Some("6.0000"))
    );

    // A new purchase of the returned area gets the next number when settled.
    let (_, third) = buyer
        .buy("k4", &purchase(id, "1.5", "industrial", "450405"))
        .await;
    let p3_id = third["purchase"]["id"].as_i64().expect("id");
    let finance = app.login_as("fin", Role::Finance, None).await;
    let (status, settled) = finance
        .post(
            &format!("/api/v1/purchases/{p3_id}/settle"),
            &json!({"bank_reference": "BOC-2"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{settled}");
    assert_eq!(
        settled["purchase"]["confirmation_no"],
        format!("藤县〔{year}〕第0002号")
    );

    let (status, w) = bureau
        .post_empty(&format!("/api/v1/listings/{id}/withdraw"))
        .await;
    assert_eq!(
        (status, w["listing"]["status"].as_str()),
        (StatusCode::OK, Some("withdrawn"))
    );
    let (status, _) = bureau
        .post_empty(&format!("/api/v1/listings/{id}/withdraw"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, body) = buyer
        .buy("k5", &purchase(id, "1", "industrial", "450405"))
        .await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::CONFLICT, "listing_closed")
    );
}

async fn every_rule_refusal_names_its_rule_in_the_asked_language(db: TestDb) {
    let app = TestApp::spawn(db).await;
    // R2: no base price yet.
    let longxu = app
        .login_as("longxu", Role::CountyBureau, Some("450406"))
        .await;
    let (status, body) = longxu
        .post(
            "/api/v1/listings",
            &county_listing(app.stock("450406").await, "5", "300000"),
        )
        .await;
    assert_eq!(
        (status, error_of(&body).1.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("R2"))
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("先设定基准指导价")),
        "{body}"
    );
    // R2: below the base price.
    let (bureau, listing) = teng_listing(&app, "10").await;
    let (_, body) = bureau
        .post(
            "/api/v1/listings",
            &county_listing(app.stock("450422").await, "5", "279999.99"),
        )
        .await;
    assert_eq!(error_of(&body).1.as_deref(), Some("R2"));
    // R3: a regional start price below the floor.
    let closes = (app.clock.now() + Duration::days(7))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("time");
    let mut lot = county_listing(app.stock("450422").await, "17.5335", "249999.99");
    lot["channel"] = json!("regional");
    lot["closes_at"] = json!(closes);
    let (_, body) = bureau.post("/api/v1/listings", &lot).await;
    assert_eq!(error_of(&body).1.as_deref(), Some("R3"));
    lot["price_per_mu"] = json!("250000");
    let (status, created) = bureau.post("/api/v1/listings", &lot).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["listing"]["start_total_yuan"], "4383375.00");
    assert_eq!(created["listing"]["deposit_yuan"], "500000.00");
    let lot_id = created["listing"]["id"].as_i64().expect("id");

    // R7: a 长洲区 housing project may not buy county-channel quota; Chinese by default…
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let (status, body) = buyer
        .buy("r7", &purchase(listing, "1", "residential", "450405"))
        .await;
    assert_eq!(
        (status, error_of(&body).1.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("R7"))
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("自治区交易平台")),
        "{body}"
    );
    assert_eq!(body["error"]["violations"][0]["rule"], "R7");
    assert!(
        body["error"]["violations"][0]["citation"]
            .as_str()
            .is_some_and(|c| c.contains("三(三)5"))
    );
    // …and English when asked.
    let en: Value = buyer
        .http
        .post(format!("{}/api/v1/purchases", buyer.base))
        .header("Idempotency-Key", "r7-en")
        .header("Accept-Language", "en")
        .json(&purchase(listing, "1", "residential", "450405"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(en["error"]["message"], en["error"]["message_en"]);
    assert!(
        en["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("regional platform")),
        "{en}"
    );

    // A regional lot cannot be bought directly.
    let (status, body) = buyer
        .buy("lot", &purchase(lot_id, "1", "industrial", "450481"))
        .await;
    assert_eq!(
        (status, error_of(&body).1.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("wrong_channel"))
    );
    // Nothing was reserved by any refusal.
    let (_, l) = app
        .anonymous()
        .get(&format!("/api/v1/listings/{listing}"))
        .await;
    assert_eq!(l["listing"]["remaining_mu"], "10.0000");
}

async fn a_repeated_idempotency_key_replays_the_first_answer(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (_, listing) = teng_listing(&app, "10").await;
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let body = purchase(listing, "2", "industrial", "450481");
    let (s1, first) = buyer.buy("same-key", &body).await;
    let (s2, replay) = buyer.buy("same-key", &body).await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(first, replay, "the replay is the first answer");
    let (_, l) = app
        .anonymous()
        .get(&format!("/api/v1/listings/{listing}"))
        .await;
    assert_eq!(l["listing"]["remaining_mu"], "8.0000", "bought once");
    let (status, other) = buyer
        .buy("same-key", &purchase(listing, "3", "industrial", "450481"))
        .await;
    assert_eq!(
        (status, error_of(&other).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
    );
    // The key's answer is found before the listing is: a reused key naming a listing that
    // does not exist is still a reused key, and a new key naming it is told so.
    let missing_listing = purchase(999_999, "2", "industrial", "450481");
    let (status, reused) = buyer.buy("same-key", &missing_listing).await;
    assert_eq!(
        (status, error_of(&reused).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
    );
    let (status, unknown) = buyer.buy("new-key", &missing_listing).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{unknown}");
    assert!(
        unknown["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("#999999")),
        "names the listing: {unknown}"
    );
    // Another buyer's identical key is its own.
    let other_buyer = app.login_as("dev2", Role::Buyer, None).await;
    assert_eq!(
        other_buyer.buy("same-key", &body).await.0,
        StatusCode::CREATED
    );
    // No key: refused before anything happens.
    let (status, missing) = buyer.post("/api/v1/purchases", &body).await;
    assert_eq!(
        (status, error_of(&missing).0.as_str()),
        (StatusCode::BAD_REQUEST, "idempotency_key_required")
    );
    let (_, mine) = buyer.get("/api/v1/purchases").await;
    assert_eq!(mine["purchases"].as_array().map(Vec::len), Some(1));
}

async fn reservations_expire_after_fifteen_days_even_across_a_restart(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (_, listing) = teng_listing(&app, "10").await;
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let (_, bought) = buyer
        .buy("k", &purchase(listing, "4", "industrial", "450481"))
        .await;
    let pid = bought["purchase"]["id"].as_i64().expect("id");
    let (db, clock) = app.stop();

    // Fourteen days later it still holds its area; sixteen days later it has expired.
    clock.advance(Duration::days(14));
    let app = TestApp::spawn_with_clock(db, clock.clone()).await;
    let (_, l) = app
        .anonymous()
        .get(&format!("/api/v1/listings/{listing}"))
        .await;
    assert_eq!(l["listing"]["remaining_mu"], "6.0000");
    let (db, clock) = app.stop();
    clock.advance(Duration::days(2));
    let app = TestApp::spawn_with_clock(db, clock).await;
    let buyer = app.login("dev").await;
    let (_, l) = app
        .anonymous()
        .get(&format!("/api/v1/listings/{listing}"))
        .await;
    assert_eq!(
        l["listing"]["remaining_mu"], "10.0000",
        "the expired reservation returned its area"
    );
    let (_, mine) = buyer.get("/api/v1/purchases").await;
    assert_eq!(mine["purchases"][0]["status"], "expired");
    let bureau = app.login("teng").await;
    let (status, body) = bureau
        .post(
            &format!("/api/v1/purchases/{pid}/settle"),
            &json!({"bank_reference": "late"}),
        )
        .await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::CONFLICT, "purchase_not_reserved")
    );
}

async fn fifty_concurrent_purchases_never_oversell(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (_, listing) = teng_listing(&app, "10").await;
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let attempts = (0..50).map(|n| {
        let buyer = buyer.clone();
        tokio::spawn(async move {
            buyer
                .buy(
                    &format!("race-{n}"),
                    &purchase(listing, "1", "industrial", "450481"),
                )
                .await
        })
    });
    let mut created = 0;
    let mut refused = 0;
    for attempt in attempts {
        let (status, body) = attempt.await.expect("task");
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => refused += 1,
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((created, refused), (10, 40));
    let (_, l) = app
        .anonymous()
        .get(&format!("/api/v1/listings/{listing}"))
        .await;
    assert_eq!(
        (
            l["listing"]["remaining_mu"].as_str(),
            l["listing"]["status"].as_str()
        ),
        (Some("0.0000"), Some("sold_out"))
    );
    let (_, mine) = buyer.get("/api/v1/purchases").await;
    let total_e4: i64 = mine["purchases"]
        .as_array()
        .expect("purchases")
        .iter()
        .map(|p| {
            p["area_mu"]
                .as_str()
                .and_then(|a| a.parse::<quota_shared::Area>().ok())
                .map(|a| a.e4())
                .unwrap_or(0)
        })
        .sum();
    assert_eq!(total_e4, 10 * 10_000, "sold + remaining = listed");
}

async fn the_quote_uses_live_listings(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (_, listing) = teng_listing(&app, "10").await;
    let quote = |area: &str, use_: &str, county: &str| {
        let client = app.anonymous();
        let body =
            json!({"project": {"use": use_, "county_code": county, "area": area, "unit": "mu"}});
        async move { client.post("/api/v1/quote", &body).await }
    };
    let (status, q) = quote("12", "commercial", "450481").await;
    assert_eq!(status, StatusCode::OK, "{q}");
    assert_eq!(q["quote"]["must_buy"], true);
    assert_eq!(q["quote"]["cheapest_fill"][0]["listing_id"], listing);
    assert_eq!(q["quote"]["cheapest_fill"][0]["area_mu"], "10.0000");
    assert_eq!(q["quote"]["shortfall_mu"], "2.0000");
    assert_eq!(q["quote"]["total_yuan"], "3000000.00");
    assert_eq!(q["quote"]["total_capital"], "叁佰万元整");
    let (status, bad) = quote("1.00001", "commercial", "450481").await;
    assert_eq!(
        (status, bad["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("project.area"))
    );
}

async fn a_county_listing_with_a_closing_time_expires(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (bureau, _) = teng_listing(&app, "10").await;
    let closes = (app.clock.now() + Duration::days(30))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("time");
    let mut body = county_listing(app.stock("450422").await, "5", "300000");
    body["closes_at"] = json!(closes);
    let (status, created) = bureau.post("/api/v1/listings", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["listing"]["id"].as_i64().expect("id");
    let mut past = body.clone();
    past["closes_at"] = json!("2020-01-01T00:00:00Z");
    let (status, refused) = bureau.post("/api/v1/listings", &past).await;
    assert_eq!(
        (status, refused["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("closes_at"))
    );

    app.clock.advance(Duration::days(31));
    let (_, l) = app.anonymous().get(&format!("/api/v1/listings/{id}")).await;
    assert_eq!(l["listing"]["status"], "expired");
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let (status, body) = buyer
        .buy("late", &purchase(id, "1", "industrial", "450481"))
        .await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::CONFLICT, "listing_closed")
    );
    // A month on, the bureau's 14-day session has ended too.
    assert_eq!(bureau.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    let bureau = app.login("teng").await;
    let (status, _) = bureau
        .post_empty(&format!("/api/v1/listings/{id}/withdraw"))
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "an expired listing cannot be withdrawn"
    );
}

/// R1 with R2: the administrator raises the floor above a county's base price; from the
/// floor's first day a county listing below it is refused even though it is above the base.
async fn a_raised_floor_holds_county_listings_above_an_older_base_price(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let bureau = app
        .login_as("teng", Role::CountyBureau, Some("450422"))
        .await;
    let (status, _) = bureau
        .put(
            "/api/v1/counties/450422/base-price",
            &json!({"price_per_mu": "260000"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let tomorrow = quota_shared::calendar::day_of(app.clock.now())
        .next_day()
        .expect("day");
    let admin = app.login_as("admin", Role::Admin, None).await;
    let (status, body) = admin
        .post(
            "/api/v1/floor-prices",
            &json!({"price_per_mu": "300000", "effective_from": tomorrow.to_string()}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Today the old floor is in force: 280,000 is above the base price and the floor.
    let (status, body) = bureau
        .post(
            "/api/v1/listings",
            &county_listing(app.stock("450422").await, "1", "280000"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    app.clock.advance(time::Duration::days(1));
    let bureau = app.login("teng").await;
    let (status, body) = bureau
        .post(
            "/api/v1/listings",
            &county_listing(app.stock("450422").await, "1", "280000"),
        )
        .await;
    assert_eq!(
        (status, error_of(&body).1.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("R1")),
        "{body}"
    );
    assert!(
        body["error"]["message_zh"]
            .as_str()
            .is_some_and(|m| m.contains("300,000.00") && m.contains("基准指导价")),
        "{body}"
    );
    let (status, body) = bureau
        .post(
            "/api/v1/listings",
            &county_listing(app.stock("450422").await, "1", "300000"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

//! The marketplace: accounts and sessions, base prices, county listings, purchases, settlement,
//! expiry, idempotency, permissions, races and bad input — on SQLite and on PostgreSQL.

use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{
    Client, TestApp, TestDb, county_listing, error_of, on_both_databases, purchase, teng_listing,
};

on_both_databases!(
    a_county_listing_lives_from_base_price_to_withdrawal,
    every_rule_refusal_names_its_rule_in_the_asked_language,
    permissions_follow_role_and_county,
    a_repeated_idempotency_key_replays_the_first_answer,
    reservations_expire_after_fifteen_days_even_across_a_restart,
    fifty_concurrent_purchases_never_oversell,
    bad_bodies_get_4xx_envelopes_and_write_nothing,
    sessions_logout_and_login_throttling,
    cross_site_state_changes_are_refused,
    the_quote_uses_live_listings,
    a_county_listing_with_a_closing_time_expires,
    an_administrator_creates_and_disables_accounts,
);

fn year_now(app: &TestApp) -> i32 {
    app.clock.now().to_offset(time::macros::offset!(+8)).year()
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
            &county_listing("10", "8", "4", "260000"),
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
    assert_eq!(listing["ruleset_version"], "wuzhou-2021.1");
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
        .post("/api/v1/listings", &county_listing("5", "0", "0", "300000"))
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
            &county_listing("5", "0", "0", "279999.99"),
        )
        .await;
    assert_eq!(error_of(&body).1.as_deref(), Some("R2"));
    // R3: a regional start price below the floor.
    let closes = (app.clock.now() + Duration::days(7))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("time");
    let mut lot = county_listing("17.5335", "14.3805", "0", "249999.99");
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

async fn permissions_follow_role_and_county(db: TestDb) {
    let full = matches!(db.url, quota_backend::config::DatabaseUrl::Sqlite(_));
    let app = TestApp::spawn(db).await;
    let (teng, listing) = teng_listing(&app, "10").await;
    let anon = app.anonymous();
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let other_buyer = app.login_as("dev2", Role::Buyer, None).await;
    let mengshan = app
        .login_as("mengshan", Role::CountyBureau, Some("450423"))
        .await;
    let finance = app.login_as("fin", Role::Finance, None).await;
    let admin = app.login_as("root", Role::Admin, None).await;
    let (_, bought) = buyer
        .buy("p", &purchase(listing, "2", "industrial", "450481"))
        .await;
    let pid = bought["purchase"]["id"].as_i64().expect("purchase id");

    let base = json!({"price_per_mu": "300000"});
    let floor = json!({"price_per_mu": "260000", "effective_from": "2027-01-01"});
    let new_listing = county_listing("1", "0", "0", "300000");
    let settle = json!({"bank_reference": "B-1"});
    type Case<'a> = (&'a str, &'a Client, StatusCode);
    let base_price: Vec<Case> = vec![
        ("anonymous", &anon, StatusCode::UNAUTHORIZED),
        ("buyer", &buyer, StatusCode::FORBIDDEN),
        ("finance", &finance, StatusCode::FORBIDDEN),
        ("admin", &admin, StatusCode::FORBIDDEN),
        ("other county's bureau", &mengshan, StatusCode::FORBIDDEN),
        ("own bureau", &teng, StatusCode::OK),
    ];
    for (who, client, expected) in &base_price {
        let (status, body) = client
            .put("/api/v1/counties/450422/base-price", &base)
            .await;
        assert_eq!(status, *expected, "PUT base-price as {who}: {body}");
    }
    let purchases_as: Vec<Case> = vec![
        ("anonymous", &anon, StatusCode::UNAUTHORIZED),
        ("bureau", &teng, StatusCode::FORBIDDEN),
        ("buyer", &buyer, StatusCode::CREATED),
    ];
    for (n, (who, client, expected)) in purchases_as.iter().enumerate() {
        let (status, body) = client
            .buy(
                &format!("perm-{n}"),
                &purchase(listing, "0.5", "industrial", "450481"),
            )
            .await;
        assert_eq!(status, *expected, "POST purchases as {who}: {body}");
    }
    let settle_as: Vec<Case> = vec![
        ("anonymous", &anon, StatusCode::UNAUTHORIZED),
        ("buyer", &buyer, StatusCode::FORBIDDEN),
        ("other county's bureau", &mengshan, StatusCode::FORBIDDEN),
        ("seller's bureau", &teng, StatusCode::OK),
    ];
    for (who, client, expected) in &settle_as {
        let (status, body) = client
            .post(&format!("/api/v1/purchases/{pid}/settle"), &settle)
            .await;
        assert_eq!(status, *expected, "settle as {who}: {body}");
    }
    // Each role sees its own purchases.
    let count = |body: &Value| {
        body["purchases"]
            .as_array()
            .map(Vec::len)
            .unwrap_or(usize::MAX)
    };
    assert_eq!(
        anon.get("/api/v1/purchases").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(count(&buyer.get("/api/v1/purchases").await.1), 2);
    assert_eq!(count(&other_buyer.get("/api/v1/purchases").await.1), 0);
    assert_eq!(count(&teng.get("/api/v1/purchases").await.1), 2);
    assert_eq!(count(&mengshan.get("/api/v1/purchases").await.1), 0);
    assert_eq!(count(&finance.get("/api/v1/purchases").await.1), 2);
    assert_eq!(anon.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    if !full {
        return;
    }
    // The rest of the table, on SQLite.
    let floors: Vec<Case> = vec![
        ("anonymous", &anon, StatusCode::UNAUTHORIZED),
        ("buyer", &buyer, StatusCode::FORBIDDEN),
        ("bureau", &teng, StatusCode::FORBIDDEN),
        ("finance", &finance, StatusCode::FORBIDDEN),
        ("admin", &admin, StatusCode::CREATED),
        ("admin again, same date", &admin, StatusCode::CONFLICT),
    ];
    for (who, client, expected) in &floors {
        let (status, body) = client.post("/api/v1/floor-prices", &floor).await;
        assert_eq!(status, *expected, "POST floor-prices as {who}: {body}");
    }
    let listings: Vec<Case> = vec![
        ("anonymous", &anon, StatusCode::UNAUTHORIZED),
        ("buyer", &buyer, StatusCode::FORBIDDEN),
        ("finance", &finance, StatusCode::FORBIDDEN),
        ("admin", &admin, StatusCode::FORBIDDEN),
        ("bureau", &teng, StatusCode::CREATED),
    ];
    for (who, client, expected) in &listings {
        let (status, body) = client.post("/api/v1/listings", &new_listing).await;
        assert_eq!(status, *expected, "POST listings as {who}: {body}");
    }
    for (who, client, expected) in [
        ("finance", &finance, StatusCode::FORBIDDEN),
        ("admin", &admin, StatusCode::FORBIDDEN),
    ] {
        let (status, _) = client
            .buy(
                &format!("x-{who}"),
                &purchase(listing, "0.5", "industrial", "450481"),
            )
            .await;
        assert_eq!(status, expected, "POST purchases as {who}");
    }
    let (_, second) = buyer
        .buy("p2", &purchase(listing, "0.5", "industrial", "450481"))
        .await;
    let p2 = second["purchase"]["id"].as_i64().expect("id");
    for (who, client, expected) in [
        ("anonymous", &anon, StatusCode::UNAUTHORIZED),
        ("bureau", &teng, StatusCode::FORBIDDEN),
        ("another buyer", &other_buyer, StatusCode::NOT_FOUND),
        ("the buyer", &buyer, StatusCode::OK),
    ] {
        let (status, body) = client
            .post_empty(&format!("/api/v1/purchases/{p2}/cancel"))
            .await;
        assert_eq!(status, expected, "cancel as {who}: {body}");
    }
    for (who, client, expected) in [
        ("anonymous", &anon, StatusCode::UNAUTHORIZED),
        ("buyer", &buyer, StatusCode::FORBIDDEN),
        ("other county's bureau", &mengshan, StatusCode::FORBIDDEN),
        ("own bureau", &teng, StatusCode::OK),
    ] {
        let (status, body) = client
            .post_empty(&format!("/api/v1/listings/{listing}/withdraw"))
            .await;
        assert_eq!(status, expected, "withdraw as {who}: {body}");
    }
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

async fn bad_bodies_get_4xx_envelopes_and_write_nothing(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (bureau, listing) = teng_listing(&app, "10").await;
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let send_raw = |body: Vec<u8>, key: &'static str| {
        let buyer = buyer.clone();
        async move {
            let r = buyer
                .http
                .post(format!("{}/api/v1/purchases", buyer.base))
                .header("Idempotency-Key", key)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("request");
            let status = r.status();
            let body: Value = r.json().await.expect("error envelope is JSON");
            (status, body)
        }
    };
    let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "not JSON",
            b"{\"listing_id\": ".to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed",
        ),
        (
            "unknown field",
            purchase_with(listing, "\"1\"", ", \"discount\": 1"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_field",
        ),
        (
            "number instead of string",
            purchase_with(listing, "1.5", ""),
            StatusCode::UNPROCESSABLE_ENTITY,
            "wrong_type",
        ),
        (
            "5 decimals",
            purchase_with(listing, "\"1.00001\"", ""),
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many_decimals",
        ),
        (
            "huge",
            purchase_with(listing, "\"99999999999999999999\"", ""),
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_large",
        ),
        (
            "exponent",
            purchase_with(listing, "\"1e30\"", ""),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_a_number",
        ),
        (
            "negative",
            purchase_with(listing, "\"-1\"", ""),
            StatusCode::UNPROCESSABLE_ENTITY,
            "negative",
        ),
        (
            "zero",
            purchase_with(listing, "\"0\"", ""),
            StatusCode::UNPROCESSABLE_ENTITY,
            "zero",
        ),
    ];
    for (n, (what, body, status, code)) in cases.into_iter().enumerate() {
        let key: &'static str = ["b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7"][n];
        let (got, envelope) = send_raw(body, key).await;
        assert_eq!(
            (got, error_of(&envelope).0.as_str()),
            (status, code),
            "{what}: {envelope}"
        );
        assert!(
            envelope["error"]["message_zh"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{what}"
        );
        assert!(
            envelope["error"]["message_en"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{what}"
        );
    }
    let (status, envelope) = send_raw(vec![b' '; 5 * 1024 * 1024], "big").await;
    assert_eq!(
        (status, error_of(&envelope).0.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
    );
    // A listing whose parts exceed the whole is refused with the field named.
    let (status, body) = bureau
        .post(
            "/api/v1/listings",
            &county_listing("10", "12", "0", "300000"),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("farmland_mu"))
    );
    // Nothing was written by any of it.
    let (_, l) = app
        .anonymous()
        .get(&format!("/api/v1/listings/{listing}"))
        .await;
    assert_eq!(l["listing"]["remaining_mu"], "10.0000");
    let (_, mine) = buyer.get("/api/v1/purchases").await;
    assert_eq!(mine["purchases"].as_array().map(Vec::len), Some(0));
    let (_, all) = app.anonymous().get("/api/v1/listings").await;
    assert_eq!(all["listings"].as_array().map(Vec::len), Some(1));
}

fn purchase_with(listing: i64, area_json: &str, extra: &str) -> Vec<u8> {
    format!(
        r#"{{"listing_id": {listing}, "area_mu": {area_json}, "project": {{"name": "x", "use": "industrial", "county_code": "450481"}}{extra}}}"#
    )
    .into_bytes()
}

async fn sessions_logout_and_login_throttling(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.add_user("dev", Role::Buyer, None, true).await;
    let laptop = app.login("dev").await;
    let phone = app.login("dev").await;
    let (status, me) = laptop.get("/api/v1/me").await;
    assert_eq!(
        (status, me["user"]["regional_bidder"].as_bool()),
        (StatusCode::OK, Some(true))
    );
    // Logging out on one device leaves the other session alone.
    let r = laptop
        .http
        .delete(format!("{}/api/v1/session", laptop.base))
        .send()
        .await
        .expect("logout");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(laptop.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(phone.get("/api/v1/me").await.0, StatusCode::OK);

    let stranger = app.anonymous();
    for _ in 0..5 {
        let (status, body) = stranger
            .post(
                "/api/v1/session",
                &json!({"username": "dev", "password": "guess"}),
            )
            .await;
        assert_eq!(
            (status, error_of(&body).0.as_str()),
            (StatusCode::UNAUTHORIZED, "bad_credentials")
        );
    }
    // Now even the right password waits; other usernames are not affected.
    let (status, body) = stranger
        .post(
            "/api/v1/session",
            &json!({"username": "dev", "password": crate::helpers::PASSWORD}),
        )
        .await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_failures")
    );
    app.add_user("other", Role::Buyer, None, false).await;
    app.login("other").await;
    // After the window the right password works again.
    app.clock.advance(Duration::minutes(16));
    app.login("dev").await;
    assert_eq!(
        phone.get("/api/v1/me").await.0,
        StatusCode::OK,
        "sessions are not throttled"
    );
}

async fn cross_site_state_changes_are_refused(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let bureau = app
        .login_as("teng", Role::CountyBureau, Some("450422"))
        .await;
    let cross = |origin_header: (&'static str, &'static str)| {
        bureau
            .http
            .put(format!("{}/api/v1/counties/450422/base-price", bureau.base))
            .header(origin_header.0, origin_header.1)
            .json(&json!({"price_per_mu": "300000"}))
            .send()
    };
    for header in [
        ("Origin", "http://evil.example"),
        ("Sec-Fetch-Site", "cross-site"),
    ] {
        let r = cross(header).await.expect("request");
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{header:?}");
        let body: Value = r.json().await.expect("json");
        assert_eq!(error_of(&body).0, "cross_site");
    }
    let (_, counties) = app.anonymous().get("/api/v1/counties").await;
    let teng = counties["counties"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["code"] == "450422"))
        .cloned();
    assert!(
        teng.is_some_and(|t| t["base_price_per_mu"].is_null()),
        "nothing was changed"
    );
    // Reads from elsewhere are fine.
    let r = bureau
        .http
        .get(format!("{}/api/v1/me", bureau.base))
        .header("Sec-Fetch-Site", "cross-site")
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), StatusCode::OK);
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
    let mut body = county_listing("5", "0", "0", "300000");
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

async fn an_administrator_creates_and_disables_accounts(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let admin = app.login_as("root", Role::Admin, None).await;
    let new = json!({"username": "wanxiu", "password": "long-enough-1", "role": "county_bureau", "county_code": "450403"});
    let (status, body) = admin.post("/api/v1/users", &new).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = admin.post("/api/v1/users", &new).await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "account_refused")
    );
    assert!(
        body["error"]["message_zh"]
            .as_str()
            .is_some_and(|m| m.contains("已存在")),
        "{body}"
    );
    let (status, body) = admin
        .post(
            "/api/v1/users",
            &json!({"username": "x", "password": "long-enough-1", "role": "county_bureau"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (_, list) = admin.get("/api/v1/users").await;
    let names: Vec<&str> = list["users"]
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["username"].as_str())
        .collect();
    assert_eq!(names, ["root", "wanxiu"]);
    assert!(list["users"][1].get("password_hash").is_none());

    // A disabled account loses its session at once and cannot log in again.
    let wanxiu = app.login_with("wanxiu", "long-enough-1").await;
    let (status, body) = admin
        .put("/api/v1/users/wanxiu/disabled", &json!({"disabled": true}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(wanxiu.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .anonymous()
        .post(
            "/api/v1/session",
            &json!({"username": "wanxiu", "password": "long-enough-1"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        admin
            .put("/api/v1/users/root/disabled", &json!({"disabled": true}))
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        wanxiu.get("/api/v1/users").await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, rules) = app.anonymous().get("/api/v1/rules").await;
    assert_eq!(
        (status, rules["rules"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(14))
    );
}

//! Accounts and sessions: permissions by role and county, logout and the login throttle, the
//! refusal of cross-site state changes, and the administrator's accounts (passwords:
//! `passwords.rs`).

use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{
    Client, TestApp, TestDb, county_listing, error_of, on_both_databases, purchase, teng_listing,
};

on_both_databases!(
    permissions_follow_role_and_county,
    sessions_logout_and_login_throttling,
    sessions_lapse_when_idle_and_after_a_working_day,
    cross_site_state_changes_are_refused,
    an_administrator_creates_and_disables_accounts,
);

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
    let new_listing = county_listing(app.stock("450422").await, "1", "300000");
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

/// 30 idle minutes end a session; activity keeps it alive, but never past 12 hours from login.
/// Lapsed sessions are purged by the scheduler.
async fn sessions_lapse_when_idle_and_after_a_working_day(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.add_user("dev", Role::Buyer, None, false).await;
    let busy = app.login("dev").await;
    let away = app.login("dev").await;
    app.clock.advance(Duration::minutes(29));
    assert_eq!(busy.get("/api/v1/me").await.0, StatusCode::OK);
    app.clock.advance(Duration::minutes(2));
    assert_eq!(
        (
            busy.get("/api/v1/me").await.0,
            away.get("/api/v1/me").await.0
        ),
        (StatusCode::OK, StatusCode::UNAUTHORIZED),
        "31 minutes after login: the one used 2 minutes ago lives, the idle one lapsed"
    );
    // Used every 25 minutes, the session lasts until 12 hours after login, not a second more.
    let mut used = Duration::minutes(31);
    while used + Duration::minutes(25) < Duration::hours(12) {
        app.clock.advance(Duration::minutes(25));
        used += Duration::minutes(25);
        assert_eq!(busy.get("/api/v1/me").await.0, StatusCode::OK, "at {used}");
    }
    app.clock.advance(Duration::hours(12) - used);
    assert_eq!(busy.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.tick().await.purged, 2, "both lapsed sessions purged");
    assert_eq!(
        app.login("dev").await.get("/api/v1/me").await.0,
        StatusCode::OK
    );
}

/// Changing one's password needs the current one (throttled like logins), ends every other
/// session, keeps this one, and is audited without the password.
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
    // A sibling subdomain (same-site) is another site too: on a shared government domain it
    // can be anybody's page.
    for header in [
        ("Origin", "http://evil.example"),
        ("Sec-Fetch-Site", "cross-site"),
        ("Sec-Fetch-Site", "same-site"),
    ] {
        let r = cross(header).await.expect("request");
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{header:?}");
        let body: Value = r.json().await.expect("json");
        assert_eq!(error_of(&body).0, "cross_site");
    }
    let (status, counties) = app.anonymous().get("/api/v1/counties").await;
    assert_eq!(status, StatusCode::OK, "{counties}");
    let teng = counties["counties"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["code"] == "450422"))
        .cloned();
    assert!(
        teng.is_some_and(|t| t["base_price_per_mu"].is_null()),
        "nothing was changed"
    );
    // Our own pages (same-origin) change things as usual.
    let r = cross(("Sec-Fetch-Site", "same-origin"))
        .await
        .expect("request");
    assert_eq!(r.status(), StatusCode::OK);
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
        (StatusCode::OK, Some(16))
    );
}

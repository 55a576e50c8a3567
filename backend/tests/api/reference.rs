//! Reference data, health, demo and the error envelope of unknown routes.

use quota_backend::demo::{self, DemoOutcome};
use quota_backend::with_store;
use serde_json::Value;

use crate::helpers::{TestApp, TestDb, on_both_databases};

impl TestApp {
    async fn get(&self, path: &str) -> (u16, Value) {
        let (status, body) = self.anonymous().get(path).await;
        (status.as_u16(), body)
    }
}

on_both_databases!(
    health_names_the_database,
    counties_come_from_the_reference_data,
    floor_versions_are_listed_in_date_order,
    demo_loads_once_with_base_prices_listings_and_trades,
    migrating_again_changes_nothing,
    unknown_routes_answer_in_the_error_envelope_in_the_asked_language,
    every_answer_carries_a_request_id_and_keeps_a_plain_one_the_client_sent,
    metrics_count_requests_by_route_pattern_and_purchases,
);

async fn health_names_the_database(db: TestDb) {
    let kind = db.url.kind();
    let app = TestApp::spawn(db).await;
    let (status, body) = app.get("/healthz").await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], kind);

    // Ready: the database answers and every migration is applied.
    let (status, body) = app.get("/readyz").await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("ready")),
        "{body}"
    );
    let applied = body["migrations_applied"].as_u64().expect("a count");
    assert!(applied >= 4, "{body}");
    // A migration this build knows but the database has not run: not ready, and says why.
    with_store!(&app.db, s => sqlx::query("DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)").execute(s.pool()).await.map(|_| ()))
        .expect("forget the last migration");
    let (status, body) = app.get("/readyz").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "not_ready");
    assert!(
        body["error"]["message_zh"]
            .as_str()
            .is_some_and(|m| m.contains("quota-exchange migrate")),
        "{body}"
    );
    // Alive all the same.
    assert_eq!(app.get("/healthz").await.0, 200);
}

async fn counties_come_from_the_reference_data(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (status, body) = app.get("/api/v1/counties").await;
    assert_eq!(status, 200);
    let counties = body["counties"].as_array().expect("counties list");
    assert_eq!(counties.len(), 9);
    let find = |name: &str| {
        counties
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    let teng = find("藤县");
    assert_eq!(teng["code"], "450422");
    assert_eq!(teng["kind"], "county");
    assert_eq!(teng["poverty_alleviated"], true);
    assert_eq!(teng["poverty_status_confirmed"], true);
    assert!(
        teng["base_price_per_mu"].is_null(),
        "base prices start empty"
    );
    let cangwu = find("苍梧县");
    assert_eq!(cangwu["poverty_alleviated"], false);
    assert_eq!(cangwu["poverty_status_confirmed"], false);
    assert_eq!(find("岑溪市")["kind"], "county_city");
    assert_eq!(find("长洲区")["kind"], "district");
}

async fn floor_versions_are_listed_in_date_order(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (status, body) = app.get("/api/v1/floor-prices").await;
    assert_eq!(status, 200);
    assert_eq!(
        body["floor_prices"],
        serde_json::json!([
            {"price_per_mu": "100000.00", "effective_from": "2018-01-01"},
            {"price_per_mu": "250000.00", "effective_from": "2020-01-01"},
        ])
    );
}

async fn demo_loads_once_with_base_prices_listings_and_trades(db: TestDb) {
    // With R16's seeded periods, as the demo is loaded for real.
    let app = TestApp::spawn_with_periods(db, Default::default()).await;
    let now = app.clock.now();
    let first = with_store!(&app.db, s => demo::load(s, now).await).expect("demo");
    assert_eq!(first, DemoOutcome::Loaded);
    let second = with_store!(&app.db, s => demo::load(s, now).await).expect("demo again");
    assert_eq!(second, DemoOutcome::AlreadyPresent);
    let (_, body) = app.get("/api/v1/counties").await;
    let price_of = |code: &str| {
        body["counties"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["code"] == code))
            .map(|c| c["base_price_per_mu"].clone())
            .expect("county")
    };
    assert_eq!(price_of("450422"), "280000.00");
    assert!(
        price_of("450406").is_null(),
        "龙圩区 is left without a base price"
    );
    let (_, listings) = app.get("/api/v1/listings").await;
    let listings = listings["listings"].as_array().expect("listings").clone();
    assert_eq!(listings.len(), 7);
    let announced: Vec<_> = listings
        .iter()
        .filter(|l| l["status"] == "scheduled" && l["channel"] == "county")
        .collect();
    assert_eq!(announced.len(), 1, "one county listing still announced");
    let lot = listings
        .iter()
        .find(|l| l["county_code"] == "451321")
        .expect("忻城 lot");
    assert_eq!(
        (
            lot["start_total_yuan"].as_str(),
            lot["deposit_yuan"].as_str()
        ),
        (Some("4383375.00"), Some("500000.00"))
    );
    let teng = listings
        .iter()
        .find(|l| l["county_code"] == "450422" && l["status"] == "open")
        .expect("藤县 listing");
    assert_eq!(
        teng["remaining_mu"], "13.0000",
        "5 亩 and 2 亩 sold to the demo developer"
    );
    let finance = app.login_with("finance", demo::DEMO_PASSWORD).await;
    // Every listing traces back to a reclamation project of its county (#15); one more project
    // is registered and not yet accepted.
    let (_, projects) = finance.get("/api/v1/projects").await;
    let projects = projects["projects"].as_array().expect("projects").clone();
    assert_eq!(projects.len(), 7);
    assert_eq!(
        projects
            .iter()
            .filter(|p| p["status"] == "accepted")
            .count(),
        6
    );
    // Each listing draws on its projects' stock: its area is what its sources took, and no
    // project has given more than its surplus (the registered one only in advance).
    for l in &listings {
        let sources = l["sources"].as_array().expect("sources");
        assert!(!sources.is_empty(), "listing {} has its project", l["id"]);
        for s in sources {
            let p = projects
                .iter()
                .find(|p| p["id"] == s["project_id"])
                .expect("the source is a project");
            assert_eq!(p["county_code"], l["county_code"], "{l}");
            assert_eq!(l["advance"], p["status"] == "registered", "{l}");
        }
        if let [only] = sources.as_slice() {
            assert_eq!(only["area_mu"], l["area_mu"], "{l}");
        }
    }
    for p in &projects {
        let available = p["available_mu"].as_str().expect("available");
        assert!(!available.starts_with('-'), "{p}");
        assert_eq!(p["shortfall_mu"], "0.0000", "{p}");
        // Every project has its plots; only the registered 古龙 project's are off its area.
        assert!(p["plots_mu"].is_string(), "{p}");
        assert_eq!(
            p["plots_flagged"],
            p["registration_no"] == "450422-2025-0003",
            "{p}"
        );
    }
    let (_, purchases) = finance.get("/api/v1/purchases").await;
    let statuses: Vec<&str> = purchases["purchases"]
        .as_array()
        .expect("purchases")
        .iter()
        .filter_map(|p| p["status"].as_str())
        .collect();
    assert_eq!(
        statuses,
        ["settled", "settled", "reserved", "settled"],
        "an award, a purchase in its publicity, a reservation, a purchase"
    );
    // Every demo trade names its parties: the seller county's 自然资源局 and the buyer's
    // organisation, each with a code that checks.
    for p in purchases["purchases"].as_array().expect("purchases") {
        let seller = p["seller_organisation"].as_str().expect("seller");
        assert!(seller.ends_with("自然资源局"), "{p}");
        let buyer = p["buyer_organisation"].as_str().expect("buyer");
        assert!(
            ["梧州市富民置业有限公司", "梧州市长洲区土地储备中心"].contains(&buyer),
            "{p}"
        );
        for code in [&p["seller_uscc"], &p["buyer_uscc"]] {
            let code = code.as_str().expect("code");
            assert!(quota_shared::uscc::Uscc::parse(code).is_ok(), "{code}");
        }
    }
    let in_publicity = &purchases["purchases"][1];
    assert!(
        in_publicity["confirmation_no"].is_null() && in_publicity["open_objections"] == 1,
        "the second demo trade is held by an objection: {in_publicity}"
    );
    let (_, proceeds) = finance.get("/api/v1/proceeds").await;
    let row = |code: &str| {
        proceeds["proceeds"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["county_code"] == code))
            .cloned()
            .expect("row")
    };
    // The trade in its publicity is not proceeds yet.
    assert_eq!(row("450422")["proceeds_yuan"], "1400000.00");
    assert_eq!(row("450422")["allocated_yuan"], "800000.00");
    assert_eq!(row("450422")["disbursed_yuan"], "300000.00");
    // 40 亩 at a start of 10,000,000 plus two steps.
    assert_eq!(row("450423")["proceeds_yuan"], "10100000.00");
    let (_, v) = finance.get("/api/v1/audit/verify").await;
    assert_eq!(v["verification"]["intact"], true, "{v}");
}

async fn migrating_again_changes_nothing(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (_, before) = app.get("/api/v1/counties").await;
    app.db.migrate().await.expect("second migrate");
    let (_, after) = app.get("/api/v1/counties").await;
    assert_eq!(before, after);
    let (_, floors) = app.get("/api/v1/floor-prices").await;
    assert_eq!(floors["floor_prices"].as_array().map(Vec::len), Some(2));
}

async fn unknown_routes_answer_in_the_error_envelope_in_the_asked_language(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (status, zh) = app.get("/api/v1/no-such-thing").await;
    assert_eq!(status, 404);
    assert_eq!(zh["error"]["code"], "not_found");
    assert_eq!(zh["error"]["message"], zh["error"]["message_zh"]);
    assert!(
        zh["error"]["message_zh"]
            .as_str()
            .is_some_and(|m| m.contains("/api/v1/no-such-thing"))
    );
    let en = app
        .anonymous()
        .http
        .get(app.url("/api/v1/no-such-thing"))
        .header("Accept-Language", "en-US,en;q=0.9")
        .send()
        .await
        .expect("request");
    assert_eq!(en.status().as_u16(), 404);
    let en: Value = en.json().await.expect("json");
    assert_eq!(en["error"]["message"], en["error"]["message_en"]);
    assert_eq!(
        en["error"]["message_en"],
        "Route /api/v1/no-such-thing not found"
    );
}

async fn every_answer_carries_a_request_id_and_keeps_a_plain_one_the_client_sent(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let http = reqwest::Client::new();
    let made = http
        .get(app.url("/api/v1/counties"))
        .send()
        .await
        .expect("request");
    let id = made
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert_eq!(id.len(), 16, "a 64-bit hex id: {id:?}");
    let kept = http
        .get(app.url("/api/v1/nowhere"))
        .header("x-request-id", "proxy-42")
        .send()
        .await
        .expect("request");
    assert_eq!(kept.status(), 404);
    assert_eq!(
        kept.headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("proxy-42"),
        "an error answer carries the id too"
    );
}

async fn metrics_count_requests_by_route_pattern_and_purchases(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (_, listing) = crate::helpers::teng_listing(&app, "10").await;
    let buyer = app
        .login_as("dev", quota_shared::api::Role::Buyer, None)
        .await;
    let (status, _) = buyer
        .buy(
            "metrics-1",
            &crate::helpers::purchase(listing, "1", "industrial", "450481"),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(app.get("/api/v1/listings/987654").await.0, 404);
    let text = reqwest::get(app.url("/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    for needle in [
        "# TYPE http_requests_total counter",
        r#"route="/api/v1/listings/{id}""#,
        r#"route="/api/v1/purchases""#,
        "# TYPE http_request_duration_seconds histogram",
        r#"quota_purchases_total{outcome="created"}"#,
        r#"quota_db_pool_connections{state="idle"}"#,
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    assert!(
        !text.contains("987654"),
        "routes are labelled by pattern, never by what a client sent"
    );
}

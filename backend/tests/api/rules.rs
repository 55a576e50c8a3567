//! Rule versions (R13) as data: the seeded versions with their marks, the administrator's
//! additions and endings (today or later, never the past), and every check taking the version
//! in force on the day — the day before a change, the day of it and the day after.

use quota_backend::store::Store;
use quota_backend::with_store;
use quota_shared::api::{AuditAction, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{
    Client, TestApp, TestDb, county_listing, error_of, on_both_databases, purchase, teng_listing,
};

on_both_databases!(
    the_seeded_versions_mark_r6_to_r8_after_the_transition_as_unconfirmed,
    a_new_version_applies_from_its_first_day_and_not_before,
    the_administrator_never_rewrites_the_past,
    versions_added_at_once_leave_one_open_version,
    a_damaged_version_pauses_the_checks_and_nothing_else,
);

fn day(app: &TestApp, offset: i64) -> String {
    (quota_shared::calendar::day_of(app.clock.now()) + Duration::days(offset)).to_string()
}

fn versions_of<'a>(rules: &'a Value, id: &str) -> &'a Vec<Value> {
    rules["rules"]
        .as_array()
        .and_then(|all| all.iter().find(|r| r["id"] == id))
        .and_then(|r| r["versions"].as_array())
        .expect("versions")
}

async fn the_seeded_versions_mark_r6_to_r8_after_the_transition_as_unconfirmed(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (status, rules) = app.anonymous().get("/api/v1/rules").await;
    assert_eq!(status, StatusCode::OK, "{rules}");
    assert_eq!(rules["rules"].as_array().map(Vec::len), Some(16));
    for id in ["R6", "R7", "R8"] {
        let v = versions_of(&rules, id);
        assert_eq!(v.len(), 2, "{id}: {v:?}");
        assert_eq!(
            (v[0]["effective_to"].as_str(), v[0]["confirmed"].as_bool()),
            (Some("2025-12-31"), Some(true))
        );
        assert_eq!(
            (
                v[1]["effective_from"].as_str(),
                v[1]["effective_to"].as_str(),
                v[1]["confirmed"].as_bool()
            ),
            (Some("2026-01-01"), None, Some(false))
        );
    }
    // Today's answer names the versions in force, and the parameters are there to read.
    let today = rules["ruleset_version"].as_str().unwrap_or_default();
    assert!(today.contains("R6.2 R7.2 R8.2"), "{today}");
    assert_eq!(
        versions_of(&rules, "R4")[0]["params"]["bid_step_yuan"],
        "50000.00"
    );
    assert_eq!(
        versions_of(&rules, "R15")[0]["params"]["reservation_days"],
        15
    );
    let r7 = &versions_of(&rules, "R7")[1]["params"]["units"];
    assert_eq!(r7, &json!(["450403", "450405", "450406"]));
    // Migrating again puts nothing back and adds nothing.
    app.db.migrate().await.expect("migrate again");
    assert_eq!(app.anonymous().get("/api/v1/rules").await.1, rules);
}

/// Tomorrow R7 no longer covers 长洲区, the bid step doubles, payment is due in 3 days, 苍梧县
/// is marked a 脱贫县 and a new use of proceeds is added: today nothing of it applies; from
/// tomorrow all of it does, and what is recorded says which versions.
async fn a_new_version_applies_from_its_first_day_and_not_before(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let admin = app.login_as("root", Role::Admin, None).await;
    app.add_user("xincheng", Role::CountyBureau, Some("451321"), false)
        .await;
    let tomorrow = day(&app, 1);
    let add = |rule: &'static str, params: Value| {
        let (admin, tomorrow) = (admin.clone(), tomorrow.clone());
        async move {
            let (status, body) = admin
                .post(
                    &format!("/api/v1/rules/{rule}/versions"),
                    &json!({"effective_from": tomorrow, "confirmed": true,
                            "citation": "梧政发〔2026〕99号", "params": params}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{rule}: {body}");
            body["version"]["version"].as_u64().expect("version")
        }
    };
    assert_eq!(add("R7", json!({"units": ["450403", "450406"]})).await, 3);
    assert_eq!(add("R4", json!({"bid_step_yuan": "100000"})).await, 2);
    assert_eq!(add("R15", json!({"reservation_days": 3})).await, 2);
    let (_, rules) = app.anonymous().get("/api/v1/rules").await;
    let mut marks = versions_of(&rules, "R14")[0]["params"].clone();
    for m in marks["counties"].as_array_mut().expect("marks") {
        if m["code"] == "450421" {
            m["poverty_alleviated"] = json!(true);
            m["confirmed"] = json!(true);
            m["source"] = json!("桂政函〔2026〕1号");
        }
    }
    assert_eq!(add("R14", marks).await, 2);
    let mut uses = versions_of(&rules, "R12")[0]["params"].clone();
    uses["use_categories"].as_array_mut().expect("uses").push(
        json!({"name": "农村人居环境整治", "source": "梧政发〔2026〕99号", "confirmed": true}),
    );
    assert_eq!(add("R12", uses).await, 2);
    // The version R7 had ends today.
    let (_, rules) = app.anonymous().get("/api/v1/rules").await;
    assert_eq!(versions_of(&rules, "R7")[1]["effective_to"], day(&app, 0));

    // Today (the day before): 长洲区 housing may not buy 藤县 county quota (R7.2).
    let (_, listing) = teng_listing(&app, "100").await;
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let housing = purchase(listing, "1", "residential", "450405");
    let (status, body) = buyer.buy("today", &housing).await;
    assert_eq!(
        (status, error_of(&body).1.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("R7")),
        "{body}"
    );
    let (_, counties) = app.anonymous().get("/api/v1/counties").await;
    let cangwu = |c: &Value| {
        c["counties"]
            .as_array()
            .and_then(|all| all.iter().find(|c| c["code"] == "450421"))
            .map(|c| (c["poverty_alleviated"].clone(), c["project_rule"].clone()))
    };
    assert_eq!(cangwu(&counties), Some((json!(false), json!("none"))));
    let lot_today = regional_lot(&app).await;
    let finance = app.login_as("fin", Role::Finance, None).await;
    let new_use =
        json!({"county_code": "450422", "use": "农村人居环境整治", "amount_yuan": "1.00"});
    let (status, body) = finance.post("/api/v1/allocations", &new_use).await;
    assert_eq!(error_of(&body).1.as_deref(), Some("R12"), "{status} {body}");

    // Tomorrow (the day of) and the day after: the new versions apply.
    for offset in [1, 2] {
        app.clock.advance(Duration::days(1));
        let buyer = app.login("dev").await;
        let (status, body) = buyer.buy(&format!("day-{offset}"), &housing).await;
        assert_eq!(status, StatusCode::CREATED, "day +{offset}: {body}");
        let p = &body["purchase"];
        let versions = p["ruleset_version"].as_str().unwrap_or_default();
        assert!(
            versions.contains("R7.3") && versions.contains("R15.2"),
            "{versions}"
        );
        // R15.2: three days to pay.
        let created = time::OffsetDateTime::parse(
            p["created_at"].as_str().unwrap_or_default(),
            &time::format_description::well_known::Rfc3339,
        )
        .expect("created");
        let expires = time::OffsetDateTime::parse(
            p["expires_at"].as_str().unwrap_or_default(),
            &time::format_description::well_known::Rfc3339,
        )
        .expect("expires");
        assert_eq!(expires - created, Duration::days(3));
    }
    let (_, counties) = app.anonymous().get("/api/v1/counties").await;
    assert_eq!(cangwu(&counties), Some((json!(true), json!("none"))));
    let (_, l) = app.anonymous().get("/api/v1/counties").await;
    let changzhou_rule = l["counties"]
        .as_array()
        .and_then(|all| all.iter().find(|c| c["code"] == "450405"))
        .map(|c| c["project_rule"].clone());
    assert_eq!(
        changzhou_rule,
        Some(json!("must_buy")),
        "R6 still lists it, R7 no more"
    );
    // A lot listed today keeps its 50,000 step; one listed now has the new 100,000.
    let lot_now = regional_lot(&app).await;
    for (lot, step) in [(lot_today, "50000.00"), (lot_now, "100000.00")] {
        let (_, l) = app
            .anonymous()
            .get(&format!("/api/v1/listings/{lot}"))
            .await;
        assert_eq!(l["listing"]["bid_step_yuan"], step, "lot {lot}");
    }
    app.add_user("bidder", Role::Buyer, None, true).await;
    let bidder = app.login("bidder").await;
    let (_, l) = app
        .anonymous()
        .get(&format!("/api/v1/listings/{lot_now}"))
        .await;
    let start = l["listing"]["start_total_yuan"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (status, body) = bidder
        .post(
            &format!("/api/v1/listings/{lot_now}/bids"),
            &json!({"amount_yuan": start}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, l) = app
        .anonymous()
        .get(&format!("/api/v1/listings/{lot_now}"))
        .await;
    let start: quota_shared::Money = start.parse().expect("money");
    let step: quota_shared::Money = "100000".parse().expect("money");
    assert_eq!(
        l["listing"]["min_next_bid_yuan"],
        start.checked_add(step).expect("sum").to_string()
    );
    let finance = app.login("fin").await;
    // The new use passes R12 now; what stops it is that 藤县 has received nothing yet.
    let (status, body) = finance.post("/api/v1/allocations", &new_use).await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "exceeds_received"),
        "{body}"
    );
    let (_, cats) = app.anonymous().get("/api/v1/use-categories").await;
    assert!(
        cats["use_categories"]
            .as_array()
            .is_some_and(|all| all.iter().any(|c| c["name"] == "农村人居环境整治")),
        "{cats}"
    );
}

/// 忻城县 (account `xincheng`) lists a 2 亩 regional lot closing in ten days.
async fn regional_lot(app: &TestApp) -> i64 {
    let bureau = app.login("xincheng").await;
    let mut lot = county_listing(app.stock("451321").await, "2", "250000");
    lot["channel"] = json!("regional");
    lot["closes_at"] = json!(
        (app.clock.now() + Duration::days(10))
            .format(&time::format_description::well_known::Rfc3339)
            .expect("time")
    );
    let (status, body) = bureau.post("/api/v1/listings", &lot).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["listing"]["id"].as_i64().expect("lot")
}

async fn the_administrator_never_rewrites_the_past(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let admin = app.login_as("root", Role::Admin, None).await;
    let post = |path: String, body: Value| {
        let admin: Client = admin.clone();
        async move { admin.post(&path, &body).await }
    };
    let version = |from: String, params: Value| json!({"effective_from": from, "confirmed": true, "citation": "梧政发〔2026〕99号", "params": params});
    let r6 = |offset, units: Value| version(day(&app, offset), json!({ "units": units }));
    let cases = [
        ("R6", r6(-1, json!(["450403"])), "in_the_past"),
        // Today too: listings and trades were already checked against today's versions.
        ("R6", r6(0, json!(["450403"])), "in_the_past"),
        ("R6", r6(1, json!(["459999"])), "unknown_county"),
        ("R6", r6(1, json!(["450403", "450403"])), "unknown_value"),
        // R7 only narrows R6: 藤县 is on no R6 list; 长洲区 may not leave R6 while on R7's.
        ("R7", r6(1, json!(["450403", "450422"])), "invalid_value"),
        (
            "R6",
            r6(1, json!(["450403", "450406", "450481"])),
            "invalid_value",
        ),
        (
            "R6",
            version(day(&app, 1), json!({"bid_step_yuan": "1"})),
            "unknown_value",
        ),
        ("R4", version(day(&app, 1), json!({})), "required"),
        (
            "R15",
            version(day(&app, 1), json!({"reservation_days": 0})),
            "zero",
        ),
        (
            "R15",
            version(day(&app, 1), json!({"reservation_days": 91})),
            "too_large",
        ),
        (
            "R1",
            json!({"effective_from": day(&app, 1), "confirmed": true, "citation": "  "}),
            "required",
        ),
    ];
    for (rule, body, code) in cases {
        let (status, answer) = post(format!("/api/v1/rules/{rule}/versions"), body).await;
        assert_eq!(
            (status, error_of(&answer).0.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, code),
            "{rule}: {answer}"
        );
        assert!(answer["error"]["message_zh"].is_string(), "{answer}");
    }
    let (status, _) = post(
        "/api/v1/rules/R99/versions".into(),
        version(day(&app, 1), json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Nothing of it was written.
    let (_, rules) = app.anonymous().get("/api/v1/rules").await;
    assert_eq!(versions_of(&rules, "R6").len(), 2);

    // The administrator confirms that R6 continues: a confirmed version from tomorrow; R6.2
    // (unconfirmed) ends today, every day it was in force untouched.
    let (status, body) = post(
        "/api/v1/rules/R6/versions".into(),
        r6(1, json!(["450403", "450405", "450406", "450481"])),
    )
    .await;
    assert_eq!(
        (status, body["version"]["version"].as_u64()),
        (StatusCode::CREATED, Some(3)),
        "{body}"
    );
    let (_, rules) = app.anonymous().get("/api/v1/rules").await;
    let versions = versions_of(&rules, "R6");
    assert_eq!(versions[1]["effective_to"], day(&app, 0));
    assert_eq!(
        (
            versions[2]["confirmed"].as_bool(),
            versions[2]["effective_to"].as_str()
        ),
        (Some(true), None)
    );
    // Ending: not before today; later is fine; then never pushed back out.
    let end = |to: String| {
        post(
            "/api/v1/rules/R6/versions/3/end".into(),
            json!({"effective_to": to}),
        )
    };
    let (status, body) = end(day(&app, -1)).await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "in_the_past")
    );
    let (status, body) = end(day(&app, 30)).await;
    assert_eq!(
        (status, body["version"]["effective_to"].as_str()),
        (StatusCode::OK, Some(day(&app, 30).as_str()))
    );
    let (status, body) = end(day(&app, 60)).await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::CONFLICT, "version_ended"),
        "{body}"
    );
    let (status, _) = post(
        "/api/v1/rules/R6/versions/9/end".into(),
        json!({"effective_to": day(&app, 1)}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A rule of units, records or parameters is replaced, never ended.
    let (status, body) = post(
        "/api/v1/rules/R9/versions/1/end".into(),
        json!({"effective_to": day(&app, 1)}),
    )
    .await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_value"),
        "{body}"
    );
    // After the end R6 is not in force: a 岑溪 housing project need not buy.
    app.clock.advance(Duration::days(31));
    let quote = json!({"project": {"use": "residential", "county_code": "450481", "area": "1", "unit": "mu"}});
    let (_, q) = app.anonymous().post("/api/v1/quote", &quote).await;
    assert_eq!(q["quote"]["must_buy"], false, "{q}");
    // Both changes are in the audit log, by the administrator.
    let records = with_store!(&app.db, s => s.audit_snapshot().await)
        .expect("store")
        .records;
    let mine: Vec<(&str, &str)> = records
        .iter()
        .filter(|r| r.object == "rule:R6")
        .map(|r| (r.action.as_str(), r.actor.as_str()))
        .collect();
    assert_eq!(
        mine,
        [
            (AuditAction::RuleVersionAdded.wire(), "root"),
            (AuditAction::RuleVersionEnded.wire(), "root")
        ]
    );
}

/// Eight versions of R4 added at the same moment (two administrators, or a double click): each
/// gets its own number, and exactly one is left open-ended — none overlaps another.
async fn versions_added_at_once_leave_one_open_version(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let admin = app.login_as("root", Role::Admin, None).await;
    let adds = (1..=8).map(|n| {
        let admin = admin.clone();
        let body = json!({"effective_from": day(&app, n), "confirmed": true,
                          "citation": format!("桂节指告字〔2027〕{n}号"),
                          "params": {"bid_step_yuan": format!("{}0000", 5 + n)}});
        async move { admin.post("/api/v1/rules/R4/versions", &body).await }
    });
    let answers = futures_util::future::join_all(adds).await;
    let mut numbers: Vec<u64> = answers
        .iter()
        .filter(|(status, _)| *status == StatusCode::CREATED)
        .filter_map(|(_, b)| b["version"]["version"].as_u64())
        .collect();
    for (status, body) in &answers {
        assert!(
            *status == StatusCode::CREATED || error_of(body).0 == "version_taken",
            "{status} {body}"
        );
    }
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(
        numbers.len(),
        answers
            .iter()
            .filter(|(s, _)| *s == StatusCode::CREATED)
            .count()
    );
    let (_, rules) = app.anonymous().get("/api/v1/rules").await;
    let versions = versions_of(&rules, "R4");
    let open = versions
        .iter()
        .filter(|v| v["effective_to"].is_null())
        .count();
    assert_eq!(open, 1, "{versions:?}");
    // No two versions are in force on the same day.
    for offset in 0..=9 {
        let d = day(&app, offset);
        let in_force = versions
            .iter()
            .filter(|v| {
                v["effective_from"]
                    .as_str()
                    .is_some_and(|f| f <= d.as_str())
                    && v["effective_to"].as_str().is_none_or(|t| d.as_str() <= t)
            })
            .count();
        assert_eq!(in_force, 1, "day +{offset}: {versions:?}");
    }
}

/// A stored version that no longer reads (its parameters damaged behind the application's
/// back) pauses what is checked against the rules — never checked without it — while reads,
/// the rule list included, go on.
async fn a_damaged_version_pauses_the_checks_and_nothing_else(db: TestDb) {
    let app = TestApp::spawn(db).await;
    with_store!(&app.db, s => {
        sqlx::raw_sql("UPDATE rule_versions SET params = 'not json' WHERE rule_id = 'R6' AND version = 2")
            .execute(s.pool())
            .await
            .map(|_| ())
    })
    .expect("damaged");
    let bureau = app
        .login_as("teng", Role::CountyBureau, Some("450422"))
        .await;
    let (status, body) = bureau
        .put(
            "/api/v1/counties/450422/base-price",
            &json!({"price_per_mu": "280000"}),
        )
        .await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, "not_ready"),
        "{body}"
    );
    assert!(
        body["error"]["message_zh"]
            .as_str()
            .is_some_and(|m| m.contains("R6.2")),
        "{body}"
    );
    let quote = json!({"project": {"use": "residential", "county_code": "450405", "area": "1", "unit": "mu"}});
    assert_eq!(
        app.anonymous().post("/api/v1/quote", &quote).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    for path in ["/api/v1/rules", "/api/v1/counties", "/api/v1/listings"] {
        assert_eq!(app.anonymous().get(path).await.0, StatusCode::OK, "{path}");
    }
    let (_, rules) = app.anonymous().get("/api/v1/rules").await;
    assert_eq!(
        versions_of(&rules, "R6").len(),
        1,
        "the damaged one is left out of the list"
    );
}

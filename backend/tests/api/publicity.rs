//! R16, announcement and publicity: a county listing is announced before it can be bought; a
//! settled trade is published, becomes final (numbered, usable, counted in the proceeds) when
//! its publicity ends with no objection open; anyone may object meanwhile; the bureau upholds
//! (the trade is annulled, its area returns) or dismisses (the trade goes on to finality).

use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{
    Client, TestApp, TestDb, county_listing, error_of, on_both_databases, purchase, teng_listing,
};

on_both_databases!(
    a_county_listing_opens_when_its_announcement_ends,
    a_trade_is_final_when_its_publicity_ends_without_objection,
    an_objection_holds_the_trade_until_it_is_dismissed,
    an_upheld_objection_annuls_the_trade_and_the_area_returns,
    objections_are_checked_and_bounded,
    an_upheld_objection_to_an_award_leaves_the_lot_unsold,
);

/// The default periods (docs/DOMAIN.md, "Publicity"): 20 days' announcement, 3 days' publicity.
const ANNOUNCE: Duration = Duration::days(20);
const PUBLICITY: Duration = Duration::days(3);

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .expect("time")
}

fn parse(v: &Value) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(
        v.as_str().expect("a time"),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("rfc3339")
}

async fn listing_of(app: &TestApp, id: i64) -> Value {
    let (status, body) = app.anonymous().get(&format!("/api/v1/listings/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["listing"].clone()
}

/// Purchase `id` as its buyer `dev` sees it (logged in afresh: the clock moves past sessions).
async fn purchase_of(app: &TestApp, id: i64) -> Value {
    let (_, body) = app.login("dev").await.get("/api/v1/purchases").await;
    body["purchases"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["id"] == id))
        .cloned()
        .unwrap_or_else(|| panic!("purchase {id} in {body}"))
}

/// 藤县 lists `area` 亩; the announcement is waited out; `dev` buys `take` and 藤县 settles.
/// Returns (bureau, buyer, listing, purchase).
async fn settled(app: &TestApp, area: &str, take: &str) -> (Client, Client, i64, i64) {
    let (_, listing) = teng_listing(app, area).await;
    app.clock.advance(ANNOUNCE + Duration::seconds(1));
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let bureau = app.login_with("teng", crate::helpers::PASSWORD).await;
    let (status, p) = buyer
        .buy("k1", &purchase(listing, take, "commercial", "450481"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let id = p["purchase"]["id"].as_i64().expect("purchase");
    let (status, s) = bureau
        .post(
            &format!("/api/v1/purchases/{id}/settle"),
            &json!({"bank_reference": "B-1"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{s}");
    (bureau, buyer, listing, id)
}

async fn proceeds_yuan(app: &TestApp) -> String {
    let finance = app.login("fin").await;
    let year = quota_shared::calendar::year_of(app.clock.now());
    let (status, body) = finance.get(&format!("/api/v1/proceeds?year={year}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["proceeds"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["county_code"] == "450422"))
        .and_then(|r| r["proceeds_yuan"].as_str())
        .unwrap_or("0.00")
        .to_string()
}

async fn use_of(app: &TestApp, id: i64, approval: &str) -> (StatusCode, Value) {
    app.login("dev")
        .await
        .post(
            "/api/v1/holdings/uses",
            &json!({"purchase_id": id, "approval_no": approval, "area_mu": "1"}),
        )
        .await
}

fn objection(name: &str) -> Value {
    json!({"name": name, "contact": "13800000000", "reason": "复垦地块仍有房屋未拆除"})
}

async fn a_county_listing_opens_when_its_announcement_ends(db: TestDb) {
    let app = TestApp::spawn_with_periods(db, Default::default()).await;
    let listed_at = app.clock.now();
    let (bureau, listing) = teng_listing(&app, "10").await;
    let l = listing_of(&app, listing).await;
    assert_eq!(l["status"], "scheduled", "{l}");
    let opens = parse(&l["opens_at"]);
    assert!(
        (opens - (listed_at + ANNOUNCE)).abs() <= Duration::seconds(5),
        "{l}"
    );
    // In the announcements, with the day buying opens.
    let (_, notices) = app
        .anonymous()
        .get("/api/v1/announcements?kind=listing")
        .await;
    assert_eq!(notices["announcements"][0]["opens_at"], l["opens_at"]);

    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let buy = purchase(listing, "1", "commercial", "450481");
    let (status, body) = buyer.buy("early", &buy).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(error_of(&body).0, "listing_announced");
    let opens_text = quota_shared::calendar::format_local(opens);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains(&opens_text),
        "the refusal names the opening ({opens_text}): {body}"
    );
    // A bureau may name a later opening, never an earlier one.
    let mut early = county_listing(app.stock("450422").await, "5", "300000.00");
    early["opens_at"] = json!(rfc3339(listed_at + Duration::days(2)));
    let (status, body) = bureau.post("/api/v1/listings", &early).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "opens_at", "{body}");

    // A minute before the opening: still announced. Just after: bought.
    app.clock
        .advance(opens - app.clock.now() - Duration::minutes(1));
    let buyer = app.login("dev").await;
    let (status, body) = buyer.buy("almost", &buy).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    app.clock
        .advance(Duration::minutes(1) + Duration::seconds(1));
    assert_eq!(listing_of(&app, listing).await["status"], "open");
    let (status, body) = buyer.buy("open", &buy).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // A new version of R16 from tomorrow: listings of today keep today's period, those of
    // tomorrow take the new one.
    let admin = app.login_as("root", Role::Admin, None).await;
    let tomorrow = quota_shared::calendar::day_of(app.clock.now()) + Duration::days(1);
    let (status, body) = admin
        .post(
            "/api/v1/rules/R16/versions",
            &json!({"effective_from": tomorrow.to_string(), "confirmed": false,
                    "citation": "测试：公告 2 日，公示 1 日",
                    "params": {"announce_days": 2, "publicity_days": 1}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let bureau = app.login("teng").await;
    let (_, today) = bureau
        .post(
            "/api/v1/listings",
            &county_listing(app.stock("450422").await, "3", "300000.00"),
        )
        .await;
    let today_opens = parse(&today["listing"]["opens_at"]);
    assert!(
        today_opens - app.clock.now() > Duration::days(19),
        "{today}"
    );
    // The first instant of tomorrow, Beijing time.
    let midnight = quota_shared::calendar::local_to_instant(tomorrow, time::Time::MIDNIGHT);
    app.clock
        .advance(midnight - app.clock.now() + Duration::seconds(1));
    let bureau = app.login("teng").await;
    let (_, next) = bureau
        .post(
            "/api/v1/listings",
            &county_listing(app.stock("450422").await, "3", "300000.00"),
        )
        .await;
    let next_opens = parse(&next["listing"]["opens_at"]);
    assert!(
        (next_opens - app.clock.now() - Duration::days(2)).abs() <= Duration::seconds(5),
        "{next}"
    );
}

async fn a_trade_is_final_when_its_publicity_ends_without_objection(db: TestDb) {
    let app = TestApp::spawn_with_periods(db, Default::default()).await;
    app.add_user("fin", Role::Finance, None, false).await;
    let before = proceeds_yuan(&app).await;
    let (_, buyer, _, id) = settled(&app, "10", "4").await;
    let p = purchase_of(&app, id).await;
    assert_eq!(
        (p["status"].as_str(), p["confirmation_no"].as_str()),
        (Some("settled"), None),
        "{p}"
    );
    let ends = parse(&p["publicity_ends_at"]);
    assert!(
        (ends - parse(&p["settled_at"]) - PUBLICITY).abs() <= Duration::seconds(1),
        "{p}"
    );
    // Published, with the trade to object to; not a holding, not yet proceeds.
    let (_, results) = app
        .anonymous()
        .get("/api/v1/announcements?kind=result")
        .await;
    let notice = &results["announcements"][0];
    assert_eq!(
        (notice["purchase_id"].as_i64(), notice["is_final"].as_bool()),
        (Some(id), Some(false)),
        "{notice}"
    );
    let (status, body) = use_of(&app, id, "梧自然资批〔2026〕1号").await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::CONFLICT, "not_final"),
        "{body}"
    );
    let (_, holdings) = buyer.get("/api/v1/holdings").await;
    assert!(
        holdings["holdings"].as_array().is_some_and(Vec::is_empty),
        "{holdings}"
    );
    assert_eq!(proceeds_yuan(&app).await, before);

    // The day before the end: nothing due.
    app.clock
        .advance(ends - app.clock.now() - Duration::seconds(30));
    assert_eq!(app.tick().await.trades_final, 0);
    app.clock.advance(Duration::minutes(1));
    assert_eq!(app.tick().await.trades_final, 1);
    let p = purchase_of(&app, id).await;
    let year = quota_shared::calendar::year_of(parse(&p["settled_at"]));
    assert_eq!(
        p["confirmation_no"].as_str(),
        Some(format!("藤县〔{year}〕第0001号").as_str()),
        "{p}"
    );
    assert_eq!(app.tick().await.trades_final, 0, "numbered once");
    let (status, body) = use_of(&app, id, "梧自然资批〔2026〕1号").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_ne!(proceeds_yuan(&app).await, before, "counted once final");
}

async fn an_objection_holds_the_trade_until_it_is_dismissed(db: TestDb) {
    let app = TestApp::spawn_with_periods(db, Default::default()).await;
    let (bureau, buyer, _, id) = settled(&app, "10", "4").await;
    let public = app.anonymous();
    let (status, receipt) = public
        .post(
            &format!("/api/v1/purchases/{id}/objections"),
            &objection("梧州某置业有限公司"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    assert!(
        !receipt.to_string().contains("13800000000"),
        "the receipt has no contact"
    );
    let objection_id = receipt["objection"]["id"].as_i64().expect("id");
    // The public sees that an objection is open, never who can be reached how.
    let (_, results) = public.get("/api/v1/announcements?kind=result").await;
    assert_eq!(
        results["announcements"][0]["open_objections"], 1,
        "{results}"
    );
    assert!(!results.to_string().contains("13800000000"));
    // Staff of the county see it whole; a buyer does not see it at all.
    let (status, list) = bureau
        .get(&format!("/api/v1/objections?purchase_id={id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["objections"][0]["contact"], "13800000000", "{list}");
    let (status, _) = buyer.get("/api/v1/objections").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let other = app
        .login_as("meng", Role::CountyBureau, Some("450423"))
        .await;
    let (_, theirs) = other.get("/api/v1/objections").await;
    assert!(
        theirs["objections"].as_array().is_some_and(Vec::is_empty),
        "{theirs}"
    );

    // Past the publicity: held, not numbered; no new objection is taken.
    app.clock.advance(PUBLICITY + Duration::minutes(1));
    let (bureau, other) = (app.login("teng").await, app.login("meng").await);
    assert_eq!(app.tick().await.trades_final, 0);
    assert!(purchase_of(&app, id).await["confirmation_no"].is_null());
    let (status, body) = public
        .post(
            &format!("/api/v1/purchases/{id}/objections"),
            &objection("迟到者"),
        )
        .await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::CONFLICT, "publicity_over"),
        "{body}"
    );
    let (status, body) = use_of(&app, id, "梧自然资批〔2026〕2号").await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::CONFLICT, "not_final"),
        "{body}"
    );

    // Another county's bureau cannot resolve it (it does not exist for them).
    let dismiss = json!({"decision": "dismissed", "resolution": "经核实，房屋已于验收前拆除"});
    let path = format!("/api/v1/objections/{objection_id}/resolve");
    let (status, _) = other.post(&path, &dismiss).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = bureau.post(&path, &dismiss).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["objection"]["status"], "dismissed");
    // Final at once: the publicity is over and nothing else is open.
    let p = purchase_of(&app, id).await;
    assert!(
        p["confirmation_no"]
            .as_str()
            .is_some_and(|n| n.starts_with("藤县〔")),
        "{p}"
    );
    let (status, body) = bureau.post(&path, &dismiss).await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::CONFLICT, "objection_resolved"),
        "{body}"
    );
    let (status, body) = use_of(&app, id, "梧自然资批〔2026〕2号").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Lodged and resolved are on the trade's record.
    let supervisor = app.login_as("jijian", Role::Supervisor, None).await;
    let (_, audit) = supervisor
        .get(&format!("/api/v1/audit?object=purchase:{id}"))
        .await;
    let actions: Vec<&str> = audit["audit"]
        .as_array()
        .map(|e| e.iter().filter_map(|e| e["action"].as_str()).collect())
        .unwrap_or_default();
    for wanted in ["objection_lodged", "objection_resolved", "purchase_final"] {
        assert!(actions.contains(&wanted), "{wanted} in {actions:?}");
    }
}

async fn an_upheld_objection_annuls_the_trade_and_the_area_returns(db: TestDb) {
    let app = TestApp::spawn_with_periods(db, Default::default()).await;
    app.add_user("fin", Role::Finance, None, false).await;
    let before = proceeds_yuan(&app).await;
    let (bureau, _, listing, id) = settled(&app, "10", "10").await;
    assert_eq!(listing_of(&app, listing).await["status"], "sold_out");
    let public = app.anonymous();
    let mut ids = Vec::new();
    for name in ["甲村民小组", "乙村民小组"] {
        let (status, r) = public
            .post(
                &format!("/api/v1/purchases/{id}/objections"),
                &objection(name),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{r}");
        ids.push(r["objection"]["id"].as_i64().expect("id"));
    }
    let (status, body) = bureau
        .post(
            &format!("/api/v1/objections/{}/resolve", ids[0]),
            &json!({"decision": "upheld", "resolution": "复垦地块未完成拆除，撤销成交"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let p = purchase_of(&app, id).await;
    assert_eq!(
        (p["status"].as_str(), p["confirmation_no"].as_str()),
        (Some("annulled"), None),
        "{p}"
    );
    let l = listing_of(&app, listing).await;
    assert_eq!(
        (l["status"].as_str(), l["remaining_mu"].as_str()),
        (Some("open"), Some("10.0000")),
        "{l}"
    );
    let (_, list) = bureau
        .get(&format!("/api/v1/objections?purchase_id={id}"))
        .await;
    let status_of = |oid: i64| {
        list["objections"]
            .as_array()
            .and_then(|all| all.iter().find(|o| o["id"] == oid))
            .map(|o| o["status"].clone())
    };
    assert_eq!(status_of(ids[0]), Some(json!("upheld")));
    assert_eq!(status_of(ids[1]), Some(json!("moot")));
    // Never final, never proceeds, never a holding; the area is for sale again.
    app.clock.advance(PUBLICITY + Duration::minutes(1));
    let buyer = app.login("dev").await;
    assert_eq!(app.tick().await.trades_final, 0);
    assert_eq!(proceeds_yuan(&app).await, before);
    let (status, body) = use_of(&app, id, "梧自然资批〔2026〕3号").await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::CONFLICT, "not_a_holding"),
        "{body}"
    );
    let (status, body) = buyer
        .buy("again", &purchase(listing, "10", "commercial", "450481"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let finance = app.login("fin").await;
    let (status, verify) = finance.get("/api/v1/audit/verify").await;
    assert_eq!(status, StatusCode::OK, "{verify}");
    assert_eq!(verify["verification"]["intact"], true, "{verify}");
}

async fn objections_are_checked_and_bounded(db: TestDb) {
    let app = TestApp::spawn_with_periods(db, Default::default()).await;
    let (bureau, _, _, id) = settled(&app, "10", "4").await;
    let public = app.anonymous();
    let path = format!("/api/v1/purchases/{id}/objections");
    for (body, field) in [
        (json!({"name": " ", "contact": "1", "reason": "r"}), "name"),
        (
            json!({"name": "n", "contact": "", "reason": "r"}),
            "contact",
        ),
        (
            json!({"name": "n", "contact": "1", "reason": "长".repeat(2001)}),
            "reason",
        ),
        (
            json!({"name": "n\u{0007}", "contact": "1", "reason": "r"}),
            "name",
        ),
    ] {
        let (status, answer) = public.post(&path, &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(answer["error"]["field"], field, "{answer}");
    }
    let (status, _) = public
        .post("/api/v1/purchases/999999/objections", &objection("n"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Thirty at once: exactly the bound is taken, the rest are told to wait.
    let lodges = (0..30).map(|n| {
        let public = public.clone();
        let path = path.clone();
        async move {
            public
                .post(&path, &json!({"name": format!("=HYPERLINK(\"x\",\"{n}\")"), "contact": "<script>1</script>", "reason": "r"}))
                .await
        }
    });
    let answers = futures_util::future::join_all(lodges).await;
    let created = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    assert_eq!(created, quota_shared::api::OPEN_OBJECTIONS_MAX as usize);
    for (status, body) in &answers {
        assert!(
            *status == StatusCode::CREATED || error_of(body).0 == "too_many_objections",
            "{status} {body}"
        );
    }
    // Stored as the text it was: a formula or a script is only text here.
    let (_, list) = bureau
        .get(&format!("/api/v1/objections?purchase_id={id}&open=true"))
        .await;
    let all = list["objections"].as_array().expect("objections");
    assert_eq!(all.len(), quota_shared::api::OPEN_OBJECTIONS_MAX as usize);
    assert!(all.iter().all(|o| o["contact"] == "<script>1</script>"));
}

async fn an_upheld_objection_to_an_award_leaves_the_lot_unsold(db: TestDb) {
    let app = TestApp::spawn_with_periods(db, Default::default()).await;
    app.add_user("changzhou", Role::Buyer, None, true).await;
    let winner = app.login("changzhou").await;
    let award = crate::uses::settled_award(&app, "teng", "450422", &winner).await;
    let bureau = app.login("teng").await;
    let (_, sold) = bureau.get("/api/v1/purchases").await;
    let a = sold["purchases"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["id"] == award))
        .cloned()
        .expect("award");
    assert!(
        a["confirmation_no"].is_null() && a["publicity_ends_at"].is_string(),
        "{a}"
    );
    let lot = a["listing_id"].as_i64().expect("lot");
    // Not yet landable: the winner names a project in vain.
    let (status, body) = app
        .login("changzhou")
        .await
        .post(
            "/api/v1/holdings/uses",
            &json!({"purchase_id": award, "approval_no": "梧政土批〔2026〕9号", "area_mu": "1",
                    "project": {"name": "长洲区工业园", "use": "industrial", "county_code": "450405"}}),
        )
        .await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::CONFLICT, "not_final"),
        "{body}"
    );
    let (status, r) = app
        .anonymous()
        .post(
            &format!("/api/v1/purchases/{award}/objections"),
            &objection("某竞买人"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let (status, body) = bureau
        .post(
            &format!("/api/v1/objections/{}/resolve", r["objection"]["id"]),
            &json!({"decision": "upheld", "resolution": "竞价过程违规，成交无效"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let l = listing_of(&app, lot).await;
    assert_eq!(l["status"], "unsold", "{l}");
}

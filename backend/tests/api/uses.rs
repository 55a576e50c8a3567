//! Uses (落地) name their project, and the rules of the filing day (R7, R8) apply to it: the
//! award route around R7 is closed, a purchase lands only on its own project, and the bureau
//! of the project's county sees and records uses of awarded quota.

use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::finance::settled_purchase;
use crate::helpers::{Client, TestApp, TestDb, county_listing, error_of, on_both_databases};

on_both_databases!(
    an_award_lands_only_on_a_project_the_rules_allow,
    a_purchase_lands_on_its_own_project,
);

/// `county` (its bureau logged in as `bureau`) lists a 10 亩 regional lot; `winner` (a
/// regional bidder) wins it at the start price; the seller settles. Returns the award's id.
pub(crate) async fn settled_award(
    app: &TestApp,
    bureau: &str,
    county: &str,
    winner: &Client,
) -> i64 {
    let seller = app.login_as(bureau, Role::CountyBureau, Some(county)).await;
    let mut lot = county_listing(
        app.project(county, "10", "5", "0", 1000).await,
        "10",
        "250000",
    );
    lot["channel"] = json!("regional");
    lot["closes_at"] = json!(
        (app.clock.now() + Duration::hours(1))
            .format(&time::format_description::well_known::Rfc3339)
            .expect("time")
    );
    let (status, body) = seller.post("/api/v1/listings", &lot).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let lot = body["listing"]["id"].as_i64().expect("lot");
    let (status, body) = winner
        .post(
            &format!("/api/v1/listings/{lot}/bids"),
            &json!({"amount_yuan": "2500000.00"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    app.clock.advance(Duration::hours(1) + Duration::seconds(1));
    let turn = app.tick().await;
    assert_eq!(turn.lots_awarded, 1, "{turn:?}");
    let seller = app.login(bureau).await;
    let (_, incoming) = seller.get("/api/v1/purchases").await;
    let award = incoming["purchases"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["listing_id"] == lot))
        .and_then(|p| p["id"].as_i64())
        .expect("award");
    let (status, body) = seller
        .post(
            &format!("/api/v1/purchases/{award}/settle"),
            &json!({"bank_reference": format!("AWARD-{lot}")}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    award
}

async fn file(
    client: &Client,
    purchase: i64,
    approval: &str,
    area: &str,
    project: Option<Value>,
) -> (StatusCode, Value) {
    let mut body = json!({"purchase_id": purchase, "approval_no": approval, "area_mu": area});
    if let Some(p) = project {
        body["project"] = p;
    }
    client.post("/api/v1/holdings/uses", &body).await
}

fn project(name: &str, use_: &str, county: &str) -> Option<Value> {
    Some(json!({"name": name, "use": use_, "county_code": county}))
}

async fn an_award_lands_only_on_a_project_the_rules_allow(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.add_user("changzhou", Role::Buyer, None, true).await;
    let changzhou = app.login("changzhou").await;
    // 岑溪市 is not a 脱贫县: its regional lot is no quota for a 长洲区 housing project (R7).
    let cenxi_award = settled_award(&app, "cenxi", "450481", &changzhou).await;
    let changzhou = app.login("changzhou").await;
    let (status, body) = file(&changzhou, cenxi_award, "长政土批〔2026〕1号", "2", None).await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "required"),
        "an award's use names its project: {body}"
    );
    let housing = project("长洲区滨江商住小区", "residential", "450405");
    let (status, body) = file(
        &changzhou,
        cenxi_award,
        "长政土批〔2026〕1号",
        "2",
        housing.clone(),
    )
    .await;
    assert_eq!(
        (status, error_of(&body).1.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("R7")),
        "{body}"
    );
    assert!(
        body["error"]["message_zh"]
            .as_str()
            .is_some_and(|m| m.contains("脱贫县")),
        "{body}"
    );
    // Nothing was drawn by the refusal.
    let (_, h) = changzhou.get("/api/v1/holdings").await;
    assert_eq!(h["holdings"][0]["used_mu"], "0.0000", "{h}");
    // An industrial project in the same district is outside R7.
    let plant = project("长洲区工业园二期", "industrial", "450405");
    let (status, body) = file(
        &changzhou,
        cenxi_award,
        "长政土批〔2026〕2号",
        "2",
        plant.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["use"]["project"]["use"], "industrial");
    assert!(
        body["use"]["ruleset_version"]
            .as_str()
            .is_some_and(|v| v.contains("R7.2") && v.contains("R8.2")),
        "the versions the filing was checked against: {body}"
    );

    // 藤县 is a 脱贫县: its award may land on the 长洲区 housing project.
    let teng_award = settled_award(&app, "teng", "450422", &changzhou).await;
    let changzhou = app.login("changzhou").await;
    let (status, body) = file(
        &changzhou,
        teng_award,
        "长政土批〔2026〕3号",
        "3",
        housing.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // The bureau of 长洲区 sees both awards (each has a use there) and records the next use of
    // one on a project in its county; 万秀区's bureau sees none and may not record.
    let changzhou_bureau = app
        .login_as("cz-bureau", Role::CountyBureau, Some("450405"))
        .await;
    let wanxiu = app
        .login_as("wanxiu", Role::CountyBureau, Some("450403"))
        .await;
    let (_, seen) = changzhou_bureau.get("/api/v1/holdings").await;
    let ids: Vec<i64> = seen["holdings"]
        .as_array()
        .expect("holdings")
        .iter()
        .filter_map(|h| h["purchase_id"].as_i64())
        .collect();
    assert_eq!(ids, [cenxi_award, teng_award]);
    let (_, none) = wanxiu.get("/api/v1/holdings").await;
    assert_eq!(none["holdings"].as_array().map(Vec::len), Some(0));
    let (status, body) = file(
        &changzhou_bureau,
        teng_award,
        "长政土批〔2026〕4号",
        "1",
        housing.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // …but the R7 refusal holds for the bureau too.
    let (status, body) = file(
        &changzhou_bureau,
        cenxi_award,
        "长政土批〔2026〕5号",
        "1",
        housing,
    )
    .await;
    assert_eq!(error_of(&body).1.as_deref(), Some("R7"), "{status} {body}");
    let wanxiu_project = project("万秀区商业街", "commercial", "450403");
    let (status, _) = file(
        &wanxiu,
        teng_award,
        "万政土批〔2026〕1号",
        "1",
        wanxiu_project,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "no use in 万秀区 yet: the holder files first"
    );

    // The filings record their projects; the audit log says which.
    let (_, h) = changzhou.get("/api/v1/holdings").await;
    let teng = h["holdings"]
        .as_array()
        .and_then(|all| all.iter().find(|x| x["purchase_id"] == teng_award))
        .expect("teng award");
    assert_eq!(
        (teng["used_mu"].as_str(), teng["remaining_mu"].as_str()),
        (Some("4.0000"), Some("6.0000"))
    );
    assert_eq!(teng["uses"][1]["project"]["name"], "长洲区滨江商住小区");
}

async fn a_purchase_lands_on_its_own_project(db: TestDb) {
    let app = TestApp::spawn(db).await;
    // dev bought 10 亩 of 藤县 county quota for a 岑溪 commercial project (城南商业综合体).
    let (_, buyer, id) = settled_purchase(&app, "10").await;
    let elsewhere = project("城南商业综合体", "commercial", "450422");
    let (status, body) = file(&buyer, id, "岑政土批〔2026〕1号", "1", elsewhere).await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "project_mismatch"),
        "{body}"
    );
    assert!(
        body["error"]["message_zh"]
            .as_str()
            .is_some_and(|m| m.contains("城南商业综合体")),
        "{body}"
    );
    let blank = project("  ", "commercial", "450481");
    let (status, body) = file(&buyer, id, "岑政土批〔2026〕1号", "1", blank).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("project.name")),
        "{body}"
    );
    // Named again, spacing aside, it is the same project; left out, it is the purchase's.
    let same = project(" 城南商业综合体 ", "commercial", "450481");
    let (status, body) = file(&buyer, id, "岑政土批〔2026〕1号", "1", same).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = file(&buyer, id, "岑政土批〔2026〕2号", "1", None).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        (
            body["use"]["project"]["county_code"].as_str(),
            body["use"]["project_name"].as_str()
        ),
        (Some("450481"), Some("城南商业综合体"))
    );
}

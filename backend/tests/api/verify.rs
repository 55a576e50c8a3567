//! 核验: a final trade's 成交确认书 carries a 核验码; anyone, without logging in, looks it up and
//! sees what the confirmation must say — amounts in figures and 大写, its serial blocks and
//! source projects — and whether the trade's audit records are intact. A record edited behind
//! the application, or a row that no longer agrees with its records, shows.

use quota_backend::with_store;
use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb, error_of, on_both_databases, purchase};

on_both_databases!(a_confirmation_verifies_by_its_code_and_tampering_shows);

async fn sql(app: &TestApp, statement: String) {
    with_store!(&app.db, s => sqlx::query(sqlx::AssertSqlSafe(statement.clone())).execute(s.pool()).await.map(|_| ()))
        .expect("statement");
}

async fn a_confirmation_verifies_by_its_code_and_tampering_shows(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let teng = app
        .login_as("teng", Role::CountyBureau, Some("450422"))
        .await;
    let (status, _) = teng
        .put(
            "/api/v1/counties/450422/base-price",
            &json!({"price_per_mu": "280000"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let project = app.project("450422", "30", "24", "9", 18_000).await;
    let (_, listing) = teng
        .post(
            "/api/v1/listings",
            &json!({"channel": "county", "price_per_mu": "300000", "sources": [{"project_id": project, "area_mu": "10"}]}),
        )
        .await;
    let listing = listing["listing"]["id"].as_i64().expect("listing");
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let (_, bought) = buyer
        .buy("v", &purchase(listing, "3.5", "commercial", "450481"))
        .await;
    let id = bought["purchase"]["id"].as_i64().expect("id");
    // Reserved: no code yet.
    let (_, serials) = buyer.get(&format!("/api/v1/purchases/{id}/serials")).await;
    assert_eq!(serials["verify_code"], Value::Null, "{serials}");
    let (status, _) = teng
        .post(
            &format!("/api/v1/purchases/{id}/settle"),
            &json!({"bank_reference": "B-V"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, serials) = buyer.get(&format!("/api/v1/purchases/{id}/serials")).await;
    let code = serials["verify_code"].as_str().expect("code").to_string();
    assert!(
        code.len() == 14 && code.chars().filter(|c| *c == '-').count() == 2,
        "{code}"
    );
    // Anyone looks it up, however it is typed.
    let anon = app.anonymous();
    let typed = code.to_lowercase().replace('-', " ");
    let (status, body) = anon.get(&format!("/api/v1/verify/{typed}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v = &body["verification"];
    assert_eq!(v["verify_code"], code.as_str());
    assert_eq!(v["area_mu"], "3.5000");
    assert_eq!(v["amount_yuan"], "1050000.00");
    assert_eq!(v["amount_capital"], "壹佰零伍万元整", "{body}");
    assert!(
        v["confirmation_no"]
            .as_str()
            .is_some_and(|c| c.starts_with("藤县"))
    );
    assert_eq!(v["project_name"], "城南商业综合体");
    assert!(
        v["blocks"][0]["registration_no"]
            .as_str()
            .is_some_and(|n| n.starts_with("450422-TEST-")),
        "{body}"
    );
    assert_eq!(v["blocks"][0]["project_id"], project);
    assert_eq!(v["blocks"][0]["area_mu"], "3.5000");
    assert_eq!(v["audit_intact"], true, "{body}");
    assert!(
        v["audit_records"].as_u64().is_some_and(|n| n >= 2),
        "{body}"
    );
    assert!(
        !body.to_string().contains("\"dev\""),
        "no login on the public answer"
    );
    // Not a code; a code no confirmation has.
    let (status, body) = anon.get("/api/v1/verify/=1+1").await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_value")
    );
    let (status, _) = anon.get("/api/v1/verify/0000-0000-0000").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The row changed behind the application: the amount no longer agrees with its records.
    sql(
        &app,
        format!("UPDATE purchases SET amount_fen = amount_fen + 100 WHERE id = {id}"),
    )
    .await;
    let (_, body) = anon.get(&format!("/api/v1/verify/{code}")).await;
    assert_eq!(body["verification"]["audit_intact"], false, "{body}");
    sql(
        &app,
        format!("UPDATE purchases SET amount_fen = amount_fen - 100 WHERE id = {id}"),
    )
    .await;
    let (_, body) = anon.get(&format!("/api/v1/verify/{code}")).await;
    assert_eq!(body["verification"]["audit_intact"], true, "{body}");
    // A record of the trade edited: it no longer hashes to its stored hash.
    sql(
        &app,
        format!("UPDATE audit_log SET actor = 'someone' WHERE object = 'purchase:{id}' AND action = 'purchase_settled'"),
    )
    .await;
    let (_, body) = anon.get(&format!("/api/v1/verify/{code}")).await;
    assert_eq!(body["verification"]["audit_intact"], false, "{body}");
}

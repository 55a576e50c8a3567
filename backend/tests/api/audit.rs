//! The audit log: every change is recorded with who and what, an object's history is shown,
//! and a row edited, inserted or deleted directly in the database is caught and named.

use quota_backend::routes::audit::verify_audit;
use quota_backend::with_store;
use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, TestDb, on_both_databases, purchase, teng_listing};

on_both_databases!(
    every_change_is_in_the_history_of_its_object,
    an_edited_record_is_caught,
    an_inserted_record_is_caught,
    a_deleted_record_is_caught,
);

/// A base price, a listing, a purchase and its settlement; returns the purchase id.
async fn story(app: &TestApp) -> i64 {
    let (bureau, listing) = teng_listing(app, "10").await;
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let (_, p) = buyer
        .buy("k", &purchase(listing, "2", "industrial", "450481"))
        .await;
    let id = p["purchase"]["id"].as_i64().expect("purchase");
    let (status, _) = bureau
        .post(
            &format!("/api/v1/purchases/{id}/settle"),
            &json!({"bank_reference": "B-1"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    id
}

async fn verify(app: &TestApp) -> (bool, Option<String>) {
    let v = with_store!(&app.db, s => verify_audit(s).await).expect("verify runs");
    (v.intact, v.broken)
}

/// Runs one SQL statement directly on the test database, as a tamperer would.
async fn tamper(app: &TestApp, sql: &'static str) {
    let done = with_store!(&app.db, s => sqlx::query(sql).execute(s.pool()).await.map(|r| r.rows_affected()))
        .expect("tampering statement");
    assert!(done > 0, "the tampering statement changed nothing: {sql}");
}

async fn every_change_is_in_the_history_of_its_object(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let id = story(&app).await;
    let admin = app.login_as("root", Role::Admin, None).await;
    let (status, body) = admin
        .get(&format!("/api/v1/audit?object=purchase:{id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let history: Vec<(String, String)> = body["audit"]
        .as_array()
        .expect("audit")
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or_default().into(),
                e["actor"].as_str().unwrap_or_default().into(),
            )
        })
        .collect();
    assert_eq!(
        history,
        [
            ("purchase_reserved".to_string(), "dev".to_string()),
            ("purchase_settled".to_string(), "teng".to_string())
        ]
    );
    assert_eq!(body["audit"][1]["before"]["status"], "reserved");
    assert_eq!(body["audit"][1]["after"]["status"], "settled");
    assert_eq!(body["audit"][1]["stream"], "county:450422");
    let (_, county) = admin.get("/api/v1/audit?object=county:450422").await;
    assert_eq!(county["audit"][0]["action"], "base_price_set");
    let (_, user) = admin.get("/api/v1/audit?object=user:teng").await;
    assert!(
        user["audit"][0]["after"].get("password_hash").is_none(),
        "no secrets in the log"
    );
    let (_, v) = admin.get("/api/v1/audit/verify").await;
    assert_eq!(v["verification"]["intact"], true, "{v}");
    assert!(
        v["verification"]["records"]
            .as_u64()
            .is_some_and(|n| n >= 6)
    );
    let buyer = app.login("dev").await;
    assert_eq!(
        buyer.get("/api/v1/audit/verify").await.0,
        StatusCode::FORBIDDEN
    );
}

async fn an_edited_record_is_caught(db: TestDb) {
    let app = TestApp::spawn(db).await;
    story(&app).await;
    assert_eq!(verify(&app).await, (true, None));
    tamper(&app, "UPDATE audit_log SET after_json = '{\"status\":\"settled\",\"amount_yuan\":\"1.00\"}' WHERE action = 'purchase_settled'").await;
    let (intact, broken) = verify(&app).await;
    assert!(!intact);
    let broken = broken.expect("named");
    assert!(
        broken.contains("county:450422") && broken.contains("was edited"),
        "{broken}"
    );
}

async fn an_inserted_record_is_caught(db: TestDb) {
    let app = TestApp::spawn(db).await;
    story(&app).await;
    tamper(
        &app,
        "INSERT INTO audit_log (stream, seq, object, actor, action, before_json, after_json, at, prev_hash, hash) \
         SELECT stream, seq + 100, object, 'intruder', action, before_json, after_json, at, hash, hash \
         FROM audit_log WHERE action = 'purchase_settled'",
    )
    .await;
    let (intact, broken) = verify(&app).await;
    assert!(!intact);
    assert!(broken.expect("named").contains("county:450422"));
}

async fn a_deleted_record_is_caught(db: TestDb) {
    let app = TestApp::spawn(db).await;
    story(&app).await;
    tamper(
        &app,
        "DELETE FROM audit_log WHERE action = 'purchase_reserved'",
    )
    .await;
    let (intact, broken) = verify(&app).await;
    assert!(!intact);
    let broken = broken.expect("named");
    assert!(
        broken.contains("county:450422") && broken.contains("deleted"),
        "{broken}"
    );
}

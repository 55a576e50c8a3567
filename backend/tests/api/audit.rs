//! The audit log: every change is recorded with who and what, an object's history is shown,
//! and a row edited, inserted or deleted directly in the database is caught and named.

use quota_backend::routes::audit::verify_audit;
use quota_backend::with_store;
use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, TestDb, county_listing, on_both_databases, purchase, teng_listing};

on_both_databases!(
    every_change_is_in_the_history_of_its_object,
    an_edited_record_is_caught,
    an_inserted_record_is_caught,
    a_deleted_record_is_caught,
    a_row_edited_behind_the_log_is_caught_and_named,
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

/// Every kind of row the log accounts for, in every state it can reach: a listing bought
/// from, a settled purchase drawn down by a use, a cancelled one, a lot bid on and awarded,
/// an allocation paid out, accounts created, disabled and reset.
async fn everything(app: &TestApp) {
    let id = story(app).await;
    let bureau = app.login("teng").await;
    let buyer = app.login("dev").await;
    let (status, body) = buyer
        .post(
            "/api/v1/holdings/uses",
            &json!({"purchase_id": id, "approval_no": "梧自然资批〔2026〕1号", "area_mu": "0.5"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, listings) = bureau.get("/api/v1/listings?county=450422").await;
    let listing = listings["listings"][0]["id"].as_i64().expect("listing");
    let (_, cancelled) = buyer
        .buy("k2", &purchase(listing, "1", "industrial", "450481"))
        .await;
    let cancelled = cancelled["purchase"]["id"].as_i64().expect("purchase");
    let (status, _) = buyer
        .post_empty(&format!("/api/v1/purchases/{cancelled}/cancel"))
        .await;
    assert_eq!(status, StatusCode::OK);

    let lot_bureau = app
        .login_as("xincheng", Role::CountyBureau, Some("451321"))
        .await;
    let mut lot = county_listing(app.stock("451321").await, "2", "250000");
    lot["channel"] = json!("regional");
    lot["closes_at"] = json!(
        (app.clock.now() + time::Duration::hours(1))
            .format(&time::format_description::well_known::Rfc3339)
            .expect("time")
    );
    let (status, body) = lot_bureau.post("/api/v1/listings", &lot).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let lot = body["listing"]["id"].as_i64().expect("lot");
    // A second lot opens for bids later: scheduled until its first bid.
    let mut later = county_listing(app.stock("451321").await, "3", "250000");
    later["channel"] = json!("regional");
    let at = |hours: i64, minutes: i64| {
        (app.clock.now() + time::Duration::hours(hours) + time::Duration::minutes(minutes))
            .format(&time::format_description::well_known::Rfc3339)
            .expect("time")
    };
    later["opens_at"] = json!(at(0, 30));
    later["closes_at"] = json!(at(3, 0));
    let (status, body) = lot_bureau.post("/api/v1/listings", &later).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let later = body["listing"]["id"].as_i64().expect("lot");
    assert_eq!(body["listing"]["status"], "scheduled");
    app.add_user("longxu", Role::Buyer, None, true).await;
    let bidder = app.login("longxu").await;
    let (status, body) = bidder
        .post(
            &format!("/api/v1/listings/{lot}/bids"),
            &json!({"amount_yuan": "500000.00"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    app.clock
        .advance(time::Duration::hours(1) + time::Duration::seconds(1));
    let turn = app.tick().await;
    assert_eq!(turn.lots_awarded, 1, "{turn:?}");
    let bidder = app.login("longxu").await;
    let (status, body) = bidder
        .post(
            &format!("/api/v1/listings/{later}/bids"),
            &json!({"amount_yuan": "750000.00"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let finance = app.login_as("fin", Role::Finance, None).await;
    let (status, body) = finance
        .post(
            "/api/v1/allocations",
            &json!({"county_code": "450422", "use": "乡村振兴项目建设", "amount_yuan": "1000.00", "note": "一期"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let allocation = body["allocation"]["id"].as_i64().expect("allocation");
    let (status, body) = finance
        .post(
            "/api/v1/disbursements",
            &json!({"allocation_id": allocation, "amount_yuan": "400.00", "voucher_no": "记-001", "bank_reference": "BOC-1"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let admin = app.login_as("root", Role::Admin, None).await;
    let (status, _) = admin
        .put("/api/v1/users/dev/disabled", &json!({"disabled": true}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = admin
        .post(
            "/api/v1/users/fin/password",
            &json!({"temporary_password": "temporary-1"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

/// Runs a statement directly on the database whatever it changes (an undo may change nothing
/// when the tamper did not either).
async fn run_sql(app: &TestApp, sql: &str) {
    with_store!(&app.db, s => sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).execute(s.pool()).await.map(|_| ()))
        .expect("statement");
}

async fn a_row_edited_behind_the_log_is_caught_and_named(db: TestDb) {
    let app = TestApp::spawn(db).await;
    everything(&app).await;
    assert_eq!(
        verify(&app).await,
        (true, None),
        "every row agrees with the log"
    );
    // Each tamper, what it must be named as, and how to undo it.
    let cases = [
        (
            "UPDATE purchases SET amount_fen = 100 WHERE status = 'settled'",
            "amount_yuan",
            "UPDATE purchases SET amount_fen = 60000000 WHERE status = 'settled'",
        ),
        (
            "UPDATE purchases SET status = 'reserved' WHERE status = 'cancelled'",
            "status",
            "UPDATE purchases SET status = 'cancelled' WHERE status = 'reserved' AND kind = 'purchase'",
        ),
        (
            "UPDATE purchases SET used_e4_mu = 0 WHERE status = 'settled'",
            "used_mu",
            "UPDATE purchases SET used_e4_mu = 5000 WHERE status = 'settled'",
        ),
        (
            "UPDATE purchases SET amount_fen = 1 WHERE kind = 'award'",
            "purchase:",
            "UPDATE purchases SET amount_fen = 50000000 WHERE kind = 'award'",
        ),
        (
            "UPDATE listings SET remaining_e4_mu = remaining_e4_mu + 10000 WHERE channel = 'county'",
            "remaining_mu",
            "UPDATE listings SET remaining_e4_mu = remaining_e4_mu - 10000 WHERE channel = 'county'",
        ),
        (
            "UPDATE listings SET high_bidder_id = (SELECT id FROM users WHERE username = 'root') WHERE status = 'bidding'",
            "high_bidder",
            "UPDATE listings SET high_bidder_id = (SELECT id FROM users WHERE username = 'longxu') WHERE status = 'bidding'",
        ),
        (
            "UPDATE purchases SET price_fen_per_mu = 1 WHERE status = 'settled'",
            "price_per_mu",
            "UPDATE purchases SET price_fen_per_mu = 30000000 WHERE status = 'settled'",
        ),
        (
            "UPDATE listings SET start_total_fen = 1 WHERE status = 'bidding'",
            "start_total_yuan",
            "UPDATE listings SET start_total_fen = 75000000 WHERE status = 'bidding'",
        ),
        (
            "UPDATE listings SET high_bid_fen = 1 WHERE status = 'awarded'",
            "high_bid",
            "UPDATE listings SET high_bid_fen = 50000000 WHERE status = 'awarded'",
        ),
        (
            "UPDATE allocations SET amount_fen = 99999900",
            "allocation:",
            "UPDATE allocations SET amount_fen = 100000",
        ),
        (
            "UPDATE disbursements SET bank_reference = 'ELSEWHERE'",
            "disbursement:",
            "UPDATE disbursements SET bank_reference = 'BOC-1'",
        ),
        (
            "UPDATE users SET disabled = FALSE WHERE username = 'dev'",
            "user:dev",
            "UPDATE users SET disabled = TRUE WHERE username = 'dev'",
        ),
        (
            "UPDATE users SET role = 'admin' WHERE username = 'dev'",
            "role",
            "UPDATE users SET role = 'buyer' WHERE username = 'dev'",
        ),
        (
            "UPDATE users SET must_change_password = FALSE WHERE username = 'fin'",
            "must_change_password",
            "UPDATE users SET must_change_password = TRUE WHERE username = 'fin'",
        ),
        // The running totals the reports read must add up to the settled trades.
        (
            "UPDATE proceeds_totals SET amount_fen = amount_fen + 1",
            "proceeds_total:",
            "UPDATE proceeds_totals SET amount_fen = amount_fen - 1",
        ),
    ];
    for (tamper_sql, named, undo) in cases {
        run_sql(&app, tamper_sql).await;
        let (intact, broken) = verify(&app).await;
        let broken = broken.unwrap_or_default();
        assert!(!intact && broken.contains(named), "{tamper_sql}: {broken}");
        assert!(
            broken.contains("审计记录不符") && broken.contains("disagrees"),
            "{broken}"
        );
        if !undo.is_empty() {
            run_sql(&app, undo).await;
            assert_eq!(verify(&app).await, (true, None), "undone: {tamper_sql}");
        }
    }
    // A password hash swapped for one the tamperer knows, and a row nobody logged.
    run_sql(&app, "INSERT INTO disbursements (allocation_id, amount_fen, voucher_no, bank_reference, created_by, created_at) SELECT id, 1, 'x', 'y', created_by, created_at FROM allocations").await;
    let (_, broken) = verify(&app).await;
    assert!(broken.unwrap_or_default().contains("disbursement:"));
    run_sql(&app, "DELETE FROM disbursements WHERE voucher_no = 'x'").await;
    assert_eq!(verify(&app).await, (true, None));
    run_sql(&app, "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = 'root') WHERE username = 'teng'").await;
    let (_, broken) = verify(&app).await;
    let broken = broken.unwrap_or_default();
    assert!(
        broken.contains("user:teng")
            && broken.contains("password_hash")
            && !broken.contains("$argon2"),
        "the hash is named, never shown: {broken}"
    );
    // A row deleted: named before the accounts, as the tables are compared in order.
    run_sql(&app, "DELETE FROM disbursements").await;
    let (_, broken) = verify(&app).await;
    let broken = broken.unwrap_or_default();
    assert!(
        broken.contains("disbursement:1") && broken.contains("absent"),
        "{broken}"
    );
}

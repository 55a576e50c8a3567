//! Hostile but ordinary input (docs: the hardening issue): every refusal in the one error
//! envelope, formula-leading text neutralised in exports, sibling sites refused, security
//! headers on every answer, absurd amounts refused before they can overflow, and the login
//! throttle holding under parallel guesses.

use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::finance::download;
use crate::helpers::{TestApp, TestDb, error_of, on_both_databases, teng_listing};

on_both_databases!(
    bad_paths_and_query_strings_answer_in_the_envelope,
    a_project_named_like_a_formula_stays_text_in_both_exports,
    every_answer_carries_the_security_headers,
    parallel_password_guesses_are_checked_at_most_the_throttle_s_limit,
    absurd_amounts_are_refused_before_they_can_overflow,
    logins_and_logouts_are_audited,
    one_corrupted_row_never_fails_the_lists_of_the_others,
);

/// The SQLite database, its WAL and a backup are readable by their owner only.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_and_its_backup_are_private_files() {
    use std::os::unix::fs::PermissionsExt;
    let db = TestDb::sqlite();
    let path = match &db.url {
        quota_backend::config::DatabaseUrl::Sqlite(u) => {
            std::path::PathBuf::from(u.trim_start_matches("sqlite://"))
        }
        other => panic!("{other:?}"),
    };
    let app = TestApp::spawn(db).await;
    app.add_user("teng", Role::CountyBureau, Some("450422"), false)
        .await;
    let backup = path.with_file_name("backup.db");
    app.db.backup_to(&backup).await.expect("backup");
    for file in [path.clone(), path.with_extension("db-wal"), backup] {
        let mode = std::fs::metadata(&file)
            .expect("exists")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }
}

/// A raw GET, answering status and JSON (every refusal must be JSON in the envelope).
async fn raw_get(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let r = reqwest::get(app.url(path)).await.expect("request");
    let status = r.status();
    let text = r.text().await.expect("body");
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("GET {path}: not JSON ({status}): {text}"));
    (status, body)
}

async fn bad_paths_and_query_strings_answer_in_the_envelope(db: TestDb) {
    let app = TestApp::spawn(db).await;
    for (path, status, code) in [
        ("/api/v1/listings/abc", StatusCode::NOT_FOUND, "not_found"),
        (
            "/api/v1/listings/99999999999999999999",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "/api/v1/listings?status=nonsense",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_filter",
        ),
        (
            "/api/v1/listings?colour=red",
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_field",
        ),
    ] {
        let (got, body) = raw_get(&app, path).await;
        assert_eq!(
            (got, error_of(&body).0.as_str()),
            (status, code),
            "{path}: {body}"
        );
        assert!(
            body["error"]["message_zh"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{path}: {body}"
        );
    }
    let finance = app.login_as("fin", Role::Finance, None).await;
    let (status, body) = finance.get("/api/v1/proceeds?year=soon").await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_filter"),
        "{body}"
    );
    let admin = app.login_as("root", Role::Admin, None).await;
    let (status, body) = admin
        .post(
            "/api/v1/floor-prices",
            &json!({"price_per_mu": "260000", "effective_from": "2027-01-01", "note": "x"}),
        )
        .await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_field"),
        "{body}"
    );
}

async fn a_project_named_like_a_formula_stays_text_in_both_exports(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (bureau, listing) = teng_listing(&app, "10").await;
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let evil = "=HYPERLINK(\"http://evil.example\",\"点击查看\")";
    let (status, bought) = buyer
        .buy(
            "k1",
            &json!({"listing_id": listing, "area_mu": "1",
                    "project": {"name": evil, "use": "industrial", "county_code": "450481"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{bought}");
    let id = bought["purchase"]["id"].as_i64().expect("id");
    let (status, _) = bureau
        .post(
            &format!("/api/v1/purchases/{id}/settle"),
            &json!({"bank_reference": "B-1"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let finance = app.login_as("fin", Role::Finance, None).await;
    let (status, _, csv) = download(&finance, "/api/v1/reports/trades.csv").await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).expect("utf-8");
    assert!(
        csv.contains(&format!("'{}", evil.replace('"', "\"\""))),
        "{csv}"
    );
    let (_, _, xlsx) = download(&finance, "/api/v1/reports/trades.xlsx").await;
    let sheet = crate::finance::first_sheet(xlsx);
    let project = sheet
        .rows()
        .nth(1)
        .and_then(|r| r.get(7))
        .map(|c| c.to_string())
        .unwrap_or_default();
    assert_eq!(project, format!("'{evil}"), "a text cell, not a formula");
}

async fn every_answer_carries_the_security_headers(db: TestDb) {
    let app = TestApp::spawn(db).await;
    for path in ["/", "/api/v1/counties", "/api/v1/listings/abc", "/healthz"] {
        let r = reqwest::get(app.url(path)).await.expect("request");
        let header = |name: &str| {
            r.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let csp = header("content-security-policy");
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"),
            "{path}: {csp:?}"
        );
        assert!(
            !csp.contains("unsafe-eval'") || csp.contains("wasm-unsafe-eval"),
            "{csp}"
        );
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert_eq!(header("referrer-policy"), "same-origin", "{path}");
    }
}

async fn parallel_password_guesses_are_checked_at_most_the_throttle_s_limit(db: TestDb) {
    use quota_backend::store::Store;
    use quota_backend::with_store;
    let app = TestApp::spawn(db).await;
    app.add_user("teng", Role::CountyBureau, Some("450422"), false)
        .await;
    let guesses = (0..30).map(|n| {
        let client = app.anonymous();
        async move {
            client
                .post(
                    "/api/v1/session",
                    &json!({"username": "teng", "password": format!("guess-{n}")}),
                )
                .await
                .0
        }
    });
    let answers = futures_join_all(guesses).await;
    let checked = answers
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = answers
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((checked, refused), (5, 25), "{answers:?}");
    // The right password waits for the window too.
    let (status, _) = app
        .anonymous()
        .post(
            "/api/v1/session",
            &json!({"username": "TENG", "password": crate::helpers::PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // A name no account can have is refused before anything is written: 200 KB of it.
    let huge = "a".repeat(200_000);
    let (status, _) = app
        .anonymous()
        .post(
            "/api/v1/session",
            &json!({"username": huge, "password": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let stored = with_store!(&app.db, s => s.login_failures(&huge).await).expect("store");
    assert_eq!(stored, None, "nothing stored for it");
    // Past the window the scheduler deletes the count, and the clerk logs in.
    app.clock.advance(time::Duration::minutes(16));
    let turn = app.tick().await;
    assert!(turn.purged >= 1, "{turn:?}");
    let gone = with_store!(&app.db, s => s.login_failures("teng").await).expect("store");
    assert_eq!(gone, None);
    let (status, body) = app
        .anonymous()
        .post(
            "/api/v1/session",
            &json!({"username": "teng", "password": crate::helpers::PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Runs the futures concurrently (on the test's runtime) and answers their outputs in order.
async fn futures_join_all<F: std::future::Future + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}

async fn absurd_amounts_are_refused_before_they_can_overflow(db: TestDb) {
    use time::format_description::well_known::Rfc3339;
    let app = TestApp::spawn(db).await;
    let (bureau, _) = teng_listing(&app, "10").await;
    // 99,999 亩 at 99,999,999.99 元/亩 is beyond any amount the platform holds: refused at
    // listing time (it used to be accepted, and buying it answered 500).
    let huge = crate::helpers::county_listing(app.stock("450422").await, "99999", "99999999.99");
    let (status, body) = bureau.post("/api/v1/listings", &huge).await;
    assert_eq!(
        (
            status,
            error_of(&body).0.as_str(),
            body["error"]["field"].as_str()
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "overflow",
            Some("price_per_mu")
        ),
        "{body}"
    );
    // A lot of 0.0001 亩 (start total 25.00 元): a bid of 50,025.00 元 would make it 5 亿元/亩.
    // It is refused, naming the ceiling; the lot then closes like any other.
    let xincheng = app
        .login_as("xincheng", Role::CountyBureau, Some("451321"))
        .await;
    let mut tiny = crate::helpers::county_listing(app.stock("451321").await, "0.0001", "250000");
    tiny["channel"] = json!("regional");
    tiny["closes_at"] = json!(
        (app.clock.now() + time::Duration::hours(1))
            .format(&Rfc3339)
            .expect("time")
    );
    let (status, body) = xincheng.post("/api/v1/listings", &tiny).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let lot = body["listing"]["id"].as_i64().expect("id");
    app.add_user("changzhou", Role::Buyer, None, true).await;
    let changzhou = app.login("changzhou").await;
    let bid = |amount: &'static str| {
        let changzhou = changzhou.clone();
        async move {
            changzhou
                .post(
                    &format!("/api/v1/listings/{lot}/bids"),
                    &json!({"amount_yuan": amount}),
                )
                .await
        }
    };
    let (status, body) = bid("50025.00").await;
    assert_eq!(
        (status, error_of(&body).1.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("R4")),
        "{body}"
    );
    assert!(
        body["error"]["message_zh"]
            .as_str()
            .is_some_and(|m| m.contains("10,000.00")),
        "names the ceiling: {body}"
    );
    let (status, body) = bid("25.00").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    app.clock.advance(time::Duration::hours(2));
    let turn = app.tick().await;
    assert_eq!((turn.lots_awarded, turn.failed.len()), (1, 0), "{turn:?}");
}

async fn logins_and_logouts_are_audited(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let teng = app
        .login_as("teng", Role::CountyBureau, Some("450422"))
        .await;
    let (status, _) = teng
        .http
        .delete(app.url("/api/v1/session"))
        .send()
        .await
        .map(|r| (r.status(), ()))
        .expect("logout");
    assert_eq!(status, StatusCode::NO_CONTENT);
    let admin = app.login_as("root", Role::Admin, None).await;
    let (status, body) = admin.get("/api/v1/audit?object=user:teng").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let actions: Vec<&str> = body["audit"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|r| r["action"].as_str())
        .collect();
    assert_eq!(actions, ["user_created", "login", "logout"], "{body}");
    assert!(
        !body.to_string().contains("token"),
        "no session token in the log"
    );
    let (_, verified) = admin.get("/api/v1/audit/verify").await;
    assert_eq!(verified["verification"]["intact"], true, "{verified}");
}

async fn one_corrupted_row_never_fails_the_lists_of_the_others(db: TestDb) {
    use quota_backend::with_store;
    let app = TestApp::spawn(db).await;
    let (bureau, good) = teng_listing(&app, "10").await;
    let (_, body) = bureau
        .post(
            "/api/v1/listings",
            &crate::helpers::county_listing(app.stock("450422").await, "5", "300000.00"),
        )
        .await;
    let bad = body["listing"]["id"].as_i64().expect("id");
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    for (key, id) in [("k1", good), ("k2", bad)] {
        let (status, body) = buyer
            .buy(
                key,
                &crate::helpers::purchase(id, "1", "industrial", "450481"),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    // Someone edits two rows by hand into values no longer in range.
    for sql in [
        "UPDATE listings SET price_fen_per_mu = 99999999999999 WHERE id = $1",
        "UPDATE purchases SET amount_fen = 999999999999999999 WHERE listing_id = $1",
    ] {
        with_store!(&app.db, s => sqlx::query(sql).bind(bad).execute(s.pool()).await.map(|_| ()))
            .expect("edit the row");
    }
    let (status, body) = app.anonymous().get("/api/v1/listings").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ids: Vec<i64> = body["listings"]
        .as_array()
        .expect("listings")
        .iter()
        .filter_map(|l| l["id"].as_i64())
        .collect();
    assert_eq!(
        ids,
        [good],
        "the broken listing is left out, the others shown"
    );
    for path in ["/api/v1/announcements", "/api/v1/purchases"] {
        let (status, body) = buyer.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
    }
    let (_, mine) = buyer.get("/api/v1/purchases").await;
    assert_eq!(mine["purchases"].as_array().map(Vec::len), Some(1));
    let (status, _) = app
        .anonymous()
        .post(
            "/api/v1/quote",
            &json!({"project": {"use": "industrial", "county_code": "450481", "area": "3", "unit": "mu"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

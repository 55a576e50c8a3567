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
);

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
    use calamine::Reader;
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
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).expect("a valid XLSX");
    let sheet = book
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("readable");
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

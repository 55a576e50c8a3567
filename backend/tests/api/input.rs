//! Bad input: every malformed, mistyped, oversized or out-of-range body gets its 4xx envelope
//! and writes nothing.

use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, TestDb, county_listing, error_of, on_both_databases, teng_listing};

on_both_databases!(bad_bodies_get_4xx_envelopes_and_write_nothing,);

async fn bad_bodies_get_4xx_envelopes_and_write_nothing(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (bureau, listing) = teng_listing(&app, "10").await;
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let send_raw = |body: Vec<u8>, key: &'static str| {
        let buyer = buyer.clone();
        async move {
            let r = buyer
                .http
                .post(format!("{}/api/v1/purchases", buyer.base))
                .header("Idempotency-Key", key)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("request");
            let status = r.status();
            let body: Value = r.json().await.expect("error envelope is JSON");
            (status, body)
        }
    };
    let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "not JSON",
            b"{\"listing_id\": ".to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed",
        ),
        (
            "unknown field",
            purchase_with(listing, "\"1\"", ", \"discount\": 1"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_field",
        ),
        (
            "number instead of string",
            purchase_with(listing, "1.5", ""),
            StatusCode::UNPROCESSABLE_ENTITY,
            "wrong_type",
        ),
        (
            "5 decimals",
            purchase_with(listing, "\"1.00001\"", ""),
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many_decimals",
        ),
        (
            "huge",
            purchase_with(listing, "\"99999999999999999999\"", ""),
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_large",
        ),
        (
            "exponent",
            purchase_with(listing, "\"1e30\"", ""),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_a_number",
        ),
        (
            "negative",
            purchase_with(listing, "\"-1\"", ""),
            StatusCode::UNPROCESSABLE_ENTITY,
            "negative",
        ),
        (
            "zero",
            purchase_with(listing, "\"0\"", ""),
            StatusCode::UNPROCESSABLE_ENTITY,
            "zero",
        ),
    ];
    for (n, (what, body, status, code)) in cases.into_iter().enumerate() {
        let key: &'static str = ["b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7"][n];
        let (got, envelope) = send_raw(body, key).await;
        assert_eq!(
            (got, error_of(&envelope).0.as_str()),
            (status, code),
            "{what}: {envelope}"
        );
        assert!(
            envelope["error"]["message_zh"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{what}"
        );
        assert!(
            envelope["error"]["message_en"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{what}"
        );
    }
    let (status, envelope) = send_raw(vec![b' '; 5 * 1024 * 1024], "big").await;
    assert_eq!(
        (status, error_of(&envelope).0.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
    );
    // A listing drawing on another county's project is refused with the field named, as if
    // the project did not exist.
    let elsewhere = app.stock("450423").await;
    let (status, body) = bureau
        .post(
            "/api/v1/listings",
            &county_listing(elsewhere, "10", "300000"),
        )
        .await;
    assert_eq!(
        (
            status,
            error_of(&body).0.as_str(),
            body["error"]["field"].as_str()
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_project",
            Some("sources[0].project_id")
        )
    );
    // Nothing was written by any of it.
    let (_, l) = app
        .anonymous()
        .get(&format!("/api/v1/listings/{listing}"))
        .await;
    assert_eq!(l["listing"]["remaining_mu"], "10.0000");
    let (_, mine) = buyer.get("/api/v1/purchases").await;
    assert_eq!(mine["purchases"].as_array().map(Vec::len), Some(0));
    let (_, all) = app.anonymous().get("/api/v1/listings").await;
    assert_eq!(all["listings"].as_array().map(Vec::len), Some(1));
}

fn purchase_with(listing: i64, area_json: &str, extra: &str) -> Vec<u8> {
    format!(
        r#"{{"listing_id": {listing}, "area_mu": {area_json}, "project": {{"name": "x", "use": "industrial", "county_code": "450481"}}{extra}}}"#
    )
    .into_bytes()
}

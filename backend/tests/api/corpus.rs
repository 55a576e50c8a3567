//! The bad-input corpus (`backend/tests/corpus/hostile.json`): negative, 5-decimal, exponent
//! and NaN numbers, full-width digits in the wrong place, overflowing products, SQL and script
//! fragments, a 10 MB body, deeply nested JSON, invalid UTF-8, NUL and right-to-left
//! characters, another county's objects. Every case gets a 4xx in the error envelope, in both
//! languages, and the database is unchanged afterwards (the audit log, which every write
//! appends to, has not moved).

use quota_backend::store::Store;
use quota_backend::with_store;
use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;

use crate::helpers::{Client, TestApp, TestDb, county_listing, on_both_databases, teng_listing};

on_both_databases!(every_hostile_request_in_the_corpus_gets_a_4xx_and_writes_nothing);

const CORPUS: &str = include_str!("../corpus/hostile.json");

fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).expect("ascii"), 16).expect("hex"))
        .collect()
}

async fn every_hostile_request_in_the_corpus_gets_a_4xx_and_writes_nothing(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (bureau, listing) = teng_listing(&app, "10").await;
    let xincheng = app
        .login_as("xincheng", Role::CountyBureau, Some("451321"))
        .await;
    let mut lot = county_listing(
        app.project("451321", "17.5335", "14.3805", "0", 8_600)
            .await,
        "17.5335",
        "250000",
    );
    lot["channel"] = json!("regional");
    lot["closes_at"] = json!(
        (app.clock.now() + time::Duration::hours(2))
            .format(&Rfc3339)
            .expect("time")
    );
    let (_, body) = xincheng.post("/api/v1/listings", &lot).await;
    let lot = body["listing"]["id"].as_i64().expect("lot");
    let clients: Vec<(&str, Client)> = vec![
        ("buyer", app.login_as("dev", Role::Buyer, None).await),
        ("bureau", bureau),
        ("finance", app.login_as("fin", Role::Finance, None).await),
        ("admin", app.login_as("root", Role::Admin, None).await),
        ("anonymous", app.anonymous()),
    ];
    let before = with_store!(&app.db, s => s.audit_snapshot().await).expect("audit");
    let corpus: Value = serde_json::from_str(CORPUS).expect("the corpus is JSON");
    let cases = corpus["cases"].as_array().expect("cases");
    assert!(cases.len() >= 30, "{} cases", cases.len());
    for case in cases {
        let who = case["as"].as_str().expect("as");
        let client = &clients
            .iter()
            .find(|(name, _)| *name == who)
            .expect("a known sender")
            .1;
        let path = case["path"]
            .as_str()
            .expect("path")
            .replace("{listing}", &listing.to_string())
            .replace("{lot}", &lot.to_string());
        let body: Option<Vec<u8>> = match (&case["body"], &case["raw_hex"]) {
            (Value::String(b), _) => {
                let b = b
                    .replace("{listing}", &listing.to_string())
                    .replace("{lot}", &lot.to_string());
                let times = case["body_repeat"].as_u64().unwrap_or(1) as usize;
                Some(b.repeat(times).into_bytes())
            }
            (_, Value::String(h)) => Some(hex(h)),
            _ => None,
        };
        let url = format!("{}{path}", client.base);
        let method =
            reqwest::Method::from_bytes(case["method"].as_str().expect("method").as_bytes())
                .expect("method");
        let mut request = client.http.request(method, url);
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .header("Idempotency-Key", format!("corpus-{}", path.len()))
                .body(body);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let text = response.text().await.expect("body");
        let label = format!("{who} {} {}", case["method"], case["path"]);
        assert!(status.is_client_error(), "{label}: {status} {text:.300}");
        let envelope: Value = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{label}: not the JSON envelope: {text:.300}"));
        for field in ["code", "message_zh", "message_en"] {
            assert!(
                envelope["error"][field]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "{label}: {envelope}"
            );
        }
        assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR);
    }
    let after = with_store!(&app.db, s => s.audit_snapshot().await).expect("audit");
    assert_eq!(
        (after.records.len(), after.heads),
        (before.records.len(), before.heads),
        "no hostile request wrote anything"
    );
}

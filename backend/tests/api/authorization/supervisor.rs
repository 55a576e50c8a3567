//! 监督: every county's data and every report a role can read, in the world of the matrix.

use reqwest::StatusCode;
use serde_json::json;

use super::World;
use crate::helpers::{TestDb, on_both_databases};

on_both_databases!(a_supervisor_reads_everything);

/// 监督: every county's data and every report a role can read, and still not a single write
/// (the matrix above).
async fn a_supervisor_reads_everything(db: TestDb) {
    let world = World::build(db).await;
    let other = world.settled_purchase("450423").await;
    let supervisor = &world.clients["supervisor"];
    let finance = &world.clients["finance"];
    let (status, mine) = supervisor.get("/api/v1/me").await;
    assert_eq!(
        (status, mine["user"]["role"].as_str()),
        (StatusCode::OK, Some("supervisor")),
        "{mine}"
    );
    // The same answers finance gets, for everything finance reads.
    for path in [
        "/api/v1/purchases".to_string(),
        "/api/v1/holdings".to_string(),
        "/api/v1/proceeds".to_string(),
        "/api/v1/allocations".to_string(),
        format!("/api/v1/audit?object=purchase:{other}"),
        "/api/v1/audit/verify".to_string(),
    ] {
        let (status, seen) = supervisor.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {seen}");
        assert_eq!(seen, finance.get(&path).await.1, "{path}");
    }
    let (_, purchases) = supervisor.get("/api/v1/purchases").await;
    assert!(
        purchases["purchases"]
            .as_array()
            .is_some_and(|all| all.iter().any(|p| p["id"] == other)),
        "{purchases}"
    );
    let (status, users) = supervisor.get("/api/v1/users").await;
    assert_eq!(status, StatusCode::OK, "{users}");
    assert!(
        users["users"]
            .as_array()
            .is_some_and(|all| all.iter().any(|u| u["username"] == "root")),
        "{users}"
    );
    for file in ["trades.csv", "trades.xlsx"] {
        let (status, _, bytes) =
            crate::finance::download(supervisor, &format!("/api/v1/reports/{file}")).await;
        assert_eq!(status, StatusCode::OK, "{file}");
        assert!(!bytes.is_empty(), "{file}");
    }
    // A refused write says what the account is, in both languages, and changes nothing.
    let (status, body) = supervisor
        .post(
            "/api/v1/allocations",
            &json!({"county_code": "450422", "use": "乡村振兴项目建设", "amount_yuan": "1.00"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body["error"]["message_zh"]
            .as_str()
            .is_some_and(|m| m.contains("监督账号只读")),
        "{body}"
    );
    assert_eq!(
        supervisor.get("/api/v1/allocations").await.1,
        finance.get("/api/v1/allocations").await.1
    );
}

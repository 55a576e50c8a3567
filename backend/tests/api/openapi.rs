//! The served OpenAPI document describes the routes the server has and the objects it answers.

use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb, on_both_databases, purchase, teng_listing};

on_both_databases!(the_openapi_document_matches_the_routes_and_the_answers);

/// Every key of `value` is a property of the schema, and every required property is there.
fn assert_fits(spec: &Value, schema: &str, value: &Value) {
    let s = &spec["components"]["schemas"][schema];
    let properties = s["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("schema {schema}"));
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("{schema} answer is an object: {value}"));
    for key in object.keys() {
        assert!(
            properties.contains_key(key),
            "{schema}: answer has {key}, the spec does not"
        );
    }
    for required in s["required"].as_array().into_iter().flatten() {
        let name = required.as_str().unwrap_or_default();
        assert!(
            object.contains_key(name),
            "{schema}: the spec requires {name}, the answer lacks it"
        );
    }
}

async fn the_openapi_document_matches_the_routes_and_the_answers(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let anon = app.anonymous();
    let (status, spec) = anon.get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    // Closed sets are published with their wire names, the values the server really sends.
    let names = |schema: &str| -> Vec<String> {
        spec["components"]["schemas"][schema]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema} is an enum"))
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    let wire = |all: &[&str]| all.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        names("ListingStatus"),
        wire(
            &quota_shared::api::ListingStatus::ALL
                .iter()
                .map(|s| s.wire())
                .collect::<Vec<_>>()
        )
    );
    assert_eq!(
        names("ErrorCode"),
        wire(
            &quota_shared::codes::ErrorCode::ALL
                .iter()
                .map(|s| s.wire())
                .collect::<Vec<_>>()
        )
    );
    assert!(names("UnitKind").contains(&"county_city".to_string()));
    assert!(names("AnnouncementKind").contains(&"listing".to_string()));
    let mut routes: Vec<String> = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            routes.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    routes.sort();
    assert_eq!(
        routes,
        [
            "DELETE /api/v1/session",
            "GET /api/v1/allocations",
            "GET /api/v1/announcements",
            "GET /api/v1/audit",
            "GET /api/v1/audit/verify",
            "GET /api/v1/counties",
            "GET /api/v1/floor-prices",
            "GET /api/v1/holdings",
            "GET /api/v1/listings",
            "GET /api/v1/listings/{id}",
            "GET /api/v1/me",
            "GET /api/v1/objections",
            "GET /api/v1/organisations",
            "GET /api/v1/organisations/{id}",
            "GET /api/v1/organisations/{id}/documents/{kind}",
            "GET /api/v1/proceeds",
            "GET /api/v1/projects",
            "GET /api/v1/projects/import-template",
            "GET /api/v1/projects/{id}",
            "GET /api/v1/purchases",
            "GET /api/v1/purchases/{id}/serials",
            "GET /api/v1/reports/{file}",
            "GET /api/v1/rules",
            "GET /api/v1/trace/trade/{number}",
            "GET /api/v1/trace/{serial}",
            "GET /api/v1/use-categories",
            "GET /api/v1/users",
            "GET /api/v1/verify/{code}",
            "GET /healthz",
            "GET /readyz",
            "POST /api/v1/allocations",
            "POST /api/v1/disbursements",
            "POST /api/v1/floor-prices",
            "POST /api/v1/holdings/uses",
            "POST /api/v1/listings",
            "POST /api/v1/listings/{id}/bids",
            "POST /api/v1/listings/{id}/withdraw",
            "POST /api/v1/me/password",
            "POST /api/v1/objections/{id}/resolve",
            "POST /api/v1/organisations/{id}/approve",
            "POST /api/v1/organisations/{id}/reject",
            "POST /api/v1/organisations/{id}/users",
            "POST /api/v1/projects",
            "POST /api/v1/projects/import",
            "POST /api/v1/projects/{id}/accept",
            "POST /api/v1/purchases",
            "POST /api/v1/purchases/{id}/cancel",
            "POST /api/v1/purchases/{id}/objections",
            "POST /api/v1/purchases/{id}/settle",
            "POST /api/v1/quote",
            "POST /api/v1/registrations",
            "POST /api/v1/rules/{id}/versions",
            "POST /api/v1/rules/{id}/versions/{version}/end",
            "POST /api/v1/session",
            "POST /api/v1/users",
            "POST /api/v1/users/{username}/password",
            "PUT /api/v1/counties/{code}/base-price",
            "PUT /api/v1/organisations/{id}",
            "PUT /api/v1/organisations/{id}/documents/{kind}",
            "PUT /api/v1/projects/{id}",
            "PUT /api/v1/projects/{id}/plots",
            "PUT /api/v1/users/{username}/disabled",
        ]
    );
    // Every list is paged, and says so.
    for path in [
        "/api/v1/listings",
        "/api/v1/announcements",
        "/api/v1/purchases",
        "/api/v1/holdings",
        "/api/v1/allocations",
        "/api/v1/users",
        "/api/v1/audit",
    ] {
        let params: Vec<&str> = spec["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("{path} has parameters"))
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert!(
            params.contains(&"limit") && params.contains(&"cursor"),
            "{path}: {params:?}"
        );
        let answer = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"]["$ref"]
            .as_str()
            .unwrap_or_else(|| panic!("{path} answers a schema"))
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        assert!(
            spec["components"]["schemas"][&answer]["properties"]["next_cursor"].is_object(),
            "{answer} carries next_cursor"
        );
    }
    // Each documented route exists: it never falls through to "no such route".
    for route in &routes {
        let (method, path) = route.split_once(' ').expect("route");
        let url = app.url(
            &path
                .replace("{id}", "1")
                .replace("{code}", "450422")
                .replace("{file}", "proceeds.csv")
                .replace("{username}", "nobody"),
        );
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let r = anon
            .http
            .request(method, url)
            .json(&json!({}))
            .send()
            .await
            .expect("request");
        let body: Value = r.json().await.unwrap_or(Value::Null);
        let fell_through = body["error"]["message_zh"]
            .as_str()
            .is_some_and(|m| m.starts_with("未找到接口"));
        assert!(!fell_through, "{route} is documented but not routed");
    }

    // The objects the server answers have the documented shape.
    let (_, id) = teng_listing(&app, "10").await;
    let (_, listing) = anon.get(&format!("/api/v1/listings/{id}")).await;
    assert_fits(&spec, "Listing", &listing["listing"]);
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let (_, bought) = buyer
        .buy("k", &purchase(id, "1", "industrial", "450481"))
        .await;
    assert_fits(&spec, "Purchase", &bought["purchase"]);
    assert_fits(&spec, "PurchaseProject", &bought["purchase"]["project"]);
    let (_, me) = buyer.get("/api/v1/me").await;
    assert_fits(&spec, "User", &me["user"]);
    let (_, counties) = anon.get("/api/v1/counties").await;
    assert_fits(&spec, "County", &counties["counties"][0]);
    let (_, quote) = anon
        .post("/api/v1/quote", &json!({"project": {"use": "commercial", "county_code": "450481", "area": "1", "unit": "mu"}}))
        .await;
    assert_fits(&spec, "Quote", &quote["quote"]);
    let (_, refused) = buyer
        .buy("k2", &purchase(id, "1.00001", "industrial", "450481"))
        .await;
    assert_fits(&spec, "ErrorBody", &refused["error"]);
    // Request bodies with fields the server refuses are documented as closed.
    assert_eq!(
        spec["components"]["schemas"]["PurchaseRequest"]["additionalProperties"],
        false
    );
}

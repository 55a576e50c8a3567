//! Paged lists: `?limit=&cursor=` on every list route, `next_cursor` beside the rows, on
//! SQLite and on PostgreSQL.

use std::collections::BTreeSet;

use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    Client, TestApp, TestDb, error_of, list, on_both_databases, purchase, teng_listing,
};

on_both_databases!(
    every_list_pages_through_all_its_rows_once,
    a_list_is_cut_at_fifty_rows_unless_asked_otherwise,
    limits_and_cursors_that_cannot_be_used_are_refused,
    fifty_pages_read_at_once_are_the_same_page_with_its_sources,
);

/// Every row of `path` (whose rows are under `field`), following `next_cursor` at `limit` a
/// page; each row's `key` and the size of each page.
async fn walk(
    client: &Client,
    path: &str,
    field: &str,
    key: &str,
    limit: u32,
) -> (Vec<Value>, Vec<usize>) {
    let join = if path.contains('?') { '&' } else { '?' };
    let mut rows = Vec::new();
    let mut sizes = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            None => format!("{path}{join}limit={limit}"),
            Some(c) => format!("{path}{join}limit={limit}&cursor={c}"),
        };
        let (status, body) = client.get(&url).await;
        assert_eq!(status, StatusCode::OK, "{url}: {body}");
        let page = body[field].as_array().expect(field).clone();
        assert!(page.len() <= limit as usize, "{url}: {} rows", page.len());
        sizes.push(page.len());
        rows.extend(page.iter().map(|r| r[key].clone()));
        match body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => {
                assert!(body["next_cursor"].is_null(), "{body}");
                return (rows, sizes);
            }
        }
        assert!(sizes.len() < 100, "{path} never reached its last page");
    }
}

fn ids(rows: &[Value]) -> Vec<i64> {
    rows.iter().map(|v| v.as_i64().expect("id")).collect()
}

async fn every_list_pages_through_all_its_rows_once(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (bureau, first) = teng_listing(&app, "100").await;
    let mut listings = vec![first];
    for _ in 0..6 {
        listings.push(list(&app, &bureau, "450422", "10", "300000").await);
    }
    let (rows, sizes) = walk(
        &bureau,
        "/api/v1/listings?county=450422",
        "listings",
        "id",
        3,
    )
    .await;
    let mut newest_first = listings.clone();
    newest_first.reverse();
    assert_eq!((ids(&rows), sizes), (newest_first, vec![3, 3, 1]));
    // A status filter with the matches far apart: the store reads on until a page is full.
    for id in [listings[1], listings[4], listings[5]] {
        let (status, body) = bureau
            .post_empty(&format!("/api/v1/listings/{id}/withdraw"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (rows, sizes) = walk(
        &bureau,
        "/api/v1/listings?county=450422&status=withdrawn",
        "listings",
        "id",
        2,
    )
    .await;
    assert_eq!(
        (ids(&rows), sizes),
        (vec![listings[5], listings[4], listings[1]], vec![2, 1])
    );
    let (rows, _) = walk(&bureau, "/api/v1/listings?status=open", "listings", "id", 1).await;
    assert_eq!(
        ids(&rows),
        vec![listings[6], listings[3], listings[2], listings[0]]
    );

    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let mut bought = Vec::new();
    for n in 0..5 {
        let (status, body) = buyer
            .buy(
                &format!("page-{n}"),
                &purchase(first, "1", "commercial", "450481"),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        bought.push(body["purchase"]["id"].as_i64().expect("id"));
    }
    for id in &bought[..3] {
        let (status, body) = bureau
            .post(
                &format!("/api/v1/purchases/{id}/settle"),
                &json!({"bank_reference": format!("BANK-{id}")}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (rows, sizes) = walk(&buyer, "/api/v1/purchases", "purchases", "id", 2).await;
    let mut newest_first = bought.clone();
    newest_first.reverse();
    assert_eq!((ids(&rows), sizes), (newest_first, vec![2, 2, 1]));

    // Holdings and the bureau's sales, the other way round: oldest first.
    let (rows, _) = walk(&buyer, "/api/v1/holdings", "holdings", "purchase_id", 2).await;
    assert_eq!(ids(&rows), bought[..3].to_vec());
    let (_, body) = buyer.get("/api/v1/holdings?limit=1").await;
    assert_eq!(
        body["totals"][0]["area_mu"], "3.0000",
        "totals count every holding, not the page: {body}"
    );

    // 7 listing notices and 3 results, newest first, none twice.
    let (rows, sizes) = walk(
        &app.anonymous(),
        "/api/v1/announcements",
        "announcements",
        "published_at",
        4,
    )
    .await;
    assert_eq!(sizes, vec![4, 4, 2]);
    let times: Vec<&str> = rows.iter().map(|v| v.as_str().expect("time")).collect();
    let mut sorted = times.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted);
    // One kind, one county: the home page's results and a bureau's notices.
    let (rows, _) = walk(
        &app.anonymous(),
        "/api/v1/announcements?kind=result",
        "announcements",
        "kind",
        2,
    )
    .await;
    assert_eq!(rows, vec![json!("result"); 3]);
    let (rows, _) = walk(
        &app.anonymous(),
        "/api/v1/announcements?county=450422&kind=listing",
        "announcements",
        "county_code",
        5,
    )
    .await;
    assert_eq!(rows, vec![json!("450422"); 7]);
    let (rows, _) = walk(
        &app.anonymous(),
        "/api/v1/announcements?county=450423",
        "announcements",
        "id",
        5,
    )
    .await;
    assert!(rows.is_empty(), "蒙山县 has announced nothing: {rows:?}");

    let admin = app.login_as("root", Role::Admin, None).await;
    let (rows, _) = walk(&admin, "/api/v1/users", "users", "username", 2).await;
    let names: BTreeSet<String> = rows
        .iter()
        .map(|v| v.as_str().expect("name").to_string())
        .collect();
    assert_eq!(names.len(), rows.len(), "no account twice: {rows:?}");
    assert!(
        ["teng", "dev", "root"].iter().all(|n| names.contains(*n)),
        "{names:?}"
    );

    let (rows, sizes) = walk(
        &admin,
        &format!("/api/v1/audit?object=listing:{first}"),
        "audit",
        "id",
        1,
    )
    .await;
    assert!(
        sizes.iter().all(|s| *s <= 1),
        "one record a page: {sizes:?}"
    );
    assert!(rows.len() >= 2, "created and bought from: {rows:?}");
    let audit_ids = ids(&rows);
    assert!(
        audit_ids.windows(2).all(|w| w[0] < w[1]),
        "oldest first: {audit_ids:?}"
    );

    let finance = app.login_as("fin", Role::Finance, None).await;
    let year = quota_shared::calendar::year_of(app.clock.now());
    let mut allocated = Vec::new();
    for n in 0..3 {
        let (status, body) = finance
            .post(
                "/api/v1/allocations",
                &json!({"county_code": "450422", "year": year, "use": "乡村振兴项目建设",
                        "amount_yuan": "1000.00", "note": format!("第{n}笔")}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        allocated.push(body["allocation"]["id"].as_i64().expect("id"));
    }
    let (rows, sizes) = walk(
        &finance,
        &format!("/api/v1/allocations?year={year}"),
        "allocations",
        "id",
        2,
    )
    .await;
    assert_eq!((ids(&rows), sizes), (allocated, vec![2, 1]));
}

async fn a_list_is_cut_at_fifty_rows_unless_asked_otherwise(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (bureau, _) = teng_listing(&app, "100").await;
    for _ in 0..51 {
        list(&app, &bureau, "450422", "1", "300000").await;
    }
    let public = app.anonymous();
    let (_, body) = public.get("/api/v1/listings").await;
    assert_eq!(body["listings"].as_array().map(Vec::len), Some(50));
    let cursor = body["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_string();
    let (_, body) = public
        .get(&format!("/api/v1/listings?cursor={cursor}"))
        .await;
    assert_eq!(body["listings"].as_array().map(Vec::len), Some(2));
    assert!(body["next_cursor"].is_null(), "{body}");
    let (_, body) = public.get("/api/v1/listings?limit=500").await;
    assert_eq!(body["listings"].as_array().map(Vec::len), Some(52));
    assert!(body["next_cursor"].is_null());
}

async fn limits_and_cursors_that_cannot_be_used_are_refused(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    for (path, field) in [
        ("/api/v1/listings?limit=0", "limit"),
        ("/api/v1/listings?limit=501", "limit"),
        ("/api/v1/announcements?cursor=abc", "cursor"),
        ("/api/v1/purchases?cursor=1.2.3", "cursor"),
        (
            "/api/v1/listings?cursor=999999999999999999999999999999.1",
            "cursor",
        ),
        ("/api/v1/holdings?limit=-1", "query"),
        ("/api/v1/purchases?limit=ten", "query"),
        ("/api/v1/purchases?page=2", "query"),
        ("/api/v1/announcements?kind=news", "kind"),
        ("/api/v1/announcements?county=abc", "county"),
    ] {
        let (status, body) = buyer.get(path).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {body}");
        assert_eq!(body["error"]["field"], field, "{path}: {body}");
        let (code, _) = error_of(&body);
        assert!(
            code == "invalid_filter" || code == "unknown_field",
            "{path}: {body}"
        );
        assert!(
            body["error"]["message_zh"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{body}"
        );
    }
}

/// More pages at once than the store has readers (eight): every one waits its turn and reads
/// the same rows, sources included.
async fn fifty_pages_read_at_once_are_the_same_page_with_its_sources(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (bureau, first) = teng_listing(&app, "100").await;
    let second = list(&app, &bureau, "450422", "10", "300000").await;
    let client = app.anonymous();
    let reads = (0..50).map(|_| client.get("/api/v1/listings?county=450422&limit=2"));
    let pages = futures_util::future::join_all(reads).await;
    let (status, expected) = &pages[0];
    assert_eq!(*status, StatusCode::OK, "{expected}");
    let listings = expected["listings"].as_array().expect("listings");
    assert_eq!(
        listings
            .iter()
            .map(|l| l["id"].as_i64())
            .collect::<Vec<_>>(),
        vec![Some(second), Some(first)]
    );
    assert!(
        listings
            .iter()
            .all(|l| !l["sources"].as_array().expect("sources").is_empty()),
        "{expected}"
    );
    for (status, body) in &pages {
        assert_eq!((*status, body), (StatusCode::OK, expected));
    }
}

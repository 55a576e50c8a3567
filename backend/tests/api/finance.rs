//! Holdings drawn down by approvals (落地), proceeds per county and year, allocations and
//! disbursements within their limits, and the public announcements.

use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    Client, TestApp, TestDb, county_listing, error_of, on_both_databases, purchase, teng_listing,
};

on_both_databases!(
    a_holding_is_drawn_down_by_approvals_and_never_below_zero,
    proceeds_are_allocated_and_disbursed_within_their_limits,
    announcements_show_listings_and_results,
    exports_open_in_excel_with_chinese_headers_numbers_and_totals,
);

/// 藤县 lists 20 亩 at 300,000 元/亩; `dev` buys `area` for a 岑溪 project and 藤县 settles it.
pub async fn settled_purchase(app: &TestApp, area: &str) -> (Client, Client, i64) {
    let (bureau, listing) = teng_listing(app, "20").await;
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let (status, p) = buyer
        .buy("k", &purchase(listing, area, "commercial", "450481"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let id = p["purchase"]["id"].as_i64().expect("purchase");
    let (status, s) = bureau
        .post(
            &format!("/api/v1/purchases/{id}/settle"),
            &json!({"bank_reference": "B-1"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{s}");
    (bureau, buyer, id)
}

fn year_of(app: &TestApp) -> i32 {
    quota_shared::calendar::year_of(app.clock.now())
}

async fn use_of(
    client: &Client,
    purchase_id: i64,
    approval: &str,
    area: &str,
) -> (StatusCode, Value) {
    client
        .post(
            "/api/v1/holdings/uses",
            &json!({"purchase_id": purchase_id, "approval_no": approval, "area_mu": area}),
        )
        .await
}

async fn a_holding_is_drawn_down_by_approvals_and_never_below_zero(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (_, buyer, id) = settled_purchase(&app, "10").await;
    let (status, first) = use_of(&buyer, id, "梧自然资批〔2026〕12号", "4").await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(
        (
            first["use"]["used_before_mu"].as_str(),
            first["use"]["area_mu"].as_str(),
            first["use"]["remaining_mu"].as_str()
        ),
        (Some("0.0000"), Some("4.0000"), Some("6.0000"))
    );
    let (status, body) = use_of(&buyer, id, "梧自然资批〔2026〕12号", "1").await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::CONFLICT, "approval_recorded")
    );
    let (status, body) = use_of(&buyer, id, "梧自然资批〔2026〕13号", "6.0001").await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "exceeds_holding")
    );
    assert!(
        body["error"]["message_zh"]
            .as_str()
            .is_some_and(|m| m.contains("6.0000")),
        "{body}"
    );
    // The bureau of the project's county (岑溪市) may record too; another county's may not.
    let cenxi = app
        .login_as("cenxi", Role::CountyBureau, Some("450481"))
        .await;
    let mengshan = app
        .login_as("mengshan", Role::CountyBureau, Some("450423"))
        .await;
    assert_eq!(
        use_of(&mengshan, id, "x", "1").await.0,
        StatusCode::FORBIDDEN
    );
    let other = app.login_as("dev2", Role::Buyer, None).await;
    assert_eq!(use_of(&other, id, "x", "1").await.0, StatusCode::NOT_FOUND);
    let (status, last) = use_of(&cenxi, id, "梧自然资批〔2026〕13号", "6").await;
    assert_eq!(
        (status, last["use"]["remaining_mu"].as_str()),
        (StatusCode::CREATED, Some("0.0000"))
    );

    let (_, holdings) = buyer.get("/api/v1/holdings").await;
    let h = &holdings["holdings"][0];
    assert_eq!(
        (h["used_mu"].as_str(), h["remaining_mu"].as_str()),
        (Some("10.0000"), Some("0.0000"))
    );
    assert_eq!(h["uses"].as_array().map(Vec::len), Some(2));
    assert_eq!(holdings["totals"][0]["buyer"], "dev");
    assert_eq!(holdings["totals"][0]["area_mu"], "10.0000");
    assert_eq!(
        cenxi.get("/api/v1/holdings").await.1["holdings"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(
        mengshan.get("/api/v1/holdings").await.1["holdings"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );

    // A reservation is not a holding yet.
    let (_, l) = app.anonymous().get("/api/v1/listings").await;
    let listing = l["listings"][0]["id"].as_i64().expect("listing");
    let (_, p) = buyer
        .buy("k2", &purchase(listing, "1", "commercial", "450481"))
        .await;
    let reserved = p["purchase"]["id"].as_i64().expect("id");
    let (status, body) = use_of(&buyer, reserved, "y", "1").await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::CONFLICT, "not_a_holding")
    );
}

async fn proceeds_are_allocated_and_disbursed_within_their_limits(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (bureau, buyer, _) = settled_purchase(&app, "10").await;
    // A reservation does not count as received.
    let (_, l) = app.anonymous().get("/api/v1/listings").await;
    let listing = l["listings"][0]["id"].as_i64().expect("listing");
    buyer
        .buy("k2", &purchase(listing, "2", "commercial", "450481"))
        .await;
    let finance = app.login_as("fin", Role::Finance, None).await;
    let year = year_of(&app);
    let teng_row = |body: &Value| {
        body["proceeds"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["county_code"] == "450422"))
            .cloned()
            .expect("藤县 row")
    };
    let (status, body) = finance.get(&format!("/api/v1/proceeds?year={year}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let row = teng_row(&body);
    assert_eq!(
        (
            row["county_name"].as_str(),
            row["sold_mu"].as_str(),
            row["proceeds_yuan"].as_str(),
            row["unallocated_yuan"].as_str()
        ),
        (
            Some("藤县"),
            Some("10.0000"),
            Some("3000000.00"),
            Some("3000000.00")
        )
    );
    assert_eq!(
        bureau.get("/api/v1/proceeds").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(buyer.get("/api/v1/proceeds").await.0, StatusCode::FORBIDDEN);

    let allocate = |use_: &str, amount: &str| {
        let finance = finance.clone();
        let body = json!({"county_code": "450422", "use": use_, "amount_yuan": amount, "note": "2026年第一批"});
        async move { finance.post("/api/v1/allocations", &body).await }
    };
    let (status, first) = allocate("乡村振兴项目建设", "2000000").await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, body) = allocate("城市道路", "1").await;
    assert_eq!(
        (status, error_of(&body).1.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("R12"))
    );
    let (status, body) = allocate("巩固拓展脱贫攻坚成果", "1000000.01").await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "exceeds_received")
    );
    assert!(
        body["error"]["message_zh"]
            .as_str()
            .is_some_and(|m| m.contains("1,000,000.00")),
        "{body}"
    );
    let (status, _) = allocate("巩固拓展脱贫攻坚成果", "1000000.00").await;
    assert_eq!(status, StatusCode::CREATED, "exactly what is left");
    assert_eq!(
        bureau
            .post(
                "/api/v1/allocations",
                &json!({"county_code": "450422", "use": "乡村振兴项目建设", "amount_yuan": "1"})
            )
            .await
            .0,
        StatusCode::FORBIDDEN
    );

    let allocation = first["allocation"]["id"].as_i64().expect("allocation");
    let disburse = |amount: &str, voucher: &str| {
        let finance = finance.clone();
        let body = json!({"allocation_id": allocation, "amount_yuan": amount, "voucher_no": voucher, "bank_reference": "BOC-1"});
        async move { finance.post("/api/v1/disbursements", &body).await }
    };
    assert_eq!(disburse("1500000", "记-001").await.0, StatusCode::CREATED);
    let (status, body) = disburse("500000.01", "记-002").await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "exceeds_allocated")
    );
    assert_eq!(disburse("500000", "记-002").await.0, StatusCode::CREATED);
    let (status, body) = finance
        .post("/api/v1/disbursements", &json!({"allocation_id": 999, "amount_yuan": "1", "voucher_no": "v", "bank_reference": "b"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    let (_, body) = finance.get(&format!("/api/v1/proceeds?year={year}")).await;
    let row = teng_row(&body);
    assert_eq!(
        (
            row["allocated_yuan"].as_str(),
            row["disbursed_yuan"].as_str(),
            row["unallocated_yuan"].as_str()
        ),
        (Some("3000000.00"), Some("2000000.00"), Some("0.00"))
    );
    let (_, allocations) = finance
        .get(&format!("/api/v1/allocations?year={year}&county=450422"))
        .await;
    let list = allocations["allocations"].as_array().expect("allocations");
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["disbursed_yuan"], "2000000.00");
    // Nothing was received the year before.
    let (_, before) = finance
        .get(&format!("/api/v1/proceeds?year={}", year - 1))
        .await;
    assert_eq!(teng_row(&before)["proceeds_yuan"], "0.00");
}

async fn announcements_show_listings_and_results(db: TestDb) {
    let app = TestApp::spawn(db).await;
    settled_purchase(&app, "5").await;
    let (status, body) = app.anonymous().get("/api/v1/announcements").await;
    assert_eq!(status, StatusCode::OK);
    let list = body["announcements"].as_array().expect("announcements");
    let titles: Vec<&str> = list.iter().filter_map(|a| a["title"].as_str()).collect();
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("藤县县级平台挂牌公告：20.0000 亩")),
        "{titles:?}"
    );
    assert!(
        titles
            .iter()
            .any(|t| t.contains("成交公示：藤县 5.0000 亩，成交金额 1,500,000.00 元")),
        "{titles:?}"
    );
    assert_eq!(list.iter().filter(|a| a["kind"] == "result").count(), 1);
}

pub async fn download(client: &Client, path: &str) -> (StatusCode, String, Vec<u8>) {
    let r = client
        .http
        .get(format!("{}{path}", client.base))
        .send()
        .await
        .expect("request");
    let status = r.status();
    let kind = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, kind, r.bytes().await.expect("body").to_vec())
}

/// The first worksheet of an XLSX download, which must open as one.
pub fn first_sheet(bytes: Vec<u8>) -> calamine::Range<calamine::Data> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("a valid XLSX");
    book.worksheet_range_at(0)
        .expect("a sheet")
        .expect("readable")
}

/// A numeric XLSX cell written with two decimals, as the sheet shows it.
fn cell_2dp(cell: &calamine::Data) -> String {
    match cell {
        calamine::Data::Float(v) => format!("{v:.2}"),
        calamine::Data::Int(v) => format!("{v}.00"),
        other => panic!("expected a number, found {other:?}"),
    }
}

async fn exports_open_in_excel_with_chinese_headers_numbers_and_totals(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (bureau, buyer, _) = settled_purchase(&app, "10").await;
    // A second county with a settled trade, so the totals add two rows.
    let mengshan = app
        .login_as("mengshan", Role::CountyBureau, Some("450423"))
        .await;
    mengshan
        .put(
            "/api/v1/counties/450423/base-price",
            &json!({"price_per_mu": "270000"}),
        )
        .await;
    let (_, l) = mengshan
        .post(
            "/api/v1/listings",
            &county_listing(app.stock("450423").await, "3.3333", "270000.01"),
        )
        .await;
    let listing = l["listing"]["id"].as_i64().expect("listing");
    let (_, p) = buyer
        .buy("m", &purchase(listing, "3.3333", "industrial", "450481"))
        .await;
    let id = p["purchase"]["id"].as_i64().expect("id");
    assert_eq!(
        p["purchase"]["amount_yuan"], "899991.03",
        "3.3333 × 270,000.01 = 899,991.033… → half-up"
    );
    mengshan
        .post(
            &format!("/api/v1/purchases/{id}/settle"),
            &json!({"bank_reference": "B-2"}),
        )
        .await;
    let finance = app.login_as("fin", Role::Finance, None).await;
    finance
        .post("/api/v1/allocations", &json!({"county_code": "450422", "use": "乡村振兴项目建设", "amount_yuan": "1000000", "note": "第一批"}))
        .await;
    let year = year_of(&app);

    let (status, kind, bytes) = download(
        &finance,
        &format!("/api/v1/reports/proceeds.xlsx?year={year}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.contains("spreadsheetml"), "{kind}");
    let sheet = first_sheet(bytes);
    let rows: Vec<_> = sheet.rows().collect();
    let headers: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(
        headers,
        [
            "县（市、区）",
            "区划代码",
            "成交面积（亩）",
            "收入（元）",
            "已分配（元）",
            "已拨付（元）",
            "未分配（元）"
        ]
    );
    let body = &rows[1..rows.len() - 1];
    let totals = rows.last().expect("totals row");
    assert_eq!(totals[0].to_string(), "合计");
    let teng = body.iter().find(|r| r[1] == "450422").expect("藤县 row");
    assert_eq!(cell_2dp(&teng[3]), "3000000.00");
    // Received and allocated totals add the rows exactly.
    for column in [3, 4, 6] {
        let sum = body
            .iter()
            .map(|r| {
                cell_2dp(&r[column])
                    .parse::<quota_shared::Money>()
                    .expect("money")
            })
            .try_fold(quota_shared::Money::ZERO, |a, m| a.checked_add(m))
            .expect("sum");
        assert_eq!(
            cell_2dp(&totals[column]),
            sum.to_string(),
            "column {column}"
        );
    }
    assert_eq!(cell_2dp(&totals[3]), "3899991.03");
    assert_eq!(cell_2dp(&totals[6]), "2899991.03");

    let (status, kind, csv) =
        download(&finance, &format!("/api/v1/reports/trades.csv?year={year}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/csv"), "{kind}");
    assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 with BOM");
    let csv = String::from_utf8(csv).expect("utf-8");
    assert!(
        csv.contains(&format!(
            "藤县〔{year}〕第0001号,藤县,dev,县级平台购买,10.0000,300000.00,3000000.00"
        )),
        "{csv}"
    );
    assert!(
        csv.trim_end().ends_with(",13.3333,,3899991.03,,"),
        "totals row: {csv}"
    );
    let (status, _, allocations) = download(
        &finance,
        &format!("/api/v1/reports/allocations.xlsx?year={year}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(std::io::Cursor::new(allocations))
            .is_ok()
    );
    assert_eq!(
        download(&bureau, "/api/v1/reports/proceeds.csv").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        download(&finance, "/api/v1/reports/salaries.csv").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        download(&finance, "/api/v1/reports/proceeds.pdf").await.0,
        StatusCode::NOT_FOUND
    );
}

//! The trades export at more than a page of trades: read from the database a page at a time
//! (in settlement order, ties by id) and written as it goes, yet every trade appears exactly
//! once, in order, and the totals row sums them all — in CSV and in XLSX.

use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::finance::download;
use crate::helpers::{TestApp, TestDb, on_both_databases, purchase, teng_listing};

on_both_databases!(a_trades_export_longer_than_a_page_has_every_trade_once_and_exact_totals,);

/// Copies of the settled trade, straight in SQL: the API would take minutes to settle as many.
/// All settled at the same instant, so only the id orders them (the page boundary falls inside
/// a run of equal times).
const COPIES: u32 = 2_345;

async fn a_trades_export_longer_than_a_page_has_every_trade_once_and_exact_totals(db: TestDb) {
    use calamine::Reader;
    let app = TestApp::spawn(db).await;
    let (bureau, listing) = teng_listing(&app, "20").await;
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let (status, p) = buyer
        .buy("k", &purchase(listing, "0.0100", "commercial", "450481"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let id = p["purchase"]["id"].as_i64().expect("id");
    let (status, s) = bureau
        .post(
            &format!("/api/v1/purchases/{id}/settle"),
            &json!({"bank_reference": "B-1"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{s}");
    let amount = s["purchase"]["amount_yuan"]
        .as_str()
        .expect("amount")
        .to_string();
    let columns = "listing_id, buyer_id, seller_county_code, kind, area_e4_mu, farmland_e4_mu, paddy_e4_mu, \
                   grain_capacity_kg, price_fen_per_mu, amount_fen, status, project_name, project_use, \
                   project_county_code, confirmation_no, bank_reference, created_at, expires_at, settled_at, \
                   ruleset_version, used_e4_mu";
    let copies = columns.replace("confirmation_no", "confirmation_no || '-' || n.i");
    let sql = format!(
        "INSERT INTO purchases ({columns}) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {COPIES}) \
         SELECT {copies} FROM purchases, n WHERE purchases.id = {id}"
    );
    quota_backend::with_store!(&app.db, s => {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(s.pool()).await.expect("copies");
    });
    let trades = COPIES as usize + 1;
    let year = quota_shared::calendar::year_of(app.clock.now());
    let finance = app.login_as("fin", Role::Finance, None).await;

    let (status, _, csv) =
        download(&finance, &format!("/api/v1/reports/trades.csv?year={year}")).await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).expect("UTF-8");
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 1 + trades + 1, "header, every trade, totals");
    let numbers: Vec<&str> = lines[1..=trades]
        .iter()
        .map(|l| l.split(',').next().expect("number"))
        .collect();
    let first = numbers[0].to_string();
    let mut expected = vec![first.clone()];
    expected.extend((1..=COPIES).map(|i| format!("{first}-{i}")));
    assert_eq!(
        numbers, expected,
        "settlement order, ties by id, none twice"
    );
    let cents = |yuan: &str| -> i64 {
        let (w, f) = yuan.split_once('.').expect("two decimals");
        w.parse::<i64>().expect("yuan") * 100 + f.parse::<i64>().expect("fen")
    };
    let total = lines[trades + 1];
    assert!(total.starts_with("合计,"), "{total}");
    let total_amount = total.split(',').nth(6).expect("amount column");
    assert_eq!(
        cents(total_amount),
        cents(&amount) * trades as i64,
        "{total}"
    );
    let total_area = total.split(',').nth(4).expect("area column");
    assert_eq!(
        total_area,
        format!("{}.{:04}", trades * 100 / 10_000, trades * 100 % 10_000)
    );

    let (status, kind, xlsx) = download(
        &finance,
        &format!("/api/v1/reports/trades.xlsx?year={year}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.contains("spreadsheetml"), "{kind}");
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).expect("a valid XLSX");
    let sheet = book
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("readable");
    let rows: Vec<_> = sheet.rows().collect();
    assert_eq!(rows.len(), 1 + trades + 1, "header, every trade, totals");
    let xlsx_numbers: Vec<String> = rows[1..=trades].iter().map(|r| r[0].to_string()).collect();
    assert_eq!(xlsx_numbers, expected);
    assert_eq!(rows[trades + 1][0].to_string(), "合计");
    let xlsx_total = match &rows[trades + 1][6] {
        calamine::Data::Float(v) => format!("{v:.2}"),
        other => other.to_string(),
    };
    assert_eq!(xlsx_total, total_amount, "the same totals in both files");
}

//! Finance at scale: the trades export at more than a page of trades (read from the database a
//! page at a time, in settlement order, ties by id, and written as it goes, yet every trade
//! exactly once, in order, and a totals row that sums them all — in CSV and in XLSX), and the
//! running proceeds totals: kept by the database's triggers (a settlement, or a settled row
//! inserted) in the Asia/Shanghai year, and rebuilt by the migration's backfill to the same
//! figures.

use quota_backend::clock::Clock;
use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::finance::download;
use crate::helpers::{TestApp, TestDb, on_both_databases};

on_both_databases!(
    a_trades_export_longer_than_a_page_has_every_trade_once_and_exact_totals,
    proceeds_totals_count_a_settlement_in_its_shanghai_year_and_the_backfill_agrees,
);

/// `dev` buys `area` of 藤县's listing and 藤县 settles it: the purchase's id and amount.
async fn settled(app: &TestApp, area: &str) -> (i64, serde_json::Value) {
    let (_, buyer, id) = crate::finance::settled_purchase(app, area).await;
    let (_, mine) = buyer.get("/api/v1/purchases").await;
    (id, mine["purchases"][0]["amount_yuan"].clone())
}

/// Copies of the settled trade, straight in SQL: the API would take minutes to settle as many.
/// All settled at the same instant, so only the id orders them (the page boundary falls inside
/// a run of equal times).
const COPIES: u32 = 2_345;

async fn a_trades_export_longer_than_a_page_has_every_trade_once_and_exact_totals(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (id, amount) = settled(&app, "0.0100").await;
    let amount = amount.as_str().expect("amount").to_string();
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
    // The database's trigger counted the copies into the running totals as they were inserted.
    let (status, proceeds) = finance.get(&format!("/api/v1/proceeds?year={year}")).await;
    assert_eq!(status, StatusCode::OK, "{proceeds}");
    let teng = proceeds["proceeds"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["county_code"] == "450422")
        .expect("藤县")
        .clone();
    assert_eq!(
        teng["proceeds_yuan"], total_amount,
        "the report agrees with the export"
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
    let sheet = crate::finance::first_sheet(xlsx);
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

async fn proceeds_totals_count_a_settlement_in_its_shanghai_year_and_the_backfill_agrees(
    db: TestDb,
) {
    // Five seconds into the next Asia/Shanghai year: still the old year in UTC.
    let clock = Clock::default();
    let this_year = quota_shared::calendar::year_of(clock.now());
    let (new_year, _) = quota_shared::calendar::year_bounds(this_year + 1).expect("a year");
    clock.advance(new_year - clock.now() + time::Duration::seconds(5));
    assert_eq!(clock.now().year(), this_year, "UTC still in the old year");
    let app = TestApp::spawn_with_clock(db, clock).await;
    let (_, amount) = settled(&app, "1.2345").await;
    let finance = app.login_as("fin", Role::Finance, None).await;
    let teng = |year: i32| {
        let finance = &finance;
        async move {
            let (status, body) = finance.get(&format!("/api/v1/proceeds?year={year}")).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let row = body["proceeds"]
                .as_array()
                .expect("rows")
                .iter()
                .find(|r| r["county_code"] == "450422")
                .cloned()
                .expect("藤县");
            (row["sold_mu"].clone(), row["proceeds_yuan"].clone())
        }
    };
    let counted = teng(this_year + 1).await;
    assert_eq!(
        counted,
        (json!("1.2345"), amount),
        "in the Shanghai year of settlement"
    );
    assert_eq!(teng(this_year).await, (json!("0.0000"), json!("0.00")));

    // The migration's backfill, run again over the same trades, gives the same totals.
    let dialect = match app.db {
        quota_backend::store::Database::Sqlite(_) => "sqlite",
        quota_backend::store::Database::Postgres(_) => "postgres",
    };
    let migration = std::fs::read_to_string(format!(
        "{}/migrations/{dialect}/0006_settled_trades.sql",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("migration");
    let start = migration
        .rfind("INSERT INTO proceeds_totals")
        .expect("the backfill");
    let backfill = &migration[start..start + migration[start..].find(';').expect("its end")];
    quota_backend::with_store!(&app.db, s => {
        sqlx::raw_sql("DELETE FROM proceeds_totals").execute(s.pool()).await.expect("emptied");
        assert_eq!(teng(this_year + 1).await.0, json!("0.0000"), "the report reads the totals");
        sqlx::raw_sql(sqlx::AssertSqlSafe(backfill.to_string())).execute(s.pool()).await.expect("backfill");
    });
    assert_eq!(teng(this_year + 1).await, counted);
    assert_eq!(teng(this_year).await, (json!("0.0000"), json!("0.00")));
}

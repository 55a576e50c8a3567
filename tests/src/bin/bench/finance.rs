//! The proceeds report and the trades exports over 1,000,000 settled trades.

use std::time::{Duration, Instant};

use quota_tests::api::{Api, DEMO_PASSWORD, block};
use quota_tests::binary::Server;
use quota_tests::load::{Stats, memory_kib, ms};
use sqlx::Connection;

use crate::{Section, copy_rows, demo, mib, ratio};

/// Settled trades in the database for the finance run.
const TRADES: u32 = 1_000_000;

pub fn finance() -> Section {
    let mut section = Section::new("Finance at scale: 1,000,000 settled trades");
    let (_dir, url) = quota_tests::binary::temp_sqlite();
    demo(&url);
    let (id, year): (i64, String) = block(async {
        let mut conn = sqlx::SqliteConnection::connect(&url)
            .await
            .expect("database");
        sqlx::query_as("SELECT id, substr(settled_at, 1, 4) FROM purchases WHERE status = 'settled' ORDER BY id LIMIT 1")
            .fetch_one(&mut conn)
            .await
            .expect("a settled demo trade")
    });
    let spread = format!(
        "strftime('%Y-%m-%dT%H:%M:%SZ', '{year}-01-01T00:00:00', '+' || (n.i * 30) || ' seconds')"
    );
    let started = Instant::now();
    block(copy_rows(
        &url,
        "purchases",
        id,
        TRADES,
        // 0.01 亩 each, so a year of a million stays within the money and area ranges.
        &[
            ("confirmation_no", "purchases.confirmation_no || '-' || n.i"),
            // Each 核验码 is its trade's own (unique).
            ("verify_code", "purchases.verify_code || '-' || n.i"),
            ("area_e4_mu", "100"),
            ("farmland_e4_mu", "0"),
            ("paddy_e4_mu", "0"),
            ("grain_capacity_kg", "0"),
            ("used_e4_mu", "0"),
            ("amount_fen", "purchases.price_fen_per_mu / 100"),
            ("settled_at", &spread),
        ],
    ));
    section.note(format!(
        "{TRADES} copies of settled trade #{id} (0.01 亩 each, settled 30 s apart through the year) \
         inserted in SQL (the database's trigger adding each to the running totals), in {:.1} s.",
        started.elapsed().as_secs_f64()
    ));
    let raw = block(async {
        let mut conn = sqlx::SqliteConnection::connect(&url)
            .await
            .expect("database");
        let mut latencies = Vec::new();
        for _ in 0..10 {
            let t = Instant::now();
            let _: Vec<(String, i64)> = sqlx::query_as(
                "SELECT seller_county_code, SUM(amount_fen) FROM purchases WHERE status = 'settled' GROUP BY seller_county_code",
            )
            .fetch_all(&mut conn)
            .await
            .expect("raw sum");
            latencies.push(t.elapsed());
        }
        Stats::new(latencies, Duration::ZERO)
    });
    let server = Server::start(&[("DATABASE_URL", &url), ("QX_STATIC_DIR", "/nonexistent")]);
    let base = server.base_url.clone();
    let pid = server.pid();
    block(async {
        let finance = Api::login(&base, "finance", DEMO_PASSWORD).await;
        let mut latencies = Vec::new();
        for _ in 0..10 {
            let t = Instant::now();
            let (status, body) = finance
                .get(&format!("/api/v1/proceeds?year={year}"))
                .await
                .expect("answer");
            assert_eq!(status, 200, "{body}");
            latencies.push(t.elapsed());
        }
        let report = Stats::new(latencies, Duration::ZERO);
        section.add(
            &format!(
                "proceeds report of {year} (p50 {})",
                ms(report.percentile(50.0))
            ),
            ms(report.max()),
            format!(
                "{} `SUM(amount_fen) … GROUP BY county` straight on SQLite",
                ms(raw.percentile(50.0))
            ),
            ratio(
                report.percentile(50.0).as_secs_f64(),
                raw.percentile(50.0).as_secs_f64(),
            ),
            "≤ 200 ms",
        );
        for file in ["trades.csv", "trades.xlsx"] {
            let before = memory_kib(pid).expect("memory");
            let t = Instant::now();
            let answer = finance
                .get_bytes(&format!("/api/v1/reports/{file}?year={year}"))
                .await;
            let (status, first_byte, bytes) = answer.expect("answer");
            assert_eq!(status, 200, "{file}");
            let after = memory_kib(pid).expect("memory");
            section.add(
                &format!(
                    "`{file}` of {year}: {bytes} B, first byte after {}",
                    ms(first_byte)
                ),
                format!("{:.1} s", t.elapsed().as_secs_f64()),
                format!("peak memory {} (before {})", mib(after.1), mib(before.0)),
                "—".into(),
                "streamed, memory bounded",
            );
        }
    });
    section
}

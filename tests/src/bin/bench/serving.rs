//! Static files on one keep-alive connection beside `/healthz`, and listing pages over
//! 100,000 listings at a fixed rate beside a static file.

use std::sync::Arc;
use std::time::{Duration, Instant};

use quota_tests::api::block;
use quota_tests::binary::Server;
use quota_tests::load::{Stats, fixed_rate, ms};

use crate::{Section, copy_rows, demo, ratio, static_dir};

/// Listings in the database for the read run.
const READ_LISTINGS: u32 = 100_000;
/// Requests per second of the fixed-rate read runs.
const READ_RATE: u32 = 200;
/// Requests at the rate before the measured ones, not counted.
const WARM_UP: Duration = Duration::from_secs(1);

/// The web app's files as `index.html` names them (content-hashed names when built so).
async fn asset_paths(base: &str) -> Vec<String> {
    let http = reqwest::Client::new();
    let get = |path: String| {
        let http = http.clone();
        async move {
            http.get(format!("{base}{path}"))
                .send()
                .await
                .expect("the server answers")
                .text()
                .await
                .expect("text")
        }
    };
    let quoted = |text: &str, ending: &str| -> Option<String> {
        let end = text.find(ending)? + ending.len();
        let start = text[..end].rfind(['"', '\''])? + 1;
        Some(text[start..end].to_string())
    };
    let index = get("/".into()).await;
    let css = quoted(&index, ".css").expect("a stylesheet in index.html");
    let boot = quoted(&index, ".js").expect("a script in index.html");
    let boot_text = get(boot.clone()).await;
    // The public bundle (boot.js names the staff one too).
    let named = |prefix: &str| -> Option<String> {
        let start = boot_text.find(prefix)? + 1;
        let end = start + boot_text[start..].find('"')?;
        Some(boot_text[start..end].to_string())
    };
    let js = named("\"/frontend.").expect("the app's module in boot.js");
    let wasm = named("\"/frontend_bg.").expect("the wasm in boot.js");
    vec![css, boot, js, wasm]
}

/// Requests of `path` back to back on one keep-alive connection for `run_for`.
async fn keep_alive(base: &str, path: &str, run_for: Duration) -> Stats {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .build()
        .expect("client");
    let url = format!("{base}{path}");
    let started = Instant::now();
    let mut latencies = Vec::new();
    while started.elapsed() < run_for {
        let t = Instant::now();
        let r = http.get(&url).send().await.expect("answer");
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.bytes().await.expect("body");
        latencies.push(t.elapsed());
    }
    Stats::new(latencies, started.elapsed())
}

pub fn static_files(run_for: Duration) -> Section {
    let mut section = Section::new("Static files");
    let (_dir, url) = quota_tests::binary::temp_sqlite();
    let dir = static_dir();
    let server = Server::start(&[("DATABASE_URL", &url), ("QX_STATIC_DIR", &dir)]);
    let base = server.base_url.clone();
    block(async {
        let assets = asset_paths(&base).await;
        let half = run_for / 2;
        let health = keep_alive(&base, "/healthz", half).await;
        let css = keep_alive(&base, &assets[0], half).await;
        section.add(
            &format!(
                "keep-alive requests/s of {} (p99 {})",
                assets[0],
                ms(css.percentile(99.0))
            ),
            format!("{:.0}/s", css.per_second()),
            format!(
                "{:.0}/s `/healthz` (p99 {})",
                health.per_second(),
                ms(health.percentile(99.0))
            ),
            ratio(css.per_second(), health.per_second()),
            "≥ 0.5× (within 2×)",
        );
        let http = reqwest::Client::new();
        for path in &assets {
            let mut sizes = Vec::new();
            for encoding in ["identity", "gzip", "br"] {
                let r = http
                    .get(format!("{base}{path}"))
                    .header("accept-encoding", encoding)
                    .send()
                    .await
                    .expect("answer");
                let header = |name: &str| {
                    r.headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string()
                };
                let (served, vary, cache) = (
                    header("content-encoding"),
                    header("vary"),
                    header("cache-control"),
                );
                let bytes = r.bytes().await.expect("body").len();
                sizes.push(format!(
                    "{encoding}: {bytes} B{}",
                    if served.is_empty() {
                        String::new()
                    } else {
                        format!(" ({served})")
                    }
                ));
                if encoding == "br" {
                    sizes.push(format!("Vary: {vary}; Cache-Control: {cache}"));
                }
            }
            section.note(format!("`{path}`: {}", sizes.join(", ")));
        }
    });
    section
}

/// Latencies of `path` at [`READ_RATE`] for `run_for`, after a second at the same rate that
/// is not counted: the server's first requests of a kind open its read connections and fill
/// their caches, once in the life of the process.
async fn percentiles_at_rate(base: &str, path: &str, run_for: Duration) -> (Stats, usize) {
    let http = reqwest::Client::new();
    let url = Arc::new(format!("{base}{path}"));
    let load = |run_for| {
        let (http, url) = (http.clone(), url.clone());
        fixed_rate(READ_RATE, run_for, move |_| {
            let (http, url) = (http.clone(), url.clone());
            async move {
                match http.get(url.as_str()).send().await {
                    Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                    _ => false,
                }
            }
        })
    };
    let (_, failed) = load(WARM_UP).await;
    assert_eq!(failed, 0, "{path}: {failed} failed while warming up");
    load(run_for).await
}

pub fn reads(run_for: Duration) -> Section {
    let mut section = Section::new("Reads at scale: 100,000 listings, 200 requests/s");
    let (_dir, url) = quota_tests::binary::temp_sqlite();
    demo(&url);
    block(copy_rows(&url, "listings", 1, READ_LISTINGS, &[]));
    let dir = static_dir();
    let server = Server::start(&[("DATABASE_URL", &url), ("QX_STATIC_DIR", &dir)]);
    let base = server.base_url.clone();
    block(async {
        let css = asset_paths(&base).await.remove(0);
        let (baseline, _) = percentiles_at_rate(&base, &css, run_for).await;
        for path in [
            "/api/v1/listings",
            "/api/v1/listings?status=open",
            "/api/v1/listings?county=450423",
        ] {
            let (stats, failed) = percentiles_at_rate(&base, path, run_for).await;
            assert_eq!(failed, 0, "{path}: {failed} failed");
            section.add(
                &format!("`GET {path}` p50 {} / p99", ms(stats.percentile(50.0))),
                ms(stats.percentile(99.0)),
                format!(
                    "{} p99 of `{css}` (p50 {})",
                    ms(baseline.percentile(99.0)),
                    ms(baseline.percentile(50.0))
                ),
                ratio(
                    stats.percentile(99.0).as_secs_f64(),
                    baseline.percentile(99.0).as_secs_f64(),
                ),
                "p99 ≤ 5 ms",
            );
        }
    });
    section
}

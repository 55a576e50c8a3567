//! The benchmark harness: every figure is printed beside a baseline measured by this harness in
//! the same run, on the same machine and disk, because only such ratios are trustworthy on a
//! shared machine. Run on demand, never by the test command:
//!
//! ```text
//! scripts/bench.sh                      # builds, runs every section, writes docs/benchmarks.md
//! cargo run --release -p quota-tests --bin bench -- [section …] [--seconds N] [--write FILE]
//! ```
//!
//! Sections: `purchases-sqlite`, `purchases-pg`, `static`, `reads`, `finance` (all by
//! default). The release binary must be built (`QX_BIN` overrides its path); `static` serves
//! `frontend/dist` (`QX_STATIC_DIR` overrides).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use quota_tests::api::{Api, DEMO_PASSWORD, block};
use quota_tests::binary::{Server, run};
use quota_tests::load::{Stats, closed_loop, fixed_rate, memory_kib, ms};
use serde_json::json;
use sqlx::Connection;

/// Concurrent clients of the throughput runs (as many as the pool has connections).
const CLIENTS: usize = 8;
/// Listings the purchase load spreads over.
const LISTINGS: usize = 8;
/// Listings in the database for the read run.
const READ_LISTINGS: u32 = 100_000;
/// Settled trades in the database for the finance run.
const TRADES: u32 = 1_000_000;
/// Requests per second of the fixed-rate read runs.
const READ_RATE: u32 = 200;

/// One line of a result table.
struct Figure {
    case: String,
    figure: String,
    baseline: String,
    ratio: String,
    goal: String,
}

struct Section {
    title: &'static str,
    notes: Vec<String>,
    figures: Vec<Figure>,
}

impl Section {
    fn new(title: &'static str) -> Self {
        Self {
            title,
            notes: Vec::new(),
            figures: Vec::new(),
        }
    }

    fn add(&mut self, case: &str, figure: String, baseline: String, ratio: String, goal: &str) {
        println!("  {case}: {figure} | baseline {baseline} | {ratio} | goal {goal}");
        self.figures.push(Figure {
            case: case.to_string(),
            figure,
            baseline,
            ratio,
            goal: goal.to_string(),
        });
    }

    fn note(&mut self, text: String) {
        println!("  {text}");
        self.notes.push(text);
    }

    fn markdown(&self) -> String {
        let mut out = format!("### {}\n\n", self.title);
        out.push_str(
            "| case | figure | baseline (same run) | ratio | goal |\n|---|---:|---:|---:|---|\n",
        );
        for f in &self.figures {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                f.case, f.figure, f.baseline, f.ratio, f.goal
            ));
        }
        for n in &self.notes {
            out.push_str(&format!("\n{n}\n"));
        }
        out
    }
}

fn ratio(figure: f64, baseline: f64) -> String {
    format!("{:.2}×", figure / baseline.max(1e-12))
}

fn mib(kib: u64) -> String {
    format!("{:.1} MB", kib as f64 / 1024.0)
}

fn main() {
    let mut sections = Vec::new();
    let mut seconds = 10u64;
    let mut write: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                seconds = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .expect("--seconds N")
            }
            "--write" => write = Some(PathBuf::from(args.next().expect("--write FILE"))),
            name => sections.push(name.to_string()),
        }
    }
    if sections.is_empty() {
        sections = [
            "purchases-sqlite",
            "purchases-pg",
            "static",
            "reads",
            "finance",
        ]
        .map(String::from)
        .to_vec();
    }
    let run_for = Duration::from_secs(seconds);
    let mut done = Vec::new();
    for name in &sections {
        println!("== {name}");
        let section = match name.as_str() {
            "purchases-sqlite" => purchases_sqlite(run_for),
            "purchases-pg" => purchases_pg(run_for),
            "static" => static_files(run_for),
            "reads" => reads(run_for),
            "finance" => finance(),
            other => panic!("unknown section {other}"),
        };
        done.push(section);
    }
    let report = report(&done, &sections, seconds);
    println!("\n{report}");
    if let Some(path) = write {
        write_into(&path, &report);
        println!("written to {}", path.display());
    }
}

/// The run's Markdown: the machine, the command, the tables.
fn report(done: &[Section], sections: &[String], seconds: u64) -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_default();
    let when = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let mut out = format!(
        "Run {when} on {cores} cores, {memory} memory. Command: \
         `cargo run --release -p quota-tests --bin bench -- {} --seconds {seconds}`.\n\n",
        sections.join(" ")
    );
    for s in done {
        out.push_str(&s.markdown());
        out.push('\n');
    }
    out
}

const BEGIN: &str = "<!-- bench:begin -->";
const END: &str = "<!-- bench:end -->";

/// Replaces the text between the bench markers of `path` (appends them if missing).
fn write_into(path: &Path, report: &str) {
    let old = std::fs::read_to_string(path).unwrap_or_default();
    let block = format!("{BEGIN}\n{report}{END}");
    let new = match (old.find(BEGIN), old.find(END)) {
        (Some(b), Some(e)) if b < e => format!("{}{block}{}", &old[..b], &old[e + END.len()..]),
        _ => format!("{old}\n## Latest harness run\n\n{block}\n"),
    };
    std::fs::write(path, new).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn demo(url: &str) {
    let (code, stdout, stderr) = run(&["demo"], &[("DATABASE_URL", url)]);
    assert_eq!(code, Some(0), "demo: {stdout}{stderr}");
}

fn static_dir() -> String {
    std::env::var("QX_STATIC_DIR").unwrap_or_else(|_| {
        quota_tests::workspace_root()
            .join("frontend/dist")
            .display()
            .to_string()
    })
}

/// A buyer account and listings to buy from, then `CLIENTS` sessions buying 0.01 亩 at a
/// time for `run_for`, spread over the instances. Answers the figures and the failures.
async fn purchase_load(bases: &[String], run_for: Duration) -> (Stats, usize) {
    let admin = Api::login(&bases[0], "admin", DEMO_PASSWORD).await;
    let (status, body) = admin
        .post(
            "/api/v1/users",
            &json!({"username": "bench-buyer", "password": DEMO_PASSWORD, "role": "buyer"}),
        )
        .await
        .expect("the server answers");
    assert_eq!(status, 201, "bench buyer: {body}");
    let teng = Api::login(&bases[0], "tengxian", DEMO_PASSWORD).await;
    let mut listings = Vec::new();
    for n in 0..LISTINGS {
        let (status, body) = teng
            .post(
                "/api/v1/listings",
                &json!({"channel": "county", "area_mu": "5000", "farmland_mu": "0", "paddy_mu": "0",
                        "grain_capacity_kg": 0, "price_per_mu": "500000",
                        "source_project": format!("基准项目{n}"), "township": "太平镇", "advance": false}),
            )
            .await
            .expect("the server answers");
        assert_eq!(status, 201, "listing: {body}");
        listings.push(body["listing"]["id"].as_i64().expect("id"));
    }
    let mut buyers = Vec::new();
    for c in 0..CLIENTS {
        buyers.push(Api::login(&bases[c % bases.len()], "bench-buyer", DEMO_PASSWORD).await);
    }
    let (buyers, listings) = (Arc::new(buyers), Arc::new(listings));
    let run = std::process::id();
    closed_loop(CLIENTS, run_for, move |client, n| {
        let (buyers, listings) = (buyers.clone(), listings.clone());
        async move {
            let body = json!({"listing_id": listings[client % LISTINGS], "area_mu": "0.01",
                              "project": {"name": "基准用地项目", "use": "industrial", "county_code": "450481"}});
            matches!(
                buyers[client].buy(&format!("bench-{run}-{client}-{n}"), &body).await,
                Some((201, _))
            )
        }
    })
    .await
}

/// The baseline of a durable purchase on SQLite: one connection, WAL, `synchronous=FULL`,
/// each transaction updating a listing row and inserting a purchase row.
async fn raw_sqlite(dir: &Path, run_for: Duration) -> Stats {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
    let options =
        SqliteConnectOptions::from_str(&format!("sqlite://{}", dir.join("raw.db").display()))
            .expect("url")
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("raw SQLite");
    sqlx::raw_sql(raw_schema("INTEGER PRIMARY KEY"))
        .execute(&mut conn)
        .await
        .expect("baseline schema");
    let started = Instant::now();
    let mut latencies = Vec::new();
    let mut n = 0i64;
    while started.elapsed() < run_for {
        let t = Instant::now();
        let mut tx = conn.begin().await.expect("begin");
        sqlx::query("UPDATE bench_listings SET remaining = remaining - 1 WHERE id = $1")
            .bind(n % LISTINGS as i64 + 1)
            .execute(&mut *tx)
            .await
            .expect("update");
        sqlx::query("INSERT INTO bench_purchases (listing_id, area) VALUES ($1, 1)")
            .bind(n % LISTINGS as i64 + 1)
            .execute(&mut *tx)
            .await
            .expect("insert");
        tx.commit().await.expect("commit");
        latencies.push(t.elapsed());
        n += 1;
    }
    Stats::new(latencies, started.elapsed())
}

/// The baseline's two tables and its listing rows; `key` is the purchase id's column type
/// (SQLite's rowid, or an identity column on PostgreSQL).
fn raw_schema(key: &str) -> sqlx::AssertSqlSafe<String> {
    let mut sql = format!(
        "CREATE TABLE bench_listings (id INTEGER PRIMARY KEY, remaining BIGINT NOT NULL);\n\
         CREATE TABLE bench_purchases (id {key}, listing_id INTEGER NOT NULL, area BIGINT NOT NULL);\n"
    );
    for id in 1..=LISTINGS {
        sql.push_str(&format!(
            "INSERT INTO bench_listings (id, remaining) VALUES ({id}, 1000000000);\n"
        ));
    }
    sqlx::AssertSqlSafe(sql)
}

fn purchases_sqlite(run_for: Duration) -> Section {
    let mut section = Section::new("Purchases over HTTP, SQLite, one instance");
    let dir = tempfile::tempdir_in(quota_tests::workspace_root().join("target"))
        .expect("temp dir on the build disk");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    demo(&url);
    let server = Server::start(&[("DATABASE_URL", &url), ("QX_STATIC_DIR", "/nonexistent")]);
    std::thread::sleep(Duration::from_secs(2));
    let idle = memory_kib(server.pid()).expect("server memory");
    let (stats, failed) = block(purchase_load(
        std::slice::from_ref(&server.base_url),
        run_for,
    ));
    let loaded = memory_kib(server.pid()).expect("server memory");
    let baseline = block(raw_sqlite(dir.path(), run_for));
    section.add(
        &format!(
            "durable purchases/s, {CLIENTS} clients (mean {}, p99 {}, max {}; {failed} refused)",
            ms(stats.mean()),
            ms(stats.percentile(99.0)),
            ms(stats.max())
        ),
        format!("{:.0}/s", stats.per_second()),
        format!(
            "{:.0} raw one-row durable transactions/s",
            baseline.per_second()
        ),
        ratio(stats.per_second(), baseline.per_second()),
        "≥ 0.5× (stretch ≥ 1×)",
    );
    // A burst of logins: the password checks run a few at a time, so memory stays bounded.
    let base = server.base_url.clone();
    let started = Instant::now();
    let answered = block(async move {
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let base = base.clone();
            tasks.push(tokio::spawn(async move {
                Api::anonymous(&base)
                    .post(
                        "/api/v1/session",
                        &json!({"username": "developer", "password": DEMO_PASSWORD}),
                    )
                    .await
                    .map(|(s, _)| s)
            }));
        }
        let mut ok = 0;
        for t in tasks {
            if t.await.ok().flatten() == Some(200) {
                ok += 1;
            }
        }
        ok
    });
    let burst = started.elapsed();
    let after_logins = memory_kib(server.pid()).expect("server memory");
    section.add(
        "resident memory, idle after start (demo data)",
        mib(idle.0),
        "—".into(),
        "—".into(),
        "≤ 50 MB",
    );
    section.add(
        "resident memory, peak under the purchase load",
        mib(loaded.1),
        mib(idle.0),
        ratio(loaded.1 as f64, idle.0 as f64),
        "≤ 150 MB",
    );
    section.add(
        &format!(
            "peak after 50 concurrent logins ({answered} accepted in {})",
            ms(burst)
        ),
        mib(after_logins.1),
        mib(idle.0),
        ratio(after_logins.1 as f64, idle.0 as f64),
        "≤ 150 MB",
    );
    section
}

fn purchases_pg(run_for: Duration) -> Section {
    let mut section = Section::new("Purchases over HTTP, PostgreSQL, two instances");
    let cluster = quota_tests::pg::PgCluster::start_durable().expect("a durable PostgreSQL");
    let url = cluster.fresh_database();
    demo(&url);
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("QX_STATIC_DIR", "/nonexistent"),
    ];
    let (a, b) = (Server::start(&env), Server::start(&env));
    let (stats, failed) = block(purchase_load(
        &[a.base_url.clone(), b.base_url.clone()],
        run_for,
    ));
    drop((a, b));
    let baseline_url = cluster.fresh_database();
    let tps = pgbench(&baseline_url, run_for);
    section.add(
        &format!("durable purchases/s, {CLIENTS} clients over 2 instances (mean {}, p99 {}; {failed} refused)",
            ms(stats.mean()), ms(stats.percentile(99.0))),
        format!("{:.0}/s", stats.per_second()),
        format!("{tps:.0} pgbench transactions/s (update + insert, {CLIENTS} clients)"),
        ratio(stats.per_second(), tps),
        "≥ 0.5×",
    );
    section.note(
        "The cluster runs PostgreSQL's durable defaults (fsync, synchronous_commit on), started by the \
         harness like the test cluster."
            .into(),
    );
    section
}

/// `pgbench` with the same client count, each transaction updating one of the listing rows and
/// inserting a purchase row; answers transactions per second.
fn pgbench(url: &str, run_for: Duration) -> f64 {
    block(async {
        let mut conn = sqlx::PgConnection::connect(url)
            .await
            .expect("baseline database");
        sqlx::raw_sql(raw_schema(
            "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        ))
        .execute(&mut conn)
        .await
        .expect("baseline schema");
    });
    let script = tempfile::NamedTempFile::new().expect("script file");
    std::fs::write(
        script.path(),
        format!(
            "\\set id random(1, {LISTINGS})\nBEGIN;\n\
             UPDATE bench_listings SET remaining = remaining - 1 WHERE id = :id;\n\
             INSERT INTO bench_purchases (listing_id, area) VALUES (:id, 1);\nEND;\n"
        ),
    )
    .expect("script");
    let pgbench = quota_tests::pg::pg_bin("pgbench").expect("pgbench (package postgresql)");
    let output = Command::new(pgbench)
        .args(["-n", "-c", &CLIENTS.to_string(), "-j", "2", "-T"])
        .arg(run_for.as_secs().to_string())
        .arg("-f")
        .arg(script.path())
        .arg(url)
        .output()
        .expect("pgbench runs");
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("pgbench: {text}{}", String::from_utf8_lossy(&output.stderr)))
}

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

fn static_files(run_for: Duration) -> Section {
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

/// Copies row `id` of `table` `count` times straight in SQL (every column but the id;
/// `overrides` replaces a column's expression, over `n.i` the copy's number).
async fn copy_rows(url: &str, table: &str, id: i64, count: u32, overrides: &[(&str, &str)]) {
    let mut conn = sqlx::SqliteConnection::connect(url)
        .await
        .expect("database");
    let columns: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_table_info($1)")
        .bind(table)
        .fetch_all(&mut conn)
        .await
        .expect("columns");
    let names: Vec<String> = columns
        .into_iter()
        .map(|(c,)| c)
        .filter(|c| c != "id")
        .collect();
    let values: Vec<String> = names
        .iter()
        .map(|c| {
            overrides
                .iter()
                .find(|(name, _)| name == c)
                .map_or_else(|| format!("{table}.{c}"), |(_, e)| e.to_string())
        })
        .collect();
    let sql = format!(
        "INSERT INTO {table} ({}) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) \
         SELECT {} FROM {table}, n WHERE {table}.id = {id}",
        names.join(", "),
        values.join(", ")
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&mut conn)
        .await
        .expect("copies");
}

async fn percentiles_at_rate(base: &str, path: &str, run_for: Duration) -> (Stats, usize) {
    let http = reqwest::Client::new();
    let url = Arc::new(format!("{base}{path}"));
    fixed_rate(READ_RATE, run_for, move |_| {
        let (http, url) = (http.clone(), url.clone());
        async move {
            match http.get(url.as_str()).send().await {
                Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                _ => false,
            }
        }
    })
    .await
}

fn reads(run_for: Duration) -> Section {
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

fn finance() -> Section {
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

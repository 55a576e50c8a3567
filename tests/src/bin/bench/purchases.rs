//! Durable purchases over HTTP on SQLite (one instance) and PostgreSQL (two), beside the raw
//! transaction and pgbench; the server's memory idle, under the load and after a burst of
//! logins.

use std::path::Path;
use std::process::Command;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use quota_tests::api::{Api, DEMO_PASSWORD, block};
use quota_tests::binary::Server;
use quota_tests::load::{Stats, closed_loop, cpu_time, memory_kib, ms, with_children};
use serde_json::json;
use sqlx::Connection;

use crate::{Section, demo, mib, ratio};

/// Concurrent clients of the throughput runs (as many as the pool has connections).
const CLIENTS: usize = 8;
/// Listings the purchase load spreads over.
const LISTINGS: usize = 8;

/// Processes whose processor time a run counts, asked for their ids at its start and end.
type Watched = Box<dyn Fn() -> Vec<u32> + Send>;

/// A buyer account and listings to buy from, then `CLIENTS` sessions buying 0.01 亩 at a
/// time for `run_for`, spread over the instances. Answers the figures, the failures and the
/// processor time each of `watched` used while the clients bought.
async fn purchase_load(
    bases: &[String],
    run_for: Duration,
    watched: &[Watched],
) -> (Stats, usize, Vec<Duration>) {
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
    let stock = teng.stock_project("基准复垦项目", "1000000").await;
    let mut listings = Vec::new();
    for _ in 0..LISTINGS {
        let (status, body) = teng
            .post(
                "/api/v1/listings",
                &json!({"channel": "county", "sources": [{"project_id": stock, "area_mu": "5000"}],
                        "price_per_mu": "500000"}),
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
    let used = |w: &Watched| cpu_time(&w());
    let before: Vec<Duration> = watched.iter().map(used).collect();
    let (stats, failed) = closed_loop(CLIENTS, run_for, move |client, n| {
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
    .await;
    let spent = watched
        .iter()
        .zip(before)
        .map(|(w, b)| used(w).saturating_sub(b))
        .collect();
    (stats, failed, spent)
}

/// Processor time per purchase, for the notes.
fn per(used: Duration, stats: &Stats) -> String {
    format!(
        "{:.3} ms",
        used.as_secs_f64() * 1000.0 / stats.count.max(1) as f64
    )
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

pub fn purchases_sqlite(run_for: Duration) -> Section {
    let mut section = Section::new("Purchases over HTTP, SQLite, one instance");
    let dir = tempfile::tempdir_in(quota_tests::workspace_root().join("target"))
        .expect("temp dir on the build disk");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    demo(&url);
    let server = Server::start(&[("DATABASE_URL", &url), ("QX_STATIC_DIR", "/nonexistent")]);
    std::thread::sleep(Duration::from_secs(2));
    let idle = memory_kib(server.pid()).expect("server memory");
    let me = std::process::id();
    let pid = server.pid();
    let watched: [Watched; 2] = [Box::new(move || vec![pid]), Box::new(move || vec![me])];
    let (stats, failed, used) = block(purchase_load(
        std::slice::from_ref(&server.base_url),
        run_for,
        &watched,
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
    section.note(format!(
        "Processor time per purchase while the clients bought: the server {}, the load generator {} \
         (2 cores: {:.0} % of the machine's time in all).",
        per(used[0], &stats),
        per(used[1], &stats),
        busy(&used, &stats)
    ));
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

pub fn purchases_pg(run_for: Duration) -> Section {
    let mut section = Section::new("Purchases over HTTP, PostgreSQL, two instances");
    let cluster = quota_tests::pg::PgCluster::start_durable().expect("a durable PostgreSQL");
    let url = cluster.fresh_database();
    demo(&url);
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("QX_STATIC_DIR", "/nonexistent"),
    ];
    let (a, b) = (Server::start(&env), Server::start(&env));
    let (me, servers) = (std::process::id(), [a.pid(), b.pid()]);
    let postmaster = postmaster(&cluster);
    let watched: [Watched; 3] = [
        Box::new(move || servers.to_vec()),
        Box::new(move || with_children(postmaster)),
        Box::new(move || vec![me]),
    ];
    let (stats, failed, used) = block(purchase_load(
        &[a.base_url.clone(), b.base_url.clone()],
        run_for,
        &watched,
    ));
    drop((a, b));
    let baseline_url = cluster.fresh_database();
    // The servers' backends end as they close, and pgbench's as it ends: each reading waits
    // until those have been reaped.
    let database_before = quiet_cpu_time(postmaster);
    let tps = pgbench(&baseline_url, run_for);
    let database_pgbench = quiet_cpu_time(postmaster).saturating_sub(database_before);
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
    section.note(format!(
        "Processor time per purchase while the clients bought: the two servers {}, PostgreSQL {}, \
         the load generator {} (2 cores: {:.0} % of the machine's time in all). PostgreSQL's per \
         pgbench transaction: {:.3} ms.",
        per(used[0], &stats),
        per(used[1], &stats),
        per(used[2], &stats),
        busy(&used, &stats),
        database_pgbench.as_secs_f64() * 1000.0 / (tps * run_for.as_secs_f64()).max(1.0)
    ));
    section
}

/// The share of the machine's processor time (every core, for the run's length) that `used`
/// adds up to, in percent.
fn busy(used: &[Duration], stats: &Stats) -> f64 {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    let total: f64 = used.iter().map(Duration::as_secs_f64).sum();
    100.0 * total / (stats.elapsed.as_secs_f64() * cores).max(f64::MIN_POSITIVE)
}

/// The processor time of the server `postmaster` and its backends once no backend is ending:
/// read until two readings 200 ms apart agree (for at most 10 s). A backend reaped between
/// the listing of the processes and the reading of its own counters would otherwise be
/// counted in neither.
fn quiet_cpu_time(postmaster: u32) -> Duration {
    let mut last = cpu_time(&with_children(postmaster));
    for _ in 0..50 {
        std::thread::sleep(Duration::from_millis(200));
        let now = cpu_time(&with_children(postmaster));
        if now == last {
            break;
        }
        last = now;
    }
    last
}

/// The process id of `cluster`'s server, from its `postmaster.pid`.
fn postmaster(cluster: &quota_tests::pg::PgCluster) -> u32 {
    let file = cluster.dir().join("data").join("postmaster.pid");
    std::fs::read_to_string(&file)
        .ok()
        .and_then(|t| t.lines().next()?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no server id in {}", file.display()))
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

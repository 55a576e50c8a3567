//! `kill -9` of the real binary during purchases and during lot closes, on SQLite and on
//! PostgreSQL, then a restart on the same database: every acknowledged write is there exactly
//! once, nothing is half-written, and `audit verify` (chains and tables) passes. The
//! scenarios: `quota_tests::crash`.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use quota_tests::api::block;
use quota_tests::binary::{Server, run};
use quota_tests::crash;

/// One scenario at a time: kill timing is part of the story.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn start(url: &str) -> Server {
    Server::start(&[("DATABASE_URL", url), ("QX_STATIC_DIR", "/nonexistent")])
}

fn audit_verify(url: &str) {
    let (code, stdout, stderr) = run(&["audit", "verify"], &[("DATABASE_URL", url)]);
    assert_eq!(
        code,
        Some(0),
        "audit verify after the crash: {stdout}{stderr}"
    );
}

fn crash_story(url: &str, database: &str) {
    let (code, stdout, stderr) = run(&["demo"], &[("DATABASE_URL", url)]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    // The purchases buy what was just listed.
    quota_tests::periods::zero_blocking(url);

    // During purchases and settlements.
    let seen = crash::purchases_until_killed(start(url), Duration::from_millis(1500));
    let server = start(url);
    let summary = block(crash::check_after_restart(&server.base_url, &seen));
    println!("{database}: {summary}");
    drop(server);
    audit_verify(url);

    // During lot closes: killed at, and a little after, the closing time.
    for round in 0..3u64 {
        let server = start(url);
        let (lots, closing) = block(crash::lots_closing_soon(&server.base_url, 2));
        let kill_at = closing + Duration::from_millis(400 * round);
        if let Some(wait) = kill_at.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        drop(server); // SIGKILL
        let server = start(url);
        block(crash::check_lots(&server.base_url, &lots));
        drop(server);
        audit_verify(url);
    }
    println!(
        "{database}: 3 rounds of 2 lots killed at +0, +400 and +800 ms of their close: each awarded once after the restart"
    );
}

#[test]
fn kill_9_on_sqlite_loses_nothing_acknowledged_and_leaves_nothing_half_written() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("crash.db").display());
    crash_story(&url, "sqlite");
}

#[test]
fn kill_9_on_postgres_loses_nothing_acknowledged_and_leaves_nothing_half_written() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let url = quota_tests::pg::cluster().fresh_database();
    crash_story(&url, "postgres");
}

//! Races over HTTP against the real binary: 500 purchases from 50 clients, replays, cancels,
//! settlements and bids on a lot that closes mid-run — two instances on one PostgreSQL, and
//! one instance on SQLite. The scenario and its invariants: `quota_tests::race`.

use std::sync::Mutex;

use quota_tests::api::block;
use quota_tests::binary::{Server, run};

/// One scenario at a time: the machine has two cores, and timing is part of the story.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn demo(url: &str) {
    let (code, stdout, stderr) = run(&["demo"], &[("DATABASE_URL", url)]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    // The races buy what they list at once.
    quota_tests::periods::zero_blocking(url);
}

fn audit_verify(url: &str) {
    let (code, stdout, stderr) = run(&["audit", "verify"], &[("DATABASE_URL", url)]);
    assert_eq!(code, Some(0), "audit verify: {stdout}{stderr}");
}

#[test]
fn two_instances_on_one_postgres_never_oversell_lose_or_double_award() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let url = quota_tests::pg::cluster().fresh_database();
    demo(&url);
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("QX_STATIC_DIR", "/nonexistent"),
    ];
    let (a, b) = (Server::start(&env), Server::start(&env));
    let summary = block(quota_tests::race::run(&[
        a.base_url.clone(),
        b.base_url.clone(),
    ]));
    println!("postgres: {summary}");
    drop((a, b));
    audit_verify(&url);
}

#[test]
fn one_instance_on_sqlite_never_oversells_loses_or_double_awards() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("race.db").display());
    demo(&url);
    let server = Server::start(&[("DATABASE_URL", &url), ("QX_STATIC_DIR", "/nonexistent")]);
    let summary = block(quota_tests::race::run(std::slice::from_ref(
        &server.base_url,
    )));
    println!("sqlite: {summary}");
    drop(server);
    audit_verify(&url);
}

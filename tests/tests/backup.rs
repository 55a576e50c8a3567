//! Backups and the audit log of the real binary: `audit verify` and its anchor, `backup` and
//! `restore` on SQLite, `pg_dump`/`pg_restore` on PostgreSQL.

use quota_tests::api::block;
use quota_tests::binary::{Server, run, temp_sqlite};

#[test]
fn audit_verify_passes_on_the_demo_and_names_a_tampered_record() {
    let (_dir, url) = temp_sqlite();
    let (code, _, stderr) = run(&["demo"], &[("DATABASE_URL", &url)]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stdout, stderr) = run(&["audit", "verify"], &[("DATABASE_URL", &url)]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("审计链完整"), "{stdout}");
    block(async {
        let pool = sqlx::SqlitePool::connect(&url)
            .await
            .expect("open the file");
        sqlx::query(
            "UPDATE audit_log SET actor = 'someone else' WHERE action = 'purchase_settled'",
        )
        .execute(&pool)
        .await
        .expect("tamper");
        pool.close().await;
    });
    let (code, _, stderr) = run(&["audit", "verify"], &[("DATABASE_URL", &url)]);
    assert_ne!(code, Some(0), "a broken chain exits non-zero");
    assert!(
        stderr.contains("county:450422") && stderr.contains("was edited"),
        "{stderr}"
    );
}

/// A stream cut back together with its head: the chain alone is consistent, the rows are not,
/// and an anchor written before names the cut record.
#[test]
fn an_anchor_catches_a_log_cut_back_with_its_head() {
    let (dir, url) = temp_sqlite();
    assert_eq!(run(&["demo"], &[("DATABASE_URL", &url)]).0, Some(0));
    let (code, anchor, stderr) = run(&["audit", "anchor"], &[("DATABASE_URL", &url)]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(anchor.contains("\"county:450422\""), "{anchor}");
    let anchor_file = dir.path().join("anchor.json");
    std::fs::write(&anchor_file, &anchor).expect("write the anchor");
    let anchor_arg = anchor_file.display().to_string();
    let (code, stdout, stderr) = run(
        &["audit", "verify", "--anchor", &anchor_arg],
        &[("DATABASE_URL", &url)],
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");

    let cut_seq: i64 = block(async {
        let pool = sqlx::SqlitePool::connect(&url)
            .await
            .expect("open the file");
        let (seq,): (i64,) =
            sqlx::query_as("SELECT seq FROM audit_heads WHERE stream = 'county:450422'")
                .fetch_one(&pool)
                .await
                .expect("head");
        sqlx::query("DELETE FROM audit_log WHERE stream = 'county:450422' AND seq = ?")
            .bind(seq)
            .execute(&pool)
            .await
            .expect("cut");
        sqlx::query(
            "UPDATE audit_heads SET seq = seq - 1, hash = (SELECT hash FROM audit_log \
             WHERE stream = 'county:450422' AND seq = audit_heads.seq - 1) \
             WHERE stream = 'county:450422'",
        )
        .execute(&pool)
        .await
        .expect("move the head back");
        pool.close().await;
        seq
    });
    // The chain alone is consistent after the cut, but the rows still show what the cut
    // record said: the reconciliation names them. (Reverting those rows as well would leave
    // only the anchor to catch it.)
    let (code, _, stderr) = run(&["audit", "verify"], &[("DATABASE_URL", &url)]);
    assert_eq!(
        code,
        Some(2),
        "the rows disagree with the cut log: {stderr}"
    );
    assert!(stderr.contains("与审计记录不符"), "{stderr}");
    let (code, _, stderr) = run(
        &["audit", "verify", "--anchor", &anchor_arg],
        &[("DATABASE_URL", &url)],
    );
    assert_ne!(code, Some(0), "the anchor catches the cut");
    assert!(
        stderr.contains("county:450422")
            && stderr.contains(&format!("record {cut_seq}"))
            && stderr.contains("cut back"),
        "{stderr}"
    );
    // Not an anchor: a clear refusal, not a pass.
    std::fs::write(&anchor_file, "=cmd|' /C calc'!A0").expect("write");
    let (code, _, stderr) = run(
        &["audit", "verify", "--anchor", &anchor_arg],
        &[("DATABASE_URL", &url)],
    );
    assert_ne!(code, Some(0));
    assert!(stderr.contains("audit anchor"), "{stderr}");
}

#[test]
fn a_backup_taken_during_purchases_restores_every_trade_made_before_it() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::Instant;

    let (dir, url) = temp_sqlite();
    assert_eq!(run(&["demo"], &[("DATABASE_URL", &url)]).0, Some(0));
    let server = Server::start(&[("DATABASE_URL", &url), ("QX_STATIC_DIR", "/nonexistent")]);
    let base = server.base_url.clone();
    let stop = Arc::new(AtomicBool::new(false));
    // (purchase id, when its 201 arrived)
    let made: Arc<Mutex<Vec<(i64, Instant)>>> = Arc::new(Mutex::new(Vec::new()));
    let writer = {
        let (stop, made, base) = (stop.clone(), made.clone(), base.clone());
        std::thread::spawn(move || {
            block(async move {
                let client = ::reqwest::Client::builder()
                    .cookie_store(true)
                    .build()
                    .expect("client");
                let login = serde_json::json!({"username": "developer", "password": "demo-2026"});
                let r = client
                    .post(format!("{base}/api/v1/session"))
                    .json(&login)
                    .send()
                    .await
                    .expect("login");
                assert_eq!(r.status().as_u16(), 200);
                let mut n = 0;
                while !stop.load(Ordering::SeqCst) && n < 500 {
                    n += 1;
                    let body = serde_json::json!({"listing_id": 1, "area_mu": "0.01",
                        "project": {"name": "备份测试", "use": "industrial", "county_code": "450481"}});
                    let r = client
                        .post(format!("{base}/api/v1/purchases"))
                        .header("Idempotency-Key", format!("backup-{n}"))
                        .json(&body)
                        .send()
                        .await
                        .expect("purchase");
                    if r.status().as_u16() == 201 {
                        let v: serde_json::Value = r.json().await.expect("json");
                        let id = v["purchase"]["id"].as_i64().expect("id");
                        made.lock().expect("lock").push((id, Instant::now()));
                    }
                }
            })
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(400));
    let backup = dir.path().join("backup.db");
    let started = Instant::now();
    let (code, stdout, stderr) = run(
        &["backup", "--to", &backup.display().to_string()],
        &[("DATABASE_URL", &url)],
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    std::thread::sleep(std::time::Duration::from_millis(200));
    stop.store(true, Ordering::SeqCst);
    writer.join().expect("writer");
    let before: Vec<i64> = made
        .lock()
        .expect("lock")
        .iter()
        .filter(|(_, at)| *at < started)
        .map(|(id, _)| *id)
        .collect();
    assert!(
        before.len() >= 3,
        "purchases were being made while backing up: {}",
        before.len()
    );
    // A second backup to the same file is refused rather than overwriting it.
    let (code, _, stderr) = run(
        &["backup", "--to", &backup.display().to_string()],
        &[("DATABASE_URL", &url)],
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("已存在"), "{stderr}");

    // Restore: into a new database (never over one), verified on the way; then serve it and
    // find every trade made before the backup began.
    let restored_path = dir.path().join("restored/quota-exchange.db");
    let restored_url = format!("sqlite://{}", restored_path.display());
    let backup_arg = backup.display().to_string();
    let (code, stdout, stderr) = run(
        &["restore", "--from", &backup_arg],
        &[("DATABASE_URL", &url)],
    );
    assert_eq!(code, Some(2), "not over the live database: {stdout}");
    assert!(stderr.contains("never overwrites"), "{stderr}");
    let (code, stdout, stderr) = run(
        &["restore", "--from", &backup_arg],
        &[("DATABASE_URL", &restored_url)],
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("audit verify intact"), "{stdout}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&restored_path)
            .expect("restored")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the restored database is private");
    }
    let (code, _, stderr) = run(&["audit", "verify"], &[("DATABASE_URL", &restored_url)]);
    assert_eq!(code, Some(0), "the copy is consistent: {stderr}");
    // Not a backup, and a backup edited behind the log: refused, nothing left behind.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "=cmd|' /C calc'!A0").expect("junk");
    let elsewhere = dir.path().join("elsewhere.db");
    let elsewhere_url = format!("sqlite://{}", elsewhere.display());
    let (code, _, stderr) = run(
        &["restore", "--from", &junk.display().to_string()],
        &[("DATABASE_URL", &elsewhere_url)],
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("not a SQLite database"), "{stderr}");
    let edited = dir.path().join("edited.db");
    std::fs::copy(&backup, &edited).expect("copy");
    block(async {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", edited.display()))
            .await
            .expect("open");
        sqlx::query(
            "UPDATE purchases SET amount_fen = 1 WHERE id = (SELECT MIN(id) FROM purchases)",
        )
        .execute(&pool)
        .await
        .expect("edit");
        pool.close().await;
    });
    let (code, _, stderr) = run(
        &["restore", "--from", &edited.display().to_string()],
        &[("DATABASE_URL", &elsewhere_url)],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("does not verify") && stderr.contains("amount_yuan"),
        "{stderr}"
    );
    assert!(
        !elsewhere.exists(),
        "the refused restore left nothing behind"
    );
    let restored = Server::start(&[
        ("DATABASE_URL", &restored_url),
        ("QX_STATIC_DIR", "/nonexistent"),
    ]);
    let ids: Vec<i64> = block(async {
        let client = ::reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        let login = serde_json::json!({"username": "finance", "password": "demo-2026"});
        client
            .post(format!("{}/api/v1/session", restored.base_url))
            .json(&login)
            .send()
            .await
            .expect("login");
        // Every page of the list.
        let mut ids = Vec::new();
        let mut url = format!("{}/api/v1/purchases?limit=500", restored.base_url);
        loop {
            let v: serde_json::Value = client
                .get(&url)
                .send()
                .await
                .expect("purchases")
                .json()
                .await
                .expect("json");
            ids.extend(
                v["purchases"]
                    .as_array()
                    .expect("list")
                    .iter()
                    .filter_map(|p| p["id"].as_i64()),
            );
            match v["next_cursor"].as_str() {
                Some(c) => {
                    url = format!(
                        "{}/api/v1/purchases?limit=500&cursor={c}",
                        restored.base_url
                    )
                }
                None => return ids,
            }
        }
    });
    for id in before {
        assert!(
            ids.contains(&id),
            "purchase {id}, confirmed before the backup, is in the copy"
        );
    }
}

/// PostgreSQL has its own tool for backups; the command says so and fails.
#[test]
fn backup_on_postgres_points_to_pg_dump() {
    let url = quota_tests::pg::cluster().fresh_database();
    let (code, _, stderr) = run(
        &["backup", "--to", "/tmp/never-written.db"],
        &[("DATABASE_URL", &url)],
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("pg_dump"), "{stderr}");
}

/// PostgreSQL is backed up with its own tools, as README and deploy/README.md say: a
/// `pg_dump -Fc` of a database with fresh purchases, restored with `pg_restore` into a new
/// database, holds every acknowledged purchase and passes `audit verify`.
#[test]
fn pg_dump_and_pg_restore_bring_back_every_acknowledged_trade() {
    let cluster = quota_tests::pg::cluster();
    let url = cluster.fresh_database();
    assert_eq!(run(&["demo"], &[("DATABASE_URL", &url)]).0, Some(0));
    let server = Server::start(&[("DATABASE_URL", &url), ("QX_STATIC_DIR", "/nonexistent")]);
    let base = server.base_url.clone();
    let made: Vec<i64> = block(async {
        let buyer = quota_tests::api::Api::login(&base, "developer", "demo-2026").await;
        let mut made = Vec::new();
        for n in 0..5 {
            let body = serde_json::json!({"listing_id": 1, "area_mu": "0.1",
                "project": {"name": "备份恢复测试", "use": "industrial", "county_code": "450481"}});
            let (status, answer) = buyer
                .buy(&format!("pg-backup-{n}"), &body)
                .await
                .expect("answer");
            assert_eq!(status, 201, "{answer}");
            made.push(answer["purchase"]["id"].as_i64().expect("id"));
        }
        made
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let dump = dir.path().join("quota-exchange.dump");
    let pg_dump = quota_tests::pg::pg_bin("pg_dump").expect("pg_dump");
    let out = std::process::Command::new(pg_dump)
        .args(["-Fc", "-f"])
        .arg(&dump)
        .arg(&url)
        .output()
        .expect("pg_dump");
    assert!(
        out.status.success(),
        "pg_dump: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(server);

    let restored = cluster.fresh_database();
    let pg_restore = quota_tests::pg::pg_bin("pg_restore").expect("pg_restore");
    let out = std::process::Command::new(pg_restore)
        .args(["--no-owner", "-d", &restored])
        .arg(&dump)
        .output()
        .expect("pg_restore");
    assert!(
        out.status.success(),
        "pg_restore: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, stdout, stderr) = run(&["audit", "verify"], &[("DATABASE_URL", &restored)]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let server = Server::start(&[
        ("DATABASE_URL", &restored),
        ("QX_STATIC_DIR", "/nonexistent"),
    ]);
    let ids: Vec<i64> = block(async {
        let finance = quota_tests::api::Api::login(&server.base_url, "finance", "demo-2026").await;
        finance
            .all("/api/v1/purchases", "purchases")
            .await
            .iter()
            .filter(|p| p["project"]["name"] == "备份恢复测试")
            .filter_map(|p| p["id"].as_i64())
            .collect()
    });
    let mut expected = made.clone();
    expected.reverse();
    assert_eq!(ids, expected, "every acknowledged purchase, once");
}

//! The real `quota-exchange` binary, as an operator runs it.

use quota_tests::binary::{Server, run};

fn temp_sqlite() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("qx.db").display());
    (dir, url)
}

#[test]
fn an_invalid_database_url_gives_one_line_naming_the_variable() {
    for bad in ["mysql://root@localhost/qx", "data/qx.db", "sqlite:"] {
        let (code, _, stderr) = run(&["migrate"], &[("DATABASE_URL", bad)]);
        assert_eq!(code, Some(2), "{bad}: {stderr}");
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "one line, got: {stderr}");
        assert!(lines[0].contains("DATABASE_URL"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn an_unreachable_postgres_names_the_variable_and_hides_the_password() {
    // Port 1 on loopback: nothing listens there.
    let (code, _, stderr) = run(
        &["migrate"],
        &[("DATABASE_URL", "postgres://qx:secret@127.0.0.1:1/qx")],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");
    assert!(
        !stderr.contains("secret"),
        "the password must not be printed: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn demo_then_serve_answers_with_the_demo_base_prices() {
    let (_dir, url) = temp_sqlite();
    let (code, stdout, stderr) = run(&["demo"], &[("DATABASE_URL", &url)]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("演示数据已载入"), "{stdout}");
    let (_, again, _) = run(&["demo"], &[("DATABASE_URL", &url)]);
    assert!(
        again.contains("演示数据已存在"),
        "the demo loads once: {again}"
    );

    let server = Server::start(&[("DATABASE_URL", &url), ("QX_STATIC_DIR", "/nonexistent")]);
    let body: serde_json::Value =
        reqwest::blocking_get(&format!("{}/api/v1/counties", server.base_url));
    let teng = body["counties"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["name"] == "藤县"))
        .expect("藤县");
    assert_eq!(teng["base_price_per_mu"], "280000.00");
}

#[test]
fn user_add_reads_the_password_from_stdin_and_the_account_can_log_in() {
    let (_dir, url) = temp_sqlite();
    let add = |args: &[&str], stdin: &str| {
        let mut child = std::process::Command::new(quota_tests::binary::binary_path())
            .args(args)
            .env("DATABASE_URL", &url)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), stdin.as_bytes())
            .expect("write");
        let out = child.wait_with_output().expect("wait");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let base = [
        "user",
        "add",
        "--username",
        "teng",
        "--role",
        "county_bureau",
        "--county",
        "450422",
        "--password-stdin",
    ];
    let (code, stderr) = add(&base, "s3cret-password\n");
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stderr) = add(&base, "s3cret-password\n");
    assert_eq!(code, Some(2), "a taken username is refused");
    assert!(stderr.contains("已存在"), "{stderr}");
    let (code, stderr) = add(
        &[
            "user",
            "add",
            "--username",
            "bureau-x",
            "--role",
            "county_bureau",
            "--password-stdin",
        ],
        "long-enough-pw\n",
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("--county"), "{stderr}");
    let (code, stderr) = add(
        &[
            "user",
            "add",
            "--username",
            "buyer-y",
            "--role",
            "emperor",
            "--password-stdin",
        ],
        "long-enough-pw\n",
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("role"), "{stderr}");

    let server = Server::start(&[("DATABASE_URL", &url), ("QX_STATIC_DIR", "/nonexistent")]);
    let status = |password: &str| {
        let body = serde_json::json!({"username": "teng", "password": password});
        let url = format!("{}/api/v1/session", server.base_url);
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(async {
                ::reqwest::Client::new()
                    .post(url)
                    .json(&body)
                    .send()
                    .await
                    .expect("POST")
                    .status()
                    .as_u16()
            })
    };
    assert_eq!(
        status("s3cret-password"),
        200,
        "exactly one trailing newline was stripped"
    );
    assert_eq!(status("s3cret-password\n"), 401);
}

#[test]
fn without_a_built_web_app_the_page_says_so_and_the_api_works() {
    let (_dir, url) = temp_sqlite();
    let server = Server::start(&[("DATABASE_URL", &url), ("QX_STATIC_DIR", "/nonexistent")]);
    let page = reqwest::blocking_text(&format!("{}/", server.base_url));
    assert!(page.contains("网页前端尚未构建"), "{page}");
    let health: serde_json::Value = reqwest::blocking_get(&format!("{}/healthz", server.base_url));
    assert_eq!(health["database"], "sqlite");
}

#[test]
fn the_built_web_app_is_served_from_the_static_dir_with_an_spa_fallback() {
    let (_dir, url) = temp_sqlite();
    let dist = tempfile::tempdir().expect("dist");
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><title>增减挂钩</title>",
    )
    .expect("index");
    std::fs::write(dist.path().join("app.wasm"), b"\0asm").expect("wasm");
    let static_dir = dist.path().display().to_string();
    let server = Server::start(&[("DATABASE_URL", &url), ("QX_STATIC_DIR", &static_dir)]);
    assert!(reqwest::blocking_text(&format!("{}/", server.base_url)).contains("增减挂钩"));
    assert!(
        reqwest::blocking_text(&format!("{}/market/listings", server.base_url))
            .contains("增减挂钩"),
        "unknown page paths fall back to index.html"
    );
    let wasm = reqwest::blocking_content_type(&format!("{}/app.wasm", server.base_url));
    assert_eq!(wasm, "application/wasm");
}

/// Tiny blocking helpers over a current-thread runtime.
mod reqwest {
    fn block<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(f)
    }
    pub fn blocking_get(url: &str) -> serde_json::Value {
        block(async {
            ::reqwest::get(url)
                .await
                .expect("GET")
                .json()
                .await
                .expect("JSON")
        })
    }
    pub fn blocking_text(url: &str) -> String {
        block(async {
            ::reqwest::get(url)
                .await
                .expect("GET")
                .text()
                .await
                .expect("text")
        })
    }
    pub fn blocking_content_type(url: &str) -> String {
        block(async {
            let r = ::reqwest::get(url).await.expect("GET");
            r.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        })
    }
}

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

fn block<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// `demo` goes only into an empty database (its accounts' password is published): a
/// database with an account of its own is refused, unchanged; the demo's own database is
/// left as it is on a second run.
#[test]
fn demo_refuses_a_database_that_already_holds_accounts() {
    let (_dir, url) = temp_sqlite();
    let mut child = std::process::Command::new(quota_tests::binary::binary_path())
        .args([
            "user",
            "add",
            "--username",
            "chief",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .env("DATABASE_URL", &url)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), b"a-real-password\n")
        .expect("write");
    assert_eq!(child.wait().expect("wait").code(), Some(0));

    let (code, stdout, stderr) = run(&["demo"], &[("DATABASE_URL", &url)]);
    assert_eq!(code, Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains("1 个账号") && stderr.contains("empty database"),
        "{stderr}"
    );
    assert!(
        !stdout.contains("demo-2026"),
        "no demo logins printed: {stdout}"
    );
    // Nothing was added: the demo administrator cannot log in, the real one still can.
    let server = Server::start(&[("DATABASE_URL", &url), ("QX_STATIC_DIR", "/nonexistent")]);
    let status = |username: &str, password: &str| {
        block(async {
            ::reqwest::Client::new()
                .post(format!("{}/api/v1/session", server.base_url))
                .json(&serde_json::json!({"username": username, "password": password}))
                .send()
                .await
                .expect("login")
                .status()
                .as_u16()
        })
    };
    assert_eq!(status("admin", "demo-2026"), 401);
    assert_eq!(status("chief", "a-real-password"), 200);
    drop(server);

    let (fresh_dir, fresh) = temp_sqlite();
    assert_eq!(run(&["demo"], &[("DATABASE_URL", &fresh)]).0, Some(0));
    let (code, stdout, _) = run(&["demo"], &[("DATABASE_URL", &fresh)]);
    assert_eq!(code, Some(0), "the demo's own database again: {stdout}");
    assert!(stdout.contains("already present"), "{stdout}");
    drop(fresh_dir);
}

/// SIGTERM (systemctl stop, a rolling update): the server stops taking connections, finishes
/// the request in flight — here one whose body is still arriving — and then exits cleanly.
#[test]
fn sigterm_finishes_the_request_in_flight_then_exits() {
    use std::io::{Read, Write};
    let (_dir, url) = temp_sqlite();
    assert_eq!(run(&["demo"], &[("DATABASE_URL", &url)]).0, Some(0));
    let mut server = Server::start(&[("DATABASE_URL", &url), ("QX_STATIC_DIR", "/nonexistent")]);
    let addr = server.base_url.trim_start_matches("http://").to_string();
    let body = br#"{"username":"developer","password":"demo-2026"}"#;
    let mut conn = std::net::TcpStream::connect(&addr).expect("connect");
    write!(
        conn,
        "POST /api/v1/session HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .expect("headers");
    conn.write_all(&body[..10]).expect("half the body");
    conn.flush().expect("flush");
    std::thread::sleep(std::time::Duration::from_millis(200));

    let killed = std::process::Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(server.running(), "it waits for the request in flight");
    assert!(
        std::net::TcpStream::connect(&addr).is_err(),
        "no new connections after SIGTERM"
    );

    conn.write_all(&body[10..]).expect("the rest of the body");
    let mut answer = String::new();
    conn.read_to_string(&mut answer).expect("the answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("developer"), "{answer}");
    assert_eq!(
        server.wait_for_exit(std::time::Duration::from_secs(10)),
        Some(Some(0)),
        "then it exits cleanly"
    );
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

/// `QX_LOG_FORMAT=json`: one JSON object per line, each request's line with its status and
/// the request id it was answered with; an unknown format is refused at start.
#[test]
fn json_logs_carry_each_request_with_its_id() {
    use std::io::BufRead;
    let (_dir, url) = temp_sqlite();
    let (code, _, stderr) = run(
        &["serve"],
        &[("DATABASE_URL", &url), ("QX_LOG_FORMAT", "xml")],
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("QX_LOG_FORMAT"), "{stderr}");

    let mut child = std::process::Command::new(quota_tests::binary::binary_path())
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("DATABASE_URL", &url)
        .env("QX_STATIC_DIR", "/nonexistent")
        .env("QX_LOG_FORMAT", "json")
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("serve");
    let stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let base = stdout
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("listening on ").map(str::to_string))
        .expect("listening");
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    block(async {
        ::reqwest::Client::new()
            .get(format!("{base}/api/v1/counties"))
            .header("X-Request-Id", "log-test-42")
            .send()
            .await
            .expect("request");
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut seen = Vec::new();
    let found = loop {
        let Ok(line) = rx.recv_timeout(std::time::Duration::from_millis(200)) else {
            if std::time::Instant::now() > deadline {
                break None;
            }
            continue;
        };
        let value: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|_| panic!("every log line is JSON: {line}"));
        if value["span"]["id"] == "log-test-42" && value["fields"]["status"] == 200 {
            break Some(value);
        }
        seen.push(line);
    };
    let _ = child.kill();
    let _ = child.wait();
    let line = found.unwrap_or_else(|| panic!("the request's line: {seen:#?}"));
    assert_eq!(line["level"], "INFO");
    assert_eq!(line["span"]["path"], "/api/v1/counties");
}

/// Settings come from flags and the environment, else an optional TOML file, else defaults;
/// `config` shows each with its source and never a password; a bad one stops the binary
/// naming it.
#[test]
fn config_shows_the_effective_settings_and_a_bad_one_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("quota-exchange.toml");
    std::fs::write(
        &file,
        "database_url = \"postgres://qx:s3cret@db.internal:5432/qx\"\nsession_idle_minutes = 20\nreservation_days = 10\n",
    )
    .expect("settings file");
    let file_arg = file.display().to_string();
    let (code, stdout, stderr) = run(
        &["config", "--config", &file_arg],
        &[("QX_RESERVATION_DAYS", "7"), ("DATABASE_URL", "")],
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(!stdout.contains("s3cret"), "{stdout}");
    for line in [
        "session_idle_minutes (QX_SESSION_IDLE_MINUTES) = 20  [file]",
        "reservation_days (QX_RESERVATION_DAYS) = 7  [flag/env]",
        "session_lifetime_hours (QX_SESSION_LIFETIME_HOURS) = 12  [default]",
    ] {
        assert!(stdout.contains(line), "{line} in:\n{stdout}");
    }

    std::fs::write(&file, "session_idle_minutes = 5000\n").expect("write");
    let (code, _, stderr) = run(&["serve", "--config", &file_arg], &[]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("session_idle_minutes"), "{stderr}");
    std::fs::write(&file, "sesion_idle_minutes = 5\n").expect("write");
    let (code, _, stderr) = run(&["config", "--config", &file_arg], &[]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("sesion_idle_minutes"),
        "a misspelt key is named: {stderr}"
    );
    let (code, _, stderr) = run(&["serve"], &[("QX_DEPOSIT_PERCENT", "ten")]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("deposit_percent"), "{stderr}");

    // A setting takes effect: sessions of at most 2 hours get a cookie of at most 2 hours.
    let url = format!("sqlite://{}", dir.path().join("qx.db").display());
    assert_eq!(run(&["demo"], &[("DATABASE_URL", &url)]).0, Some(0));
    let server = Server::start(&[
        ("DATABASE_URL", &url),
        ("QX_STATIC_DIR", "/nonexistent"),
        ("QX_SESSION_LIFETIME_HOURS", "2"),
    ]);
    let cookie = block(async {
        ::reqwest::Client::new()
            .post(format!("{}/api/v1/session", server.base_url))
            .json(&serde_json::json!({"username": "finance", "password": "demo-2026"}))
            .send()
            .await
            .expect("login")
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    });
    assert!(cookie.contains("Max-Age=7200"), "{cookie}");
    drop(server);

    // A lower bid ceiling: 250,000 元/亩 on the 忻城县 lot (17.5335 亩) is its start total, so
    // one step more is refused, naming the ceiling.
    let server = Server::start(&[
        ("DATABASE_URL", &url),
        ("QX_STATIC_DIR", "/nonexistent"),
        ("QX_BID_CEILING_PER_MU", "250000"),
    ]);
    let (status, body) = block(async {
        let bidder = quota_tests::api::Api::login(&server.base_url, "changzhou", "demo-2026").await;
        let lots = bidder
            .all(
                "/api/v1/listings?channel=regional&status=bidding",
                "listings",
            )
            .await;
        let lot = lots
            .iter()
            .find(|l| l["area_mu"] == "17.5335")
            .and_then(|l| l["id"].as_i64())
            .expect("the 忻城县 lot");
        bidder
            .post(
                &format!("/api/v1/listings/{lot}/bids"),
                &serde_json::json!({"amount_yuan": "4433375.00"}),
            )
            .await
            .expect("answer")
    });
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]["message_zh"]
            .as_str()
            .is_some_and(|m| m.contains("250,000.00 元/亩")),
        "{body}"
    );
}

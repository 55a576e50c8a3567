//! Running the real binary as an operator does: SIGTERM, JSON logs, the settings and
//! `quota-exchange config`.

use quota_tests::api::block;
use quota_tests::binary::{Server, run, temp_sqlite};

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
        "reservation_days (QX_RESERVATION_DAYS; fallback only: the rule version R15 in force wins) = 7  [flag/env]",
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

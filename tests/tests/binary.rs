//! The real `quota-exchange` binary, as an operator runs it.

use quota_tests::api::block;
use quota_tests::binary::{Server, run, temp_sqlite};

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
    // 监督 (纪检/审计): a read-only account, no county.
    let supervisor = [
        "user",
        "add",
        "--username",
        "jijian",
        "--role",
        "supervisor",
        "--password-stdin",
    ];
    let (code, stderr) = add(&supervisor, "long-enough-pw\n");
    assert_eq!(code, Some(0), "{stderr}");

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

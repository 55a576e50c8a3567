//! The deployment of deploy/README.md, run for real: nginx (the Debian package) with a
//! self-signed certificate terminating TLS in front of two `quota-exchange` instances on one
//! throwaway PostgreSQL, configured by deploy/nginx/quota-exchange.conf itself (its ports and
//! certificate paths replaced). A buyer works through nginx; one instance is killed midway;
//! the other keeps serving and nothing is lost.
//!
//! Needs `nginx`, `openssl` and `curl` (scripts/test.sh installs them):
//!   cargo test -p quota-tests --test deploy -- --nocapture

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use quota_tests::binary::{Server, run};

fn require(tool: &str) -> PathBuf {
    for dir in ["/usr/sbin", "/usr/bin", "/sbin", "/bin"] {
        let p = Path::new(dir).join(tool);
        if p.is_file() {
            return p;
        }
    }
    panic!("{tool} is missing: scripts/test.sh installs it (Debian packages nginx, openssl, curl)");
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// nginx in the foreground, stopped when dropped.
struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The shipped site configuration with this test's ports, addresses and certificate.
fn site_config(a: &str, b: &str, https: u16, http: u16, dir: &Path) -> String {
    let shipped = std::fs::read_to_string(
        quota_tests::workspace_root().join("deploy/nginx/quota-exchange.conf"),
    )
    .expect("deploy/nginx/quota-exchange.conf");
    let site = shipped
        .replace("127.0.0.1:8081", a)
        .replace("127.0.0.1:8082", b)
        .replace(
            "listen 443 ssl http2;",
            &format!("listen 127.0.0.1:{https} ssl http2;"),
        )
        .replace("listen 80;", &format!("listen 127.0.0.1:{http};"))
        .replace(
            "/etc/ssl/quota-exchange/fullchain.pem",
            &dir.join("cert.pem").display().to_string(),
        )
        .replace(
            "/etc/ssl/quota-exchange/privkey.pem",
            &dir.join("key.pem").display().to_string(),
        );
    // No IPv6 listeners in a test sandbox.
    let site: String = site
        .lines()
        .filter(|l| !l.trim_start().starts_with("listen [::]"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(
        site.contains(a) && site.contains(b),
        "the upstreams were replaced"
    );
    let d = dir.display();
    format!(
        "{user}worker_processes 1;\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  access_log {d}/access.log;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n{site}}}\n",
        user = if is_root() { "user root;\n" } else { "" },
    )
}

/// One curl request through nginx: (status, response headers, body).
fn curl(
    jar: &Path,
    method: &str,
    url: &str,
    body: Option<&str>,
    key: Option<&str>,
) -> (u16, String, String) {
    let headers = jar.with_extension(format!("headers-{}", rand_suffix()));
    let mut cmd = Command::new(require("curl"));
    cmd.args(["-sk", "--max-time", "20", "-X", method, "-D"])
        .arg(&headers)
        .args(["-c"])
        .arg(jar)
        .args(["-b"])
        .arg(jar)
        .args([
            "-w",
            "\n%{http_code}",
            "-H",
            "Content-Type: application/json",
        ]);
    if let Some(body) = body {
        cmd.args(["--data", body]);
    }
    if let Some(key) = key {
        cmd.args(["-H", &format!("Idempotency-Key: {key}")]);
    }
    let out = cmd.arg(url).output().expect("curl");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
    let head = std::fs::read_to_string(&headers).unwrap_or_default();
    (code.trim().parse().unwrap_or(0), head, body.to_string())
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

#[test]
fn two_instances_behind_nginx_keep_serving_when_one_is_killed() {
    let nginx_bin = require("nginx");
    let openssl = require("openssl");
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();

    let url = quota_tests::pg::cluster().fresh_database();
    let (code, out, err) = run(&["demo"], &[("DATABASE_URL", &url)]);
    assert_eq!(code, Some(0), "{out}{err}");
    let dist = quota_tests::workspace_root().join("frontend/dist");
    let dist = dist.display().to_string();
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("QX_STATIC_DIR", dist.as_str()),
    ];
    let a = Server::start(&env);
    let b = Server::start(&env);
    let addr = |s: &Server| s.base_url.trim_start_matches("http://").to_string();

    let status = Command::new(openssl)
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-keyout",
        ])
        .arg(d.join("key.pem"))
        .arg("-out")
        .arg(d.join("cert.pem"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl");
    assert!(status.success(), "a self-signed certificate");
    let (https, http) = (free_port(), free_port());
    std::fs::write(
        d.join("nginx.conf"),
        site_config(&addr(&a), &addr(&b), https, http, d),
    )
    .expect("nginx.conf");
    let check = Command::new(&nginx_bin)
        .args(["-t", "-p"])
        .arg(d)
        .arg("-c")
        .arg(d.join("nginx.conf"))
        .output()
        .expect("nginx -t");
    assert!(
        check.status.success(),
        "nginx -t: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    let _nginx = Nginx(
        Command::new(&nginx_bin)
            .arg("-p")
            .arg(d)
            .arg("-c")
            .arg(d.join("nginx.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nginx"),
    );
    let base = format!("https://localhost:{https}");
    let jar = d.join("cookies.txt");
    let deadline = Instant::now() + Duration::from_secs(10);
    while curl(&jar, "GET", &format!("{base}/healthz"), None, None).0 != 200 {
        assert!(
            Instant::now() < deadline,
            "nginx answers: {}",
            std::fs::read_to_string(d.join("error.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // Plain HTTP is sent to HTTPS; the page and the API come through TLS.
    let (code, head, _) = curl(
        &jar,
        "GET",
        &format!("http://localhost:{http}/market"),
        None,
        None,
    );
    assert_eq!(code, 301, "{head}");
    assert!(head.to_lowercase().contains("location: https://"), "{head}");
    let (code, _, page) = curl(&jar, "GET", &format!("{base}/"), None, None);
    assert_eq!(code, 200);
    assert!(page.contains("<html"), "the web app: {page}");
    // Metrics stay inside: nginx hides them, each instance serves them to the scraper.
    assert_eq!(
        curl(&jar, "GET", &format!("{base}/metrics"), None, None).0,
        404
    );
    let (code, _, metrics) = curl(&jar, "GET", &format!("{}/metrics", a.base_url), None, None);
    assert_eq!(code, 200);
    assert!(metrics.contains("http_requests_total"), "{metrics}");

    // The buyer logs in: over HTTPS the cookie is __Host- prefixed and Secure.
    let (code, head, body) = curl(
        &jar,
        "POST",
        &format!("{base}/api/v1/session"),
        Some(r#"{"username":"developer","password":"demo-2026"}"#),
        None,
    );
    assert_eq!(code, 200, "{body}");
    let cookie = head
        .lines()
        .find(|l| l.to_lowercase().starts_with("set-cookie:"))
        .unwrap_or_default()
        .to_string();
    assert!(
        cookie.contains("__Host-qx_session=") && cookie.contains("Secure"),
        "{cookie}"
    );

    let (_, _, listings) = curl(
        &jar,
        "GET",
        &format!("{base}/api/v1/listings?channel=county&status=open"),
        None,
        None,
    );
    let listing = json(&listings)["listings"]
        .as_array()
        .and_then(|l| l.first())
        .and_then(|l| l["id"].as_i64())
        .expect("an open county listing in the demo data");
    let buy = |key: &str| {
        let body = format!(
            r#"{{"listing_id":{listing},"area_mu":"0.5","project":{{"name":"部署测试项目","use":"industrial","county_code":"450481"}}}}"#
        );
        let (code, _, answer) = curl(
            &jar,
            "POST",
            &format!("{base}/api/v1/purchases"),
            Some(&body),
            Some(key),
        );
        (code, answer)
    };
    let (code, first) = buy("deploy-1");
    assert_eq!(code, 201, "{first}");
    let first = json(&first)["purchase"]["id"].as_i64().expect("id");

    // One instance dies (kill -9); nginx sends everything to the other.
    drop(a);
    for n in 0..10 {
        let (code, _, body) = curl(&jar, "GET", &format!("{base}/api/v1/purchases"), None, None);
        assert_eq!(code, 200, "request {n} after the kill: {body}");
    }
    let (code, second) = buy("deploy-2");
    assert_eq!(code, 201, "{second}");
    let second = json(&second)["purchase"]["id"].as_i64().expect("id");
    let (code, again) = buy("deploy-1");
    assert_eq!(
        (code, json(&again)["purchase"]["id"].as_i64()),
        (201, Some(first)),
        "a retry is the same purchase"
    );

    let (_, _, mine) = curl(
        &jar,
        "GET",
        &format!("{base}/api/v1/purchases?limit=500"),
        None,
        None,
    );
    let ids: Vec<i64> = json(&mine)["purchases"]
        .as_array()
        .expect("purchases")
        .iter()
        .filter(|p| p["project"]["name"] == "部署测试项目")
        .filter_map(|p| p["id"].as_i64())
        .collect();
    assert_eq!(ids, vec![second, first], "both purchases, once each");
    drop(b);
    let (code, out, err) = run(&["audit", "verify"], &[("DATABASE_URL", &url)]);
    assert_eq!(code, Some(0), "{out}{err}");
    println!(
        "deploy: nginx (TLS) → 2 instances → PostgreSQL; one killed midway; 10 reads and 2 purchases served by the other; a retried key replayed; audit verify intact"
    );
}

//! The throwaway PostgreSQL harness cleans up after itself even when its test process is
//! killed (as Ctrl-C or a CI timeout would): no stray server is left behind.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Run only as the child of the test below: starts a cluster, reports it, then waits to be
/// killed.
#[test]
#[ignore = "helper process for a_killed_test_process_leaves_no_postgres_server_behind"]
fn helper_start_cluster_and_wait() {
    if std::env::var_os("QX_PG_HARNESS_CHILD").is_none() {
        return;
    }
    let cluster = quota_tests::pg::cluster();
    println!("CLUSTER {} {}", cluster.dir().display(), cluster.port());
    std::thread::sleep(Duration::from_secs(120));
}

#[test]
fn a_killed_test_process_leaves_no_postgres_server_behind() {
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--ignored",
            "--exact",
            "helper_start_cluster_and_wait",
            "--nocapture",
        ])
        .env("QX_PG_HARNESS_CHILD", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("child test process");
    let stdout = child.stdout.take().expect("stdout");
    let (dir, port) = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| {
            let rest = l.strip_prefix("CLUSTER ")?;
            let (dir, port) = rest.rsplit_once(' ')?;
            Some((PathBuf::from(dir), port.parse::<u16>().ok()?))
        })
        .expect("the child reports its cluster");
    let pidfile = dir.join("data/postmaster.pid");
    assert!(pidfile.exists(), "the cluster is running");
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok(),
        "it accepts connections"
    );

    child.kill().expect("kill the child"); // SIGKILL: no destructor, no exit hook runs.
    let _ = child.wait();

    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline
        && (dir.exists() || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok())
    {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(!dir.exists(), "the watchdog deleted {}", dir.display());
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "no server listens on {port} any more"
    );
}

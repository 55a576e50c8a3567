//! A throwaway PostgreSQL cluster for tests. One per test process, started on first use.
//!
//! Every cluster lives in `$TMPDIR/quota-exchange-pg/cluster-<pid>-<n>/` with `owner.pid` (the
//! test process). A watchdog started with `setsid` (so Ctrl-C on the terminal does not kill
//! it first) waits for the owner to exit, then stops the server and deletes the folder. Should
//! the watchdog die too, the next start reaps every cluster whose owner is gone.
//!
//! Each caller gets a fresh database in the cluster ([`PgCluster::fresh_database`]), so tests
//! stay independent while paying for initdb once.

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

pub struct PgCluster {
    dir: PathBuf,
    port: u16,
}

static CLUSTER: OnceLock<Result<PgCluster, String>> = OnceLock::new();
static NEXT_DB: AtomicU32 = AtomicU32::new(0);

/// The shared cluster of this test process; panics with the reason if it cannot start.
pub fn cluster() -> &'static PgCluster {
    match CLUSTER.get_or_init(PgCluster::start) {
        Ok(c) => c,
        Err(e) => panic!("throwaway PostgreSQL did not start: {e}"),
    }
}

fn base_dir() -> PathBuf {
    std::env::temp_dir().join("quota-exchange-pg")
}

fn is_root() -> bool {
    // SAFETY-free check: root's uid is 0 in /proc/self/status.
    fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

fn process_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Finds a PostgreSQL server program: on PATH, or in Debian's versioned folder.
pub fn pg_bin(name: &str) -> Result<PathBuf, String> {
    if let Ok(path) = std::env::var("PATH") {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    let mut versions: Vec<PathBuf> = fs::read_dir("/usr/lib/postgresql")
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path().join("bin").join(name))
                .collect()
        })
        .unwrap_or_default();
    versions.sort();
    versions
        .pop()
        .filter(|p| p.is_file())
        .ok_or_else(|| format!("{name} not found; install PostgreSQL server binaries (Debian: apt-get install postgresql)"))
}

/// Runs a shell command line as the `postgres` user when we are root (initdb and pg_ctl refuse
/// to run as root), else as ourselves.
fn run_as_pg(cmdline: &str) -> Result<(), String> {
    let output = if is_root() {
        Command::new("su")
            .args(["postgres", "-s", "/bin/sh", "-c", cmdline])
            .output()
    } else {
        Command::new("sh").args(["-c", cmdline]).output()
    }
    .map_err(|e| format!("{cmdline}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmdline}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

fn shell_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', "'\\''"))
}

/// Stops and deletes clusters whose owner process is gone.
fn reap_stale(pg_ctl: &Path) {
    let Ok(entries) = fs::read_dir(base_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let dir = entry.path();
        let owner = fs::read_to_string(dir.join("owner.pid"))
            .ok()
            .and_then(|s| s.trim().parse::<u32>().ok());
        if owner.is_some_and(process_alive) {
            continue;
        }
        let data = dir.join("data");
        if data.join("postmaster.pid").exists() {
            let _ = run_as_pg(&format!(
                "{} -D {} -m immediate stop",
                shell_quote(pg_ctl),
                shell_quote(&data)
            ));
        }
        let _ = fs::remove_dir_all(&dir);
    }
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// Settings of the shared test cluster: nothing waits for the disk.
const FAST: &str = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off";

impl PgCluster {
    fn start() -> Result<Self, String> {
        Self::start_with(FAST)
    }

    /// A cluster of its own with PostgreSQL's durable defaults (every commit flushed), for
    /// the benchmarks; stopped and deleted when this process ends.
    pub fn start_durable() -> Result<Self, String> {
        Self::start_with("")
    }

    fn start_with(settings: &str) -> Result<Self, String> {
        let initdb = pg_bin("initdb")?;
        let pg_ctl = pg_bin("pg_ctl")?;
        reap_stale(&pg_ctl);
        let pid = std::process::id();
        let dir = base_dir().join(format!(
            "cluster-{pid}-{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        ));
        fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        fs::write(dir.join("owner.pid"), pid.to_string()).map_err(|e| e.to_string())?;
        if is_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .map_err(|e| e.to_string())?;
            if !status.success() {
                return Err("chown to the postgres user failed".into());
            }
            // The postgres user must be able to reach the folder.
            let _ = Command::new("chmod").args(["755"]).arg(base_dir()).status();
        }
        let data = dir.join("data");
        run_as_pg(&format!(
            "{} -D {} -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null",
            shell_quote(&initdb),
            shell_quote(&data)
        ))?;
        let port = free_port()?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 {settings} -c max_connections=200",
            dir.display()
        );
        run_as_pg(&format!(
            "{} -D {} -o \"{options}\" -l {} -w start >/dev/null",
            shell_quote(&pg_ctl),
            shell_quote(&data),
            shell_quote(&dir.join("server.log"))
        ))?;
        // The watchdog: stop the server and delete the folder once this process is gone.
        let stop = format!(
            "{} -D {} -m immediate stop",
            shell_quote(&pg_ctl),
            shell_quote(&data)
        );
        let stop = if is_root() {
            format!("su postgres -s /bin/sh -c \"{stop}\"")
        } else {
            stop
        };
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {stop} >/dev/null 2>&1; rm -rf {}",
            shell_quote(&dir)
        );
        Command::new("setsid")
            .args(["sh", "-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("watchdog: {e}"))?;
        Ok(Self { dir, port })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// URL of the maintenance database.
    pub fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Creates a new empty database and returns its URL.
    pub fn fresh_database(&self) -> String {
        let n = NEXT_DB.fetch_add(1, Ordering::SeqCst);
        let name = format!("qx_test_{}_{n}", std::process::id());
        let psql = pg_bin("psql").unwrap_or_else(|_| PathBuf::from("psql"));
        let status = Command::new(psql)
            .args([
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-c",
            ])
            .arg(format!("CREATE DATABASE {name}"))
            .arg("postgres")
            .stdout(Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("psql: {e}"));
        assert!(status.success(), "CREATE DATABASE {name} failed");
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }
}

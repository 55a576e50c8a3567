//! The real `quota-exchange` binary, started on a free port with its own database, for the
//! end-to-end tests. Killed when dropped.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A SQLite URL in a fresh temporary directory (kept while the `TempDir` lives).
pub fn temp_sqlite() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("qx.db").display());
    (dir, url)
}

/// Where the binary is: `QX_BIN`, else the release build in the workspace.
pub fn binary_path() -> PathBuf {
    std::env::var_os("QX_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::workspace_root().join("target/release/quota-exchange"))
}

/// Runs the binary once with `args` and `env`; returns (exit code, stdout, stderr).
pub fn run(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let bin = binary_path();
    assert!(
        bin.is_file(),
        "{} is missing: build it with `cargo build --release -p quota-backend` or run scripts/test.sh",
        bin.display()
    );
    let output = Command::new(&bin)
        .args(args)
        .envs(env.iter().copied())
        .env_remove("RUST_LOG")
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A running server.
pub struct Server {
    child: Child,
    pub base_url: String,
}

impl Server {
    /// Starts `quota-exchange serve --addr 127.0.0.1:0` and waits for its "listening on" line.
    pub fn start(env: &[(&str, &str)]) -> Server {
        let bin = binary_path();
        assert!(
            bin.is_file(),
            "{} is missing: run scripts/test.sh",
            bin.display()
        );
        let mut child = Command::new(&bin)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
        let stdout = child.stdout.take().expect("piped stdout");
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut lines = BufReader::new(stdout).lines();
        let base_url = loop {
            assert!(
                Instant::now() < deadline,
                "server did not report its address in 30 s"
            );
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(url) = line.strip_prefix("listening on ") {
                        break url.trim().to_string();
                    }
                }
                _ => panic!("server exited before listening"),
            }
        };
        // Keep reading so the server never writes into a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Server { child, base_url }
    }
}

impl Server {
    /// The server's process id (to send it a signal).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits up to `timeout` for the process to exit by itself; its exit code, if it did.
    pub fn wait_for_exit(&mut self, timeout: Duration) -> Option<Option<i32>> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status.code());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

//! The test harness shared by the backend's integration tests and the end-to-end tests:
//!
//! - [`periods`]: R16 at zero days, for tests about something else.
//! - [`pg`]: a throwaway PostgreSQL cluster (initdb + pg_ctl in a temp dir on a free port),
//!   stopped when the test process ends — normally, on failure, or killed by Ctrl-C — by a
//!   detached watchdog; a cluster whose owner died without its watchdog is reaped at the next
//!   start through its pidfile.
//! - [`binary`]: the real `quota-exchange` binary started on a free port with its own database.
//! - [`api`]: a logged-in HTTP client of that binary, for the race and crash suites.
//! - [`load`]: load generation, percentiles and memory for the benchmark harness
//!   (`src/bin/bench/`).
//! - [`race`]: the race scenario and its invariants, run by `tests/tests/race.rs`.
//! - [`crash`]: kill -9 during purchases and lot closes, and the checks after a restart
//!   (`tests/tests/crash.rs`).

pub mod api;
pub mod binary;
pub mod crash;
pub mod imports;
pub mod load;
pub mod periods;
pub mod pg;
pub mod race;

/// The workspace root (this crate lives in `tests/`).
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default()
}

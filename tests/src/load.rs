//! Load generation and figures for the benchmark harness (`src/bin/bench/`): closed-loop
//! clients for throughput, an open-loop fixed rate for latency (each request timed from when
//! it was due, so a slow answer cannot hide the requests queued behind it), percentiles and a
//! process's resident memory.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Latencies of one run and what they add up to.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub count: usize,
    pub elapsed: Duration,
    sorted: Vec<Duration>,
}

impl Stats {
    pub fn new(mut latencies: Vec<Duration>, elapsed: Duration) -> Self {
        latencies.sort_unstable();
        Self {
            count: latencies.len(),
            elapsed,
            sorted: latencies,
        }
    }

    /// Completed operations per second over the run.
    pub fn per_second(&self) -> f64 {
        self.count as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The latency below which `p` percent of the operations finished (nearest rank).
    pub fn percentile(&self, p: f64) -> Duration {
        if self.sorted.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * self.sorted.len() as f64).ceil() as usize;
        self.sorted[rank.clamp(1, self.sorted.len()) - 1]
    }

    pub fn mean(&self) -> Duration {
        if self.sorted.is_empty() {
            return Duration::ZERO;
        }
        self.sorted.iter().sum::<Duration>() / self.sorted.len() as u32
    }

    pub fn max(&self) -> Duration {
        self.sorted.last().copied().unwrap_or_default()
    }
}

/// `clients` tasks each running `op` back to back for `run_for`; the latencies of the
/// operations that succeeded (`op` answers whether it did) and how many failed.
pub async fn closed_loop<F, Fut>(clients: usize, run_for: Duration, op: F) -> (Stats, usize)
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    let op = Arc::new(op);
    let started = Instant::now();
    let deadline = started + run_for;
    let mut tasks = Vec::new();
    for client in 0..clients {
        let op = op.clone();
        tasks.push(tokio::spawn(async move {
            let (mut ok, mut failed) = (Vec::new(), 0usize);
            let mut n = 0u64;
            while Instant::now() < deadline {
                let t = Instant::now();
                if op(client, n).await {
                    ok.push(t.elapsed());
                } else {
                    failed += 1;
                }
                n += 1;
            }
            (ok, failed)
        }));
    }
    let (mut all, mut failed) = (Vec::new(), 0);
    for task in tasks {
        let (ok, f) = task.await.expect("a load client");
        all.extend(ok);
        failed += f;
    }
    (Stats::new(all, started.elapsed()), failed)
}

/// `op` started `rate` times a second for `run_for`, whether or not earlier ones finished;
/// each latency counts from the moment its request was due.
///
/// The requests are paced by a thread of their own sleeping to each due time, not by
/// tokio's timer: its wheel turns once a millisecond, so every request would start up to a
/// millisecond late, by an amount fixed for the run and counted in every latency (the
/// baseline's too), while a thread's sleep ends within tens of microseconds.
pub async fn fixed_rate<F, Fut>(rate: u32, run_for: Duration, op: F) -> (Stats, usize)
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send + 'static,
{
    let interval = Duration::from_secs(1) / rate;
    let total = (run_for.as_secs_f64() * f64::from(rate)) as u64;
    let runtime = tokio::runtime::Handle::current();
    let started = Instant::now();
    let tasks = tokio::task::spawn_blocking(move || {
        let mut tasks = Vec::with_capacity(total as usize);
        for n in 0..total {
            let due = started + interval * n as u32;
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            let request = op(n);
            tasks.push(runtime.spawn(async move { (request.await, due.elapsed()) }));
        }
        tasks
    })
    .await
    .expect("the pacing thread");
    let (mut ok, mut failed) = (Vec::new(), 0);
    for task in tasks {
        match task.await.expect("a request") {
            (true, latency) => ok.push(latency),
            (false, _) => failed += 1,
        }
    }
    (Stats::new(ok, started.elapsed()), failed)
}

/// A process's resident memory now and at its peak (`VmRSS`, `VmHWM`), in KiB.
pub fn memory_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// Processor time (user and system, every thread) used so far by `pids` together, with that
/// of their children which have ended (a PostgreSQL server's backends of closed connections).
/// A process that has ended itself counts nothing.
pub fn cpu_time(pids: &[u32]) -> Duration {
    let ticks: u64 = pids
        .iter()
        .filter_map(|&pid| {
            // utime, stime, cutime and cstime: fields 14 to 17 of the line.
            stat_fields(pid)?
                .get(11..15)?
                .iter()
                .map(|f| f.parse::<u64>().ok())
                .sum::<Option<u64>>()
        })
        .sum();
    Duration::from_secs_f64(ticks as f64 / clock_ticks() as f64)
}

/// `parent` and every process whose parent it is (a PostgreSQL server and its backends).
pub fn with_children(parent: u32) -> Vec<u32> {
    let mut pids = vec![parent];
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return pids;
    };
    for entry in dir.flatten() {
        let pid = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok());
        if let Some(pid) = pid
            && parent_of(pid) == Some(parent)
        {
            pids.push(pid);
        }
    }
    pids
}

/// The parent of process `pid` (field 4 of its `/proc/<pid>/stat`).
fn parent_of(pid: u32) -> Option<u32> {
    stat_fields(pid)?.get(1)?.parse().ok()
}

/// The fields of `/proc/<pid>/stat` after the command's name (which may hold spaces and
/// parentheses), from field 3 (the state) on; `None` once the process has gone.
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    Some(
        stat.rsplit_once(')')?
            .1
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
    )
}

/// The kernel's clock ticks a second (`getconf CLK_TCK`), 100 where it cannot be asked.
fn clock_ticks() -> u64 {
    static TICKS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|t| t.trim().parse().ok())
            .filter(|&t| t > 0)
            .unwrap_or(100)
    })
}

/// Milliseconds with two decimals, for the tables.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let stats = Stats::new(
            (1..=100).rev().map(Duration::from_millis).collect(),
            Duration::from_secs(2),
        );
        assert_eq!(stats.percentile(50.0), Duration::from_millis(50));
        assert_eq!(stats.percentile(99.0), Duration::from_millis(99));
        assert_eq!(stats.percentile(100.0), Duration::from_millis(100));
        assert_eq!(stats.max(), Duration::from_millis(100));
        assert_eq!(stats.mean(), Duration::from_micros(50_500));
        assert!((stats.per_second() - 50.0).abs() < 1e-9);
        assert_eq!(Stats::default().percentile(99.0), Duration::ZERO);
    }

    #[test]
    fn this_process_is_its_own_parents_child_and_uses_processor_time() {
        let me = std::process::id();
        let before = cpu_time(&[me]);
        // Spinning until the count moves (however busy the machine is), within a bound.
        let started = Instant::now();
        let mut x = 0u64;
        while cpu_time(&[me]) < before + Duration::from_millis(50)
            && started.elapsed() < Duration::from_secs(20)
        {
            for _ in 0..100_000 {
                x = std::hint::black_box(x.wrapping_add(1));
            }
        }
        let used = cpu_time(&[me]) - before;
        assert!(used >= Duration::from_millis(50), "{used:?} after spinning");
        assert!(
            used < started.elapsed() * 64,
            "{used:?} in {:?}",
            started.elapsed()
        );
        assert_eq!(cpu_time(&[u32::MAX]), Duration::ZERO, "no such process");
        let parent = std::os::unix::process::parent_id();
        assert_eq!(parent_of(me), Some(parent));
        assert!(with_children(parent).contains(&me));
    }

    #[test]
    fn memory_of_this_process_is_read_from_proc() {
        let (rss, peak) = memory_kib(std::process::id()).expect("/proc/self/status");
        assert!(rss > 0 && peak >= rss, "{rss} {peak}");
    }

    #[test]
    fn a_fixed_rate_starts_every_request_on_time() {
        let (stats, failed) = crate::api::block(fixed_rate(
            100,
            Duration::from_millis(300),
            |n| async move { n % 10 != 3 },
        ));
        assert_eq!(stats.count + failed, 30);
        assert_eq!(failed, 3);
        assert!(
            stats.elapsed >= Duration::from_millis(290),
            "{:?}",
            stats.elapsed
        );
    }
}

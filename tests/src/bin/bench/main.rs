//! The benchmark harness: every figure is printed beside a baseline measured by this harness in
//! the same run, on the same machine and disk, because only such ratios are trustworthy on a
//! shared machine. Run on demand, never by the test command:
//!
//! ```text
//! scripts/bench.sh                      # builds, runs every section, writes docs/benchmarks.md
//! cargo run --release -p quota-tests --bin bench -- [section …] [--seconds N] [--write FILE]
//! ```
//!
//! Sections: `purchases-sqlite`, `purchases-pg`, `static`, `reads`, `finance` (all by
//! default). The release binary must be built (`QX_BIN` overrides its path); `static` serves
//! `frontend/dist` (`QX_STATIC_DIR` overrides).
//!
//! | module | sections |
//! |---|---|
//! | `purchases` | `purchases-sqlite`, `purchases-pg`: durable purchases over HTTP beside a raw transaction / pgbench, and memory |
//! | `serving` | `static`, `reads`: static files beside `/healthz`, listing pages at a fixed rate beside a static file |
//! | `finance` | `finance`: the proceeds report and the exports over a million trades |

mod finance;
mod purchases;
mod serving;

use std::path::{Path, PathBuf};
use std::time::Duration;

use quota_tests::binary::run;
use sqlx::Connection;

/// One line of a result table.
struct Figure {
    case: String,
    figure: String,
    baseline: String,
    ratio: String,
    goal: String,
}

struct Section {
    title: &'static str,
    notes: Vec<String>,
    figures: Vec<Figure>,
}

impl Section {
    fn new(title: &'static str) -> Self {
        Self {
            title,
            notes: Vec::new(),
            figures: Vec::new(),
        }
    }

    fn add(&mut self, case: &str, figure: String, baseline: String, ratio: String, goal: &str) {
        println!("  {case}: {figure} | baseline {baseline} | {ratio} | goal {goal}");
        self.figures.push(Figure {
            case: case.to_string(),
            figure,
            baseline,
            ratio,
            goal: goal.to_string(),
        });
    }

    fn note(&mut self, text: String) {
        println!("  {text}");
        self.notes.push(text);
    }

    fn markdown(&self) -> String {
        let mut out = format!("### {}\n\n", self.title);
        out.push_str(
            "| case | figure | baseline (same run) | ratio | goal |\n|---|---:|---:|---:|---|\n",
        );
        for f in &self.figures {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                f.case, f.figure, f.baseline, f.ratio, f.goal
            ));
        }
        for n in &self.notes {
            out.push_str(&format!("\n{n}\n"));
        }
        out
    }
}

fn ratio(figure: f64, baseline: f64) -> String {
    format!("{:.2}×", figure / baseline.max(1e-12))
}

fn mib(kib: u64) -> String {
    format!("{:.1} MB", kib as f64 / 1024.0)
}

fn main() {
    let mut sections = Vec::new();
    let mut seconds = 10u64;
    let mut write: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                seconds = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .expect("--seconds N")
            }
            "--write" => write = Some(PathBuf::from(args.next().expect("--write FILE"))),
            name => sections.push(name.to_string()),
        }
    }
    if sections.is_empty() {
        sections = [
            "purchases-sqlite",
            "purchases-pg",
            "static",
            "reads",
            "finance",
        ]
        .map(String::from)
        .to_vec();
    }
    let run_for = Duration::from_secs(seconds);
    let mut done = Vec::new();
    for name in &sections {
        println!("== {name}");
        let section = match name.as_str() {
            "purchases-sqlite" => purchases::purchases_sqlite(run_for),
            "purchases-pg" => purchases::purchases_pg(run_for),
            "static" => serving::static_files(run_for),
            "reads" => serving::reads(run_for),
            "finance" => finance::finance(),
            other => panic!("unknown section {other}"),
        };
        done.push(section);
    }
    let report = report(&done, &sections, seconds);
    println!("\n{report}");
    if let Some(path) = write {
        write_into(&path, &report);
        println!("written to {}", path.display());
    }
}

/// The run's Markdown: the machine, the command, the tables.
fn report(done: &[Section], sections: &[String], seconds: u64) -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_default();
    let when = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let mut out = format!(
        "Run {when} on {cores} cores, {memory} memory. Command: \
         `cargo run --release -p quota-tests --bin bench -- {} --seconds {seconds}`.\n\n",
        sections.join(" ")
    );
    for s in done {
        out.push_str(&s.markdown());
        out.push('\n');
    }
    out
}

const BEGIN: &str = "<!-- bench:begin -->";
const END: &str = "<!-- bench:end -->";

/// Replaces the text between the bench markers of `path` (appends them if missing).
fn write_into(path: &Path, report: &str) {
    let old = std::fs::read_to_string(path).unwrap_or_default();
    let block = format!("{BEGIN}\n{report}{END}");
    let new = match (old.find(BEGIN), old.find(END)) {
        (Some(b), Some(e)) if b < e => format!("{}{block}{}", &old[..b], &old[e + END.len()..]),
        _ => format!("{old}\n## Latest harness run\n\n{block}\n"),
    };
    std::fs::write(path, new).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn demo(url: &str) {
    let (code, stdout, stderr) = run(&["demo"], &[("DATABASE_URL", url)]);
    assert_eq!(code, Some(0), "demo: {stdout}{stderr}");
    // The load buys what it lists at once.
    quota_tests::periods::zero_blocking(url);
}

fn static_dir() -> String {
    std::env::var("QX_STATIC_DIR").unwrap_or_else(|_| {
        quota_tests::workspace_root()
            .join("frontend/dist")
            .display()
            .to_string()
    })
}

/// Copies row `id` of `table` `count` times straight in SQL (every column but the id;
/// `overrides` replaces a column's expression, over `n.i` the copy's number).
async fn copy_rows(url: &str, table: &str, id: i64, count: u32, overrides: &[(&str, &str)]) {
    let mut conn = sqlx::SqliteConnection::connect(url)
        .await
        .expect("database");
    let columns: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_table_info($1)")
        .bind(table)
        .fetch_all(&mut conn)
        .await
        .expect("columns");
    let names: Vec<String> = columns
        .into_iter()
        .map(|(c,)| c)
        .filter(|c| c != "id")
        .collect();
    let values: Vec<String> = names
        .iter()
        .map(|c| {
            overrides
                .iter()
                .find(|(name, _)| name == c)
                .map_or_else(|| format!("{table}.{c}"), |(_, e)| e.to_string())
        })
        .collect();
    let sql = format!(
        "INSERT INTO {table} ({}) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) \
         SELECT {} FROM {table}, n WHERE {table}.id = {id}",
        names.join(", "),
        values.join(", ")
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&mut conn)
        .await
        .expect("copies");
}

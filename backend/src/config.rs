//! Settings: defaults that run (a SQLite file under `data/`), overridden by an optional TOML
//! file (`--config FILE` / `QX_CONFIG`), overridden in turn by the environment and flags. Each
//! is checked at start; a bad one stops the binary with a message naming it. Secrets
//! (database passwords) are never printed: see [`DatabaseUrl::redacted`]. `quota-exchange
//! config` prints the effective settings and where each came from.

use std::net::SocketAddr;
use std::path::PathBuf;

/// The default database: an embedded SQLite file, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/quota-exchange.db";
/// The default listening address.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
/// Where the built web app is looked for, relative to the working directory.
pub const DEFAULT_STATIC_DIR: &str = "frontend/dist";
/// A session unused this long lapses (a clerk away from an unlocked screen).
pub const DEFAULT_SESSION_IDLE: time::Duration = time::Duration::minutes(30);
/// The longest a session lasts however busy it is: a working day.
pub const DEFAULT_SESSION_LIFETIME: time::Duration = time::Duration::hours(12);

/// Which database a URL names. Its `Debug` hides any password, like [`DatabaseUrl::redacted`].
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(String),
    Postgres(String),
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseUrl({:?})", self.redacted())
    }
}

/// A setting that cannot be used; the message names the variable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "DATABASE_URL 无效 / invalid DATABASE_URL {0:?}: 应以 sqlite:// 或 postgres:// 开头 (expected sqlite://PATH or postgres://USER@HOST:PORT/DB)"
    )]
    BadDatabaseUrl(String),
    #[error(
        "QX_ADDR 无效 / invalid QX_ADDR {0:?}: 应为 地址:端口 (expected HOST:PORT, e.g. 127.0.0.1:8080)"
    )]
    BadAddr(String),
}

impl DatabaseUrl {
    /// The file of a SQLite URL (`sqlite://data/x.db?mode=rwc` → `data/x.db`).
    pub fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        match self {
            Self::Sqlite(url) => {
                let rest = url.strip_prefix("sqlite:")?.trim_start_matches("//");
                let path = rest.split('?').next().unwrap_or(rest);
                Some(std::path::PathBuf::from(path))
            }
            Self::Postgres(_) => None,
        }
    }

    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        let url = url.trim();
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.trim_start_matches("//");
            if path.is_empty() {
                return Err(ConfigError::BadDatabaseUrl(url.to_string()));
            }
            Ok(Self::Sqlite(url.to_string()))
        } else if (url.starts_with("postgres://") || url.starts_with("postgresql://"))
            && url.len() > "postgres://".len()
        {
            Ok(Self::Postgres(url.to_string()))
        } else {
            Err(ConfigError::BadDatabaseUrl(redact(url)))
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    /// The URL with any password replaced by `***`, safe to print.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(u) | Self::Postgres(u) => redact(u),
        }
    }
}

/// The URL with the password of its user info (up to the last `@` before the path) and any
/// `password=` query parameter replaced by `***`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => kv.to_string(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{scheme}://{authority}{tail}")
}

/// How long a session lasts: lapses after `idle` without a request, and never outlives
/// `lifetime` from its login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle: time::Duration,
    pub lifetime: time::Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: DEFAULT_SESSION_IDLE,
            lifetime: DEFAULT_SESSION_LIFETIME,
        }
    }
}

impl SessionPolicy {
    /// When a session used at `now` lapses: idle timeout, never past its lifetime.
    pub fn deadline(
        &self,
        created_at: time::OffsetDateTime,
        now: time::OffsetDateTime,
    ) -> time::OffsetDateTime {
        (now + self.idle).min(created_at + self.lifetime)
    }
}

/// The settings file: every key optional, unknown keys refused.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub database_url: Option<String>,
    pub addr: Option<String>,
    pub static_dir: Option<PathBuf>,
    pub session_idle_minutes: Option<i64>,
    pub session_lifetime_hours: Option<i64>,
    pub reservation_days: Option<i64>,
    pub deposit_percent: Option<String>,
    pub bid_ceiling_per_mu: Option<String>,
}

impl FileSettings {
    /// Reads a settings file; the error names the file and what is wrong in it.
    pub fn read(path: &std::path::Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!(
                "无法读取设置文件 / cannot read the settings file {}: {e}",
                path.display()
            )
        })?;
        toml::from_str(&text).map_err(|e| {
            format!(
                "设置文件有误 / the settings file {} is not valid: {}",
                path.display(),
                e.to_string().trim()
            )
        })
    }
}

/// Where an effective setting came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A flag or an environment variable.
    Given,
    File,
    Default,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Self::Given => "flag/env",
            Self::File => "file",
            Self::Default => "default",
        }
    }
}

/// A setting's value, checked: what it is called, its value as printed (secrets hidden),
/// where it came from.
pub type Shown = (&'static str, String, Source);

/// Picks the first present of (given, file, default), with its source.
fn pick<T>(given: Option<T>, file: Option<T>, default: T) -> (T, Source) {
    match (given, file) {
        (Some(v), _) => (v, Source::Given),
        (None, Some(v)) => (v, Source::File),
        (None, None) => (default, Source::Default),
    }
}

/// A whole number in `range`, or a message naming the setting and the range.
fn bounded(name: &str, value: i64, range: std::ops::RangeInclusive<i64>) -> Result<i64, String> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(format!(
            "{name} 无效 / invalid {name} {value}: 应在 {}–{} 之间 (expected {} to {})",
            range.start(),
            range.end(),
            range.start(),
            range.end()
        ))
    }
}

/// What flags and the environment gave (each `None` when not given).
#[derive(Debug, Default, Clone)]
pub struct GivenSettings {
    pub database_url: Option<String>,
    pub addr: Option<String>,
    pub static_dir: Option<PathBuf>,
    pub session_idle_minutes: Option<String>,
    pub session_lifetime_hours: Option<String>,
    pub reservation_days: Option<String>,
    pub deposit_percent: Option<String>,
    pub bid_ceiling_per_mu: Option<String>,
}

fn number(name: &str, text: Option<String>) -> Result<Option<i64>, String> {
    text.map(|t| {
        t.trim().parse::<i64>().map_err(|_| {
            format!("{name} 无效 / invalid {name} {t:?}: 应为整数 (expected a whole number)")
        })
    })
    .transpose()
}

impl Settings {
    /// Resolves every setting: given (flag/env), else the file, else the default; checks each.
    /// Answers the settings and, for `config`, each one as shown with its source.
    pub fn resolve(given: GivenSettings, file: FileSettings) -> Result<(Self, Vec<Shown>), String> {
        let mut shown: Vec<Shown> = Vec::new();
        let (url, src) = pick(
            given.database_url,
            file.database_url,
            DEFAULT_DATABASE_URL.to_string(),
        );
        let database = DatabaseUrl::parse(&url).map_err(|e| e.to_string())?;
        shown.push(("database_url (DATABASE_URL)", database.redacted(), src));
        let (addr_text, src) = pick(given.addr, file.addr, DEFAULT_ADDR.to_string());
        let addr: SocketAddr = addr_text
            .parse()
            .map_err(|_| ConfigError::BadAddr(addr_text.clone()).to_string())?;
        shown.push(("addr (QX_ADDR)", addr.to_string(), src));
        let (static_dir, src) = pick(
            given.static_dir,
            file.static_dir,
            PathBuf::from(DEFAULT_STATIC_DIR),
        );
        shown.push((
            "static_dir (QX_STATIC_DIR)",
            static_dir.display().to_string(),
            src,
        ));

        let defaults = SessionPolicy::default();
        let (idle, src) = pick(
            number("QX_SESSION_IDLE_MINUTES", given.session_idle_minutes)?,
            file.session_idle_minutes,
            defaults.idle.whole_minutes(),
        );
        let idle = bounded("session_idle_minutes", idle, 1..=720)?;
        shown.push((
            "session_idle_minutes (QX_SESSION_IDLE_MINUTES)",
            idle.to_string(),
            src,
        ));
        let (lifetime, src) = pick(
            number("QX_SESSION_LIFETIME_HOURS", given.session_lifetime_hours)?,
            file.session_lifetime_hours,
            defaults.lifetime.whole_hours(),
        );
        let lifetime = bounded("session_lifetime_hours", lifetime, 1..=72)?;
        shown.push((
            "session_lifetime_hours (QX_SESSION_LIFETIME_HOURS)",
            lifetime.to_string(),
            src,
        ));
        if idle > lifetime * 60 {
            return Err(format!(
                "session_idle_minutes {idle} 超过 session_lifetime_hours {lifetime} 小时 / session_idle_minutes {idle} is longer than session_lifetime_hours {lifetime}"
            ));
        }

        let mut auction = quota_shared::auction::AuctionParams::default();
        let (days, src) = pick(
            number("QX_RESERVATION_DAYS", given.reservation_days)?,
            file.reservation_days,
            i64::from(auction.reservation_days),
        );
        auction.reservation_days = bounded("reservation_days", days, 1..=90)? as u32;
        shown.push((
            "reservation_days (QX_RESERVATION_DAYS; fallback only: the rule version R15 in force wins)",
            days.to_string(),
            src,
        ));
        let (percent, src) = pick(
            given.deposit_percent,
            file.deposit_percent,
            auction.deposit_percent.to_string(),
        );
        let parsed: quota_shared::Percent =
            percent
                .trim()
                .parse()
                .map_err(|e: quota_shared::DomainError| {
                    format!(
                        "deposit_percent 无效 / invalid deposit_percent {percent:?}: {}",
                        e.message_en()
                    )
                })?;
        if parsed.hundredths() <= 0 {
            return Err(format!(
                "deposit_percent 无效 / invalid deposit_percent {percent:?}: 应大于 0 (expected more than 0)"
            ));
        }
        auction.deposit_percent = parsed;
        shown.push((
            "deposit_percent (QX_DEPOSIT_PERCENT; fallback only: the rule version R5 in force wins)",
            parsed.to_string(),
            src,
        ));
        let (ceiling, src) = pick(
            given.bid_ceiling_per_mu,
            file.bid_ceiling_per_mu,
            auction.max_bid_per_mu.to_string(),
        );
        auction.max_bid_per_mu = ceiling.trim().parse().map_err(|e: quota_shared::DomainError| {
            format!(
                "bid_ceiling_per_mu 无效 / invalid bid_ceiling_per_mu {ceiling:?}: {} (元/亩, at most 100000000)",
                e.message_en()
            )
        })?;
        shown.push((
            "bid_ceiling_per_mu (QX_BID_CEILING_PER_MU)",
            auction.max_bid_per_mu.to_string(),
            src,
        ));

        Ok((
            Self {
                database,
                addr,
                static_dir,
                sessions: SessionPolicy {
                    idle: time::Duration::minutes(idle),
                    lifetime: time::Duration::hours(lifetime),
                },
                auction,
                clock: crate::clock::Clock::default(),
                scheduler: true,
            },
            shown,
        ))
    }
}

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DatabaseUrl,
    pub addr: SocketAddr,
    pub static_dir: PathBuf,
    pub sessions: SessionPolicy,
    /// The bid ceiling (a setting), and the fallbacks for the deposit, payment period and bid
    /// step when no rule version is in force — the versions (R4, R5, R15) always win
    /// ([`quota_shared::auction::AuctionParams::as_on`]).
    pub auction: quota_shared::auction::AuctionParams,
    /// The system clock; tests share a clone and move it forward.
    pub clock: crate::clock::Clock,
    /// Whether the background scheduler runs (always in the binary; tests that want to see the
    /// state before and after it run its turns themselves).
    pub scheduler: bool,
}

impl Settings {
    /// The defaults (listen on [`DEFAULT_ADDR`], the web app from [`DEFAULT_STATIC_DIR`], the
    /// scheduler on) for a database.
    pub fn new(database: DatabaseUrl) -> Self {
        Self {
            database,
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            static_dir: PathBuf::from(DEFAULT_STATIC_DIR),
            sessions: SessionPolicy::default(),
            auction: quota_shared::auction::AuctionParams::default(),
            clock: crate::clock::Clock::default(),
            scheduler: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_are_recognised_by_scheme() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/x.db")
                .map(|d| d.kind())
                .ok(),
            Some("sqlite")
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite::memory:").map(|d| d.kind()).ok(),
            Some("sqlite")
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://u:p@127.0.0.1:5432/db")
                .map(|d| d.kind())
                .ok(),
            Some("postgres")
        );
        for bad in ["", "mysql://x", "data/x.db", "sqlite:", "postgres://"] {
            let err = DatabaseUrl::parse(bad).expect_err(bad).to_string();
            assert!(err.contains("DATABASE_URL"), "{err}");
        }
    }

    #[test]
    fn passwords_are_redacted() {
        let url = DatabaseUrl::parse("postgres://qx:secret@db:5432/qx").expect("url");
        assert_eq!(url.redacted(), "postgres://qx:***@db:5432/qx");
        for (given, shown) in [
            ("postgres://qx:p@ss@db/qx", "postgres://qx:***@db/qx"),
            (
                "postgres://db/qx?user=qx&password=s3cret&sslmode=require",
                "postgres://db/qx?user=qx&password=***&sslmode=require",
            ),
            ("postgres://qx@db/qx", "postgres://qx@db/qx"),
        ] {
            let url = DatabaseUrl::parse(given).expect("url");
            assert_eq!(url.redacted(), shown);
        }
        let settings = Settings::new(url.clone());
        assert!(
            !format!("{url:?} {settings:?}").contains("secret"),
            "{settings:?}"
        );
        assert_eq!(settings.addr.to_string(), DEFAULT_ADDR);
        assert!(
            !DatabaseUrl::parse("mysql://a:secret@h/db")
                .expect_err("bad")
                .to_string()
                .contains("secret")
        );
    }
}

#[cfg(test)]
mod resolve_tests {
    use super::*;

    fn file(text: &str) -> FileSettings {
        toml::from_str(text).expect("a settings file")
    }

    #[test]
    fn flags_and_env_win_over_the_file_which_wins_over_the_defaults() {
        let given = GivenSettings {
            addr: Some("127.0.0.1:9000".into()),
            ..GivenSettings::default()
        };
        let (s, shown) = Settings::resolve(
            given,
            file("addr = \"127.0.0.1:7000\"\nsession_idle_minutes = 20\nreservation_days = 10\n"),
        )
        .expect("valid");
        assert_eq!(s.addr.port(), 9000);
        assert_eq!(s.sessions.idle, time::Duration::minutes(20));
        assert_eq!(s.sessions.lifetime, DEFAULT_SESSION_LIFETIME);
        assert_eq!(s.auction.reservation_days, 10);
        let source = |name: &str| {
            shown
                .iter()
                .find(|(n, _, _)| n.starts_with(name))
                .map(|(_, _, s)| *s)
        };
        assert_eq!(source("addr"), Some(Source::Given));
        assert_eq!(source("session_idle_minutes"), Some(Source::File));
        assert_eq!(source("deposit_percent"), Some(Source::Default));
    }

    #[test]
    fn a_bad_setting_is_named_and_a_password_is_never_shown() {
        let bad = [
            ("session_idle_minutes = 0", "session_idle_minutes"),
            ("session_lifetime_hours = 1000", "session_lifetime_hours"),
            (
                "session_idle_minutes = 300\nsession_lifetime_hours = 2",
                "session_idle_minutes",
            ),
            ("reservation_days = -1", "reservation_days"),
            ("deposit_percent = \"ten\"", "deposit_percent"),
            ("deposit_percent = \"0\"", "deposit_percent"),
            (
                "bid_ceiling_per_mu = \"100000000.01\"",
                "bid_ceiling_per_mu",
            ),
            ("bid_ceiling_per_mu = \"0\"", "bid_ceiling_per_mu"),
            ("addr = \"everywhere\"", "QX_ADDR"),
            ("database_url = \"mysql://x\"", "DATABASE_URL"),
        ];
        for (text, named) in bad {
            let err = Settings::resolve(GivenSettings::default(), file(text)).expect_err(text);
            assert!(err.contains(named), "{text}: {err}");
        }
        assert!(
            toml::from_str::<FileSettings>("sesion_idle_minutes = 5").is_err(),
            "a misspelt key is refused"
        );
        let (_, shown) = Settings::resolve(
            GivenSettings {
                database_url: Some("postgres://qx:s3cret@db:5432/qx".into()),
                ..GivenSettings::default()
            },
            FileSettings::default(),
        )
        .expect("valid");
        let printed = format!("{shown:?}");
        assert!(!printed.contains("s3cret"), "{printed}");
    }
}

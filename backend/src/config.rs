//! Settings: defaults that run (a SQLite file under `data/`), overridden by the environment.
//! Secrets (database passwords) are never printed: see [`DatabaseUrl::redacted`].

use std::net::SocketAddr;
use std::path::PathBuf;

/// The default database: an embedded SQLite file, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/quota-exchange.db";
/// The default listening address.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
/// Where the built web app is looked for, relative to the working directory.
pub const DEFAULT_STATIC_DIR: &str = "frontend/dist";

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

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DatabaseUrl,
    pub addr: SocketAddr,
    pub static_dir: PathBuf,
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
            clock: crate::clock::Clock::default(),
            scheduler: true,
        }
    }

    /// Reads `DATABASE_URL`, `QX_ADDR` and `QX_STATIC_DIR`, with working defaults.
    pub fn from_env() -> Result<Self, ConfigError> {
        let database = DatabaseUrl::parse(
            &std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_string()),
        )?;
        let addr_text = std::env::var("QX_ADDR").unwrap_or_else(|_| DEFAULT_ADDR.to_string());
        let addr = addr_text
            .parse()
            .map_err(|_| ConfigError::BadAddr(addr_text.clone()))?;
        let static_dir = std::env::var("QX_STATIC_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| PathBuf::from(DEFAULT_STATIC_DIR));
        Ok(Self {
            database,
            addr,
            static_dir,
            clock: crate::clock::Clock::default(),
            scheduler: true,
        })
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

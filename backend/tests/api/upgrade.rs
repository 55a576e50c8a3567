//! Upgrading a database that already holds data: the SQLite rebuild of the accounts table for
//! the supervisor role (migration 0008, which SQLite can only do by copying the table) keeps
//! every account under its id, every reference to it valid and foreign keys enforced.

use std::path::Path;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{AssertSqlSafe, Row};

async fn apply(pool: &sqlx::SqlitePool, dir: &Path, name: &str) {
    let sql = std::fs::read_to_string(dir.join(name)).expect("migration");
    sqlx::raw_sql(AssertSqlSafe(sql))
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
}

/// A SQLite database in a temporary file with every migration before `first_not_applied`.
async fn migrated_before(
    first_not_applied: &str,
) -> (
    tempfile::NamedTempFile,
    sqlx::SqlitePool,
    std::path::PathBuf,
) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    let file = tempfile::NamedTempFile::new().expect("temp file");
    let options = SqliteConnectOptions::new()
        .filename(file.path())
        .foreign_keys(true);
    // One connection: the migration's PRAGMAs are per connection, as in the migrator.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .expect("pool");
    let mut earlier: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.as_str() < first_not_applied)
        .collect();
    earlier.sort();
    for name in &earlier {
        apply(&pool, &dir, name).await;
    }
    (file, pool, dir)
}

#[tokio::test]
async fn the_sqlite_accounts_rebuild_keeps_accounts_and_their_references() {
    let (_file, pool, dir) = migrated_before("0008").await;
    // Data as a running platform has it: a bureau, a buyer with a session and a listing.
    sqlx::raw_sql(
        "INSERT INTO jurisdictions (code, name, name_en, kind, city_code, city_name, poverty_alleviated, \
         poverty_status_confirmed, project_rule) VALUES ('450422', '藤县', 'Teng', 'county', '450400', '梧州市', 1, 1, 'none');
         INSERT INTO users (id, username, password_hash, role, county_code, created_at) VALUES
           (7, 'teng', 'h', 'county_bureau', '450422', '2026-01-01T00:00:00Z'),
           (9, 'dev', 'h', 'buyer', NULL, '2026-01-01T00:00:00Z');
         INSERT INTO sessions (token_sha256, user_id, created_at, expires_at) VALUES
           ('abc', 9, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z');",
    )
    .execute(&pool)
    .await
    .expect("data");
    apply(&pool, &dir, "0008_supervisor.sql").await;

    let users: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, username, role FROM users ORDER BY id")
            .fetch_all(&pool)
            .await
            .expect("users");
    assert_eq!(
        users,
        [
            (7, "teng".into(), "county_bureau".into()),
            (9, "dev".into(), "buyer".into())
        ]
    );
    let broken = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&pool)
        .await
        .expect("check");
    assert!(broken.is_empty(), "{} broken references", broken.len());
    let on: i64 = sqlx::query("PRAGMA foreign_keys")
        .fetch_one(&pool)
        .await
        .expect("pragma")
        .get(0);
    assert_eq!(on, 1, "foreign keys are on again after the migration");
    // The new role is accepted, a role outside the list still is not, and a session of an
    // account that does not exist is refused.
    sqlx::raw_sql(
        "INSERT INTO users (username, password_hash, role, created_at) VALUES ('jijian', 'h', 'supervisor', 'x')",
    )
    .execute(&pool)
    .await
    .expect("supervisor");
    assert!(
        sqlx::raw_sql(
            "INSERT INTO users (username, password_hash, role, created_at) VALUES ('x', 'h', 'emperor', 'x')"
        )
        .execute(&pool)
        .await
        .is_err()
    );
    assert!(
        sqlx::raw_sql(
            "INSERT INTO sessions (token_sha256, user_id, created_at, expires_at) VALUES ('z', 424242, 'a', 'b')"
        )
        .execute(&pool)
        .await
        .is_err()
    );
}

/// Migration 0016 moves the accounts that exist to organisations: a county's bureau accounts to
/// its 自然资源局 (one for the county), each buyer to an organisation of its own (a government
/// body when it was a regional bidder); staff accounts stay without one. All approved, their
/// codes left for the administrator to complete.
#[tokio::test]
async fn existing_accounts_move_to_organisations() {
    let (_file, pool, dir) = migrated_before("0016").await;
    sqlx::raw_sql(
        "INSERT INTO jurisdictions (code, name, name_en, kind, city_code, city_name, poverty_alleviated, \
         poverty_status_confirmed, project_rule) VALUES ('450422', '藤县', 'Teng', 'county', '450400', '梧州市', 1, 1, 'none'),
           ('450423', '蒙山县', 'Mengshan', 'county', '450400', '梧州市', 1, 1, 'none');
         INSERT INTO users (username, password_hash, role, county_code, regional_bidder, created_at) VALUES
           ('teng1', 'h', 'county_bureau', '450422', 0, '2026-01-01T00:00:00Z'),
           ('teng2', 'h', 'county_bureau', '450422', 0, '2026-02-01T00:00:00Z'),
           ('meng', 'h', 'county_bureau', '450423', 0, '2026-01-01T00:00:00Z'),
           ('dev', 'h', 'buyer', NULL, 0, '2026-01-01T00:00:00Z'),
           ('changzhou', 'h', 'buyer', NULL, 1, '2026-01-01T00:00:00Z'),
           ('root', 'h', 'admin', NULL, 0, '2026-01-01T00:00:00Z');",
    )
    .execute(&pool)
    .await
    .expect("accounts");
    apply(&pool, &dir, "0016_organisations.sql").await;
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    )> = sqlx::query_as(
        "SELECT u.username, o.name, o.kind, o.county_code, o.status FROM users u \
             LEFT JOIN organisations o ON o.id = u.organisation_id ORDER BY u.username",
    )
    .fetch_all(&pool)
    .await
    .expect("rows");
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        rows,
        [
            (
                "changzhou".into(),
                s("changzhou"),
                s("government"),
                None,
                s("approved")
            ),
            ("dev".into(), s("dev"), s("enterprise"), None, s("approved")),
            (
                "meng".into(),
                s("蒙山县自然资源局"),
                s("natural_resources"),
                s("450423"),
                s("approved")
            ),
            ("root".into(), None, None, None, None),
            (
                "teng1".into(),
                s("藤县自然资源局"),
                s("natural_resources"),
                s("450422"),
                s("approved")
            ),
            (
                "teng2".into(),
                s("藤县自然资源局"),
                s("natural_resources"),
                s("450422"),
                s("approved")
            ),
        ]
    );
    let (organisations, codes): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COUNT(uscc) FROM organisations")
            .fetch_one(&pool)
            .await
            .expect("count");
    assert_eq!(
        (organisations, codes),
        (4, 0),
        "one 自然资源局 per county, one per buyer, no code yet"
    );
    // 0017: the regional bidder's mark moves to its organisation (R11 belongs to the party).
    apply(&pool, &dir, "0017_parties.sql").await;
    let bidders: Vec<(String, bool)> = sqlx::query_as(
        "SELECT u.username, o.regional_bidder FROM users u JOIN organisations o ON o.id = u.organisation_id \
         WHERE u.role = 'buyer' ORDER BY u.username",
    )
    .fetch_all(&pool)
    .await
    .expect("bidders");
    assert_eq!(
        bidders,
        [("changzhou".to_string(), true), ("dev".to_string(), false)]
    );
}

//! R16's periods at zero days, for tests about something else: a county listing opens when it
//! is listed and a settled trade is final at once, as in a region without publicity periods.
//! The seeded version's parameters are set in the real database (after `migrate` or `demo`,
//! before the server first reads its rules); tests of R16 itself keep the defaults.

use sqlx::Connection;

/// The parameters of a zero-day R16.
pub const ZERO: &str = r#"{"announce_days":0,"publicity_days":0}"#;

const SQL: &str = "UPDATE rule_versions SET params = $1 WHERE rule_id = 'R16'";

/// Sets R16 to zero days in the database at `url` (`sqlite://…` or `postgres://…`).
pub async fn zero(url: &str) {
    let changed = if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await.expect("connect");
        sqlx::query(SQL)
            .bind(ZERO)
            .execute(&mut c)
            .await
            .expect("update R16")
            .rows_affected()
    } else {
        let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
        sqlx::query(SQL)
            .bind(ZERO)
            .execute(&mut c)
            .await
            .expect("update R16")
            .rows_affected()
    };
    assert!(changed >= 1, "R16 is seeded by migrate");
}

/// [`zero`] from synchronous code.
pub fn zero_blocking(url: &str) {
    crate::api::block(zero(url));
}

//! Accounts, sessions (only a SHA-256 of the token is kept) and failed-login counts.
//!
//! SQL and binds for [`Store`](crate::store::contract::Store), written once for both databases
//! (see [`crate::store::sql`]) and expanded into each store's `impl` by `impl_accounts!`.

/// Inserts `$user` (a `&NewUser`) in `$tx`; `None` when the username is taken.
macro_rules! insert_user {
    ($tx:expr, $user:expr, $now:expr) => {{
        let user: &$crate::store::types::NewUser = $user;
        let row: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO users (username, password_hash, role, county_code, regional_bidder, created_at, organisation_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (username) DO NOTHING RETURNING id",
        )
        .bind(&user.username)
        .bind(&user.password_hash)
        .bind(user.role.wire())
        .bind(user.county_code.as_ref().map(|c| c.as_str().to_string()))
        .bind(user.regional_bidder)
        .bind($crate::store::rows::db_time($now))
        .bind(user.organisation_id)
        .fetch_optional(&mut *$tx)
        .await?;
        row
    }};
}

/// The accounts methods of the `Store` trait, for a store type with a `pool` (reads) and a `writer` (writes).
macro_rules! impl_accounts {
    () => {
        #[tracing::instrument(skip_all)]
        async fn create_user(
            &self,
            user: &$crate::store::types::NewUser,
            actor: &str,
            now: time::OffsetDateTime,
        ) -> Result<Option<i64>, StoreError> {
            let mut tx = self.writer.begin().await?;
            let row = $crate::store::sql::accounts::insert_user!(tx, user, now);
            let Some((id,)) = row else {
                tx.rollback().await?;
                return Ok(None);
            };
$crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::user_created(user, actor, now));
            tx.commit().await?;
            Ok(Some(id))
        }

        #[tracing::instrument(skip_all)]
        async fn user_by_username(
            &self,
            username: &str,
        ) -> Result<Option<$crate::store::types::UserRecord>, StoreError> {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM users u WHERE u.username = $1",
                $crate::store::rows::users::USER_COLUMNS
            ));
            let row: Option<$crate::store::rows::users::UserRow> = sqlx::query_as(sql)
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
            row.map($crate::store::rows::users::user_from_row).transpose()
        }

        #[tracing::instrument(skip_all)]
        async fn users(&self) -> Result<Vec<$crate::store::types::UserRecord>, StoreError> {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM users u ORDER BY u.id",
                $crate::store::rows::users::USER_COLUMNS
            ));
            let rows: Vec<$crate::store::rows::users::UserRow> = sqlx::query_as(sql)
            .fetch_all(&self.pool)
            .await?;
            Ok($crate::store::rows::decode_each("users", rows, $crate::store::rows::users::user_from_row))
        }

        #[tracing::instrument(skip_all)]
        async fn set_user_disabled(
            &self,
            username: &str,
            disabled: bool,
            actor: &str,
            now: time::OffsetDateTime,
        ) -> Result<bool, StoreError> {
            let mut tx = self.writer.begin().await?;
            let done: Option<(i64,)> = sqlx::query_as("UPDATE users SET disabled = $1 WHERE username = $2 RETURNING id")
                .bind(disabled)
                .bind(username)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((id,)) = done else {
                tx.rollback().await?;
                return Ok(false);
            };
            // A disabled account loses its sessions at once.
            if disabled {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
            }
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::user_disabled(username, disabled, actor, now));
            tx.commit().await?;
            Ok(true)
        }

        #[tracing::instrument(skip_all)]
        async fn user_by_session(
            &self,
            token_sha256: &str,
            now: time::OffsetDateTime,
        ) -> Result<Option<$crate::store::types::SessionRecord>, StoreError> {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {}, s.created_at, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.token_sha256 = $1 AND s.expires_at > $2 AND NOT u.disabled",
                $crate::store::rows::users::USER_COLUMNS
            ));
            #[allow(clippy::type_complexity)]
            let row: Option<(i64, String, String, String, Option<String>, bool, bool, bool, Option<i64>, time::OffsetDateTime, time::OffsetDateTime)> = sqlx::query_as(sql)
            .bind(token_sha256)
            .bind($crate::store::rows::db_time(now))
            .fetch_optional(&self.pool)
            .await?;
            row.map(|(id, username, hash, role, county, regional, disabled, must_change, organisation, created_at, expires_at)| {
                let user = $crate::store::rows::users::user_from_row((id, username, hash, role, county, regional, disabled, must_change, organisation))?;
                Ok($crate::store::types::SessionRecord { user, created_at, expires_at })
            })
            .transpose()
        }

        #[tracing::instrument(skip_all)]
        async fn extend_session(
            &self,
            token_sha256: &str,
            now: time::OffsetDateTime,
            expires_at: time::OffsetDateTime,
        ) -> Result<(), StoreError> {
            sqlx::query("UPDATE sessions SET expires_at = $1 WHERE token_sha256 = $2 AND expires_at > $3")
                .bind($crate::store::rows::db_time(expires_at))
                .bind(token_sha256)
                .bind($crate::store::rows::db_time(now))
                .execute(&self.writer)
                .await?;
            Ok(())
        }

        #[tracing::instrument(skip_all)]
        async fn create_session(
            &self,
            token_sha256: &str,
            user: &$crate::store::types::UserRecord,
            now: time::OffsetDateTime,
            expires_at: time::OffsetDateTime,
        ) -> Result<(), StoreError> {
            let mut tx = self.writer.begin().await?;
            sqlx::query("INSERT INTO sessions (token_sha256, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(token_sha256)
                .bind(user.id)
                .bind($crate::store::rows::db_time(now))
                .bind($crate::store::rows::db_time(expires_at))
                .execute(&mut *tx)
                .await?;
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::logged_in(&user.username, now));
            tx.commit().await?;
            Ok(())
        }

        #[tracing::instrument(skip_all)]
        async fn change_password(
            &self,
            user: &$crate::store::types::UserRecord,
            password_hash: &str,
            keep_session_sha256: &str,
            now: time::OffsetDateTime,
        ) -> Result<bool, StoreError> {
            let mut tx = self.writer.begin().await?;
            // Only over the hash the current password was checked against: a reset by an
            // administrator (or another change) meanwhile wins, and this one is refused.
            let done = sqlx::query(
                "UPDATE users SET password_hash = $1, must_change_password = FALSE WHERE id = $2 AND password_hash = $3",
            )
            .bind(password_hash)
            .bind(user.id)
            .bind(&user.password_hash)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_sha256 <> $2")
                .bind(user.id)
                .bind(keep_session_sha256)
                .execute(&mut *tx)
                .await?;
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::password_changed(&user.username, password_hash, now));
            tx.commit().await?;
            Ok(true)
        }

        #[tracing::instrument(skip_all)]
        async fn reset_password(
            &self,
            username: &str,
            password_hash: &str,
            actor: &str,
            now: time::OffsetDateTime,
        ) -> Result<bool, StoreError> {
            let mut tx = self.writer.begin().await?;
            let done: Option<(i64,)> = sqlx::query_as(
                "UPDATE users SET password_hash = $1, must_change_password = TRUE WHERE username = $2 RETURNING id",
            )
            .bind(password_hash)
            .bind(username)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((id,)) = done else {
                tx.rollback().await?;
                return Ok(false);
            };
            // Whoever knew the old password is logged out everywhere, and the owner is not kept
            // out by failures counted against the old one.
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM login_failures WHERE username = $1").bind(username).execute(&mut *tx).await?;
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::password_reset(username, password_hash, actor, now));
            tx.commit().await?;
            Ok(true)
        }

        #[tracing::instrument(skip_all)]
        async fn delete_session(
            &self,
            token_sha256: &str,
            now: time::OffsetDateTime,
        ) -> Result<(), StoreError> {
            let mut tx = self.writer.begin().await?;
            let ended: Option<(i64,)> =
                sqlx::query_as("DELETE FROM sessions WHERE token_sha256 = $1 RETURNING user_id")
                    .bind(token_sha256)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((user_id,)) = ended else {
                tx.rollback().await?;
                return Ok(());
            };
            let (username,): (String,) = sqlx::query_as("SELECT username FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::logged_out(&username, now));
            tx.commit().await?;
            Ok(())
        }

        #[tracing::instrument(skip_all)]
        async fn login_failures(
            &self,
            username: &str,
        ) -> Result<Option<(i32, time::OffsetDateTime)>, StoreError> {
            Ok(sqlx::query_as("SELECT failures, first_failure_at FROM login_failures WHERE username = $1")
                .bind(username)
                .fetch_optional(&self.pool)
                .await?)
        }

        #[tracing::instrument(skip_all)]
        async fn record_login_failure(
            &self,
            username: &str,
            now: time::OffsetDateTime,
            window_start: time::OffsetDateTime,
        ) -> Result<(i32, time::OffsetDateTime), StoreError> {
            // One statement counts the attempt and answers the count, so parallel attempts
            // each see their own number. A count older than the window starts again at one.
            Ok(sqlx::query_as(
                "INSERT INTO login_failures (username, failures, first_failure_at) VALUES ($1, 1, $2) \
                 ON CONFLICT (username) DO UPDATE SET \
                 failures = CASE WHEN login_failures.first_failure_at < $3 THEN 1 ELSE login_failures.failures + 1 END, \
                 first_failure_at = CASE WHEN login_failures.first_failure_at < $3 THEN excluded.first_failure_at \
                                    ELSE login_failures.first_failure_at END \
                 RETURNING failures, first_failure_at",
            )
            .bind(username)
            .bind($crate::store::rows::db_time(now))
            .bind($crate::store::rows::db_time(window_start))
            .fetch_one(&self.writer)
            .await?)
        }

        #[tracing::instrument(skip_all)]
        async fn purge_stale(
            &self,
            now: time::OffsetDateTime,
            failures_before: time::OffsetDateTime,
        ) -> Result<u64, StoreError> {
            let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind($crate::store::rows::db_time(now))
                .execute(&self.writer)
                .await?
                .rows_affected();
            let failures = sqlx::query("DELETE FROM login_failures WHERE first_failure_at < $1")
                .bind($crate::store::rows::db_time(failures_before))
                .execute(&self.writer)
                .await?
                .rows_affected();
            Ok(sessions + failures)
        }

        #[tracing::instrument(skip_all)]
        async fn clear_login_failures(&self, username: &str) -> Result<(), StoreError> {
            sqlx::query("DELETE FROM login_failures WHERE username = $1")
                .bind(username)
                .execute(&self.writer)
                .await?;
            Ok(())
        }
    };
}

pub(crate) use impl_accounts;
pub(crate) use insert_user;

//! Rule versions (R13): seeded once per version by `migrate`, read whole (a few dozen rows),
//! added and ended by the administrator — an addition ends the versions it overlaps the day
//! before it starts, in the same transaction, and both are audited.
//!
//! SQL and binds for [`Store`](crate::store::contract::Store), written once for both databases
//! (see [`crate::store::sql`]) and expanded into each store's `impl` by `impl_rules!`.

/// Inserts one rule version (a number already taken is left as it is); the query's result.
macro_rules! insert_version {
    ($tx:expr, $v:expr, $actor:expr, $now:expr) => {{
        let v: &quota_shared::rules::RuleVersion = $v;
        let params = serde_json::to_string(&v.params)
            .map_err(|e| StoreError::Corrupt(format!("rule params: {e}")))?;
        sqlx::query(
            "INSERT INTO rule_versions (rule_id, version, effective_from, effective_to, confirmed, \
             citation, params, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (rule_id, version) DO NOTHING",
        )
        .bind(v.rule.wire())
        .bind(i64::from(v.version))
        .bind(v.effective_from)
        .bind(v.effective_to)
        .bind(v.confirmed)
        .bind(&v.citation)
        .bind(params)
        .bind($actor)
        .bind($crate::store::rows::db_time($now))
        .execute(&mut *$tx)
        .await?
    }};
}

pub(crate) use insert_version;

/// The rule-version methods of the `Store` trait, for a store type with a `pool` (reads) and a
/// `writer` (writes).
macro_rules! impl_rules {
    () => {
        #[tracing::instrument(skip_all)]
        async fn seed_rule_versions(
            &self,
            book: &quota_shared::rules::RuleBook,
            now: time::OffsetDateTime,
        ) -> Result<(), StoreError> {
            let mut tx = self.writer.begin().await?;
            for v in book.versions() {
                // A version already there (seeded before, or ended since) is left as it is.
                $crate::store::sql::rules::insert_version!(tx, v, "migrate", now);
            }
            tx.commit().await?;
            Ok(())
        }

        #[tracing::instrument(skip_all)]
        async fn rule_versions(&self) -> Result<quota_shared::rules::RuleBook, StoreError> {
            // Dates as text, decoded row by row: one damaged row never fails the whole read.
            let rows: Vec<$crate::store::rows::rules::RuleVersionRow> = sqlx::query_as(
                "SELECT rule_id, version, CAST(effective_from AS TEXT) AS effective_from, \
                 CAST(effective_to AS TEXT) AS effective_to, confirmed, citation, params \
                 FROM rule_versions ORDER BY rule_id, version",
            )
            .fetch_all(&self.pool)
            .await?;
            let mut versions = Vec::with_capacity(rows.len());
            let mut damaged = Vec::new();
            for row in rows {
                // A version that no longer decodes is named in the book as damaged (and
                // logged): reads go on, and checks that need the rules refuse rather than run
                // without it.
                let label = format!("{}.{}", row.rule_id, row.version);
                match row.into_version() {
                    Ok(v) => versions.push(v),
                    Err(e) => {
                        tracing::error!(error = %e, version = %label, "a stored rule version does not decode");
                        damaged.push(label);
                    }
                }
            }
            Ok(quota_shared::rules::RuleBook::new(versions).with_damaged(damaged))
        }

        #[tracing::instrument(skip_all)]
        async fn add_rule_version(
            &self,
            d: &$crate::store::types::RuleVersionDraft,
        ) -> Result<Option<quota_shared::rules::RuleVersion>, StoreError> {
            use $crate::store::rows::db_time;
            let mut tx = self.writer.begin().await?;
            // The first statement writes and locks every version of the rule, so two
            // administrators adding versions at once go one after the other: the second sees
            // the first's version (each later statement reads afresh) and ends it in turn.
            sqlx::query("UPDATE rule_versions SET rule_id = rule_id WHERE rule_id = $1")
                .bind(d.rule.wire())
                .execute(&mut *tx)
                .await?;
            let day_before = d
                .effective_from
                .previous_day()
                .ok_or_else(|| StoreError::Corrupt("effective_from".into()))?;
            // The versions the new one overlaps end the day before it starts (a later one that
            // had not begun yet is thereby never in force).
            let ended: Vec<(i64, String, Option<String>)> = sqlx::query_as(
                "SELECT version, CAST(effective_from AS TEXT), CAST(effective_to AS TEXT) FROM rule_versions \
                 WHERE rule_id = $1 AND (effective_to IS NULL OR effective_to >= $2) ORDER BY version",
            )
            .bind(d.rule.wire())
            .bind(d.effective_from)
            .fetch_all(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE rule_versions SET effective_to = $1, ended_by = $2, ended_at = $3 \
                 WHERE rule_id = $4 AND (effective_to IS NULL OR effective_to >= $5)",
            )
            .bind(day_before)
            .bind(&d.actor)
            .bind(db_time(d.now))
            .bind(d.rule.wire())
            .bind(d.effective_from)
            .execute(&mut *tx)
            .await?;
            let (last,): (Option<i64>,) =
                sqlx::query_as("SELECT MAX(version) FROM rule_versions WHERE rule_id = $1")
                    .bind(d.rule.wire())
                    .fetch_one(&mut *tx)
                    .await?;
            let version = quota_shared::rules::RuleVersion {
                rule: d.rule,
                version: u32::try_from(last.unwrap_or(0) + 1)
                    .map_err(|_| StoreError::Corrupt("rule version number".into()))?,
                effective_from: d.effective_from,
                effective_to: None,
                confirmed: d.confirmed,
                citation: d.citation.clone(),
                params: d.params.clone(),
            };
            let inserted = $crate::store::sql::rules::insert_version!(tx, &version, d.actor.as_str(), d.now);
            if inserted.rows_affected() == 0 {
                // Another administrator's version took this number first.
                tx.rollback().await?;
                return Ok(None);
            }
            // R12: allocations name their use by reference; a new use is known from now on.
            for c in version.params.use_categories.iter().flatten() {
                sqlx::query($crate::store::sql::reference::INSERT_USE_CATEGORY)
                .bind(&c.name)
                .bind(&c.source)
                .bind(c.confirmed)
                .execute(&mut *tx)
                .await?;
            }
            let ended: Vec<(u32, String, Option<String>)> = ended
                .into_iter()
                .map(|(n, from, to)| (u32::try_from(n).unwrap_or_default(), from, to))
                .collect();
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::rule_version_added(&version, &ended, day_before, &d.actor, d.now));
            tx.commit().await?;
            Ok(Some(version))
        }

        #[tracing::instrument(skip_all)]
        async fn end_rule_version(
            &self,
            rule: quota_shared::rules::RuleId,
            version: u32,
            effective_to: time::Date,
            actor: &str,
            now: time::OffsetDateTime,
        ) -> Result<$crate::store::types::EndOutcome, StoreError> {
            use $crate::store::types::EndOutcome;
            let mut tx = self.writer.begin().await?;
            let before: Option<(Option<String>,)> = sqlx::query_as(
                "SELECT CAST(effective_to AS TEXT) FROM rule_versions WHERE rule_id = $1 AND version = $2",
            )
            .bind(rule.wire())
            .bind(i64::from(version))
            .fetch_optional(&mut *tx)
            .await?;
            let Some((previous_end,)) = before else {
                tx.rollback().await?;
                return Ok(EndOutcome::NotFound);
            };
            // Only ever earlier: a version's end is never pushed back out.
            let ended = sqlx::query(
                "UPDATE rule_versions SET effective_to = $1, ended_by = $2, ended_at = $3 \
                 WHERE rule_id = $4 AND version = $5 AND (effective_to IS NULL OR effective_to > $1)",
            )
            .bind(effective_to)
            .bind(actor)
            .bind($crate::store::rows::db_time(now))
            .bind(rule.wire())
            .bind(i64::from(version))
            .execute(&mut *tx)
            .await?;
            if ended.rows_affected() == 0 {
                tx.rollback().await?;
                return Ok(EndOutcome::AlreadyEnded(previous_end));
            }
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::rule_version_ended(rule, version, previous_end, effective_to, actor, now));
            tx.commit().await?;
            Ok(EndOutcome::Ended)
        }
    };
}

pub(crate) use impl_rules;

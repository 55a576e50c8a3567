//! Reference data: counties and base prices, floor versions, use categories (R12), the
//! one-off markers in `meta`, and loading the default data once (`seed_reference`).
//!
//! SQL and binds for [`Store`](crate::store::contract::Store), written once for both databases
//! (see [`crate::store::sql`]) and expanded into each store's `impl` by `impl_reference!`.

/// Adds a use of proceeds (R12) by name; one already there is left as it is.
pub(crate) const INSERT_USE_CATEGORY: &str = "INSERT INTO use_categories (name, source, confirmed) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING";

/// The reference methods of the `Store` trait, for a store type with a `pool` (reads) and a `writer` (writes).
macro_rules! impl_reference {
    () => {
        #[tracing::instrument(skip_all)]
        async fn ping(&self) -> Result<(), StoreError> {
            sqlx::query("SELECT 1").execute(&self.pool).await?;
            Ok(())
        }

        #[tracing::instrument(skip_all)]
        async fn seed_reference(
            &self,
            units: &[quota_shared::jurisdiction::Jurisdiction],
            floors: &[quota_shared::rules::FloorVersion],
        ) -> Result<(), StoreError> {
            let mut tx = self.writer.begin().await?;
            // Loaded once, whichever instance gets here first (the marker row decides); after
            // that the administrator owns the data and migrate never puts back an edit.
            let claimed = sqlx::query(
                "INSERT INTO meta (key, value) VALUES ($1, 'loaded') ON CONFLICT (key) DO NOTHING",
            )
            .bind($crate::store::rows::REFERENCE_MARKER)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if claimed {
                for u in units {
                    sqlx::query(
                        "INSERT INTO jurisdictions (code, name, name_en, kind, city_code, city_name, \
                         poverty_alleviated, poverty_status_confirmed, project_rule) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (code) DO NOTHING",
                    )
                    .bind(u.code.as_str())
                    .bind(&u.name)
                    .bind(&u.name_en)
                    .bind(u.kind.wire())
                    .bind(&u.city_code)
                    .bind(&u.city_name)
                    .bind(u.poverty_alleviated)
                    .bind(u.poverty_status_confirmed)
                    .bind(u.project_rule.wire())
                    .execute(&mut *tx)
                    .await?;
                }
                for f in floors {
                    sqlx::query(
                        "INSERT INTO floor_versions (price_fen_per_mu, effective_from) VALUES ($1, $2) \
                         ON CONFLICT (effective_from) DO NOTHING",
                    )
                    .bind(f.price_per_mu.fen())
                    .bind(f.effective_from)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.commit().await?;
            self.units.clear();
            Ok(())
        }

        #[tracing::instrument(skip_all)]
        async fn counties(&self) -> Result<Vec<quota_shared::api::County>, StoreError> {
            let rows: Vec<$crate::store::rows::CountyRow> = sqlx::query_as(
                "SELECT code, name, name_en, kind, city_code, city_name, poverty_alleviated, \
                 poverty_status_confirmed, project_rule, base_price_fen_per_mu FROM jurisdictions \
                 ORDER BY city_code, code",
            )
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map($crate::store::rows::county_from_row).collect()
        }

        #[tracing::instrument(skip_all)]
        async fn floor_prices(&self) -> Result<Vec<quota_shared::api::FloorPrice>, StoreError> {
            let rows: Vec<(i64, time::Date)> = sqlx::query_as(
                "SELECT price_fen_per_mu, effective_from FROM floor_versions ORDER BY effective_from",
            )
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter()
                .map(|(p, d)| $crate::store::rows::floor_from_row(p, d))
                .collect()
        }

        #[tracing::instrument(skip_all)]
        async fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
            let row: Option<(String,)> = sqlx::query_as("SELECT value FROM meta WHERE key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
            Ok(row.map(|r| r.0))
        }

        #[tracing::instrument(skip_all)]
        async fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
            sqlx::query(
                "INSERT INTO meta (key, value) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(key)
            .bind(value)
            .execute(&self.writer)
            .await?;
            Ok(())
        }

        #[tracing::instrument(skip_all)]
        async fn jurisdictions(&self) -> Result<Vec<quota_shared::jurisdiction::Jurisdiction>, StoreError> {
            // Written only by the first migration: kept for a minute (`store::cache`).
            if let Some(units) = self.units.get() {
                return Ok(units.as_ref().clone());
            }
            let rows: Vec<$crate::store::rows::JurisdictionRow> = sqlx::query_as(
                "SELECT code, name, name_en, kind, city_code, city_name, poverty_alleviated, \
                 poverty_status_confirmed, project_rule FROM jurisdictions ORDER BY city_code, code",
            )
            .fetch_all(&self.pool)
            .await?;
            let units: Vec<quota_shared::jurisdiction::Jurisdiction> =
                rows.into_iter().map($crate::store::rows::jurisdiction_from_row).collect::<Result<_, _>>()?;
            self.units.put(std::sync::Arc::new(units.clone()));
            Ok(units)
        }

        #[tracing::instrument(skip_all)]
        async fn add_floor_version(
            &self,
            price: quota_shared::UnitPrice,
            effective_from: time::Date,
            actor: &str,
            now: time::OffsetDateTime,
        ) -> Result<bool, StoreError> {
            let mut tx = self.writer.begin().await?;
            let done = sqlx::query(
                "INSERT INTO floor_versions (price_fen_per_mu, effective_from) VALUES ($1, $2) \
                 ON CONFLICT (effective_from) DO NOTHING",
            )
            .bind(price.fen())
            .bind(effective_from)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::floor_added(price, effective_from, actor, now));
            tx.commit().await?;
            Ok(true)
        }

        #[tracing::instrument(skip_all)]
        async fn set_base_price(
            &self,
            code: &quota_shared::jurisdiction::CountyCode,
            price: quota_shared::UnitPrice,
            actor: &str,
            now: time::OffsetDateTime,
        ) -> Result<bool, StoreError> {
            let mut tx = self.writer.begin().await?;
            let updated: Option<(String,)> = sqlx::query_as(
                "UPDATE jurisdictions SET base_price_fen_per_mu = $1, base_price_set_at = $2 WHERE code = $3 \
                 RETURNING code",
            )
            .bind(price.fen())
            .bind($crate::store::rows::db_time(now))
            .bind(code.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            if updated.is_none() {
                tx.rollback().await?;
                return Ok(false);
            }
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::base_price_set(code, price, actor, now));
            tx.commit().await?;
            Ok(true)
        }

        #[tracing::instrument(skip_all)]
        async fn seed_use_categories(
            &self,
            categories: &[quota_shared::rules::UseCategory],
        ) -> Result<(), StoreError> {
            let mut tx = self.writer.begin().await?;
            let claimed = sqlx::query(
                "INSERT INTO meta (key, value) VALUES ('use_categories_v1', 'loaded') ON CONFLICT (key) DO NOTHING",
            )
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if claimed {
                for c in categories {
                    sqlx::query($crate::store::sql::reference::INSERT_USE_CATEGORY)
                    .bind(&c.name)
                    .bind(&c.source)
                    .bind(c.confirmed)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.commit().await?;
            Ok(())
        }

        #[tracing::instrument(skip_all)]
        async fn use_categories(&self) -> Result<Vec<quota_shared::rules::UseCategory>, StoreError> {
            let rows: Vec<(String, String, bool)> =
                sqlx::query_as("SELECT name, source, confirmed FROM use_categories ORDER BY confirmed DESC, name")
                    .fetch_all(&self.pool)
                    .await?;
            Ok(rows
                .into_iter()
                .map(|(name, source, confirmed)| quota_shared::rules::UseCategory { name, source, confirmed })
                .collect())
        }
    };
}

pub(crate) use impl_reference;

/// The pool's state and the migrations of this build against the database (`/metrics`,
/// `/readyz`); `$dir` is the store's own migrations folder.
macro_rules! impl_pool_and_migrations {
    ($dir:literal) => {
        fn pool_state(&self) -> (u32, u32) {
            (self.pool.size(), self.pool.num_idle() as u32)
        }

        async fn migration_state(&self) -> Result<(u32, u32), StoreError> {
            let applied: Vec<(i64,)> =
                sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success")
                    .fetch_all(&self.pool)
                    .await?;
            let pending = sqlx::migrate!($dir)
                .iter()
                .filter(|m| !applied.iter().any(|(v,)| *v == m.version))
                .count();
            Ok((applied.len() as u32, pending as u32))
        }
    };
}

pub(crate) use impl_pool_and_migrations;

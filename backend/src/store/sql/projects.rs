//! Reclamation projects (复垦项目): registered by the county's bureau, edited while registered,
//! accepted (验收) once — each a conditional write in one transaction with its audit record. A
//! registration number taken by another project is the caller's to fix (the unique index
//! decides, so two clerks registering one number at once cannot both succeed).
//!
//! SQL and binds for [`Store`](crate::store::contract::Store), written once for both databases
//! (see [`crate::store::sql`]) and expanded into each store's `impl` by `impl_projects!`.

/// Whether a write failed on a unique index (a registration number taken).
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// The project methods of the `Store` trait, for a store type with a `pool` (reads) and a
/// `writer` (writes).
macro_rules! impl_projects {
    () => {
        #[tracing::instrument(skip_all)]
        async fn register_project(
            &self,
            d: &$crate::store::types::ProjectDraft,
        ) -> Result<$crate::store::types::ProjectOutcome, StoreError> {
                        use $crate::store::types::ProjectOutcome;
            let mut tx = self.writer.begin().await?;
            let Some(id) = $crate::store::sql::projects::insert_project!(tx, d) else {
                tx.rollback().await?;
                return Ok(ProjectOutcome::RegistrationTaken);
            };
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::project_saved(id, d, None));
            tx.commit().await?;
            $crate::store::sql::projects::saved!(self, id)
        }

        #[tracing::instrument(skip_all)]
        async fn edit_project(
            &self,
            id: i64,
            d: &$crate::store::types::ProjectDraft,
        ) -> Result<$crate::store::types::ProjectOutcome, StoreError> {
            use $crate::store::rows::db_time;
            use $crate::store::types::ProjectOutcome;
            let Some(before) = self.project(id).await? else {
                return Ok(ProjectOutcome::NotFound);
            };
            let now = db_time(d.now);
            let mut tx = self.writer.begin().await?;
            let f = &d.figures;
            // Only while registered: an acceptance in between wins, and this edit is refused.
            let updated = sqlx::query(
                "UPDATE reclamation_projects SET name = $1, registration_no = $2, township = $3, village = $4, \
                 reclaimed_e4_mu = $5, farmland_e4_mu = $6, paddy_e4_mu = $7, grain_capacity_kg = $8, \
                 local_use_e4_mu = $9, updated_at = $10 WHERE id = $11 AND status = 'registered' \
                 AND committed_e4_mu <= $5 - $9",
            )
            .bind(&d.name)
            .bind(&d.registration_no)
            .bind(&d.township)
            .bind(&d.village)
            .bind(f.reclaimed_mu.get().e4())
            .bind(f.farmland_mu.e4())
            .bind(f.paddy_mu.e4())
            .bind(f.grain_capacity_kg)
            .bind(f.local_use_mu.e4())
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await;
            match updated {
                Ok(done) if done.rows_affected() == 0 => {
                    tx.rollback().await?;
                    // Accepted in between, or its listings hold more than the new surplus.
                    return Ok(match self.project(id).await? {
                        Some(p) if p.status == quota_shared::api::ProjectStatus::Registered => {
                            ProjectOutcome::BelowCommitted { committed: p.committed_mu }
                        }
                        Some(_) => ProjectOutcome::Locked,
                        None => ProjectOutcome::NotFound,
                    });
                }
                Ok(_) => {}
                Err(e) if $crate::store::sql::projects::is_unique_violation(&e) => {
                    tx.rollback().await?;
                    return Ok(ProjectOutcome::RegistrationTaken);
                }
                Err(e) => return Err(e.into()),
            }
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::project_saved(id, d, Some(&before)));
            tx.commit().await?;
            $crate::store::sql::projects::saved!(self, id)
        }

        #[tracing::instrument(skip_all)]
        async fn accept_project(
            &self,
            id: i64,
            a: &$crate::store::types::AcceptanceDraft,
        ) -> Result<$crate::store::types::ProjectOutcome, StoreError> {
                        use $crate::store::types::ProjectOutcome;
            let Some(before) = self.project(id).await? else {
                return Ok(ProjectOutcome::NotFound);
            };
            let mut tx = self.writer.begin().await?;
            let Some(committed) = $crate::store::sql::projects::accept_in!(tx, id, a) else {
                tx.rollback().await?;
                return Ok(ProjectOutcome::Locked);
            };
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::project_accepted(&before, a, committed));
            tx.commit().await?;
            $crate::store::sql::projects::saved!(self, id)
        }

        #[tracing::instrument(skip_all)]
        async fn import_projects(
            &self,
            drafts: &[$crate::store::types::ImportDraft],
        ) -> Result<$crate::store::types::ImportOutcome, StoreError> {
            use $crate::store::types::ImportOutcome;
            // All of them or none: one transaction, each project registered (and accepted
            // where the row says so) with its audit records, as one by one from the form.
            let mut tx = self.writer.begin().await?;
            let mut ids = Vec::with_capacity(drafts.len());
            for draft in drafts {
                let d = &draft.project;
                let Some(id) = $crate::store::sql::projects::insert_project!(tx, d) else {
                    tx.rollback().await?;
                    return Ok(ImportOutcome::RegistrationTaken(d.registration_no.clone()));
                };
                $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::project_saved(id, d, None));
                if let Some(a) = &draft.acceptance {
                    let Some(committed) = $crate::store::sql::projects::accept_in!(tx, id, a) else {
                        return Err(StoreError::Corrupt(format!("imported project {id} not registered")));
                    };
                    $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::project_imported_accepted(id, d, a, committed));
                }
                ids.push(id);
            }
            tx.commit().await?;
            Ok(ImportOutcome::Imported(ids))
        }

        #[tracing::instrument(skip_all)]
        async fn project(&self, id: i64) -> Result<Option<quota_shared::api::Project>, StoreError> {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM reclamation_projects WHERE id = $1",
                $crate::store::rows::projects::PROJECT_COLUMNS
            ));
            let row: Option<$crate::store::rows::projects::ProjectRow> =
                sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?;
            row.map(|r| r.into_project()).transpose()
        }

        #[tracing::instrument(skip_all)]
        async fn replace_plots(
            &self,
            id: i64,
            plots: &[$crate::plots::Plot],
            actor: &str,
            now: time::OffsetDateTime,
        ) -> Result<bool, StoreError> {
            let total: i64 = plots.iter().map(|p| p.area.e4()).sum();
            let mut tx = self.writer.begin().await?;
            let found: Option<(String,)> = sqlx::query_as(
                "UPDATE reclamation_projects SET plots_e4_mu = $1, updated_at = $2 WHERE id = $3 RETURNING county_code",
            )
            .bind(total)
            .bind(now)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((county,)) = found else {
                tx.rollback().await?;
                return Ok(false);
            };
            sqlx::query("DELETE FROM project_plots WHERE project_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for (position, plot) in plots.iter().enumerate() {
                let geometry = serde_json::to_string(&$crate::plots::coordinates(plot))
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                sqlx::query(
                    "INSERT INTO project_plots (project_id, position, name, area_e4_mu, geometry) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(i32::try_from(position).unwrap_or(i32::MAX))
                .bind(&plot.name)
                .bind(plot.area.e4())
                .bind(geometry)
                .execute(&mut *tx)
                .await?;
            }
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::project_plots(&county, id, plots, actor, now));
            tx.commit().await?;
            Ok(true)
        }

        #[tracing::instrument(skip_all)]
        async fn project_plots(&self, id: i64) -> Result<Vec<quota_shared::api::Plot>, StoreError> {
            let rows: Vec<$crate::store::rows::projects::PlotRow> = sqlx::query_as(
                "SELECT name, area_e4_mu, geometry FROM project_plots WHERE project_id = $1 ORDER BY position",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
            Ok($crate::store::rows::decode_each("plots", rows, |r| r.into_plot()))
        }

        #[tracing::instrument(skip_all)]
        async fn project_draws(&self, id: i64) -> Result<Vec<quota_shared::api::ProjectDraw>, StoreError> {
            let rows: Vec<$crate::store::rows::projects::DrawRow> = sqlx::query_as(
                "SELECT s.listing_id, l.status, s.area_e4_mu, s.held_e4_mu, s.advance, l.listed_at \
                 FROM listing_sources s JOIN listings l ON l.id = s.listing_id WHERE s.project_id = $1 \
                 ORDER BY l.listed_at DESC, l.id DESC",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
            Ok($crate::store::rows::decode_each("draws", rows, |r| r.into_draw()))
        }

        #[tracing::instrument(skip_all)]
        async fn projects(
            &self,
            county: Option<&quota_shared::jurisdiction::CountyCode>,
        ) -> Result<Vec<quota_shared::api::Project>, StoreError> {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM reclamation_projects WHERE ($1 IS NULL OR county_code = $1) ORDER BY id DESC",
                $crate::store::rows::projects::PROJECT_COLUMNS
            ));
            let rows: Vec<$crate::store::rows::projects::ProjectRow> = sqlx::query_as(sql)
                .bind(county.map(|c| c.as_str().to_string()))
                .fetch_all(&self.pool)
                .await?;
            Ok($crate::store::rows::decode_each("projects", rows, |r| r.into_project()))
        }
    };
}

pub(crate) use impl_projects;

/// Inserts the registered project `$d` inside the transaction `$tx`: its id, or `None` when
/// another project has its registration number (the unique index decides).
macro_rules! insert_project {
    ($tx:expr, $d:expr) => {{
        let d: &$crate::store::types::ProjectDraft = $d;
        let f = &d.figures;
        let now = $crate::store::rows::db_time(d.now);
            let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
                "INSERT INTO reclamation_projects (county_code, name, registration_no, township, village, \
                 reclaimed_e4_mu, farmland_e4_mu, paddy_e4_mu, grain_capacity_kg, local_use_e4_mu, status, \
                 created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'registered', $11, $12, $12) RETURNING id",
            )
            .bind(d.county_code.as_str())
            .bind(&d.name)
            .bind(&d.registration_no)
            .bind(&d.township)
            .bind(&d.village)
            .bind(f.reclaimed_mu.get().e4())
            .bind(f.farmland_mu.e4())
            .bind(f.paddy_mu.e4())
            .bind(f.grain_capacity_kg)
            .bind(f.local_use_mu.e4())
            .bind(&d.actor)
            .bind(now)
            .fetch_one(&mut *$tx)
            .await;
            match inserted {
                Ok((id,)) => Some(id),
                Err(e) if $crate::store::sql::projects::is_unique_violation(&e) => None,
                Err(e) => return Err(e.into()),
            }
    }};
}

pub(crate) use insert_project;

/// Accepts the registered project `$id` with `$a` inside the transaction `$tx`: what its
/// listings hold then, or `None` when it is not registered (accepted already). Its advance
/// listings turn ordinary once none of their projects is still registered.
macro_rules! accept_in {
    ($tx:expr, $id:expr, $a:expr) => {{
        let (id, a): (i64, &$crate::store::types::AcceptanceDraft) = ($id, $a);
        let f = &a.figures;
        let now = $crate::store::rows::db_time(a.now);
        // The listings drawn on the project first, one by one in the order of their ids:
        // a withdrawal or expiry locks its listing before the project (the restock
        // trigger), so taking them in that order never deadlocks; and an acceptance of
        // another project of one of them waits here, then sees this one's status.
        let drawn: Vec<(i64,)> = sqlx::query_as(
            "SELECT DISTINCT listing_id FROM listing_sources WHERE project_id = $1 ORDER BY listing_id",
        )
        .bind(id)
        .fetch_all(&mut *$tx)
        .await?;
        for (listing,) in drawn {
            sqlx::query("UPDATE listings SET advance = advance WHERE id = $1")
                .bind(listing)
                .execute(&mut *$tx)
                .await?;
        }
        let done: Option<(i64,)> = sqlx::query_as(
            "UPDATE reclamation_projects SET status = 'accepted', accepted_on = $1, acceptance_doc = $2, \
             reclaimed_e4_mu = $3, farmland_e4_mu = $4, paddy_e4_mu = $5, grain_capacity_kg = $6, \
             local_use_e4_mu = $7, updated_at = $8 WHERE id = $9 AND status = 'registered' \
             RETURNING committed_e4_mu",
        )
        .bind(a.accepted_on)
        .bind(&a.acceptance_doc)
        .bind(f.reclaimed_mu.get().e4())
        .bind(f.farmland_mu.e4())
        .bind(f.paddy_mu.e4())
        .bind(f.grain_capacity_kg)
        .bind(f.local_use_mu.e4())
        .bind(now)
        .bind(id)
        .fetch_optional(&mut *$tx)
        .await?;
        if done.is_some() {
            sqlx::query(
                "UPDATE listings SET advance = $1 WHERE advance = $2 AND id IN \
                 (SELECT listing_id FROM listing_sources WHERE project_id = $3) \
                 AND NOT EXISTS (SELECT 1 FROM listing_sources s JOIN reclamation_projects p ON p.id = s.project_id \
                 WHERE s.listing_id = listings.id AND p.status = 'registered')",
            )
            .bind(false)
            .bind(true)
            .bind(id)
            .execute(&mut *$tx)
            .await?;
        }
        done.map(|(committed,)| committed)
    }};
}

pub(crate) use accept_in;

/// The project `id` as saved: what registering, editing or accepting it answers.
macro_rules! saved {
    ($store:ident, $id:expr) => {
        Ok(match $store.project($id).await? {
            Some(p) => $crate::store::types::ProjectOutcome::Saved(Box::new(p)),
            None => $crate::store::types::ProjectOutcome::NotFound,
        })
    };
}

pub(crate) use saved;

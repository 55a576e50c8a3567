//! Organisations (单位, #16): online registration with the first user, the administrator's
//! review, and reads.
//!
//! SQL and binds for [`Store`](crate::store::contract::Store), written once for both databases
//! (see [`crate::store::sql`]) and expanded into each store's `impl` by `impl_organisations!`.

/// Inserts an organisation in `$tx` with its review state; `None` when its code is taken.
macro_rules! insert_organisation {
    ($tx:expr, $fields:expr, $status:expr, $reviewed_by:expr, $reviewed_at:expr, $now:expr) => {{
        let fields: &quota_shared::api::OrganisationFields = $fields;
        let row: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO organisations (name, uscc, kind, county_code, legal_representative, \
             contact_name, contact_phone, address, status, reviewed_by, reviewed_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (uscc) DO NOTHING RETURNING id",
        )
        .bind(&fields.name)
        .bind(fields.uscc.as_str())
        .bind(fields.kind.wire())
        .bind(fields.county_code.as_ref().map(|c| c.as_str().to_string()))
        .bind(&fields.legal_representative)
        .bind(&fields.contact_name)
        .bind(&fields.contact_phone)
        .bind(&fields.address)
        .bind($status)
        .bind($reviewed_by)
        .bind($reviewed_at)
        .bind($crate::store::rows::db_time($now))
        .fetch_optional(&mut *$tx)
        .await?;
        row
    }};
}

macro_rules! impl_organisations {
    () => {
        #[tracing::instrument(skip_all)]
        async fn register_organisation(
            &self,
            fields: &quota_shared::api::OrganisationFields,
            user: &$crate::store::types::NewUser,
            now: time::OffsetDateTime,
        ) -> Result<$crate::store::types::Registration, StoreError> {
            use $crate::store::types::Registration;
            let mut tx = self.writer.begin().await?;
            let org = $crate::store::sql::organisations::insert_organisation!(tx, fields, "pending", None::<&str>, None::<time::OffsetDateTime>, now);
            let Some((org_id,)) = org else {
                tx.rollback().await?;
                return Ok(Registration::UsccTaken);
            };
            let made: Option<(i64,)> = sqlx::query_as(
                "INSERT INTO users (username, password_hash, role, county_code, regional_bidder, created_at, organisation_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (username) DO NOTHING RETURNING id",
            )
            .bind(&user.username)
            .bind(&user.password_hash)
            .bind(user.role.wire())
            .bind(user.county_code.as_ref().map(|c| c.as_str().to_string()))
            .bind(user.regional_bidder)
            .bind($crate::store::rows::db_time(now))
            .bind(org_id)
            .fetch_optional(&mut *tx)
            .await?;
            if made.is_none() {
                tx.rollback().await?;
                return Ok(Registration::UsernameTaken);
            }
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::organisation_registered(org_id, fields, quota_shared::api::OrganisationStatus::Pending, &user.username, now));
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::user_created(user, &user.username, now));
            tx.commit().await?;
            match self.organisation(org_id).await? {
                Some(o) => Ok(Registration::Registered(Box::new(o))),
                None => Err($crate::store::rows::corrupt(format!("organisation {org_id}"))),
            }
        }

        #[tracing::instrument(skip_all)]
        async fn add_organisation(
            &self,
            fields: &quota_shared::api::OrganisationFields,
            members: &[String],
            actor: &str,
            now: time::OffsetDateTime,
        ) -> Result<Option<i64>, StoreError> {
            let mut tx = self.writer.begin().await?;
            let org = $crate::store::sql::organisations::insert_organisation!(tx, fields, "approved", Some(actor), Some($crate::store::rows::db_time(now)), now);
            let Some((id,)) = org else {
                tx.rollback().await?;
                return Ok(None);
            };
            for member in members {
                sqlx::query("UPDATE users SET organisation_id = $1 WHERE username = $2")
                    .bind(id)
                    .bind(member)
                    .execute(&mut *tx)
                    .await?;
            }
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::organisation_registered(id, fields, quota_shared::api::OrganisationStatus::Approved, actor, now));
            tx.commit().await?;
            Ok(Some(id))
        }

        #[tracing::instrument(skip_all)]
        async fn organisation(
            &self,
            id: i64,
        ) -> Result<Option<quota_shared::api::Organisation>, StoreError> {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM organisations WHERE id = $1",
                $crate::store::rows::organisations::ORGANISATION_COLUMNS
            ));
            let row: Option<$crate::store::rows::organisations::OrganisationRow> = sqlx::query_as(sql)
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
            row.map(|r| r.into_organisation()).transpose()
        }

        #[tracing::instrument(skip_all)]
        async fn organisations(
            &self,
            status: Option<quota_shared::api::OrganisationStatus>,
        ) -> Result<Vec<quota_shared::api::Organisation>, StoreError> {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM organisations WHERE (CAST($1 AS TEXT) IS NULL OR status = $1) ORDER BY id LIMIT 1000",
                $crate::store::rows::organisations::ORGANISATION_COLUMNS
            ));
            let rows: Vec<$crate::store::rows::organisations::OrganisationRow> = sqlx::query_as(sql)
                .bind(status.map(|s| s.wire()))
                .fetch_all(&self.pool)
                .await?;
            Ok($crate::store::rows::decode_each("organisations", rows, |r| r.into_organisation()))
        }

        #[tracing::instrument(skip_all)]
        async fn review_organisation(
            &self,
            id: i64,
            approve: bool,
            note: &str,
            actor: &str,
            now: time::OffsetDateTime,
        ) -> Result<$crate::store::types::Review, StoreError> {
            use $crate::store::types::Review;
            let status = if approve { "approved" } else { "rejected" };
            let note = (!note.is_empty()).then_some(note);
            let mut tx = self.writer.begin().await?;
            // A pending registration, or one rejected before (mended and checked again); an
            // approved one stays approved.
            let done: Option<(String, Option<String>)> = sqlx::query_as(
                "UPDATE organisations SET status = $1, review_note = $2, reviewed_by = $3, reviewed_at = $4 \
                 WHERE id = $5 AND status <> 'approved' RETURNING name, uscc",
            )
            .bind(status)
            .bind(note)
            .bind(actor)
            .bind($crate::store::rows::db_time(now))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((name, uscc)) = done else {
                tx.rollback().await?;
                return Ok(match self.organisation(id).await? {
                    Some(_) => Review::AlreadyApproved,
                    None => Review::NotFound,
                });
            };
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::organisation_reviewed(id, &name, uscc.as_deref().unwrap_or_default(), approve, note, actor, now));
            tx.commit().await?;
            match self.organisation(id).await? {
                Some(o) => Ok(Review::Reviewed(Box::new(o))),
                None => Ok(Review::NotFound),
            }
        }
    };
}

pub(crate) use impl_organisations;
pub(crate) use insert_organisation;

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
             contact_name, contact_phone, address, status, reviewed_by, reviewed_at, created_at, \
             regional_bidder, authorisation_no, authorised_from, authorised_until) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
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
        .bind(fields.regional_bidder)
        .bind(fields.authorisation.as_ref().map(|a| a.number.clone()))
        .bind(fields.authorisation.as_ref().map(|a| a.valid_from))
        .bind(fields.authorisation.as_ref().map(|a| a.valid_until))
        .fetch_optional(&mut *$tx)
        .await?;
        row
    }};
}

/// Fills in the documents and members of `$orgs` (a `Vec<Organisation>`), read with `$pool`
/// for the organisations `$filter` selects (an SQL condition on `organisations` with `$1`
/// bound to `$arg`).
macro_rules! attach_extras {
    ($pool:expr, $orgs:expr, $filter:expr, $arg:expr) => {{
        let orgs: &mut Vec<quota_shared::api::Organisation> = $orgs;
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT organisation_id, kind, content_type, size_bytes, sha256, uploaded_by, uploaded_at \
             FROM organisation_documents WHERE organisation_id IN (SELECT id FROM organisations WHERE {}) \
             ORDER BY organisation_id, kind DESC",
            $filter
        ));
        let docs: Vec<$crate::store::rows::organisations::DocumentRow> =
            sqlx::query_as(sql).bind($arg).fetch_all($pool).await?;
        for row in docs {
            let owner = row.0;
            let doc = $crate::store::rows::organisations::document_from_row(row)?;
            if let Some(o) = orgs.iter_mut().find(|o| o.id == owner) {
                o.documents.push(doc);
            }
        }
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT organisation_id, username FROM users WHERE organisation_id IN \
             (SELECT id FROM organisations WHERE {}) ORDER BY id",
            $filter
        ));
        let members: Vec<(i64, String)> = sqlx::query_as(sql).bind($arg).fetch_all($pool).await?;
        for (owner, username) in members {
            if let Some(o) = orgs.iter_mut().find(|o| o.id == owner) {
                o.members.push(username);
            }
        }
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
            let user = &$crate::store::types::NewUser { organisation_id: Some(org_id), ..user.clone() };
            let made = $crate::store::sql::accounts::insert_user!(tx, user, now);
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
            let Some(o) = self.organisation_alone(id).await? else {
                return Ok(None);
            };
            let mut orgs = vec![o];
            $crate::store::sql::organisations::attach_extras!(&self.pool, &mut orgs, "id = $1", id);
            Ok(orgs.pop())
        }

        #[tracing::instrument(skip_all)]
        async fn organisation_alone(
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
            let mut orgs = $crate::store::rows::decode_each("organisations", rows, |r| r.into_organisation());
            if let (Some(first), Some(last)) = (orgs.first().map(|o| o.id), orgs.last().map(|o| o.id)) {
                let range = format!("(CAST($1 AS TEXT) IS NULL OR status = $1) AND id BETWEEN {first} AND {last}");
                $crate::store::sql::organisations::attach_extras!(&self.pool, &mut orgs, range, status.map(|s| s.wire()));
            }
            Ok(orgs)
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
                 WHERE id = $5 AND status <> 'approved' AND ($1 <> 'approved' OR (EXISTS (SELECT 1 FROM \
                 organisation_documents d WHERE d.organisation_id = $5 AND d.kind = 'licence') AND (NOT regional_bidder \
                 OR kind = 'government' OR EXISTS (SELECT 1 FROM organisation_documents d WHERE d.organisation_id = $5 \
                 AND d.kind = 'authorisation')))) RETURNING name, uscc",
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
                    Some(o) if o.status == quota_shared::api::OrganisationStatus::Approved => Review::AlreadyApproved,
                    Some(_) => Review::DocumentsMissing,
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

        #[tracing::instrument(skip_all)]
        async fn edit_organisation(
            &self,
            id: i64,
            fields: &quota_shared::api::OrganisationFields,
            resubmit: bool,
            actor: &str,
            now: time::OffsetDateTime,
        ) -> Result<$crate::store::types::OrganisationEdit, StoreError> {
            use $crate::store::types::OrganisationEdit;
            let mut tx = self.writer.begin().await?;
            // A mended registration goes back to the queue; the administrator's own edit (a
            // migrated organisation's code completed) leaves the status as it is.
            let done: Result<Option<(String,)>, sqlx::Error> = sqlx::query_as(
                "UPDATE organisations SET name = $1, uscc = $2, kind = $3, county_code = $4, \
                 legal_representative = $5, contact_name = $6, contact_phone = $7, address = $8, \
                 regional_bidder = $9, authorisation_no = $10, authorised_from = $11, authorised_until = $12, \
                 status = CASE WHEN $13 THEN 'pending' ELSE status END \
                 WHERE id = $14 AND (NOT $13 OR status <> 'approved') RETURNING status",
            )
            .bind(&fields.name)
            .bind(fields.uscc.as_str())
            .bind(fields.kind.wire())
            .bind(fields.county_code.as_ref().map(|c| c.as_str().to_string()))
            .bind(&fields.legal_representative)
            .bind(&fields.contact_name)
            .bind(&fields.contact_phone)
            .bind(&fields.address)
            .bind(fields.regional_bidder)
            .bind(fields.authorisation.as_ref().map(|a| a.number.clone()))
            .bind(fields.authorisation.as_ref().map(|a| a.valid_from))
            .bind(fields.authorisation.as_ref().map(|a| a.valid_until))
            .bind(resubmit)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await;
            let status = match done {
                Ok(Some((status,))) => status,
                Ok(None) => {
                    tx.rollback().await?;
                    return Ok(match self.organisation(id).await? {
                        Some(_) => OrganisationEdit::Approved,
                        None => OrganisationEdit::NotFound,
                    });
                }
                Err(e) if $crate::store::sql::projects::is_unique_violation(&e) => {
                    tx.rollback().await?;
                    return Ok(OrganisationEdit::UsccTaken);
                }
                Err(e) => return Err(e.into()),
            };
            let status: quota_shared::api::OrganisationStatus = $crate::store::rows::parse_stored("organisation status", &status)?;
            // A code completed for an organisation moved from an earlier account: the trades
            // numbered while it had none name it fully from now on (a code missing, not changed).
            sqlx::query(
                "UPDATE purchases SET buyer_party = $1, buyer_party_uscc = $2 WHERE confirmation_no IS NOT NULL \
                 AND buyer_party_uscc IS NULL AND buyer_id IN (SELECT u.id FROM users u WHERE u.organisation_id = $3)",
            )
            .bind(&fields.name)
            .bind(fields.uscc.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if fields.kind == quota_shared::api::OrganisationKind::NaturalResources && status == quota_shared::api::OrganisationStatus::Approved {
                sqlx::query(
                    "UPDATE purchases SET seller_party = $1, seller_party_uscc = $2 WHERE confirmation_no IS NOT NULL \
                     AND seller_party_uscc IS NULL AND seller_county_code = $3",
                )
                .bind(&fields.name)
                .bind(fields.uscc.as_str())
                .bind(fields.county_code.as_ref().map(|c| c.as_str().to_string()))
                .execute(&mut *tx)
                .await?;
            }
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::organisation_changed(id, fields, status, actor, now));
            tx.commit().await?;
            match self.organisation(id).await? {
                Some(o) => Ok(OrganisationEdit::Edited(Box::new(o))),
                None => Ok(OrganisationEdit::NotFound),
            }
        }

        #[tracing::instrument(skip_all)]
        async fn put_organisation_document(
            &self,
            id: i64,
            kind: quota_shared::api::DocumentKind,
            content_type: &str,
            content: &[u8],
            sha256: &str,
            any_status: bool,
            actor: &str,
            now: time::OffsetDateTime,
        ) -> Result<bool, StoreError> {
            let mut tx = self.writer.begin().await?;
            let done = sqlx::query(
                "INSERT INTO organisation_documents (organisation_id, kind, content_type, size_bytes, sha256, \
                 content, uploaded_by, uploaded_at) SELECT id, $2, $3, $4, $5, $6, $7, $8 FROM organisations \
                 WHERE id = $1 AND ($9 OR status <> 'approved') \
                 ON CONFLICT (organisation_id, kind) DO UPDATE SET content_type = excluded.content_type, \
                 size_bytes = excluded.size_bytes, sha256 = excluded.sha256, content = excluded.content, \
                 uploaded_by = excluded.uploaded_by, uploaded_at = excluded.uploaded_at",
            )
            .bind(id)
            .bind(kind.wire())
            .bind(content_type)
            .bind(content.len() as i64)
            .bind(sha256)
            .bind(content)
            .bind(actor)
            .bind($crate::store::rows::db_time(now))
            .bind(any_status)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            $crate::store::sql::audit::audit_append!(tx, $crate::store::payloads::organisation_document(id, kind, content_type, content.len(), sha256, actor, now));
            tx.commit().await?;
            Ok(true)
        }

        #[tracing::instrument(skip_all)]
        async fn organisation_document(
            &self,
            id: i64,
            kind: quota_shared::api::DocumentKind,
        ) -> Result<Option<(String, Vec<u8>)>, StoreError> {
            Ok(sqlx::query_as(
                "SELECT content_type, content FROM organisation_documents WHERE organisation_id = $1 AND kind = $2",
            )
            .bind(id)
            .bind(kind.wire())
            .fetch_optional(&self.pool)
            .await?)
        }
    };
}

pub(crate) use attach_extras;
pub(crate) use impl_organisations;
pub(crate) use insert_organisation;

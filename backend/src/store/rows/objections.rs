//! Rows of objections (异议, R16).

use time::OffsetDateTime;

use super::{corrupt, parse_stored};
use crate::store::error::StoreError;
use quota_shared::api::Objection;

pub(crate) const OBJECTION_COLUMNS: &str = "id, purchase_id, seller_county_code, name, contact, reason, \
     status, lodged_at, resolution, resolved_by, resolved_at";

/// An objection row; decodes on both databases.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ObjectionRow {
    pub id: i64,
    pub purchase_id: i64,
    pub seller_county_code: String,
    pub name: String,
    pub contact: String,
    pub reason: String,
    pub status: String,
    pub lodged_at: OffsetDateTime,
    pub resolution: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<OffsetDateTime>,
}

impl ObjectionRow {
    pub fn into_objection(self) -> Result<Objection, StoreError> {
        Ok(Objection {
            id: self.id,
            purchase_id: self.purchase_id,
            seller_county_code: self
                .seller_county_code
                .parse()
                .map_err(|_| corrupt(format!("county of objection {}", self.id)))?,
            name: self.name,
            contact: self.contact,
            reason: self.reason,
            status: parse_stored("objection status", &self.status)?,
            lodged_at: self.lodged_at,
            resolution: self.resolution,
            resolved_by: self.resolved_by,
            resolved_at: self.resolved_at,
        })
    }
}

//! Organisation rows as stored, decoded on both databases.

use quota_shared::api::Organisation;

use super::{corrupt, parse_stored};
use crate::store::error::StoreError;

pub(crate) const ORGANISATION_COLUMNS: &str = "id, name, uscc, kind, county_code, legal_representative, \
     contact_name, contact_phone, address, status, review_note, reviewed_by, reviewed_at, created_at, \
     regional_bidder, authorisation_no, authorised_from, authorised_until";

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct OrganisationRow {
    pub id: i64,
    pub name: String,
    pub uscc: Option<String>,
    pub kind: String,
    pub county_code: Option<String>,
    pub legal_representative: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub address: String,
    pub status: String,
    pub review_note: Option<String>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<time::OffsetDateTime>,
    pub created_at: time::OffsetDateTime,
    pub regional_bidder: bool,
    pub authorisation_no: Option<String>,
    pub authorised_from: Option<time::Date>,
    pub authorised_until: Option<time::Date>,
}

/// A document's listing row: organisation, kind, type, size, digest, by, at.
pub(crate) type DocumentRow = (
    i64,
    String,
    String,
    i64,
    String,
    String,
    time::OffsetDateTime,
);

pub(crate) fn document_from_row(
    (_, kind, content_type, size_bytes, sha256, uploaded_by, uploaded_at): DocumentRow,
) -> Result<quota_shared::api::DocumentInfo, StoreError> {
    Ok(quota_shared::api::DocumentInfo {
        kind: parse_stored("document kind", &kind)?,
        content_type,
        size_bytes,
        sha256,
        uploaded_by,
        uploaded_at,
    })
}

impl OrganisationRow {
    pub fn into_organisation(self) -> Result<Organisation, StoreError> {
        Ok(Organisation {
            id: self.id,
            name: self.name,
            uscc: self
                .uscc
                .map(|c| c.parse().map_err(|_| corrupt("organisation uscc")))
                .transpose()?,
            kind: parse_stored("organisation kind", &self.kind)?,
            county_code: self
                .county_code
                .map(|c| c.parse().map_err(|_| corrupt("organisation county")))
                .transpose()?,
            legal_representative: self.legal_representative,
            contact_name: self.contact_name,
            contact_phone: self.contact_phone,
            address: self.address,
            status: parse_stored("organisation status", &self.status)?,
            review_note: self.review_note,
            reviewed_by: self.reviewed_by,
            reviewed_at: self.reviewed_at,
            created_at: self.created_at,
            regional_bidder: self.regional_bidder,
            authorisation: match (
                self.authorisation_no,
                self.authorised_from,
                self.authorised_until,
            ) {
                (Some(number), Some(valid_from), Some(valid_until)) => {
                    Some(quota_shared::api::Authorisation {
                        number,
                        valid_from,
                        valid_until,
                    })
                }
                _ => None,
            },
            documents: Vec::new(),
            members: Vec::new(),
        })
    }
}

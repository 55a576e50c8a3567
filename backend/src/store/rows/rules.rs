//! Rule version rows: decoded one by one, dates read as text, so a damaged row is named
//! rather than failing the read of every other.

use super::{corrupt, parse_stored};
use crate::store::error::StoreError;

/// A rule version row; decodes on both databases.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct RuleVersionRow {
    pub rule_id: String,
    pub version: i64,
    pub effective_from: String,
    pub effective_to: Option<String>,
    pub confirmed: bool,
    pub citation: String,
    pub params: String,
}

impl RuleVersionRow {
    pub fn into_version(self) -> Result<quota_shared::rules::RuleVersion, StoreError> {
        Ok(quota_shared::rules::RuleVersion {
            rule: parse_stored("rule id", &self.rule_id)?,
            version: u32::try_from(self.version).map_err(|_| corrupt("rule version number"))?,
            effective_from: stored_date(&self.effective_from)?,
            effective_to: self.effective_to.as_deref().map(stored_date).transpose()?,
            confirmed: self.confirmed,
            citation: self.citation,
            params: serde_json::from_str(&self.params)
                .map_err(|e| StoreError::Corrupt(format!("rule {} params: {e}", self.rule_id)))?,
        })
    }
}

/// A calendar date stored as `YYYY-MM-DD` (SQLite text; PostgreSQL `DATE` cast to text).
pub(crate) fn stored_date(text: &str) -> Result<time::Date, StoreError> {
    time::Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| corrupt("rule version date"))
}

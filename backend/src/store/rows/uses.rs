//! Rows of uses (落地): a filing with its project, as it drew the holding down.

use time::OffsetDateTime;

use super::{corrupt, stored_project};
use crate::store::error::StoreError;
use quota_shared::Area;

/// A holding use row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct UseRow {
    pub id: i64,
    pub purchase_id: i64,
    pub approval_no: String,
    pub project_name: Option<String>,
    pub project_use: Option<String>,
    pub project_county_code: Option<String>,
    pub used_before_e4_mu: i64,
    pub area_e4_mu: i64,
    pub holding_e4_mu: i64,
    pub created_at: OffsetDateTime,
    pub ruleset_version: Option<String>,
}

impl UseRow {
    pub fn into_use(self) -> Result<quota_shared::api::HoldingUse, StoreError> {
        let area = |e4| Area::from_e4(e4).map_err(|_| corrupt("use area"));
        Ok(quota_shared::api::HoldingUse {
            id: self.id,
            purchase_id: self.purchase_id,
            approval_no: self.approval_no,
            project: stored_project(
                self.project_name.clone(),
                self.project_use,
                self.project_county_code,
            )?,
            project_name: self.project_name,
            used_before_mu: area(self.used_before_e4_mu)?,
            area_mu: area(self.area_e4_mu)?,
            remaining_mu: area(self.holding_e4_mu - self.used_before_e4_mu - self.area_e4_mu)?,
            created_at: self.created_at,
            ruleset_version: self.ruleset_version,
        })
    }
}

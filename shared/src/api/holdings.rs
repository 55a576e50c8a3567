//! Holdings (settled purchases) and their uses (落地).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::purchases::PurchaseProject;
use crate::jurisdiction::CountyCode;
use crate::positive::PositiveArea;
use crate::quantity::Area;

/// `POST /api/v1/holdings/uses`: one land-use approval filing drawing a holding down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UseRequest {
    pub purchase_id: i64,
    pub approval_no: String,
    pub area_mu: PositiveArea,
    /// The project this filing is for: required for an award; for a purchase it may be left
    /// out and must otherwise be the purchase's project. R6–R8 are applied to it at filing.
    #[serde(default)]
    pub project: Option<PurchaseProject>,
}

/// A use (落地) as recorded: used before, this filing, remaining after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HoldingUse {
    pub id: i64,
    pub purchase_id: i64,
    pub approval_no: String,
    /// The project's name (also for filings recorded before projects were named in full).
    pub project_name: Option<String>,
    /// The project in full; `None` only for an award's filing recorded before that.
    #[serde(default)]
    pub project: Option<PurchaseProject>,
    pub used_before_mu: Area,
    pub area_mu: Area,
    pub remaining_mu: Area,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The rule versions in force on the day of filing (R13); `None` for filings recorded
    /// before versions were kept.
    #[serde(default)]
    pub ruleset_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UseResponse {
    #[serde(rename = "use")]
    pub use_: HoldingUse,
}

/// A settled purchase seen as a balance drawn down by approvals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Holding {
    pub purchase_id: i64,
    pub buyer: String,
    pub seller_county_code: CountyCode,
    pub project: Option<PurchaseProject>,
    pub confirmation_no: Option<String>,
    pub area_mu: Area,
    pub used_mu: Area,
    pub remaining_mu: Area,
    pub uses: Vec<HoldingUse>,
}

/// Totals per buyer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HoldingTotals {
    pub buyer: String,
    pub area_mu: Area,
    pub used_mu: Area,
    pub remaining_mu: Area,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HoldingsResponse {
    pub holdings: Vec<Holding>,
    pub totals: Vec<HoldingTotals>,
    /// 下一页的翻页标记；最后一页为 null / where the next page starts; null on the last page
    #[serde(default)]
    pub next_cursor: Option<String>,
}

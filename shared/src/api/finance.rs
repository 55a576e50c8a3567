//! Proceeds per county and year, allocations to the configured uses (R12), disbursements.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::jurisdiction::CountyCode;
use crate::positive::PositiveMoney;
use crate::quantity::{Area, Money};
use crate::rules::UseCategory;

/// One county's proceeds in a year (Asia/Shanghai year of settlement).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProceedsRow {
    pub county_code: CountyCode,
    pub county_name: String,
    pub sold_mu: Area,
    pub proceeds_yuan: Money,
    pub allocated_yuan: Money,
    pub disbursed_yuan: Money,
    pub unallocated_yuan: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProceedsResponse {
    pub year: i32,
    pub proceeds: Vec<ProceedsRow>,
}

/// `POST /api/v1/allocations`: `use` is one of the configured categories (R12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AllocationRequest {
    pub county_code: CountyCode,
    #[serde(rename = "use")]
    pub use_: String,
    pub amount_yuan: PositiveMoney,
    #[serde(default)]
    pub note: String,
    /// The year of the proceeds allocated (Asia/Shanghai); the current year when absent.
    #[serde(default)]
    pub year: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AllocationsResponse {
    pub allocations: Vec<Allocation>,
    /// 下一页的翻页标记；最后一页为 null / where the next page starts; null on the last page
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// A permitted use of proceeds (R12) on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UseCategoriesResponse {
    pub use_categories: Vec<UseCategory>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Allocation {
    pub id: i64,
    pub county_code: CountyCode,
    pub year: i32,
    #[serde(rename = "use")]
    pub use_: String,
    pub amount_yuan: Money,
    pub disbursed_yuan: Money,
    pub note: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AllocationResponse {
    pub allocation: Allocation,
}

/// `POST /api/v1/disbursements`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DisbursementRequest {
    pub allocation_id: i64,
    pub amount_yuan: PositiveMoney,
    pub voucher_no: String,
    pub bank_reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Disbursement {
    pub id: i64,
    pub allocation_id: i64,
    pub amount_yuan: Money,
    pub voucher_no: String,
    pub bank_reference: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisbursementResponse {
    pub disbursement: Disbursement,
}

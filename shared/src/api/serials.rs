//! Serial-numbered quota (docs/DOMAIN.md, "Serial numbers"): the blocks a trade holds and a
//! serial traced back to its project and forward to its trade and use.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::jurisdiction::CountyCode;
use crate::quantity::Area;

/// A block of consecutive serials of one project held by a trade, or retired by a use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SerialBlock {
    pub project_id: i64,
    pub project_name: String,
    /// 备案号.
    pub registration_no: String,
    /// The block's first serial, e.g. `450422-2026-0007-000000001`.
    pub first_serial: String,
    /// Its last serial (inclusive).
    pub last_serial: String,
    /// Its area: one serial is 0.0001 亩.
    pub area_mu: Area,
    /// The use (落地) that retired it; `null` while the trade still holds it.
    #[serde(default)]
    pub use_id: Option<i64>,
    /// That use's approval (批文号).
    #[serde(default)]
    pub approval_no: Option<String>,
}

/// `GET /api/v1/purchases/{id}/serials`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SerialsResponse {
    pub purchase_id: i64,
    /// 核验码, as printed (`7K3Q-M9XD-2HFA`): given when the trade becomes final.
    #[serde(default)]
    pub verify_code: Option<String>,
    /// Empty until the trade is final (its serials are issued with its confirmation number),
    /// and for a trade of a listing made before listings drew from stock.
    pub blocks: Vec<SerialBlock>,
}

/// The project a serial comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TraceProject {
    pub id: i64,
    pub name: String,
    pub registration_no: String,
    pub county_code: CountyCode,
    pub township: String,
    pub village: String,
    /// `registered` (its quota sold in advance, 预支) or `accepted`.
    pub status: crate::api::projects::ProjectStatus,
    #[serde(default)]
    pub accepted_on: Option<Date>,
    #[serde(default)]
    pub acceptance_doc: Option<String>,
}

/// The trade holding a serial. No personal data: the buyer shows by its project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TraceTrade {
    pub purchase_id: i64,
    pub listing_id: i64,
    /// 成交确认书编号.
    pub confirmation_no: String,
    pub seller_county_code: CountyCode,
    pub area_mu: Area,
    #[serde(with = "time::serde::rfc3339")]
    pub settled_at: OffsetDateTime,
    /// The buyer's project, where the quota is to land.
    #[serde(default)]
    pub project_name: Option<String>,
    #[serde(default)]
    pub project_county_code: Option<CountyCode>,
}

/// The use (落地) that retired a serial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TraceUse {
    pub use_id: i64,
    /// 批文号.
    pub approval_no: String,
    pub project_name: Option<String>,
    pub project_county_code: Option<CountyCode>,
    #[serde(with = "time::serde::rfc3339")]
    pub landed_at: OffsetDateTime,
}

/// `GET /api/v1/trace/{serial}` (public): where a serial comes from and where it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Trace {
    pub serial: String,
    pub project: TraceProject,
    pub trade: TraceTrade,
    /// The block of the trade that holds the serial.
    pub block: SerialBlock,
    /// Where it landed; `null` while it is held.
    #[serde(default)]
    pub landed: Option<TraceUse>,
}

/// `GET /api/v1/trace/trade/{confirmation_no}` (public): a final trade and all its serial
/// blocks with their source projects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TradeTrace {
    pub trade: TraceTrade,
    pub blocks: Vec<SerialBlock>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TradeTraceResponse {
    pub trace: TradeTrace,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TraceResponse {
    pub trace: Trace,
}

/// `GET /api/v1/verify/{code}` (public): what a 成交确认书 with this 核验码 must say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verification {
    /// As printed.
    pub verify_code: String,
    pub confirmation_no: String,
    pub seller_county_code: CountyCode,
    /// The parties by name and 统一社会信用代码, as the confirmation prints them (no contact data).
    #[serde(default)]
    pub seller_organisation: Option<String>,
    #[serde(default)]
    pub seller_uscc: Option<String>,
    #[serde(default)]
    pub buyer_organisation: Option<String>,
    #[serde(default)]
    pub buyer_uscc: Option<String>,
    /// The buyer's project (where the quota is to land); never a login.
    #[serde(default)]
    pub project_name: Option<String>,
    #[serde(default)]
    pub project_county_code: Option<CountyCode>,
    pub area_mu: Area,
    pub price_per_mu: crate::quantity::UnitPrice,
    pub amount_yuan: crate::quantity::Money,
    /// The amount in 大写 (R10), as the confirmation prints it.
    pub amount_capital: String,
    #[serde(with = "time::serde::rfc3339")]
    pub settled_at: OffsetDateTime,
    /// Its quota's serial blocks, with their source projects.
    pub blocks: Vec<SerialBlock>,
    /// Whether the trade's audit records are intact: each hashes to its stored hash, is what
    /// the next record of its chain (or the chain's head) links to, and the row agrees with
    /// what they say of the amount, the area and the number.
    pub audit_intact: bool,
    /// The trade's audit records checked.
    pub audit_records: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerificationResponse {
    pub verification: Verification,
}

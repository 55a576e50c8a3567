//! Purchases on the county channel and awards of regional lots, and their settlement.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::jurisdiction::CountyCode;
use crate::positive::PositiveArea;
use crate::quantity::{Area, Money, UnitPrice};
use crate::rules::ProjectUse;
use crate::wire::wire_enum;

/// The project a purchase is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PurchaseProject {
    pub name: String,
    #[serde(rename = "use")]
    pub use_: ProjectUse,
    pub county_code: CountyCode,
}

/// `POST /api/v1/purchases` (with an `Idempotency-Key` header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PurchaseRequest {
    pub listing_id: i64,
    pub area_mu: PositiveArea,
    pub project: PurchaseProject,
}

wire_enum! {
    /// Lifecycle of a purchase (docs/DOMAIN.md, "Lifecycles").
    pub enum PurchaseStatus {
        Reserved = "reserved",
        Settled = "settled",
        Expired = "expired",
        Cancelled = "cancelled",
        /// Unwound by an upheld objection during its publicity (R16): the area went back.
        Annulled = "annulled",
    }
}

impl PurchaseStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Reserved => "待付款",
            Self::Settled => "已成交",
            Self::Expired => "已过期",
            Self::Cancelled => "已取消",
            Self::Annulled => "已撤销（异议成立）",
        }
    }
}

wire_enum! {
    /// How a purchase came about.
    pub enum PurchaseKind {
        /// Bought on the county channel.
        Purchase = "purchase",
        /// Won on the regional channel: the lot's award to the highest bidder.
        Award = "award",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Purchase {
    pub id: i64,
    pub listing_id: i64,
    pub seller_county_code: CountyCode,
    pub buyer: String,
    /// 受让方: the buyer's organisation and its 统一社会信用代码, when it registered as one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_organisation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_uscc: Option<String>,
    /// 出让方: the seller county's 自然资源局 and its code, when it is an organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_organisation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_uscc: Option<String>,
    pub area_mu: Area,
    pub farmland_mu: Area,
    pub paddy_mu: Area,
    pub price_per_mu: UnitPrice,
    pub amount_yuan: Money,
    pub status: PurchaseStatus,
    pub kind: PurchaseKind,
    /// The project the quota is for; `None` for an award of a regional lot, whose projects
    /// are named when its uses (落地) are recorded.
    pub project: Option<PurchaseProject>,
    pub confirmation_no: Option<String>,
    pub bank_reference: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub settled_at: Option<OffsetDateTime>,
    /// R16: a settled trade is published until then; it is final (numbered, usable) after it
    /// when no objection is open. `None`: final at settlement (no publicity, or settled before
    /// publicity existed).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub publicity_ends_at: Option<OffsetDateTime>,
    /// Objections lodged and not yet resolved; while any is open the trade is not final.
    #[serde(default)]
    pub open_objections: u32,
    /// The rule set the purchase was checked against (R13).
    pub ruleset_version: String,
}

impl Purchase {
    /// Whether the trade is final: settled and given its confirmation number.
    pub fn is_final(&self) -> bool {
        self.status == PurchaseStatus::Settled && self.confirmation_no.is_some()
    }

    /// Whether it is settled and still in its publicity (not yet final).
    pub fn in_publicity(&self) -> bool {
        self.status == PurchaseStatus::Settled && self.confirmation_no.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PurchaseResponse {
    pub purchase: Purchase,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PurchasesResponse {
    pub purchases: Vec<Purchase>,
    /// 下一页的翻页标记；最后一页为 null / where the next page starts; null on the last page
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// `POST /api/v1/purchases/{id}/settle`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SettleRequest {
    pub bank_reference: String,
}

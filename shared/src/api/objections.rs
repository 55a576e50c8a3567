//! Objections (异议) to a trade in its publicity (成交公示, R16): lodged by anyone on the public
//! page, resolved by the seller county's bureau. The objector's contact is never public.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::jurisdiction::CountyCode;
use crate::wire::wire_enum;

/// Longest objector name, in characters.
pub const OBJECTION_NAME_MAX: usize = 50;
/// Longest contact (phone or address), in characters.
pub const OBJECTION_CONTACT_MAX: usize = 100;
/// Longest reason or resolution, in characters.
pub const OBJECTION_REASON_MAX: usize = 2000;
/// Open objections one trade may hold at a time: enough for every party with a stake, and a
/// bound on what a flood of objections can make the bureau read.
pub const OPEN_OBJECTIONS_MAX: u32 = 20;

/// `POST /api/v1/purchases/{id}/objections` (public).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ObjectionRequest {
    /// 异议人：姓名或单位名称 / the objector's name or organisation.
    pub name: String,
    /// 联系方式（不公开）/ contact, never shown publicly.
    pub contact: String,
    /// 异议理由 / the reason.
    pub reason: String,
}

wire_enum! {
    /// Where an objection stands.
    pub enum ObjectionStatus {
        Open = "open",
        /// 异议成立: the trade is annulled and its area returns.
        Upheld = "upheld",
        /// 异议不成立: the trade goes on to finality.
        Dismissed = "dismissed",
        /// Closed without a decision of its own: another objection to the same trade was upheld.
        Moot = "moot",
    }
}

impl ObjectionStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Open => "待处理",
            Self::Upheld => "异议成立",
            Self::Dismissed => "异议不成立",
            Self::Moot => "交易已撤销，无需处理",
        }
    }
}

wire_enum! {
    /// The bureau's decision on an objection.
    pub enum ObjectionDecision {
        Upheld = "upheld",
        Dismissed = "dismissed",
    }
}

/// `POST /api/v1/objections/{id}/resolve` (the seller county's bureau).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResolveObjectionRequest {
    pub decision: ObjectionDecision,
    /// 处理意见 / the reasons for the decision, given to the objector on request.
    pub resolution: String,
}

/// An objection as staff see it (the public sees only counts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Objection {
    pub id: i64,
    pub purchase_id: i64,
    pub seller_county_code: CountyCode,
    pub name: String,
    pub contact: String,
    pub reason: String,
    pub status: ObjectionStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub lodged_at: OffsetDateTime,
    pub resolution: Option<String>,
    pub resolved_by: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub resolved_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectionResponse {
    pub objection: Objection,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectionsResponse {
    pub objections: Vec<Objection>,
}

/// What the public is told after lodging: the receipt, without the contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectionReceipt {
    pub id: i64,
    pub purchase_id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub lodged_at: OffsetDateTime,
    /// 公示期截止 / the end of the publicity period the objection holds.
    #[serde(with = "time::serde::rfc3339")]
    pub publicity_ends_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectionReceiptResponse {
    pub objection: ObjectionReceipt,
}

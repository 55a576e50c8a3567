//! Listings on both channels, bids on regional lots, and the public announcements.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::jurisdiction::CountyCode;
use crate::positive::{PositiveArea, PositiveMoney};
use crate::quantity::{Area, Money, UnitPrice};
use crate::rules::Channel;
use crate::wire::wire_enum;

wire_enum! {
    /// Lifecycle of a listing (docs/DOMAIN.md, "Lifecycles"), wire values in `code`.
    pub enum ListingStatus {
        Open = "open",
        SoldOut = "sold_out",
        Withdrawn = "withdrawn",
        Expired = "expired",
        Scheduled = "scheduled",
        Bidding = "bidding",
        Awarded = "awarded",
        Unsold = "unsold",
    }
}

impl ListingStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Open => "挂牌中",
            Self::SoldOut => "已售罄",
            Self::Withdrawn => "已撤回",
            Self::Expired => "已到期",
            Self::Scheduled => "公告中",
            Self::Bidding => "竞价中",
            Self::Awarded => "已成交",
            Self::Unsold => "流拍",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::SoldOut => "sold out",
            Self::Withdrawn => "withdrawn",
            Self::Expired => "expired",
            Self::Scheduled => "scheduled",
            Self::Bidding => "bidding",
            Self::Awarded => "awarded",
            Self::Unsold => "unsold",
        }
    }
    /// Whether quota can still be bought or bid on.
    pub fn is_live(self) -> bool {
        matches!(self, Self::Open | Self::Scheduled | Self::Bidding)
    }
}

/// A listing on either channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Listing {
    pub id: i64,
    pub county_code: CountyCode,
    pub channel: Channel,
    pub status: ListingStatus,
    pub area_mu: Area,
    pub remaining_mu: Area,
    pub farmland_mu: Area,
    pub paddy_mu: Area,
    pub grain_capacity_kg: i64,
    pub price_per_mu: UnitPrice,
    pub source_project: String,
    pub township: String,
    pub advance: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub listed_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub opens_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub closes_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub start_total_yuan: Option<Money>,
    #[serde(default)]
    pub deposit_yuan: Option<Money>,
    #[serde(default)]
    pub high_bid_yuan: Option<Money>,
    #[serde(default)]
    pub min_next_bid_yuan: Option<Money>,
    /// A lot's bid step (R4), as in force when it was listed.
    #[serde(default)]
    pub bid_step_yuan: Option<Money>,
    /// Bids placed on a regional lot.
    #[serde(default)]
    pub bid_count: i64,
    /// The rule set the listing was checked against (R13).
    pub ruleset_version: String,
    /// The reclamation projects it offers, in order (docs/DOMAIN.md, "Quota stock"); empty for
    /// a listing made before listings drew from stock.
    #[serde(default)]
    pub sources: Vec<ListingSource>,
}

/// One project a listing offers, and how much of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListingSource {
    pub project_id: i64,
    pub project_name: String,
    /// 备案号.
    pub registration_no: String,
    /// What the listing took of the project.
    pub area_mu: Area,
    /// What it holds now: all of it while live, what it sold once ended.
    pub held_mu: Area,
    /// Drawn on the project's planned surplus before its acceptance (预支).
    pub advance: bool,
    /// Whether the project has been accepted since (its quota is ordinary then).
    pub project_accepted: bool,
}

/// Most projects one listing may offer.
pub const LISTING_SOURCES_MAX: usize = 10;

/// `sources` of `POST /api/v1/listings`: a project of the bureau's county and how much of its
/// available surplus to offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SourceRequest {
    pub project_id: i64,
    pub area_mu: PositiveArea,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListingsResponse {
    pub listings: Vec<Listing>,
    /// 下一页的翻页标记；最后一页为 null / where the next page starts; null on the last page
    #[serde(default)]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListingResponse {
    pub listing: Listing,
}

/// `POST /api/v1/listings`. For the regional channel `price_per_mu` is the start price and
/// `closes_at` is required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewListing {
    pub channel: Channel,
    /// The projects it offers, in order, 1 to [`LISTING_SOURCES_MAX`], each once. The area is
    /// their sum; new farmland, paddy and grain capacity follow from the projects pro rata.
    pub sources: Vec<SourceRequest>,
    pub price_per_mu: UnitPrice,
    /// 预支: required to draw on a project not yet accepted.
    #[serde(default)]
    pub advance: bool,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub opens_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub closes_at: Option<OffsetDateTime>,
}

/// `POST /api/v1/listings/{id}/bids`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BidRequest {
    pub amount_yuan: PositiveMoney,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bid {
    pub id: i64,
    pub listing_id: i64,
    pub bidder: String,
    pub amount_yuan: Money,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BidResponse {
    pub bid: Bid,
}

wire_enum! {
    /// 挂牌公告 (a listing opened) or 成交公示 (a trade settled or a lot awarded).
    pub enum AnnouncementKind {
        Listing = "listing",
        Result = "result",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Announcement {
    pub kind: AnnouncementKind,
    pub title: String,
    pub county_code: CountyCode,
    pub listing_id: i64,
    pub area_mu: Area,
    pub amount_yuan: Option<Money>,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    /// 挂牌公告 of a county listing: buying opens then (R16).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub opens_at: Option<OffsetDateTime>,
    /// 成交公示: the trade it publishes (objections are lodged against it).
    #[serde(default)]
    pub purchase_id: Option<i64>,
    /// 成交公示: the end of the publicity period (R16); objections are taken until then.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub publicity_ends_at: Option<OffsetDateTime>,
    /// 成交公示: whether the trade is final (numbered); `false` while in publicity or held by an
    /// open objection.
    #[serde(default)]
    pub is_final: bool,
    /// 成交公示: objections lodged and not yet resolved.
    #[serde(default)]
    pub open_objections: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnnouncementsResponse {
    pub announcements: Vec<Announcement>,
    /// 下一页的翻页标记；最后一页为 null / where the next page starts; null on the last page
    #[serde(default)]
    pub next_cursor: Option<String>,
}

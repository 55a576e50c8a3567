//! The HTTP API v1 wire types (product.md §6): what the server sends and accepts and what the
//! web app reads, compiled from one definition on both sides. Decimals are strings; a single
//! resource is wrapped in its singular name, a list in its plural.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::error::{DomainError, FieldError};
use crate::jurisdiction::{CountyCode, Jurisdiction, ProjectQuotaRule, UnitKind};
use crate::quantity::{Area, AreaUnit, Money, UnitPrice};
use crate::rules::{Channel, FloorVersion, ProjectUse, RuleApplied, RuleViolation};

/// A county-level unit as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct County {
    pub code: CountyCode,
    pub name: String,
    pub name_en: String,
    pub kind: UnitKind,
    pub city_code: String,
    pub city_name: String,
    pub poverty_alleviated: bool,
    pub poverty_status_confirmed: bool,
    /// Which Wuzhou clause applies to projects located here (R6/R7), so the browser can run
    /// the same rules offline.
    pub project_rule: ProjectQuotaRule,
    pub base_price_per_mu: Option<UnitPrice>,
}

impl County {
    /// The unit as the rules see it.
    pub fn jurisdiction(&self) -> Jurisdiction {
        Jurisdiction {
            code: self.code.clone(),
            name: self.name.clone(),
            name_en: self.name_en.clone(),
            kind: self.kind,
            city_code: self.city_code.clone(),
            city_name: self.city_name.clone(),
            poverty_alleviated: self.poverty_alleviated,
            poverty_status_confirmed: self.poverty_status_confirmed,
            project_rule: self.project_rule,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountiesResponse {
    pub counties: Vec<County>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountyResponse {
    pub county: County,
}

/// `PUT /api/v1/counties/{code}/base-price`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BasePriceRequest {
    pub price_per_mu: UnitPrice,
}

/// A regional floor version on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FloorPrice {
    pub price_per_mu: UnitPrice,
    pub effective_from: Date,
}

impl From<FloorPrice> for FloorVersion {
    fn from(f: FloorPrice) -> Self {
        FloorVersion {
            price_per_mu: f.price_per_mu,
            effective_from: f.effective_from,
        }
    }
}

impl From<FloorVersion> for FloorPrice {
    fn from(f: FloorVersion) -> Self {
        FloorPrice {
            price_per_mu: f.price_per_mu,
            effective_from: f.effective_from,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FloorPricesResponse {
    pub floor_prices: Vec<FloorPrice>,
}

/// Lifecycle of a listing (product.md §5), wire values in `code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ListingStatus {
    Open,
    SoldOut,
    Withdrawn,
    Expired,
    Scheduled,
    Bidding,
    Awarded,
    Unsold,
}

impl ListingStatus {
    pub fn wire(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::SoldOut => "sold_out",
            Self::Withdrawn => "withdrawn",
            Self::Expired => "expired",
            Self::Scheduled => "scheduled",
            Self::Bidding => "bidding",
            Self::Awarded => "awarded",
            Self::Unsold => "unsold",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Open => "挂牌中",
            Self::SoldOut => "已售罄",
            Self::Withdrawn => "已撤回",
            Self::Expired => "已到期",
            Self::Scheduled => "待竞价",
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
    /// Bids placed on a regional lot.
    #[serde(default)]
    pub bid_count: i64,
    /// The rule set the listing was checked against (R13).
    pub ruleset_version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListingsResponse {
    pub listings: Vec<Listing>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListingResponse {
    pub listing: Listing,
}

/// The project a quote or purchase is for, as typed by the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QuoteProject {
    #[serde(rename = "use")]
    pub use_: ProjectUse,
    pub county_code: CountyCode,
    /// The area as typed; parsed with [`Area::parse_in`] so errors can name the nearest values.
    pub area: String,
    #[serde(default)]
    pub unit: AreaUnit,
}

/// `POST /api/v1/quote`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QuoteRequest {
    pub project: QuoteProject,
}

/// One line of the cheapest fill over county-channel listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FillLine {
    pub listing_id: i64,
    pub county_code: CountyCode,
    pub area_mu: Area,
    pub price_per_mu: UnitPrice,
    pub amount_yuan: Money,
}

/// A regional lot the project could bid on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionalLotOption {
    pub listing_id: i64,
    pub county_code: CountyCode,
    pub area_mu: Area,
    pub min_bid_yuan: Money,
    pub deposit_yuan: Money,
    /// Whether this lot alone covers the quota needed.
    pub covers_need: bool,
}

/// How the total of a quote was formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TotalBasis {
    /// The cheapest fill across county-channel listings.
    CountyFill,
    /// The minimum bids of the cheapest regional lots that together cover the need (R7).
    RegionalMinimumBids,
}

/// The calculator's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Quote {
    pub required_mu: Area,
    pub required_ha_display: String,
    pub must_buy: bool,
    pub rules_applied: Vec<RuleApplied>,
    pub eligible_channels: Vec<Channel>,
    pub eligible_seller_counties: Vec<CountyCode>,
    pub cheapest_fill: Vec<FillLine>,
    /// Area the offers cannot cover (zero when fully covered).
    pub shortfall_mu: Area,
    pub total_basis: TotalBasis,
    pub total_yuan: Money,
    pub total_wan: String,
    pub total_capital: String,
    pub regional_lots: Vec<RegionalLotOption>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuoteResponse {
    pub quote: Quote,
}

/// An account's role (product.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    CountyBureau,
    Buyer,
    Finance,
}

impl Role {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Admin => "自治区管理员",
            Self::CountyBureau => "县级自然资源局",
            Self::Buyer => "购买方",
            Self::Finance => "财政",
        }
    }
}

/// `POST /api/v1/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub username: String,
    pub role: Role,
    pub county_code: Option<CountyCode>,
    /// R11: a government or an entity it authorises, allowed to bid on regional lots.
    pub regional_bidder: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserResponse {
    pub user: User,
}

/// An account as the administrator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    pub username: String,
    pub role: Role,
    pub county_code: Option<CountyCode>,
    pub regional_bidder: bool,
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountsResponse {
    pub users: Vec<Account>,
}

/// `POST /api/v1/users` (administrator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    pub username: String,
    pub password: String,
    pub role: Role,
    #[serde(default)]
    pub county_code: Option<CountyCode>,
    #[serde(default)]
    pub regional_bidder: bool,
}

/// A rule as published: id, what it says, where it comes from, when it applies (R13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleInfo {
    pub id: crate::rules::RuleId,
    pub title_zh: String,
    pub title_en: String,
    pub citation: String,
    pub confirmed: bool,
    pub effective_from: Date,
    pub effective_to: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RulesResponse {
    pub ruleset_version: String,
    pub rules: Vec<RuleInfo>,
}

/// `POST /api/v1/listings`. For the regional channel `price_per_mu` is the start price and
/// `closes_at` is required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewListing {
    pub channel: Channel,
    pub area_mu: Area,
    pub farmland_mu: Area,
    pub paddy_mu: Area,
    pub grain_capacity_kg: i64,
    pub price_per_mu: UnitPrice,
    pub source_project: String,
    pub township: String,
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
    pub amount_yuan: Money,
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
    pub area_mu: Area,
    pub project: PurchaseProject,
}

/// Lifecycle of a purchase (product.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PurchaseStatus {
    Reserved,
    Settled,
    Expired,
    Cancelled,
}

impl PurchaseStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Reserved => "待付款",
            Self::Settled => "已成交",
            Self::Expired => "已过期",
            Self::Cancelled => "已取消",
        }
    }
}

/// How a purchase came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PurchaseKind {
    /// Bought on the county channel.
    Purchase,
    /// Won on the regional channel: the lot's award to the highest bidder.
    Award,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Purchase {
    pub id: i64,
    pub listing_id: i64,
    pub seller_county_code: CountyCode,
    pub buyer: String,
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
    /// The rule set the purchase was checked against (R13).
    pub ruleset_version: String,
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
}

/// `POST /api/v1/purchases/{id}/settle`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SettleRequest {
    pub bank_reference: String,
}

/// `POST /api/v1/holdings/uses`: one land-use approval filing drawing a holding down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UseRequest {
    pub purchase_id: i64,
    pub approval_no: String,
    pub area_mu: Area,
    /// The project this filing is for (names the project of an award).
    #[serde(default)]
    pub project_name: Option<String>,
}

/// A use (落地) as recorded: used before, this filing, remaining after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HoldingUse {
    pub id: i64,
    pub purchase_id: i64,
    pub approval_no: String,
    pub project_name: Option<String>,
    pub used_before_mu: Area,
    pub area_mu: Area,
    pub remaining_mu: Area,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
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
}

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
    pub amount_yuan: Money,
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
}

/// A permitted use of proceeds (R12) on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UseCategoriesResponse {
    pub use_categories: Vec<crate::rules::UseCategory>,
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
    pub amount_yuan: Money,
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

/// 挂牌公告 (a listing opened) or 成交公示 (a trade settled or a lot awarded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AnnouncementKind {
    Listing,
    Result,
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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnnouncementsResponse {
    pub announcements: Vec<Announcement>,
}

/// One record of the audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub stream: String,
    pub object: String,
    pub actor: String,
    pub action: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditResponse {
    pub audit: Vec<AuditEntry>,
}

/// The result of checking the whole audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditVerification {
    pub intact: bool,
    /// Records checked (all of them when intact).
    pub records: u64,
    /// The first broken record, in words, when not intact.
    pub broken: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditVerificationResponse {
    pub verification: AuditVerification,
}

/// The error envelope: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    pub message_zh: String,
    pub message_en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violations: Option<Vec<RuleViolation>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

/// The language of a response message (`Accept-Language`; zh-CN when absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Reads an `Accept-Language` header: English only when it prefers `en` over `zh`.
    pub fn from_accept_language(header: Option<&str>) -> Lang {
        let Some(h) = header else { return Lang::Zh };
        for part in h.split(',') {
            let tag = part
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if tag.starts_with("zh") {
                return Lang::Zh;
            }
            if tag.starts_with("en") {
                return Lang::En;
            }
        }
        Lang::Zh
    }
}

impl ErrorBody {
    /// A field validation error (422), from a domain error.
    pub fn from_field(e: &FieldError, lang: Lang) -> Self {
        Self::new(e.error.code(), e.message_zh(), e.message_en(), lang).with_field(&e.field)
    }
    /// A refusal by one or more rules (422, `rule` = the first).
    pub fn from_violations(violations: Vec<RuleViolation>, lang: Lang) -> Self {
        let first = violations.first().cloned();
        let (zh, en, rule) = match first {
            Some(v) => (v.message_zh, v.message_en, Some(v.rule.to_string())),
            None => (String::new(), String::new(), None),
        };
        let mut body = Self::new("rule_violation", zh, en, lang);
        body.rule = rule;
        body.violations = Some(violations);
        body
    }
    pub fn new(code: &str, message_zh: String, message_en: String, lang: Lang) -> Self {
        Self {
            code: code.to_string(),
            message: match lang {
                Lang::Zh => message_zh.clone(),
                Lang::En => message_en.clone(),
            },
            message_zh,
            message_en,
            field: None,
            rule: None,
            violations: None,
        }
    }
    pub fn with_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }
}

/// `GET /healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub database: String,
}

/// Explains why a JSON string value was refused, by the unit its wire name carries: `*_mu`
/// is an area, `price_per_mu` a unit price, `*_yuan` money, `*county_code` a county. The
/// server uses it to turn a deserialisation failure into the domain's own words.
pub fn explain_field_value(field: &str, raw: &str) -> Option<DomainError> {
    use core::str::FromStr;
    if field == "price_per_mu" {
        UnitPrice::from_str(raw).err()
    } else if field.ends_with("_mu") {
        Area::from_str(raw).err()
    } else if field.ends_with("_yuan") {
        Money::from_str(raw).err()
    } else if field.ends_with("county_code") || field == "county" {
        CountyCode::from_str(raw).err()
    } else {
        None
    }
}

/// Parses an area typed in a unit, tying a failure to `field`.
pub fn parse_area_field(field: &str, input: &str, unit: AreaUnit) -> Result<Area, FieldError> {
    Area::parse_in(input, unit).map_err(|e| FieldError::new(field, e))
}

/// Requires a positive area for `field`.
pub fn positive_area(field: &str, area: Area) -> Result<Area, FieldError> {
    area.positive()
        .map_err(|e: DomainError| FieldError::new(field, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_chinese_unless_english_comes_first() {
        assert_eq!(Lang::from_accept_language(None), Lang::Zh);
        assert_eq!(Lang::from_accept_language(Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(
            Lang::from_accept_language(Some("zh-CN,zh;q=0.9,en;q=0.8")),
            Lang::Zh
        );
        assert_eq!(Lang::from_accept_language(Some("fr")), Lang::Zh);
    }

    #[test]
    fn purchase_requests_read_the_wire_shape_of_the_contract() {
        let body = r#"{"listing_id": 7, "area_mu": "2.5000",
            "project": {"name": "岑溪某商住项目", "use": "commercial", "county_code": "450481"}}"#;
        let req: PurchaseRequest = serde_json::from_str(body).expect("contract shape");
        assert_eq!(req.area_mu.to_string(), "2.5000");
        assert_eq!(req.project.use_, ProjectUse::Commercial);
        for bad in [
            r#"{"listing_id": 7, "area_mu": "2.50001", "project": {"name": "x", "use": "commercial", "county_code": "450481"}}"#,
            r#"{"listing_id": 7, "area_mu": 2.5, "project": {"name": "x", "use": "commercial", "county_code": "450481"}}"#,
            r#"{"listing_id": 7, "area_mu": "2.5", "project": {"name": "x", "use": "villa", "county_code": "450481"}}"#,
            r#"{"listing_id": 7, "area_mu": "2.5", "extra": 1, "project": {"name": "x", "use": "commercial", "county_code": "450481"}}"#,
        ] {
            assert!(
                serde_json::from_str::<PurchaseRequest>(bad).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn error_bodies_carry_the_first_rule_and_every_violation() {
        let v = crate::rules::check_regional_bidder(false).expect_err("R11");
        let body = ErrorBody::from_violations(vec![v.clone()], Lang::En);
        assert_eq!(body.rule.as_deref(), Some("R11"));
        assert_eq!(body.message, v.message_en);
        assert_eq!(body.violations.map(|v| v.len()), Some(1));
        let json = serde_json::to_value(ErrorBody::new("x", "中".into(), "en".into(), Lang::Zh))
            .expect("json");
        assert!(
            json.get("field").is_none() && json.get("rule").is_none(),
            "absent optionals are omitted"
        );
    }

    #[test]
    fn field_values_are_explained_by_their_wire_name() {
        assert!(matches!(
            explain_field_value("area_mu", "1.00001"),
            Some(DomainError::ScaleExceeded { .. })
        ));
        assert_eq!(
            explain_field_value("price_per_mu", "0"),
            Some(DomainError::Zero)
        );
        assert_eq!(
            explain_field_value("amount_yuan", "-5"),
            Some(DomainError::Negative)
        );
        assert!(matches!(
            explain_field_value("county_code", "99"),
            Some(DomainError::UnknownCounty { .. })
        ));
        assert_eq!(
            explain_field_value("area_mu", "1.5"),
            None,
            "a valid value has nothing to explain"
        );
        assert_eq!(explain_field_value("name", "x"), None);
    }

    #[test]
    fn quote_requests_reject_unknown_fields() {
        let ok =
            r#"{"project":{"use":"residential","county_code":"450405","area":"2","unit":"ha"}}"#;
        assert!(serde_json::from_str::<QuoteRequest>(ok).is_ok());
        let extra = r#"{"project":{"use":"residential","county_code":"450405","area":"2","x":1}}"#;
        assert!(serde_json::from_str::<QuoteRequest>(extra).is_err());
    }
}

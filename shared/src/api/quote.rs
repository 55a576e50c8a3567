//! The calculator's request and answer (`POST /api/v1/quote`).

use serde::{Deserialize, Serialize};

use crate::jurisdiction::CountyCode;
use crate::quantity::{Area, AreaUnit, Money, UnitPrice};
use crate::rules::{Channel, ProjectUse, RuleApplied};
use crate::wire::wire_enum;

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

wire_enum! {
    /// How the total of a quote was formed.
    pub enum TotalBasis {
        /// The cheapest fill across county-channel listings.
        CountyFill = "county_fill",
        /// The minimum bids of the cheapest regional lots that together cover the need (R7).
        RegionalMinimumBids = "regional_minimum_bids",
    }
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

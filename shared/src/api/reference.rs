//! Reference data on the wire: county-level units with their base prices, floor versions,
//! the rule catalogue, and `/healthz`.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::jurisdiction::{CountyCode, Jurisdiction, ProjectQuotaRule, UnitKind};
use crate::quantity::UnitPrice;
use crate::rules::{FloorVersion, RuleId};

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

/// A regional floor version on the wire (also `POST /api/v1/floor-prices`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
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

/// A rule as published: id, what it says, where it comes from, when it applies (R13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleInfo {
    pub id: RuleId,
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

/// `GET /healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub database: String,
}

/// `GET /readyz`: the database answers and every migration this build knows is applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Readiness {
    pub status: String,
    pub database: String,
    pub migrations_applied: u32,
}

//! Reference data on the wire: county-level units with their base prices, floor versions,
//! the rule catalogue, and `/healthz`.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::jurisdiction::{CountyCode, Jurisdiction, ProjectQuotaRule, UnitKind};
use crate::quantity::UnitPrice;
use crate::rules::{FloorVersion, RuleBook, RuleId, RuleParams, RuleVersion};

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
    /// The county as the rule versions in force on `day` see it: its 脱贫县 mark (R14) and
    /// what R6/R7 ask of projects there.
    pub fn as_ruled(mut self, book: &RuleBook, day: Date) -> Self {
        if let Some(j) = book.units_on(&[self.jurisdiction()], day).pop() {
            self.poverty_alleviated = j.poverty_alleviated;
            self.poverty_status_confirmed = j.poverty_status_confirmed;
            self.project_rule = j.project_rule;
        }
        self
    }

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
    /// Every version of the rule, oldest first (R13); the fields above are those of the
    /// version in force today, or of the catalogue when none is.
    #[serde(default)]
    pub versions: Vec<RuleVersion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RulesResponse {
    /// The versions in force today (Asia/Shanghai), as a listing made today records them.
    pub ruleset_version: String,
    pub rules: Vec<RuleInfo>,
}

/// `POST /api/v1/rules/{id}/versions` (administrator): a new version from a day on (tomorrow
/// or later, so nothing checked today changes); the versions it overlaps end the day before.
/// It runs open-ended; `…/end` ends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRuleVersion {
    pub effective_from: Date,
    pub confirmed: bool,
    pub citation: String,
    #[serde(default)]
    pub params: RuleParams,
}

/// `POST /api/v1/rules/{id}/versions/{version}/end` (administrator): the last day in force
/// (today or later). Only rules that can stop applying are ended (R1–R3, R6–R8, R11); the
/// others are replaced by a new version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EndRuleVersion {
    pub effective_to: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleVersionResponse {
    pub version: RuleVersion,
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

//! Rule versions (R13): each rule of the catalogue has versions with effective dates, the
//! parameters that version sets (bid step, deposit, the 市辖区/岑溪 lists, the 脱贫县 marks, the
//! uses of proceeds, the payment period), a citation and a confirmed mark. A [`RuleBook`] is the
//! set of versions; every check asks it which version is in force on the day (Asia/Shanghai).
//! The server keeps the versions in its database (seeded from [`RuleBook::builtin`]); the
//! administrator adds and ends versions, never edits them.

use serde::{Deserialize, Serialize};
use time::{Date, macros::date};

use super::catalog::{
    DEFAULT_ANNOUNCE_DAYS, DEFAULT_BID_STEP_FEN, DEFAULT_DEPOSIT_HUNDREDTHS,
    DEFAULT_DEPOSIT_ROUNDING_FEN, DEFAULT_PUBLICITY_DAYS, DEFAULT_RESERVATION_DAYS, RuleId,
    UseCategory, catalog, default_use_categories,
};
use crate::error::{DomainError, FieldError};
use crate::jurisdiction::{CountyCode, Jurisdiction, ProjectQuotaRule, wuzhou_default};
use crate::quantity::{Money, Percent};

/// R14: one county's 脱贫县 status, with its mark and source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CountyMark {
    pub code: CountyCode,
    pub poverty_alleviated: bool,
    /// Whether the status was read in a source (false: shown as 未核实).
    pub confirmed: bool,
    #[serde(default)]
    pub source: String,
}

/// What a version sets. Each rule uses its own fields (see [`RuleParams::check_for`]); the
/// others stay empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleParams {
    /// R4: the bid step on a lot's total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bid_step_yuan: Option<Money>,
    /// R5: the deposit, a percentage of the start total…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit_percent: Option<Percent>,
    /// …rounded up to a multiple of this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit_rounding_yuan: Option<Money>,
    /// R6, R7: the units whose 商服/商品住宅 projects the rule covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<Vec<CountyCode>>,
    /// R12: the permitted uses of proceeds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_categories: Option<Vec<UseCategory>>,
    /// R14: the 脱贫县 marks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counties: Option<Vec<CountyMark>>,
    /// R15: days a reservation waits for payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reservation_days: Option<u32>,
    /// R16: days a county listing is announced (挂牌公告) before buying opens…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announce_days: Option<u32>,
    /// …and days a settled trade is published (成交公示) for objections.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publicity_days: Option<u32>,
}

/// The parameter fields a rule's versions carry.
fn fields_of(rule: RuleId) -> &'static [&'static str] {
    match rule {
        RuleId::R4 => &["bid_step_yuan"],
        RuleId::R5 => &["deposit_percent", "deposit_rounding_yuan"],
        RuleId::R6 | RuleId::R7 => &["units"],
        RuleId::R12 => &["use_categories"],
        RuleId::R14 => &["counties"],
        RuleId::R15 => &["reservation_days"],
        RuleId::R16 => &["announce_days", "publicity_days"],
        _ => &[],
    }
}

impl RuleParams {
    fn present(&self) -> Vec<&'static str> {
        [
            ("bid_step_yuan", self.bid_step_yuan.is_some()),
            ("deposit_percent", self.deposit_percent.is_some()),
            (
                "deposit_rounding_yuan",
                self.deposit_rounding_yuan.is_some(),
            ),
            ("units", self.units.is_some()),
            ("use_categories", self.use_categories.is_some()),
            ("counties", self.counties.is_some()),
            ("reservation_days", self.reservation_days.is_some()),
            ("announce_days", self.announce_days.is_some()),
            ("publicity_days", self.publicity_days.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect()
    }

    /// Whether these parameters fit `rule`: its fields all given and sensible, no other field.
    /// `known` are the county codes the platform has.
    pub fn check_for(&self, rule: RuleId, known: &[CountyCode]) -> Result<(), FieldError> {
        let wanted = fields_of(rule);
        for name in self.present() {
            if !wanted.contains(&name) {
                return Err(FieldError::new(
                    "params",
                    DomainError::UnknownValue {
                        input: name.to_string(),
                        allowed: if wanted.is_empty() {
                            "（本规则无参数 / this rule has no parameters）".to_string()
                        } else {
                            wanted.join(", ")
                        },
                    },
                ));
            }
        }
        let missing = |name: &'static str| {
            FieldError::new(
                format!("params.{name}"),
                DomainError::Required { what: name },
            )
        };
        match rule {
            RuleId::R4 => {
                let step = self.bid_step_yuan.ok_or_else(|| missing("bid_step_yuan"))?;
                step.positive()
                    .map_err(|e| FieldError::new("params.bid_step_yuan", e))?;
            }
            RuleId::R5 => {
                let percent = self
                    .deposit_percent
                    .ok_or_else(|| missing("deposit_percent"))?;
                if percent.hundredths() == 0 {
                    return Err(FieldError::new("params.deposit_percent", DomainError::Zero));
                }
                let rounding = self
                    .deposit_rounding_yuan
                    .ok_or_else(|| missing("deposit_rounding_yuan"))?;
                rounding
                    .positive()
                    .map_err(|e| FieldError::new("params.deposit_rounding_yuan", e))?;
            }
            RuleId::R6 | RuleId::R7 => {
                let units = self.units.as_ref().ok_or_else(|| missing("units"))?;
                unknown_code(units.iter(), known, "params.units")?;
            }
            RuleId::R12 => {
                let cats = self
                    .use_categories
                    .as_ref()
                    .ok_or_else(|| missing("use_categories"))?;
                if cats.is_empty() || cats.iter().any(|c| c.name.trim().is_empty()) {
                    return Err(missing("use_categories"));
                }
                for (i, c) in cats.iter().enumerate() {
                    let name = c.name.trim();
                    if name != c.name || name.chars().count() > 50 {
                        return Err(FieldError::new(
                            "params.use_categories",
                            DomainError::UnknownValue {
                                input: c.name.clone(),
                                allowed: "不带首尾空格、不超过 50 字的名称 / a name of at most 50 characters without surrounding spaces".into(),
                            },
                        ));
                    }
                    if cats[..i].iter().any(|o| o.name == c.name) {
                        return Err(FieldError::new(
                            "params.use_categories",
                            DomainError::UnknownValue {
                                input: c.name.clone(),
                                allowed: "每个用途只列一次 / each use once".into(),
                            },
                        ));
                    }
                }
            }
            RuleId::R14 => {
                let marks = self.counties.as_ref().ok_or_else(|| missing("counties"))?;
                unknown_code(marks.iter().map(|m| &m.code), known, "params.counties")?;
            }
            RuleId::R15 => {
                let days = self
                    .reservation_days
                    .ok_or_else(|| missing("reservation_days"))?;
                if days == 0 {
                    return Err(FieldError::new(
                        "params.reservation_days",
                        DomainError::Zero,
                    ));
                }
                if days > 90 {
                    return Err(FieldError::new(
                        "params.reservation_days",
                        DomainError::TooLarge { max: "90".into() },
                    ));
                }
            }
            RuleId::R16 => {
                // Zero is allowed: a region without a period opens and finalises at once.
                for (name, days) in [
                    ("announce_days", self.announce_days),
                    ("publicity_days", self.publicity_days),
                ] {
                    let days = days.ok_or_else(|| missing(name))?;
                    if days > 90 {
                        return Err(FieldError::new(
                            format!("params.{name}"),
                            DomainError::TooLarge { max: "90".into() },
                        ));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

fn unknown_code<'a>(
    codes: impl Iterator<Item = &'a CountyCode>,
    known: &[CountyCode],
    field: &str,
) -> Result<(), FieldError> {
    let mut seen: Vec<&CountyCode> = Vec::new();
    for code in codes {
        if !known.contains(code) {
            return Err(FieldError::new(
                field,
                DomainError::UnknownCounty {
                    input: code.to_string(),
                },
            ));
        }
        if seen.contains(&code) {
            return Err(FieldError::new(
                field,
                DomainError::UnknownValue {
                    input: code.to_string(),
                    allowed: "每个区划代码只列一次 / each county code once".into(),
                },
            ));
        }
        seen.push(code);
    }
    Ok(())
}

/// One version of one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleVersion {
    pub rule: RuleId,
    /// 1, 2, … per rule, in the order added.
    pub version: u32,
    pub effective_from: Date,
    /// The last day in force (inclusive); `None`: open-ended.
    pub effective_to: Option<Date>,
    /// Whether the citation was read in the primary text (false: shown as 未核实).
    pub confirmed: bool,
    pub citation: String,
    #[serde(default)]
    pub params: RuleParams,
}

impl RuleVersion {
    pub fn in_force_on(&self, day: Date) -> bool {
        day >= self.effective_from && self.effective_to.is_none_or(|end| day <= end)
    }
    /// `R6.2`: how a record names the version it was checked against.
    pub fn label(&self) -> String {
        format!("{}.{}", self.rule, self.version)
    }
}

/// Every version of every rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleBook {
    versions: Vec<RuleVersion>,
    /// Versions stored but no longer readable (`R6.3`): checks must not run without them.
    #[serde(default)]
    damaged: Vec<String>,
}

/// The last day of the Wuzhou measures' transition period (一(二), 2021–2025).
pub const TRANSITION_ENDS: Date = date!(2025 - 12 - 31);

impl RuleBook {
    pub fn new(versions: Vec<RuleVersion>) -> Self {
        Self {
            versions,
            damaged: Vec::new(),
        }
    }

    /// The same book, naming versions that were stored but could not be read.
    pub fn with_damaged(mut self, damaged: Vec<String>) -> Self {
        self.damaged = damaged;
        self
    }

    /// Versions that could not be read; a check that relies on the book refuses while any is.
    pub fn damaged(&self) -> &[String] {
        &self.damaged
    }

    pub fn versions(&self) -> &[RuleVersion] {
        &self.versions
    }

    /// The seed: one version per rule from the catalogue with the default parameters, except
    /// R6–R8, whose land clause belongs to the 2021–2025 transition period: version 1 ends on
    /// 2025-12-31 and version 2 continues it from 2026-01-01, unconfirmed until an
    /// administrator confirms (adds a confirmed version) or ends it.
    pub fn builtin() -> Self {
        let units = wuzhou_default();
        let listed = |pick: fn(ProjectQuotaRule) -> bool| {
            Some(
                units
                    .iter()
                    .filter(|u| pick(u.project_rule))
                    .map(|u| u.code.clone())
                    .collect::<Vec<_>>(),
            )
        };
        let money = |fen| Money::from_fen(fen).ok();
        let mut versions = Vec::new();
        for def in catalog() {
            let params = match def.id {
                RuleId::R4 => RuleParams {
                    bid_step_yuan: money(DEFAULT_BID_STEP_FEN),
                    ..RuleParams::default()
                },
                RuleId::R5 => RuleParams {
                    deposit_percent: Percent::from_hundredths(DEFAULT_DEPOSIT_HUNDREDTHS).ok(),
                    deposit_rounding_yuan: money(DEFAULT_DEPOSIT_ROUNDING_FEN),
                    ..RuleParams::default()
                },
                RuleId::R6 => RuleParams {
                    units: listed(|r| r != ProjectQuotaRule::None),
                    ..RuleParams::default()
                },
                RuleId::R7 => RuleParams {
                    units: listed(|r| r == ProjectQuotaRule::MustBuyRegionalPoverty),
                    ..RuleParams::default()
                },
                RuleId::R12 => RuleParams {
                    use_categories: Some(default_use_categories()),
                    ..RuleParams::default()
                },
                RuleId::R14 => RuleParams {
                    counties: Some(
                        units
                            .iter()
                            .map(|u| CountyMark {
                                code: u.code.clone(),
                                poverty_alleviated: u.poverty_alleviated,
                                confirmed: u.poverty_status_confirmed,
                                source: if u.poverty_status_confirmed {
                                    "docs/DOMAIN.md “Default data”".into()
                                } else {
                                    "未核实（docs/DOMAIN.md “Default data”）".into()
                                },
                            })
                            .collect(),
                    ),
                    ..RuleParams::default()
                },
                RuleId::R15 => RuleParams {
                    reservation_days: Some(DEFAULT_RESERVATION_DAYS),
                    ..RuleParams::default()
                },
                RuleId::R16 => RuleParams {
                    announce_days: Some(DEFAULT_ANNOUNCE_DAYS),
                    publicity_days: Some(DEFAULT_PUBLICITY_DAYS),
                    ..RuleParams::default()
                },
                _ => RuleParams::default(),
            };
            let first = RuleVersion {
                rule: def.id,
                version: 1,
                effective_from: def.effective_from,
                effective_to: def.effective_to,
                confirmed: def.confirmed,
                citation: def.citation.to_string(),
                params,
            };
            if matches!(def.id, RuleId::R6 | RuleId::R7 | RuleId::R8) {
                let next = RuleVersion {
                    version: 2,
                    effective_from: TRANSITION_ENDS.next_day().unwrap_or(TRANSITION_ENDS),
                    effective_to: None,
                    confirmed: false,
                    citation: format!(
                        "{}；过渡期（2021—2025年）后是否继续执行未核实",
                        def.citation
                    ),
                    ..first.clone()
                };
                versions.push(RuleVersion {
                    effective_to: Some(TRANSITION_ENDS),
                    ..first
                });
                versions.push(next);
            } else {
                versions.push(first);
            }
        }
        Self::new(versions)
    }

    /// The version of `rule` in force on `day`, if any (the latest start wins).
    pub fn on(&self, rule: RuleId, day: Date) -> Option<&RuleVersion> {
        self.versions
            .iter()
            .filter(|v| v.rule == rule && v.in_force_on(day))
            .max_by_key(|v| (v.effective_from, v.version))
    }

    pub fn applies(&self, rule: RuleId, day: Date) -> bool {
        self.on(rule, day).is_some()
    }

    /// The citation of the version in force, else the catalogue's.
    pub fn citation(&self, rule: RuleId, day: Date) -> String {
        self.on(rule, day)
            .map_or_else(|| rule.def().citation.to_string(), |v| v.citation.clone())
    }

    /// The versions in force on `day`, as recorded with a listing, bid, trade or use:
    /// `R1.1 R2.1 … R15.1`.
    pub fn labels_on(&self, day: Date) -> String {
        RuleId::ALL
            .iter()
            .filter_map(|&r| self.on(r, day).map(RuleVersion::label))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The units as the rules see them on `day`: 脱贫县 marks from R14, and what R6/R7 ask
    /// of their projects from those rules' lists (nothing when the rule is not in force).
    pub fn units_on(&self, units: &[Jurisdiction], day: Date) -> Vec<Jurisdiction> {
        let listed = |rule| {
            self.on(rule, day)
                .and_then(|v| v.params.units.clone())
                .unwrap_or_default()
        };
        let (r6, r7) = (listed(RuleId::R6), listed(RuleId::R7));
        let marks = self
            .on(RuleId::R14, day)
            .and_then(|v| v.params.counties.clone())
            .unwrap_or_default();
        units
            .iter()
            .map(|u| {
                let mut u = u.clone();
                if let Some(m) = marks.iter().find(|m| m.code == u.code) {
                    u.poverty_alleviated = m.poverty_alleviated;
                    u.poverty_status_confirmed = m.confirmed;
                }
                u.project_rule = if r7.contains(&u.code) {
                    ProjectQuotaRule::MustBuyRegionalPoverty
                } else if r6.contains(&u.code) {
                    ProjectQuotaRule::MustBuy
                } else {
                    ProjectQuotaRule::None
                };
                u
            })
            .collect()
    }

    /// Whether the version of `rule` (R6, R7) in force on `day` lists `code`.
    pub fn lists(&self, rule: RuleId, day: Date, code: &CountyCode) -> bool {
        self.on(rule, day)
            .and_then(|v| v.params.units.as_ref())
            .is_some_and(|units| units.contains(code))
    }

    /// R14: whether `unit` is a 脱贫县 on `day`: the mark of the version in force, else the
    /// unit's own flag.
    pub fn is_poverty(&self, unit: &Jurisdiction, day: Date) -> bool {
        self.on(RuleId::R14, day)
            .and_then(|v| v.params.counties.as_ref())
            .and_then(|marks| marks.iter().find(|m| m.code == unit.code))
            .map_or(unit.poverty_alleviated, |m| m.poverty_alleviated)
    }

    /// R12: the uses of proceeds on `day` (none when R12 is not in force).
    pub fn use_categories_on(&self, day: Date) -> Vec<UseCategory> {
        self.on(RuleId::R12, day)
            .and_then(|v| v.params.use_categories.clone())
            .unwrap_or_default()
    }

    /// R16: the announcement and publicity periods on `day` (none when R16 is not in force).
    pub fn periods_on(&self, day: Date) -> Periods {
        let params = self.on(RuleId::R16, day).map(|v| &v.params);
        Periods {
            announce_days: params.and_then(|p| p.announce_days).unwrap_or(0),
            publicity_days: params.and_then(|p| p.publicity_days).unwrap_or(0),
        }
    }
}

/// R16's periods, in whole days (24 hours each, from the listing or the settlement).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Periods {
    /// A county listing can be bought this many days after it is listed.
    pub announce_days: u32,
    /// A settled trade can be objected to for this many days; it is final after them.
    pub publicity_days: u32,
}

#[cfg(test)]
mod tests;

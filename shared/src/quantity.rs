//! Quantities: [`Area`] (亩), [`Money`] (元), [`UnitPrice`] (元/亩), [`Percent`] and the
//! conversions between what users type and the integer minor units we store (R9).
//!
//! * Area is held in 1/10000 亩 (`AREA_SCALE = 4`), money in 分 (`MONEY_SCALE = 2`).
//! * Input is parsed exactly, with integer arithmetic; a value that needs more decimals than the
//!   unit allows is rejected with the two nearest valid values, never rounded.
//! * What users may type: ASCII or full-width digits (`１７．５`, common with Chinese input
//!   methods), one decimal point, and thousands separators `,`/`，` only in groups of three
//!   (`1,000.5`). No sign, no exponent, no `NaN`. Surrounding spaces are ignored.
//! * The one rounding in the product, area × unit price → amount, is half-up (四舍五入) to
//!   the 分, once, in [`UnitPrice::amount_for`]. 万元 and 公顷 figures are for display only.

use core::fmt;
use core::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// Decimals of 亩 we keep: the Guangxi notices publish area to 0.0001 亩.
pub const AREA_SCALE: u32 = 4;
/// Decimals of 元 we keep: accounting precision is the 分.
pub const MONEY_SCALE: u32 = 2;
/// 1/10000 亩 per 亩.
const AREA_UNITS_PER_MU: i64 = 10_000;
/// 分 per 元.
const FEN_PER_YUAN: i64 = 100;
/// Largest area we accept, 10 million 亩: far above any county's whole surplus quota, low
/// enough that area × price stays exact in 64-bit 分.
pub const MAX_AREA_E4: i64 = 10_000_000 * AREA_UNITS_PER_MU;
/// Largest amount, just under 1 万亿元: far above any trade, and what 大写 can write.
pub const MAX_MONEY_FEN: i64 = 99_999_999_999_999;
/// Largest unit price, 1 亿元/亩.
pub const MAX_PRICE_FEN: i64 = 100_000_000 * FEN_PER_YUAN;

mod text;

pub use text::group_thousands;
use text::{div_half_up, format_fixed, parse_exact, to_minor_units};

/// The unit an area was typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AreaUnit {
    /// 亩, the authority unit.
    #[default]
    Mu,
    /// 公顷 = 15 亩 exactly.
    Ha,
    /// 平方米; 1 亩 = 10000/15 m².
    M2,
}

impl AreaUnit {
    pub const ALL: [AreaUnit; 3] = [AreaUnit::Mu, AreaUnit::Ha, AreaUnit::M2];

    pub fn wire(self) -> &'static str {
        match self {
            Self::Mu => "mu",
            Self::Ha => "ha",
            Self::M2 => "m2",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Mu => "亩",
            Self::Ha => "公顷",
            Self::M2 => "平方米",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Mu => "mu",
            Self::Ha => "ha",
            Self::M2 => "m²",
        }
    }
    /// 亩 per unit as a fraction (numerator, denominator).
    fn mu_factor(self) -> (u128, u128) {
        match self {
            Self::Mu => (1, 1),
            Self::Ha => (15, 1),
            Self::M2 => (15, 10_000),
        }
    }
}

impl FromStr for AreaUnit {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "mu" | "亩" => Ok(Self::Mu),
            "ha" | "公顷" | "hectare" => Ok(Self::Ha),
            "m2" | "m²" | "平方米" | "sqm" => Ok(Self::M2),
            other => Err(DomainError::UnknownUnit {
                input: other.to_string(),
            }),
        }
    }
}

/// An area of quota in 亩, exact to 0.0001 亩. Never negative.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Area(i64);

impl Area {
    pub const ZERO: Area = Area(0);

    /// From stored minor units (1/10000 亩).
    pub fn from_e4(e4: i64) -> Result<Self, DomainError> {
        if e4 < 0 {
            return Err(DomainError::Negative);
        }
        if e4 > MAX_AREA_E4 {
            return Err(DomainError::TooLarge {
                max: format_fixed(MAX_AREA_E4, AREA_SCALE),
            });
        }
        Ok(Self(e4))
    }
    /// Whole 亩, for constants and tests.
    pub fn from_mu(mu: i64) -> Result<Self, DomainError> {
        Self::from_e4(
            mu.checked_mul(AREA_UNITS_PER_MU)
                .ok_or(DomainError::Overflow)?,
        )
    }
    /// Minor units (1/10000 亩) for storage.
    pub fn e4(self) -> i64 {
        self.0
    }
    /// Parses text typed in `unit`; exact or an error naming the nearest valid 亩 values.
    pub fn parse_in(input: &str, unit: AreaUnit) -> Result<Self, DomainError> {
        let value = parse_exact(input)?;
        let (num, den) = unit.mu_factor();
        let e4 = to_minor_units(value, num, den, AREA_SCALE, "mu", MAX_AREA_E4, |m| {
            format_fixed(m, AREA_SCALE)
        })?;
        Ok(Self(e4))
    }
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
    /// Fails with [`DomainError::Zero`] unless the area is positive.
    pub fn positive(self) -> Result<Self, DomainError> {
        if self.0 == 0 {
            Err(DomainError::Zero)
        } else {
            Ok(self)
        }
    }
    pub fn checked_add(self, other: Area) -> Result<Area, DomainError> {
        Area::from_e4(self.0.checked_add(other.0).ok_or(DomainError::Overflow)?)
    }
    /// `self - other`; an error if that would be negative.
    pub fn checked_sub(self, other: Area) -> Result<Area, DomainError> {
        Area::from_e4(self.0.checked_sub(other.0).ok_or(DomainError::Overflow)?)
    }
    /// `self × part / whole`, half-up to 0.0001 亩; exactly `self` when `part == whole`, so the
    /// last of several partial takes gets the remainder (R9 "last part takes the remainder").
    pub fn pro_rata(self, part: Area, whole: Area) -> Area {
        if part >= whole || whole.0 == 0 {
            return self;
        }
        let v = div_half_up(i128::from(self.0) * i128::from(part.0), i128::from(whole.0));
        Area(v as i64)
    }
    /// The area in 亩 as a [`Decimal`] with 4 decimals.
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, AREA_SCALE)
    }
    /// 公顷 for display beside 亩 (rounded half-up to 4 decimals; 亩 is the authority).
    pub fn hectares_display(self) -> String {
        let ha = (self.to_decimal() / Decimal::from(15))
            .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero);
        format!("{ha:.4}")
    }
    /// "1,234.5678".
    pub fn grouped(self) -> String {
        group_thousands(&self.to_string())
    }
    pub fn min(self, other: Area) -> Area {
        if self <= other { self } else { other }
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_fixed(self.0, AREA_SCALE))
    }
}

impl FromStr for Area {
    type Err = DomainError;
    /// Parses 亩.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_in(s, AreaUnit::Mu)
    }
}

impl TryFrom<String> for Area {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Area> for String {
    fn from(a: Area) -> String {
        a.to_string()
    }
}

/// An amount of money in 元, exact to the 分. Never negative.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    /// From stored 分.
    pub fn from_fen(fen: i64) -> Result<Self, DomainError> {
        if fen < 0 {
            return Err(DomainError::Negative);
        }
        if fen > MAX_MONEY_FEN {
            return Err(DomainError::TooLarge {
                max: format_fixed(MAX_MONEY_FEN, MONEY_SCALE),
            });
        }
        Ok(Self(fen))
    }
    /// Whole 元, for constants and tests.
    pub fn from_yuan(yuan: i64) -> Result<Self, DomainError> {
        Self::from_fen(
            yuan.checked_mul(FEN_PER_YUAN)
                .ok_or(DomainError::Overflow)?,
        )
    }
    /// 分, for storage.
    pub fn fen(self) -> i64 {
        self.0
    }
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
    pub fn positive(self) -> Result<Self, DomainError> {
        if self.0 == 0 {
            Err(DomainError::Zero)
        } else {
            Ok(self)
        }
    }
    pub fn checked_add(self, other: Money) -> Result<Money, DomainError> {
        Money::from_fen(self.0.checked_add(other.0).ok_or(DomainError::Overflow)?)
    }
    /// `self - other`; an error if negative.
    pub fn checked_sub(self, other: Money) -> Result<Money, DomainError> {
        Money::from_fen(self.0.checked_sub(other.0).ok_or(DomainError::Overflow)?)
    }
    /// `self × k` (bid ladders).
    pub fn checked_mul_int(self, k: i64) -> Result<Money, DomainError> {
        Money::from_fen(self.0.checked_mul(k).ok_or(DomainError::Overflow)?)
    }
    /// The smallest multiple of `step` that is ≥ `self` (deposit rounding, R5).
    pub fn ceil_to_multiple(self, step: Money) -> Result<Money, DomainError> {
        if step.0 == 0 {
            return Ok(self);
        }
        let k = (self.0 + step.0 - 1) / step.0;
        step.checked_mul_int(k)
    }
    /// The amount in 元 as a [`Decimal`] with 2 decimals.
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, MONEY_SCALE)
    }
    /// 万元 with 4 decimals, half-up, for notices ("438.3375"). Display only.
    pub fn wan_display(self) -> String {
        let wan = (self.to_decimal() / Decimal::from(10_000))
            .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero);
        format!("{wan:.4}")
    }
    /// "4,383,375.00".
    pub fn grouped(self) -> String {
        group_thousands(&self.to_string())
    }
    /// Splits the amount by percentages that add up to 100. Cumulative half-up rounding:
    /// part *i* = round(total × (p₁+…+pᵢ)/100) − round(total × (p₁+…+pᵢ₋₁)/100), so no part
    /// is negative, each is within one 分 of its exact share, the parts add up to the whole
    /// and the last one takes the remainder.
    pub fn split_by_percent(self, percents: &[Percent]) -> Result<Vec<Money>, DomainError> {
        let sum: i64 = percents.iter().map(|p| p.0).sum();
        if sum != Percent::HUNDRED.0 {
            return Err(DomainError::PercentagesNot100 {
                sum: Percent(sum).to_string(),
            });
        }
        let mut parts = Vec::with_capacity(percents.len());
        let mut cumulative = 0i64;
        let mut previous = 0i128;
        for (i, p) in percents.iter().enumerate() {
            cumulative += p.0;
            let upto = if i + 1 == percents.len() {
                i128::from(self.0)
            } else {
                div_half_up(
                    i128::from(self.0) * i128::from(cumulative),
                    i128::from(Percent::HUNDRED.0),
                )
            };
            parts.push(Money((upto - previous) as i64));
            previous = upto;
        }
        debug_assert_eq!(parts.iter().map(|m| m.0).sum::<i64>(), self.0);
        Ok(parts)
    }
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let value = parse_exact(input)?;
        let fen = to_minor_units(value, 1, 1, MONEY_SCALE, "yuan", MAX_MONEY_FEN, |m| {
            format_fixed(m, MONEY_SCALE)
        })?;
        Ok(Self(fen))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_fixed(self.0, MONEY_SCALE))
    }
}

impl FromStr for Money {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Money {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Money> for String {
    fn from(m: Money) -> String {
        m.to_string()
    }
}

/// A price in 元 per 亩, exact to the 分.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitPrice(i64);

impl UnitPrice {
    /// The highest price the type holds (1 亿元/亩).
    pub const MAX: UnitPrice = UnitPrice(MAX_PRICE_FEN);

    /// From stored 分 per 亩.
    pub fn from_fen(fen: i64) -> Result<Self, DomainError> {
        if fen < 0 {
            return Err(DomainError::Negative);
        }
        if fen == 0 {
            return Err(DomainError::Zero);
        }
        if fen > MAX_PRICE_FEN {
            return Err(DomainError::TooLarge {
                max: format_fixed(MAX_PRICE_FEN, MONEY_SCALE),
            });
        }
        Ok(Self(fen))
    }
    /// Whole 元 per 亩, for constants and tests.
    pub fn from_yuan(yuan: i64) -> Result<Self, DomainError> {
        Self::from_fen(
            yuan.checked_mul(FEN_PER_YUAN)
                .ok_or(DomainError::Overflow)?,
        )
    }
    pub fn fen(self) -> i64 {
        self.0
    }
    /// The amount for `area` at this price: area × price, rounded half-up to the 分 once (R9).
    pub fn amount_for(self, area: Area) -> Result<Money, DomainError> {
        let fen = div_half_up(
            i128::from(area.e4()) * i128::from(self.0),
            i128::from(AREA_UNITS_PER_MU),
        );
        Money::from_fen(i64::try_from(fen).map_err(|_| DomainError::Overflow)?)
            .map_err(|_| DomainError::Overflow)
    }
    /// A lot's total divided by its area, half-up to the 分 — for display only.
    pub fn display_from_total(total: Money, area: Area) -> Option<UnitPrice> {
        if area.is_zero() {
            return None;
        }
        let fen = div_half_up(
            i128::from(total.fen()) * i128::from(AREA_UNITS_PER_MU),
            i128::from(area.e4()),
        );
        i64::try_from(fen)
            .ok()
            .and_then(|f| UnitPrice::from_fen(f).ok())
    }
    /// 万元/亩 with 4 decimals, for notices.
    pub fn wan_display(self) -> String {
        Money(self.0).wan_display()
    }
    pub fn grouped(self) -> String {
        group_thousands(&self.to_string())
    }
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let value = parse_exact(input)?;
        let fen = to_minor_units(value, 1, 1, MONEY_SCALE, "yuan/mu", MAX_PRICE_FEN, |m| {
            format_fixed(m, MONEY_SCALE)
        })?;
        Self::from_fen(fen)
    }
}

impl fmt::Display for UnitPrice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_fixed(self.0, MONEY_SCALE))
    }
}

impl FromStr for UnitPrice {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for UnitPrice {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<UnitPrice> for String {
    fn from(p: UnitPrice) -> String {
        p.to_string()
    }
}

/// A percentage between 0 and 100 with at most 2 decimals (a forecast split share).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Percent(i64);

impl Percent {
    pub const HUNDRED: Percent = Percent(10_000);

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let value = parse_exact(input)?;
        let hundredths = to_minor_units(value, 1, 1, 2, "%", 10_000, |m| format_fixed(m, 2))?;
        Ok(Self(hundredths))
    }
    /// Hundredths of a percent (2550 = 25.50 %).
    pub fn hundredths(self) -> i64 {
        self.0
    }
    /// From hundredths of a percent (2550 = 25.50 %).
    pub fn from_hundredths(h: i64) -> Result<Self, DomainError> {
        if !(0..=10_000).contains(&h) {
            return Err(DomainError::TooLarge {
                max: "100.00".into(),
            });
        }
        Ok(Self(h))
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_fixed(self.0, 2))
    }
}

impl FromStr for Percent {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Percent {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Percent> for String {
    fn from(p: Percent) -> String {
        p.to_string()
    }
}

#[cfg(test)]
mod tests;

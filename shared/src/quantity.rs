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

/// Integer digits beyond which a number is certainly a typing mistake (and beyond which our
/// 128-bit exact arithmetic would not be safe).
const MAX_INT_DIGITS: usize = 15;
/// Fractional digits we read exactly; more is never valid for any unit we accept.
const MAX_FRAC_DIGITS: usize = 18;

/// A non-negative decimal read exactly from user text: `mantissa / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ExactDecimal {
    mantissa: u128,
    scale: u32,
    /// Digits beyond [`MAX_FRAC_DIGITS`] were dropped; the value is then never exact.
    truncated: bool,
}

/// Reads user text into an exact decimal, accepting the forms documented on this module.
fn parse_exact(input: &str) -> Result<ExactDecimal, DomainError> {
    let normalized: String = input
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '，' => ',',
            other => other,
        })
        .collect();
    if normalized.is_empty() {
        return Err(DomainError::Empty);
    }
    let not_a_number = || DomainError::NotANumber {
        input: input.trim().to_string(),
    };
    let body = match normalized.strip_prefix('-') {
        Some(rest)
            if !rest.is_empty()
                && rest
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == ',') =>
        {
            return Err(DomainError::Negative);
        }
        Some(_) => return Err(not_a_number()),
        None => normalized.as_str(),
    };
    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if int_part.is_empty() || frac_part.is_some_and(str::is_empty) {
        return Err(not_a_number());
    }
    let int_digits: String = if int_part.contains(',') {
        let mut groups = int_part.split(',');
        let first = groups.next().unwrap_or_default();
        let well_grouped = (1..=3).contains(&first.len())
            && first.chars().all(|c| c.is_ascii_digit())
            && groups.all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()));
        if !well_grouped {
            if int_part.chars().all(|c| c.is_ascii_digit() || c == ',') {
                return Err(DomainError::BadGrouping {
                    input: input.trim().to_string(),
                });
            }
            return Err(not_a_number());
        }
        int_part.replace(',', "")
    } else {
        int_part.to_string()
    };
    let frac = frac_part.unwrap_or("");
    if !int_digits.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err(not_a_number());
    }
    let significant_int = int_digits.trim_start_matches('0');
    if significant_int.len() > MAX_INT_DIGITS {
        return Err(DomainError::TooLarge {
            max: "999999999999999".into(),
        });
    }
    let truncated =
        frac.len() > MAX_FRAC_DIGITS && frac[MAX_FRAC_DIGITS..].bytes().any(|b| b != b'0');
    let frac = &frac[..frac.len().min(MAX_FRAC_DIGITS)];
    let mut mantissa: u128 = 0;
    for b in significant_int.bytes().chain(frac.bytes()) {
        mantissa = mantissa * 10 + u128::from(b - b'0');
    }
    Ok(ExactDecimal {
        mantissa,
        scale: frac.len() as u32,
        truncated,
    })
}

/// Converts an exact decimal times `factor` into minor units with `minor_scale` decimals:
/// exactly, or a [`DomainError::ScaleExceeded`] naming the nearest valid values.
fn to_minor_units(
    value: ExactDecimal,
    factor_num: u128,
    factor_den: u128,
    minor_scale: u32,
    unit: &'static str,
    max_minor: i64,
    format_minor: fn(i64) -> String,
) -> Result<i64, DomainError> {
    let numerator = value
        .mantissa
        .checked_mul(factor_num)
        .and_then(|n| n.checked_mul(10u128.pow(minor_scale)))
        .ok_or(DomainError::TooLarge {
            max: format_minor(max_minor),
        })?;
    let denominator = 10u128.pow(value.scale) * factor_den;
    let quotient = numerator / denominator;
    let exact = numerator % denominator == 0 && !value.truncated;
    let too_large = || DomainError::TooLarge {
        max: format_minor(max_minor),
    };
    let below = i64::try_from(quotient).map_err(|_| too_large())?;
    if below > max_minor || (!exact && below == max_minor) {
        return Err(too_large());
    }
    if !exact {
        return Err(DomainError::ScaleExceeded {
            max_dp: minor_scale,
            unit,
            below: format_minor(below),
            above: format_minor(below + 1),
        });
    }
    Ok(below)
}

/// Writes `minor / 10^scale` with exactly `scale` decimals ("17.5335", "0.05").
fn format_fixed(minor: i64, scale: u32) -> String {
    let unit = 10i64.pow(scale);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let unit = unit.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / unit,
        abs % unit,
        width = scale as usize
    )
}

/// Inserts thousands separators into the integer part of a fixed-point string.
pub fn group_thousands(fixed: &str) -> String {
    let (sign, rest) = match fixed.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", fixed),
    };
    let (int_part, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut grouped = String::with_capacity(int_part.len() + int_part.len() / 3);
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Divides with half-up rounding (四舍五入) for non-negative operands.
fn div_half_up(numerator: i128, denominator: i128) -> i128 {
    debug_assert!(numerator >= 0 && denominator > 0);
    (numerator + denominator / 2) / denominator
}

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
mod tests {
    use super::*;

    fn area(s: &str) -> Area {
        s.parse().expect("valid area")
    }

    #[test]
    fn the_two_guangxi_notices_are_reproduced_to_the_fen() {
        let price = UnitPrice::from_yuan(250_000).expect("price");
        let xincheng = price.amount_for(area("17.5335")).expect("amount");
        assert_eq!(xincheng.to_string(), "4383375.00");
        assert_eq!(xincheng.wan_display(), "438.3375");
        let jingxi = price.amount_for(area("75.2604")).expect("amount");
        assert_eq!(jingxi.to_string(), "18815100.00");
        assert_eq!(jingxi.wan_display(), "1881.5100");
        assert_eq!(area("75.2604").hectares_display(), "5.0174");
    }

    #[test]
    fn hectares_convert_exactly_when_they_fit_four_decimals_of_mu() {
        assert_eq!(Area::parse_in("5.01736", AreaUnit::Ha), Ok(area("75.2604")));
        assert_eq!(Area::parse_in("1", AreaUnit::Ha), Ok(area("15")));
        assert_eq!(Area::parse_in("10000", AreaUnit::M2), Ok(area("15")));
        assert_eq!(Area::parse_in("2", AreaUnit::M2), Ok(area("0.003")));
    }

    #[test]
    fn inputs_needing_a_fifth_decimal_are_refused_with_the_nearest_values() {
        let err = Area::parse_in("17.53351", AreaUnit::Mu).expect_err("5 dp");
        assert_eq!(
            err,
            DomainError::ScaleExceeded {
                max_dp: 4,
                unit: "mu",
                below: "17.5335".into(),
                above: "17.5336".into()
            }
        );
        let err = Area::parse_in("5.017361", AreaUnit::Ha).expect_err("6 dp ha");
        assert!(
            matches!(err, DomainError::ScaleExceeded { ref below, ref above, .. }
            if below == "75.2604" && above == "75.2605")
        );
        let err = Area::parse_in("666.6667", AreaUnit::M2).expect_err("m2");
        assert!(matches!(err, DomainError::ScaleExceeded { ref below, .. } if below == "1.0000"));
        // Trailing zeros do not count as decimals.
        assert_eq!(Area::parse_in("1.50000000", AreaUnit::Mu), Ok(area("1.5")));
    }

    #[test]
    fn bad_input_gets_a_typed_error() {
        let cases: &[(&str, DomainError)] = &[
            ("", DomainError::Empty),
            ("   ", DomainError::Empty),
            ("-1", DomainError::Negative),
            (
                "NaN",
                DomainError::NotANumber {
                    input: "NaN".into(),
                },
            ),
            (
                "1e30",
                DomainError::NotANumber {
                    input: "1e30".into(),
                },
            ),
            (
                "1.2.3",
                DomainError::NotANumber {
                    input: "1.2.3".into(),
                },
            ),
            (".5", DomainError::NotANumber { input: ".5".into() }),
            ("5.", DomainError::NotANumber { input: "5.".into() }),
            (
                "1,00",
                DomainError::BadGrouping {
                    input: "1,00".into(),
                },
            ),
            ("+1", DomainError::NotANumber { input: "+1".into() }),
        ];
        for (input, expected) in cases {
            assert_eq!(
                &input.parse::<Area>().expect_err(input),
                expected,
                "{input}"
            );
        }
        assert!(matches!(
            "1000000000000000000000000000000".parse::<Area>(),
            Err(DomainError::TooLarge { .. })
        ));
        assert!(matches!(
            "10000000.0001".parse::<Area>(),
            Err(DomainError::TooLarge { .. })
        ));
        assert_eq!("10000000".parse::<Area>().map(Area::e4), Ok(MAX_AREA_E4));
    }

    #[test]
    fn full_width_digits_and_thousands_separators_are_accepted() {
        assert_eq!("１７．５３３５".parse::<Area>(), Ok(area("17.5335")));
        assert_eq!(Money::parse("4,383,375.00"), Money::from_fen(438_337_500));
        assert_eq!(Money::parse("1，000"), Money::from_yuan(1000));
        assert_eq!(Money::parse(" 12 "), Money::from_yuan(12));
    }

    #[test]
    fn amounts_round_half_up_once() {
        let price = UnitPrice::parse("0.03").expect("price");
        // 0.5 亩 × 0.03 = 0.015 元 → 0.02 (half-up).
        assert_eq!(
            price.amount_for(area("0.5")).map(|m| m.to_string()),
            Ok("0.02".into())
        );
        // 0.4999 × 0.03 = 0.014997 → 0.01.
        assert_eq!(
            price.amount_for(area("0.4999")).map(|m| m.to_string()),
            Ok("0.01".into())
        );
        let huge = UnitPrice::from_fen(MAX_PRICE_FEN).expect("max price");
        assert_eq!(
            huge.amount_for(Area::from_e4(MAX_AREA_E4).expect("max")),
            Err(DomainError::Overflow)
        );
    }

    #[test]
    fn deposits_ceil_to_a_multiple_of_one_hundred_thousand() {
        let step = Money::from_yuan(100_000).expect("step");
        let ceil = |yuan_fen: i64| Money::from_fen(yuan_fen).and_then(|m| m.ceil_to_multiple(step));
        assert_eq!(ceil(43_833_750), Money::from_yuan(500_000));
        assert_eq!(ceil(188_151_000), Money::from_yuan(1_900_000));
        assert_eq!(ceil(10_000_000), Money::from_yuan(100_000));
        assert_eq!(ceil(10_000_001), Money::from_yuan(200_000));
    }

    #[test]
    fn percent_splits_add_up_and_the_last_takes_the_remainder() {
        let total = Money::parse("100.00").expect("total");
        let thirds = [
            Percent::parse("33.33"),
            Percent::parse("33.33"),
            Percent::parse("33.34"),
        ]
        .map(|p| p.expect("pct"));
        let parts = total.split_by_percent(&thirds).expect("split");
        assert_eq!(
            parts.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["33.33", "33.33", "33.34"]
        );
        let tiny = Money::from_fen(1).expect("1 fen");
        let halves = [
            Percent::parse("50"),
            Percent::parse("50"),
            Percent::parse("0"),
        ]
        .map(|p| p.expect("pct"));
        let parts = tiny.split_by_percent(&halves).expect("split");
        assert_eq!(parts.iter().map(|m| m.fen()).sum::<i64>(), 1);
        assert!(parts.iter().all(|m| m.fen() >= 0));
        assert!(matches!(
            total.split_by_percent(&[Percent::parse("60").expect("pct")]),
            Err(DomainError::PercentagesNot100 { .. })
        ));
    }

    #[test]
    fn pro_rata_gives_the_last_take_the_remainder() {
        let farmland = area("14.3805");
        let whole = area("17.5335");
        let first = farmland.pro_rata(area("10"), whole);
        let rest = farmland.checked_sub(first).expect("rest");
        assert_eq!(rest.pro_rata(area("7.5335"), area("7.5335")), rest);
        assert_eq!(first.to_string(), "8.2017");
    }

    #[test]
    fn display_forms() {
        let m = Money::from_fen(1_881_510_000).expect("m");
        assert_eq!(m.grouped(), "18,815,100.00");
        assert_eq!(Money::from_fen(5).expect("m").to_string(), "0.05");
        assert_eq!(area("1234.5").grouped(), "1,234.5000");
        assert_eq!(group_thousands("123"), "123");
        assert_eq!(group_thousands("1234567"), "1,234,567");
    }

    #[test]
    fn serde_uses_strings_and_rejects_invalid_values() {
        let json = serde_json::to_string(&area("17.5335")).expect("ser");
        assert_eq!(json, "\"17.5335\"");
        assert!(serde_json::from_str::<Area>("\"17.53351\"").is_err());
        assert!(
            serde_json::from_str::<Area>("17.5").is_err(),
            "numbers are not accepted, only strings"
        );
        assert!(serde_json::from_str::<UnitPrice>("\"0\"").is_err());
    }
}

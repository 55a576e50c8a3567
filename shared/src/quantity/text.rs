//! Reading numbers as users type them (ASCII or full-width digits, one decimal point, thousands
//! separators in groups of three) into exact decimals, and writing minor units back as text.
//! Integer arithmetic only.

use crate::error::DomainError;

/// Integer digits beyond which a number is certainly a typing mistake (and beyond which our
/// 128-bit exact arithmetic would not be safe).
const MAX_INT_DIGITS: usize = 15;
/// Fractional digits we read exactly; more is never valid for any unit we accept.
const MAX_FRAC_DIGITS: usize = 18;

/// A non-negative decimal read exactly from user text: `mantissa / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ExactDecimal {
    pub(super) mantissa: u128,
    pub(super) scale: u32,
    /// Digits beyond [`MAX_FRAC_DIGITS`] were dropped; the value is then never exact.
    pub(super) truncated: bool,
}

/// Reads user text into an exact decimal, accepting the forms documented on this module.
pub(super) fn parse_exact(input: &str) -> Result<ExactDecimal, DomainError> {
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
pub(super) fn to_minor_units(
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
pub(super) fn format_fixed(minor: i64, scale: u32) -> String {
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
pub(super) fn div_half_up(numerator: i128, denominator: i128) -> i128 {
    debug_assert!(numerator >= 0 && denominator > 0);
    (numerator + denominator / 2) / denominator
}

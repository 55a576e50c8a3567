//! The error envelope, the language of its message, and how a refused field value is
//! explained in the domain's own words.

use serde::{Deserialize, Serialize};

use crate::codes::ErrorCode;
use crate::error::{DomainError, FieldError};
use crate::jurisdiction::CountyCode;
use crate::quantity::{Area, AreaUnit, Money, UnitPrice};
use crate::rules::RuleViolation;
use crate::wire::wire_enum;

/// The error envelope: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: ErrorCode,
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

wire_enum! {
    /// The language of a response message (`Accept-Language`; zh-CN when absent).
    #[derive(Default)]
    pub enum Lang {
        #[default]
        Zh = "zh",
        En = "en",
    }
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
        let mut body = Self::new(ErrorCode::RuleViolation, zh, en, lang);
        body.rule = rule;
        body.violations = Some(violations);
        body
    }
    pub fn new(code: ErrorCode, message_zh: String, message_en: String, lang: Lang) -> Self {
        Self {
            code,
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

/// Explains why a JSON string value was refused, by the unit its wire name carries: `*_mu`
/// is an area, `price_per_mu` a unit price, `*_yuan` money, `*county_code` a county. The
/// server uses it to turn a deserialisation failure into the domain's own words.
pub fn explain_field_value(field: &str, raw: &str) -> Option<DomainError> {
    use core::str::FromStr;
    if field == "price_per_mu" {
        UnitPrice::from_str(raw).err()
    } else if field.ends_with("_mu") {
        // Deserialising failed: either the text, or a zero where only a positive area goes.
        Area::from_str(raw).and_then(Area::positive).err()
    } else if field.ends_with("_yuan") {
        Money::from_str(raw).and_then(Money::positive).err()
    } else if field.ends_with("county_code") || field == "county" {
        CountyCode::from_str(raw).err()
    } else if field == "uscc" {
        crate::uscc::Uscc::parse(raw).err()
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

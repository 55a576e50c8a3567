//! The one error type of the domain. Every variant carries what the user needs to fix the
//! input, and renders in Chinese ([`DomainError::message_zh`]) and English
//! ([`DomainError::message_en`]) so the browser and the server show the same words.

use thiserror::Error;

use crate::codes::ErrorCode;

/// Everything that can be wrong with a quantity typed by a user, or with arithmetic on them.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    /// Nothing was typed.
    #[error("empty value")]
    Empty,
    /// The text is not a plain decimal number (letters, exponents, `NaN`, two dots …).
    #[error("not a decimal number: {input:?}")]
    NotANumber { input: String },
    /// A minus sign: quantities and prices are never negative.
    #[error("negative value")]
    Negative,
    /// Zero where a positive amount is required (an area to list or buy, a price).
    #[error("must be greater than zero")]
    Zero,
    /// More decimals than the unit allows. `below`/`above` are the nearest valid values in the
    /// authority unit (亩 or 元), so the user can pick one instead of us rounding silently.
    #[error("at most {max_dp} decimals of {unit}; nearest valid values {below} and {above}")]
    ScaleExceeded {
        max_dp: u32,
        unit: &'static str,
        below: String,
        above: String,
    },
    /// Larger than any real value of this quantity; almost always a typing mistake.
    #[error("too large: at most {max}")]
    TooLarge { max: String },
    /// A thousands separator in the wrong place ("1,00").
    #[error("misplaced thousands separator in {input:?}")]
    BadGrouping { input: String },
    /// A unit name we do not know.
    #[error("unknown unit {input:?}")]
    UnknownUnit { input: String },
    /// Arithmetic left the representable range (e.g. area × price beyond the money ceiling).
    #[error("arithmetic overflow")]
    Overflow,
    /// Percentages of a split that do not add up to 100.
    #[error("percentages add up to {sum}, not 100")]
    PercentagesNot100 { sum: String },
    /// A county code that is not six digits or not in the jurisdiction table.
    #[error("unknown county code {input:?}")]
    UnknownCounty { input: String },
    /// Farmland larger than the area, or paddy larger than farmland.
    #[error("{part} ({part_value}) exceeds {whole} ({whole_value})")]
    PartExceedsWhole {
        part: &'static str,
        part_value: String,
        whole: &'static str,
        whole_value: String,
    },
    /// An input that the form requires but that has no value.
    #[error("{what} is required")]
    Required { what: &'static str },
    /// A name outside a closed set (a role, a status, a use …).
    #[error("unknown value {input:?}; allowed: {allowed}")]
    UnknownValue { input: String, allowed: String },
    /// A 统一社会信用代码 that is not one (length, alphabet, division, check character): what is
    /// wrong, in Chinese and in English.
    #[error("invalid unified social credit code: {1}")]
    Uscc(String, String),
}

impl From<crate::wire::UnknownName> for DomainError {
    fn from(e: crate::wire::UnknownName) -> Self {
        Self::UnknownValue {
            input: e.input,
            allowed: e.allowed,
        }
    }
}

impl DomainError {
    /// Stable machine code for the wire (`error.code`).
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Empty => ErrorCode::Empty,
            Self::NotANumber { .. } => ErrorCode::NotANumber,
            Self::Negative => ErrorCode::Negative,
            Self::Zero => ErrorCode::Zero,
            Self::ScaleExceeded { .. } => ErrorCode::TooManyDecimals,
            Self::TooLarge { .. } => ErrorCode::TooLarge,
            Self::BadGrouping { .. } => ErrorCode::BadGrouping,
            Self::UnknownUnit { .. } => ErrorCode::UnknownUnit,
            Self::Overflow => ErrorCode::Overflow,
            Self::PercentagesNot100 { .. } => ErrorCode::PercentagesNot100,
            Self::UnknownCounty { .. } => ErrorCode::UnknownCounty,
            Self::PartExceedsWhole { .. } => ErrorCode::PartExceedsWhole,
            Self::Required { .. } => ErrorCode::Required,
            Self::UnknownValue { .. } => ErrorCode::UnknownValue,
            Self::Uscc(..) => ErrorCode::InvalidValue,
        }
    }

    /// The message in Chinese, saying what to type instead.
    pub fn message_zh(&self) -> String {
        match self {
            Self::Empty => "请填写数值".into(),
            Self::NotANumber { input } => {
                format!("“{input}”不是有效数字，请只输入数字和小数点，例如 17.5335")
            }
            Self::Negative => "不能为负数，请输入大于零的数".into(),
            Self::Zero => "必须大于零".into(),
            Self::ScaleExceeded {
                max_dp,
                unit,
                below,
                above,
            } => format!(
                "最多保留{max_dp}位小数（以{}计），不做自动取舍；可改为 {below} 或 {above}",
                unit_zh(unit)
            ),
            Self::TooLarge { max } => format!("数值过大，上限为 {max}，请检查是否多输入了位数"),
            Self::BadGrouping { input } => {
                format!("“{input}”的千位分隔符位置不对，请去掉逗号或按每三位一组书写")
            }
            Self::UnknownUnit { input } => {
                format!("不认识的单位“{input}”，请选择 亩、公顷 或 平方米")
            }
            Self::Overflow => "计算结果超出允许范围，请核对面积和单价".into(),
            Self::PercentagesNot100 { sum } => {
                format!("各项比例合计为 {sum}%，应为 100%")
            }
            Self::UnknownCounty { input } => {
                format!("未知的行政区划代码“{input}”，请从列表中选择县（市、区）")
            }
            Self::PartExceedsWhole {
                part,
                part_value,
                whole,
                whole_value,
            } => format!(
                "{}（{part_value}）不能大于{}（{whole_value}）",
                field_zh(part),
                field_zh(whole)
            ),
            Self::Required { what } => format!("请填写{}", field_zh(what)),
            Self::Uscc(zh, _) => zh.clone(),
            Self::UnknownValue { input, allowed } => {
                format!("“{input}”不是有效的取值，可选：{allowed}")
            }
        }
    }

    /// The message in English, saying what to type instead.
    pub fn message_en(&self) -> String {
        match self {
            Self::Empty => "Please enter a value".into(),
            Self::NotANumber { input } => {
                format!(
                    "\"{input}\" is not a number; use digits and one decimal point, e.g. 17.5335"
                )
            }
            Self::Negative => "Must not be negative; enter a number above zero".into(),
            Self::Zero => "Must be greater than zero".into(),
            Self::ScaleExceeded {
                max_dp,
                unit,
                below,
                above,
            } => format!(
                "At most {max_dp} decimals of {unit}; we never round silently: use {below} or {above}"
            ),
            Self::TooLarge { max } => {
                format!("Too large: the limit is {max}; check for extra digits")
            }
            Self::BadGrouping { input } => format!(
                "Thousands separators in \"{input}\" are misplaced; remove the commas or group by three"
            ),
            Self::UnknownUnit { input } => {
                format!("Unknown unit \"{input}\"; choose mu, hectare or square metre")
            }
            Self::Overflow => {
                "The result is out of range; check the area and the unit price".into()
            }
            Self::PercentagesNot100 { sum } => {
                format!("The percentages add up to {sum}%, they must add up to 100%")
            }
            Self::UnknownCounty { input } => {
                format!("Unknown county code \"{input}\"; pick a county from the list")
            }
            Self::PartExceedsWhole {
                part,
                part_value,
                whole,
                whole_value,
            } => format!("{part} ({part_value}) must not exceed {whole} ({whole_value})"),
            Self::Required { what } => format!("{what} is required"),
            Self::Uscc(_, en) => en.clone(),
            Self::UnknownValue { input, allowed } => {
                format!("\"{input}\" is not a valid value; use one of: {allowed}")
            }
        }
    }
}

fn unit_zh(unit: &str) -> &str {
    match unit {
        "mu" => "亩",
        "yuan" => "元",
        "yuan/mu" => "元/亩",
        "kg" => "公斤",
        other => other,
    }
}

/// Chinese label of a wire field name, for messages.
pub fn field_zh(field: &str) -> &str {
    match field {
        "area_mu" | "area" => "面积",
        "farmland_mu" => "耕地面积",
        "paddy_mu" => "水田面积",
        "grain_capacity_kg" => "粮食产能",
        "price_per_mu" => "单价",
        "amount_yuan" => "金额",
        "county_code" => "县（市、区）",
        "closes_at" => "截止时间",
        "use" => "项目用途",
        "reclaimed_mu" => "复垦面积",
        "local_use_mu" => "本地使用面积（建新、安置）",
        "uscc" | "organisation.uscc" => "统一社会信用代码",
        other => other,
    }
}

/// A [`DomainError`] tied to the input field it concerns (wire name, e.g. `area_mu`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field}: {error}")]
pub struct FieldError {
    pub field: String,
    pub error: DomainError,
}

impl FieldError {
    pub fn new(field: impl Into<String>, error: DomainError) -> Self {
        Self {
            field: field.into(),
            error,
        }
    }
    /// "面积：最多保留4位小数…" — the field's Chinese label, then the message.
    pub fn message_zh(&self) -> String {
        format!("{}：{}", field_zh(&self.field), self.error.message_zh())
    }
    pub fn message_en(&self) -> String {
        format!("{}: {}", self.field, self.error.message_en())
    }
}

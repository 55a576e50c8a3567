//! OpenAPI schemas for the newtypes that travel as strings (feature `openapi`, server only).
//! Each says what the parser accepts, so the published spec and the server agree.

use std::borrow::Cow;

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use crate::jurisdiction::CountyCode;
use crate::positive::{PositiveArea, PositiveMoney};
use crate::quantity::{Area, Money, Percent, UnitPrice};

fn decimal_string(description: &str, pattern: &str, example: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .pattern(Some(pattern))
        .examples([serde_json::Value::String(example.to_string())])
        .into()
}

macro_rules! string_schema {
    ($ty:ty, $name:literal, $description:literal, $pattern:literal, $example:literal) => {
        impl PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                decimal_string($description, $pattern, $example)
            }
        }
        impl ToSchema for $ty {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }
        }
    };
}

string_schema!(
    Area,
    "Area",
    "面积（亩），十进制字符串，最多4位小数 / area in mu as a decimal string, at most 4 decimals",
    r"^[0-9]+(\.[0-9]{1,4})?$",
    "17.5335"
);
string_schema!(
    Money,
    "Money",
    "金额（元），十进制字符串，最多2位小数 / amount in yuan, at most 2 decimals",
    r"^[0-9]+(\.[0-9]{1,2})?$",
    "4383375.00"
);
string_schema!(
    PositiveArea,
    "PositiveArea",
    "面积（亩），大于零，最多4位小数 / area in mu above zero, at most 4 decimals",
    r"^[0-9]+(\.[0-9]{1,4})?$",
    "17.5335"
);
string_schema!(
    PositiveMoney,
    "PositiveMoney",
    "金额（元），大于零，最多2位小数 / amount in yuan above zero, at most 2 decimals",
    r"^[0-9]+(\.[0-9]{1,2})?$",
    "500000.00"
);
string_schema!(
    UnitPrice,
    "UnitPrice",
    "单价（元/亩），大于零，最多2位小数 / price in yuan per mu, above zero, at most 2 decimals",
    r"^[0-9]+(\.[0-9]{1,2})?$",
    "250000.00"
);
string_schema!(
    Percent,
    "Percent",
    "百分比 0–100，最多2位小数 / percentage 0–100, at most 2 decimals",
    r"^[0-9]{1,3}(\.[0-9]{1,2})?$",
    "25.50"
);
string_schema!(
    CountyCode,
    "CountyCode",
    "县级行政区划代码（GB/T 2260，6位）/ six-digit county-level division code",
    r"^[0-9]{6}$",
    "450422"
);

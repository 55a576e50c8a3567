//! The demo's literal values read as the domain's types; a value that does not read is a bug
//! in the demo data, reported as such.

use quota_shared::Area;
use quota_shared::jurisdiction::CountyCode;

use crate::store::StoreError;

pub(super) fn bad(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("demo data: {what}"))
}

pub(super) fn area(s: &str) -> Result<Area, StoreError> {
    s.parse().map_err(bad)
}

pub(super) fn code(s: &str) -> Result<CountyCode, StoreError> {
    s.parse().map_err(bad)
}

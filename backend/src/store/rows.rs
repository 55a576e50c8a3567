//! Decoding reference-data rows (counties, floors) into wire types, shared by both stores.

use quota_shared::UnitPrice;
use quota_shared::api::{County, FloorPrice};

use super::error::StoreError;
use super::market;

/// The stored columns of a county, in the order the stores select them: code, name, name_en,
/// kind, city_name, poverty_alleviated, poverty_status_confirmed, base_price_fen_per_mu.
pub(crate) type CountyRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    bool,
    bool,
    String,
    Option<i64>,
);

/// Builds the wire county from stored columns (see the stores' `counties`).
pub(crate) fn county_from_row(row: CountyRow) -> Result<County, StoreError> {
    let (
        code,
        name,
        name_en,
        kind,
        city_code,
        city_name,
        poverty_alleviated,
        poverty_status_confirmed,
        project_rule,
        base_price_fen,
    ) = row;
    let corrupt = |what: &str| StoreError::Corrupt(format!("{what} of county {code}"));
    Ok(County {
        code: code.parse().map_err(|_| corrupt("code"))?,
        kind: kind.parse().map_err(|_| corrupt("kind"))?,
        project_rule: market::parse_stored("project rule", &project_rule)?,
        base_price_per_mu: base_price_fen
            .map(UnitPrice::from_fen)
            .transpose()
            .map_err(|_| corrupt("base price"))?,
        name,
        name_en,
        city_code,
        city_name,
        poverty_alleviated,
        poverty_status_confirmed,
    })
}

pub(crate) fn floor_from_row(
    fen: i64,
    effective_from: time::Date,
) -> Result<FloorPrice, StoreError> {
    Ok(FloorPrice {
        price_per_mu: UnitPrice::from_fen(fen)
            .map_err(|_| StoreError::Corrupt(format!("floor price {fen}")))?,
        effective_from,
    })
}

//! The demo data set: enough that every page has something to show. Loaded once (marker in
//! `meta`); `scripts/run.sh` loads it when the database is new.

use quota_shared::UnitPrice;
use quota_shared::jurisdiction::CountyCode;
use quota_shared::rules::{check_base_price, default_floors};

use crate::store::{Store, StoreError};

const DEMO_MARKER: &str = "demo_v1";

/// County base prices of the demo (元/亩): at or above the 250,000 floor (R1). 龙圩区 is left
/// without one to show the "未设定" state.
const DEMO_BASE_PRICES: [(&str, i64); 6] = [
    ("450403", 300_000),
    ("450405", 300_000),
    ("450421", 260_000),
    ("450422", 280_000),
    ("450423", 270_000),
    ("450481", 265_000),
];

/// What loading the demo did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoOutcome {
    Loaded,
    AlreadyPresent,
}

/// Loads the demo data unless it is already there.
pub async fn load<S: Store>(store: &S) -> Result<DemoOutcome, StoreError> {
    if store.meta(DEMO_MARKER).await?.is_some() {
        return Ok(DemoOutcome::AlreadyPresent);
    }
    let today = time::OffsetDateTime::now_utc()
        .to_offset(time::macros::offset!(+8))
        .date();
    let floors = default_floors();
    for (code, yuan) in DEMO_BASE_PRICES {
        let code: CountyCode = code.parse().map_err(|_| StoreError::Corrupt(code.into()))?;
        let price =
            UnitPrice::from_yuan(yuan).map_err(|_| StoreError::Corrupt(code.to_string()))?;
        // The demo obeys the same rule a bureau does.
        if check_base_price(price, today, &floors).is_ok() {
            store.set_base_price(&code, price).await?;
        }
    }
    store.set_meta(DEMO_MARKER, "loaded").await?;
    Ok(DemoOutcome::Loaded)
}

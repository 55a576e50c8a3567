//! Rows as stored, and how they become `quota_shared` values: integer minor units into
//! `Area`/`Money`, stored names into their enums, and a listing or purchase into what it is at
//! the time of the read (its effective state; docs/ARCHITECTURE.md, "Time"). Also the plain
//! arithmetic the store's transactions need (the pro-rata split of a partial take) and the
//! one way times are bound.

use quota_shared::api::{
    County, FloorPrice, Listing, ListingStatus, Purchase, PurchaseProject, PurchaseStatus,
};
use quota_shared::jurisdiction::{CountyCode, Jurisdiction};
use quota_shared::rules::{Channel, ProjectUse};
use quota_shared::{Area, Money, UnitPrice};
use time::OffsetDateTime;

use super::error::StoreError;

/// Marker in `meta` that the reference data was loaded once; after that the administrator owns
/// it and `migrate` does not put back what was edited away.
pub(crate) const REFERENCE_MARKER: &str = "reference_data_v1";
use super::types::PurchaseDraft;

/// An allocation row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct AllocationRow {
    pub id: i64,
    pub county_code: String,
    pub year: i32,
    pub use_name: String,
    pub amount_fen: i64,
    pub disbursed_fen: i64,
    pub note: String,
    pub created_at: OffsetDateTime,
}

impl AllocationRow {
    pub fn into_allocation(self) -> Result<quota_shared::api::Allocation, StoreError> {
        Ok(quota_shared::api::Allocation {
            id: self.id,
            county_code: self
                .county_code
                .parse()
                .map_err(|_| corrupt("allocation county"))?,
            year: self.year,
            use_: self.use_name,
            amount_yuan: Money::from_fen(self.amount_fen)
                .map_err(|_| corrupt("allocation amount"))?,
            disbursed_yuan: Money::from_fen(self.disbursed_fen)
                .map_err(|_| corrupt("disbursed"))?,
            note: self.note,
            created_at: self.created_at,
        })
    }
}

/// A project stored as three columns: all three, or none (an award; an old filing).
fn stored_project(
    name: Option<String>,
    use_: Option<String>,
    county: Option<String>,
) -> Result<Option<PurchaseProject>, StoreError> {
    Ok(match (name, use_, county) {
        (Some(name), Some(use_), Some(county)) => Some(PurchaseProject {
            name,
            use_: use_.parse::<ProjectUse>().map_err(|_| corrupt("use"))?,
            county_code: county.parse().map_err(|_| corrupt("project county"))?,
        }),
        _ => None,
    })
}

/// A listing row; decodes on both databases.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ListingRow {
    pub id: i64,
    pub county_code: String,
    pub channel: String,
    pub status: String,
    pub area_e4_mu: i64,
    pub remaining_e4_mu: i64,
    pub farmland_e4_mu: i64,
    pub paddy_e4_mu: i64,
    pub grain_capacity_kg: i64,
    pub price_fen_per_mu: i64,
    pub start_total_fen: Option<i64>,
    pub deposit_fen: Option<i64>,
    pub source_project: String,
    pub township: String,
    pub advance: bool,
    pub listed_at: OffsetDateTime,
    pub opens_at: Option<OffsetDateTime>,
    pub closes_at: Option<OffsetDateTime>,
    pub ruleset_version: String,
    pub high_bid_fen: Option<i64>,
    pub bid_count: i64,
    pub bid_step_fen: Option<i64>,
    /// Area of this listing's reservations past their expiry that the scheduler has not yet
    /// returned: what the listing reads as having back (see [`effective_listing`]).
    pub due_e4_mu: i64,
}

/// The columns of a [`ListingRow`], the time of the read bound as `$1` (it decides which
/// reservations are due).
pub(crate) const LISTING_COLUMNS: &str = "id, county_code, channel, status, area_e4_mu, remaining_e4_mu, \
     farmland_e4_mu, paddy_e4_mu, grain_capacity_kg, price_fen_per_mu, start_total_fen, deposit_fen, \
     source_project, township, advance, listed_at, opens_at, closes_at, ruleset_version, high_bid_fen, bid_count, \
     bid_step_fen, CAST(COALESCE((SELECT SUM(d.area_e4_mu) FROM purchases d WHERE d.listing_id = listings.id \
       AND d.status = 'reserved' AND d.expires_at <= $1), 0) AS BIGINT) AS due_e4_mu";

/// What a listing is at `now`, whether or not the scheduler has caught up with it: a county
/// listing past its closing time is expired and its due reservations have given their area
/// back; a lot past its closing time is awarded (a high bid stands) or unsold, and an award
/// left unpaid past its expiry leaves it unsold. Returns the status and the remaining area.
/// The scheduler later writes exactly this (docs/ARCHITECTURE.md, "Time").
#[allow(clippy::too_many_arguments)]
pub(crate) fn effective_listing(
    channel: Channel,
    stored: ListingStatus,
    opens_at: Option<OffsetDateTime>,
    closes_at: Option<OffsetDateTime>,
    has_bid: bool,
    area_e4: i64,
    remaining_e4: i64,
    due_e4: i64,
    now: OffsetDateTime,
) -> (ListingStatus, i64) {
    use ListingStatus::*;
    let closed = closes_at.is_some_and(|c| c <= now);
    // An award is paid within the reservation period from the close (see close_lot); past
    // that, even an award the scheduler never managed to write leaves the lot unsold.
    let reservation = time::Duration::days(i64::from(
        quota_shared::auction::AuctionParams::default().reservation_days,
    ));
    let award_lapsed = closes_at.is_some_and(|c| c + reservation <= now);
    match channel {
        Channel::County => {
            let remaining = remaining_e4 + due_e4;
            let status = match stored {
                Open | SoldOut if closed => Expired,
                // R16: announced, not yet open for buying.
                Open if opens_at.is_some_and(|o| o > now) => Scheduled,
                SoldOut if remaining > 0 => Open,
                other => other,
            };
            (status, remaining)
        }
        Channel::Regional => match stored {
            Scheduled | Bidding if closed && has_bid && award_lapsed => (Unsold, area_e4),
            Scheduled | Bidding if closed && has_bid => (Awarded, 0),
            Scheduled | Bidding if closed => (Unsold, remaining_e4),
            Scheduled if opens_at.is_some_and(|o| o <= now) => (Bidding, remaining_e4),
            Awarded if due_e4 > 0 => (Unsold, area_e4),
            other => (other, remaining_e4),
        },
    }
}

/// The stored statuses a listing can have while it reads as `effective` (the inverse of
/// [`effective_listing`]), so a status filter can be applied in SQL before the effective state
/// is worked out: a superset, never missing one.
pub(crate) fn stored_statuses_reading_as(effective: ListingStatus) -> &'static [&'static str] {
    use ListingStatus::*;
    match effective {
        Open => &["open", "sold_out"],
        SoldOut => &["sold_out"],
        Expired => &["open", "sold_out", "expired"],
        Withdrawn => &["withdrawn"],
        Scheduled => &["scheduled", "open"],
        Bidding => &["scheduled", "bidding"],
        Awarded => &["scheduled", "bidding", "awarded"],
        Unsold => &["scheduled", "bidding", "awarded", "unsold"],
    }
}

pub(crate) fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// Decodes every row of a list, leaving out (and logging) a row that no longer decodes — a
/// value edited out of range by hand, say: one bad row must never fail the list for everyone.
pub(crate) fn decode_each<R, T>(
    what: &str,
    rows: Vec<R>,
    decode: impl Fn(R) -> Result<T, StoreError>,
) -> Vec<T> {
    rows.into_iter()
        .filter_map(|row| match decode(row) {
            Ok(value) => Some(value),
            Err(e) => {
                tracing::error!(list = what, error = %e, "a stored row does not decode; left out");
                None
            }
        })
        .collect()
}

/// A stored name of a closed set (status, role, kind …), or [`StoreError::Corrupt`].
pub(crate) fn parse_stored<T: std::str::FromStr>(what: &str, s: &str) -> Result<T, StoreError> {
    s.parse().map_err(|_| corrupt(format!("{what} {s:?}")))
}

impl ListingRow {
    /// The wire listing. A scheduled lot whose opening time has passed reads as `bidding`.
    pub fn into_listing(self, now: OffsetDateTime) -> Result<Listing, StoreError> {
        let area =
            |e4| Area::from_e4(e4).map_err(|_| corrupt(format!("area of listing {}", self.id)));
        let money = |fen: Option<i64>| {
            fen.map(Money::from_fen)
                .transpose()
                .map_err(|_| corrupt(format!("money of listing {}", self.id)))
        };
        let channel: Channel = self
            .channel
            .parse()
            .map_err(|_| corrupt("listing channel"))?;
        let start_total = money(self.start_total_fen)?;
        let high_bid = money(self.high_bid_fen)?;
        let (status, remaining_e4) = effective_listing(
            channel,
            parse_stored("listing status", &self.status)?,
            self.opens_at,
            self.closes_at,
            high_bid.is_some(),
            self.area_e4_mu,
            self.remaining_e4_mu,
            self.due_e4_mu,
            now,
        );
        // The step the lot was listed with (R4); lots from before steps were kept, the default.
        let mut params = quota_shared::auction::AuctionParams::default();
        let bid_step = match (start_total, self.bid_step_fen) {
            (None, _) => None,
            (Some(_), Some(fen)) => Some(Money::from_fen(fen).map_err(|_| corrupt("bid step"))?),
            (Some(_), None) => Some(params.bid_step),
        };
        if let Some(step) = bid_step {
            params.bid_step = step;
        }
        let min_next = match start_total {
            Some(s) if status.is_live() => params.min_next_bid(s, high_bid).ok(),
            _ => None,
        };
        Ok(Listing {
            id: self.id,
            county_code: self
                .county_code
                .parse()
                .map_err(|_| corrupt("listing county"))?,
            channel,
            status,
            area_mu: area(self.area_e4_mu)?,
            remaining_mu: area(remaining_e4)?,
            farmland_mu: area(self.farmland_e4_mu)?,
            paddy_mu: area(self.paddy_e4_mu)?,
            grain_capacity_kg: self.grain_capacity_kg,
            price_per_mu: UnitPrice::from_fen(self.price_fen_per_mu)
                .map_err(|_| corrupt("listing price"))?,
            source_project: self.source_project,
            township: self.township,
            advance: self.advance,
            listed_at: self.listed_at,
            opens_at: self.opens_at,
            closes_at: self.closes_at,
            start_total_yuan: start_total,
            deposit_yuan: money(self.deposit_fen)?,
            high_bid_yuan: high_bid,
            min_next_bid_yuan: min_next,
            bid_step_yuan: bid_step,
            bid_count: self.bid_count,
            ruleset_version: self.ruleset_version,
            sources: Vec::new(),
        })
    }
}

/// A purchase row joined with the buyer's name.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PurchaseRow {
    pub id: i64,
    pub listing_id: i64,
    pub buyer_id: i64,
    pub buyer: String,
    pub seller_county_code: String,
    pub area_e4_mu: i64,
    pub farmland_e4_mu: i64,
    pub paddy_e4_mu: i64,
    pub price_fen_per_mu: i64,
    pub amount_fen: i64,
    pub status: String,
    pub kind: String,
    pub project_name: Option<String>,
    pub project_use: Option<String>,
    pub project_county_code: Option<String>,
    pub confirmation_no: Option<String>,
    pub bank_reference: Option<String>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub settled_at: Option<OffsetDateTime>,
    pub ruleset_version: String,
    pub publicity_ends_at: Option<OffsetDateTime>,
    pub open_objections: i64,
    /// The buyer's organisation (单位) and its code, when it registered as one (#16).
    pub buyer_organisation: Option<String>,
    pub buyer_uscc: Option<String>,
    /// The seller county's 自然资源局, when it is an organisation.
    pub seller_organisation: Option<String>,
    pub seller_uscc: Option<String>,
}

/// The seller county's 自然资源局's `$column` for the purchase `p` (or `purchases`), as it reads now.
macro_rules! seller_party {
    ($column:literal) => {
        concat!(
            "SELECT og.", $column, " FROM organisations og WHERE og.kind = 'natural_resources' \
             AND og.status = 'approved' AND og.county_code = purchases.seller_county_code ORDER BY og.id LIMIT 1"
        )
    };
}
pub(crate) use seller_party;

/// The stored columns of a purchase row, without its open objections. A numbered trade names
/// the parties copied into it at numbering; one not yet numbered, the parties as they read now.
macro_rules! purchase_stored_columns {
    () => {
        "p.id, p.listing_id, p.buyer_id, u.username AS buyer, \
         p.seller_county_code, p.area_e4_mu, p.farmland_e4_mu, p.paddy_e4_mu, p.price_fen_per_mu, \
         p.amount_fen, p.status, p.kind, p.project_name, p.project_use, p.project_county_code, \
         p.confirmation_no, p.bank_reference, p.created_at, p.expires_at, p.settled_at, p.ruleset_version, \
         p.publicity_ends_at, \
         CASE WHEN p.confirmation_no IS NOT NULL THEN p.buyer_party \
          ELSE (SELECT og.name FROM organisations og WHERE og.id = u.organisation_id) END AS buyer_organisation, \
         CASE WHEN p.confirmation_no IS NOT NULL THEN p.buyer_party_uscc \
          ELSE (SELECT og.uscc FROM organisations og WHERE og.id = u.organisation_id) END AS buyer_uscc, \
         CASE WHEN p.confirmation_no IS NOT NULL THEN p.seller_party \
          ELSE (SELECT og.name FROM organisations og WHERE og.kind = 'natural_resources' AND og.status = 'approved' \
          AND og.county_code = p.seller_county_code ORDER BY og.id LIMIT 1) END AS seller_organisation, \
         CASE WHEN p.confirmation_no IS NOT NULL THEN p.seller_party_uscc \
          ELSE (SELECT og.uscc FROM organisations og WHERE og.kind = 'natural_resources' AND og.status = 'approved' \
          AND og.county_code = p.seller_county_code ORDER BY og.id LIMIT 1) END AS seller_uscc"
    };
}

pub(crate) const PURCHASE_COLUMNS: &str = concat!(
    purchase_stored_columns!(),
    ", (SELECT COUNT(*) FROM objections o WHERE o.purchase_id = p.id AND o.status = 'open') AS open_objections"
);

/// [`PURCHASE_COLUMNS`] for final trades: a final trade holds no open objection (it is
/// numbered only when none is open, and none is taken after), so the export of a year's
/// trades does not count them row by row.
pub(crate) const FINAL_PURCHASE_COLUMNS: &str = concat!(
    purchase_stored_columns!(),
    ", CAST(0 AS BIGINT) AS open_objections"
);

impl PurchaseRow {
    /// The wire purchase at `now`: a reservation past its expiry reads as expired even before
    /// the scheduler has ended it.
    pub fn into_purchase(self, now: OffsetDateTime) -> Result<Purchase, StoreError> {
        let area =
            |e4| Area::from_e4(e4).map_err(|_| corrupt(format!("area of purchase {}", self.id)));
        Ok(Purchase {
            id: self.id,
            listing_id: self.listing_id,
            seller_county_code: self
                .seller_county_code
                .parse()
                .map_err(|_| corrupt("seller"))?,
            buyer: self.buyer,
            buyer_organisation: self.buyer_organisation,
            buyer_uscc: self.buyer_uscc,
            seller_organisation: self.seller_organisation,
            seller_uscc: self.seller_uscc,
            area_mu: area(self.area_e4_mu)?,
            farmland_mu: area(self.farmland_e4_mu)?,
            paddy_mu: area(self.paddy_e4_mu)?,
            price_per_mu: UnitPrice::from_fen(self.price_fen_per_mu)
                .map_err(|_| corrupt("price"))?,
            amount_yuan: Money::from_fen(self.amount_fen).map_err(|_| corrupt("amount"))?,
            status: match parse_stored("purchase status", &self.status)? {
                PurchaseStatus::Reserved if self.expires_at <= now => PurchaseStatus::Expired,
                status => status,
            },
            kind: parse_stored("purchase kind", &self.kind)?,
            project: stored_project(
                self.project_name,
                self.project_use,
                self.project_county_code,
            )?,
            confirmation_no: self.confirmation_no,
            bank_reference: self.bank_reference,
            created_at: self.created_at,
            expires_at: self.expires_at,
            settled_at: self.settled_at,
            publicity_ends_at: self.publicity_ends_at,
            open_objections: u32::try_from(self.open_objections).unwrap_or(u32::MAX),
            ruleset_version: self.ruleset_version,
        })
    }
}

/// Jurisdiction row: code, name, name_en, kind, city_code, city_name, poverty, confirmed, rule.
pub(crate) type JurisdictionRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    bool,
    bool,
    String,
);

pub(crate) fn jurisdiction_from_row(row: JurisdictionRow) -> Result<Jurisdiction, StoreError> {
    let (code, name, name_en, kind, city_code, city_name, poverty, confirmed, rule) = row;
    Ok(Jurisdiction {
        code: code.parse().map_err(|_| corrupt("code"))?,
        name,
        name_en,
        kind: kind.parse().map_err(|_| corrupt("kind"))?,
        city_code,
        city_name,
        poverty_alleviated: poverty,
        poverty_status_confirmed: confirmed,
        project_rule: parse_stored("project rule", &rule)?,
    })
}

/// `value × part / whole`, half-up, exactly `value` when `part == whole` (grain capacity of a
/// partial take; the integer twin of `Area::pro_rata`).
pub(crate) fn pro_rata_i64(value: i64, part: i64, whole: i64) -> i64 {
    if part >= whole || whole == 0 {
        return value;
    }
    let v =
        (i128::from(value) * i128::from(part) * 2 + i128::from(whole)) / (2 * i128::from(whole));
    v as i64
}

/// Truncates to whole seconds in UTC: how every time is bound (see the module docs).
pub fn db_time(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t)
}

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
        project_rule: parse_stored("project rule", &project_rule)?,
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

/// What a partial take of a county listing carries with it: farmland, paddy and grain
/// capacity in proportion to the area taken, half-up; the take that empties the listing gets
/// exactly what is left, so the parts always add up to the listing's totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TakeSplit {
    pub farmland: Area,
    pub paddy: Area,
    pub capacity_kg: i64,
}

/// The split of taking `take` from a listing that had `before_e4` left, with the farmland,
/// paddy and capacity still left on it.
pub(crate) fn split_take(
    take: Area,
    before_e4: i64,
    farmland_left_e4: i64,
    paddy_left_e4: i64,
    capacity_left_kg: i64,
) -> Result<TakeSplit, StoreError> {
    let area = |e4| Area::from_e4(e4).map_err(|_| corrupt("listing area"));
    let before = area(before_e4)?;
    Ok(TakeSplit {
        farmland: area(farmland_left_e4)?.pro_rata(take, before),
        paddy: area(paddy_left_e4)?.pro_rata(take, before),
        capacity_kg: pro_rata_i64(capacity_left_kg, take.e4(), before_e4),
    })
}

/// "藤县〔2026〕第0001号": the 成交确认书 number, per seller county and year.
pub(crate) fn confirmation_no(seller_name: &str, year: i32, no: i32) -> String {
    format!("{seller_name}〔{year}〕第{no:04}号")
}

/// The purchase a reservation creates, as answered and as audited.
pub(crate) fn reserved_purchase(
    draft: &PurchaseDraft,
    id: i64,
    seller: CountyCode,
    split: TakeSplit,
    price: UnitPrice,
    amount: Money,
) -> Purchase {
    Purchase {
        id,
        listing_id: draft.listing_id,
        seller_county_code: seller,
        buyer: draft.buyer_username.clone(),
        // The seller's organisation is read with the trade.
        buyer_organisation: draft.buyer_party.as_ref().map(|(name, _)| name.clone()),
        buyer_uscc: draft
            .buyer_party
            .as_ref()
            .and_then(|(_, uscc)| uscc.clone()),
        seller_organisation: None,
        seller_uscc: None,
        area_mu: draft.area,
        farmland_mu: split.farmland,
        paddy_mu: split.paddy,
        price_per_mu: price,
        amount_yuan: amount,
        status: PurchaseStatus::Reserved,
        kind: quota_shared::api::PurchaseKind::Purchase,
        project: Some(draft.project.clone()),
        confirmation_no: None,
        bank_reference: None,
        created_at: db_time(draft.now),
        expires_at: db_time(draft.expires_at),
        settled_at: None,
        publicity_ends_at: None,
        open_objections: 0,
        ruleset_version: draft.ruleset_version.clone(),
    }
}

pub(crate) mod objections;
pub(crate) mod organisations;
pub(crate) mod projects;
pub(crate) mod rules;
pub(crate) mod serials;
pub(crate) mod users;
pub(crate) mod uses;

#[cfg(test)]
mod tests;

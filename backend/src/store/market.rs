//! The marketplace half of the store: accounts, sessions, listings, purchases, idempotency.
//!
//! The SQL here is written once and compiled for both databases by [`impl_market_store!`]:
//! it uses only what SQLite and PostgreSQL share (`$n` placeholders numbered in order of first
//! use, `RETURNING`, `ON CONFLICT`), binds every time from Rust (UTC, whole seconds, so text
//! comparison in SQLite orders like time), and keeps each action one transaction whose first
//! statement writes — so SQLite takes its write lock at once and never fails a lock upgrade,
//! and PostgreSQL re-checks the `WHERE` of the conditional `UPDATE` under the row lock. That
//! conditional `UPDATE … WHERE remaining_e4_mu >= take` is what makes overselling impossible on
//! either database; the `CHECK`s in the schema are the second line.

use quota_shared::api::{
    Bid, Listing, ListingStatus, Purchase, PurchaseProject, PurchaseStatus, Role, User,
};
use quota_shared::jurisdiction::{CountyCode, Jurisdiction};
use quota_shared::rules::{Channel, ProjectUse};
use quota_shared::{Area, Money, UnitPrice};
use time::{Date, OffsetDateTime};

use super::error::StoreError;

/// An account as the server sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub county_code: Option<CountyCode>,
    pub regional_bidder: bool,
    pub disabled: bool,
}

impl UserRecord {
    pub fn to_wire(&self) -> User {
        User {
            username: self.username.clone(),
            role: self.role,
            county_code: self.county_code.clone(),
            regional_bidder: self.regional_bidder,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub county_code: Option<CountyCode>,
    pub regional_bidder: bool,
}

/// A checked listing ready to insert.
#[derive(Debug, Clone)]
pub struct ListingDraft {
    pub county_code: CountyCode,
    pub channel: Channel,
    pub status: ListingStatus,
    pub area: Area,
    pub farmland: Area,
    pub paddy: Area,
    pub grain_capacity_kg: i64,
    pub price: UnitPrice,
    pub start_total: Option<Money>,
    pub deposit: Option<Money>,
    pub source_project: String,
    pub township: String,
    pub advance: bool,
    pub listed_at: OffsetDateTime,
    pub opens_at: Option<OffsetDateTime>,
    pub closes_at: Option<OffsetDateTime>,
    pub ruleset_version: String,
    pub floor_effective_from: Option<Date>,
    pub created_by: i64,
    /// Username of who lists it, for the audit log.
    pub actor: String,
}

#[derive(Debug, Clone, Default)]
pub struct ListingFilter {
    pub county: Option<CountyCode>,
    pub channel: Option<Channel>,
    pub status: Option<ListingStatus>,
}

/// A checked purchase ready to reserve.
#[derive(Debug, Clone)]
pub struct PurchaseDraft {
    pub listing_id: i64,
    pub buyer_id: i64,
    pub buyer_username: String,
    pub area: Area,
    pub project: PurchaseProject,
    pub now: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub ruleset_version: String,
    /// `Idempotency-Key` and the SHA-256 of the request body.
    pub idem_key: String,
    pub request_sha256: String,
}

/// What became of a reservation attempt.
#[derive(Debug, Clone)]
pub enum PurchaseOutcome {
    Created(Box<Purchase>),
    /// The listing is not open (sold out, withdrawn, expired).
    NotOpen(ListingStatus),
    /// Not enough remaining.
    NotEnough {
        remaining: Area,
    },
    /// The same key was used before (possibly by a concurrent twin): its stored answer.
    Replay(StoredAnswer),
}

/// A stored first answer to an idempotent request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    pub request_sha256: String,
    pub status: u16,
    pub body: String,
}

/// Which purchases a caller may see.
#[derive(Debug, Clone)]
pub enum PurchaseScope {
    Buyer(i64),
    Seller(CountyCode),
    All,
}

#[derive(Debug, Clone)]
pub enum SettleOutcome {
    Settled(Box<Purchase>),
    /// Not `reserved` any more (or past its expiry): the current state.
    Conflict(PurchaseStatus),
    NotFound,
}

/// What closing a lot did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LotClosing {
    /// Awarded to the high bid: the winner's reserved purchase was created.
    Awarded,
    /// No bid: the lot is unsold.
    Unsold,
    /// Not due, or already closed (by another instance).
    NotDue,
}

/// What became of a bid.
#[derive(Debug, Clone)]
pub enum BidOutcome {
    Placed(Bid),
    /// Someone bid at least as much first: the lowest valid bid now.
    Outbid {
        min_next: Money,
    },
    /// Not open for bids: not yet (opens later) or any more (its state).
    NotOpen {
        status: ListingStatus,
        opens_at: Option<OffsetDateTime>,
    },
}

/// A use (落地) to record.
#[derive(Debug, Clone)]
pub struct UseDraft {
    pub purchase_id: i64,
    pub approval_no: String,
    pub area: Area,
    pub project_name: Option<String>,
    pub recorded_by: i64,
    pub actor: String,
    pub now: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub enum UseOutcome {
    Recorded(quota_shared::api::HoldingUse),
    /// Only a settled purchase is a holding.
    NotSettled(PurchaseStatus),
    /// More than what is left of the holding.
    Exceeds {
        remaining: Area,
    },
    /// This approval number was already recorded on the holding.
    Duplicate,
}

/// Whose holdings a caller sees.
#[derive(Debug, Clone)]
pub enum HoldingScope {
    Buyer(i64),
    /// The bureau of the projects' county.
    ProjectCounty(CountyCode),
    All,
}

/// One county's settled sales in a year: area and amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountyProceeds {
    pub county_code: CountyCode,
    pub sold: Area,
    pub proceeds: Money,
    pub allocated: Money,
    pub disbursed: Money,
}

#[derive(Debug, Clone)]
pub struct AllocationDraft {
    pub county_code: CountyCode,
    pub year: i32,
    pub use_name: String,
    pub amount: Money,
    pub note: String,
    pub created_by: i64,
    pub actor: String,
    pub now: OffsetDateTime,
    /// The Asia/Shanghai year as UTC instants: [from, to).
    pub from: OffsetDateTime,
    pub to: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub enum AllocateOutcome {
    Created(quota_shared::api::Allocation),
    /// Allocated would exceed received.
    ExceedsReceived {
        received: Money,
        allocated: Money,
    },
}

#[derive(Debug, Clone)]
pub struct DisbursementDraft {
    pub allocation_id: i64,
    pub amount: Money,
    pub voucher_no: String,
    pub bank_reference: String,
    pub created_by: i64,
    pub actor: String,
    pub now: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub enum DisburseOutcome {
    Created(quota_shared::api::Disbursement),
    NotFound,
    /// Disbursed would exceed allocated.
    ExceedsAllocated {
        allocated: Money,
        disbursed: Money,
    },
}

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

/// A holding use row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct UseRow {
    pub id: i64,
    pub purchase_id: i64,
    pub approval_no: String,
    pub project_name: Option<String>,
    pub used_before_e4_mu: i64,
    pub area_e4_mu: i64,
    pub holding_e4_mu: i64,
    pub created_at: OffsetDateTime,
}

impl UseRow {
    pub fn into_use(self) -> Result<quota_shared::api::HoldingUse, StoreError> {
        let area = |e4| Area::from_e4(e4).map_err(|_| corrupt("use area"));
        Ok(quota_shared::api::HoldingUse {
            id: self.id,
            purchase_id: self.purchase_id,
            approval_no: self.approval_no,
            project_name: self.project_name,
            used_before_mu: area(self.used_before_e4_mu)?,
            area_mu: area(self.area_e4_mu)?,
            remaining_mu: area(self.holding_e4_mu - self.used_before_e4_mu - self.area_e4_mu)?,
            created_at: self.created_at,
        })
    }
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
    /// Area of this listing's reservations past their expiry that the scheduler has not yet
    /// returned: what the listing reads as having back (see [`effective_listing`]).
    pub due_e4_mu: i64,
}

/// The columns of a [`ListingRow`], the time of the read bound as `$1` (it decides which
/// reservations are due).
pub(crate) const LISTING_COLUMNS: &str = "id, county_code, channel, status, area_e4_mu, remaining_e4_mu, \
     farmland_e4_mu, paddy_e4_mu, grain_capacity_kg, price_fen_per_mu, start_total_fen, deposit_fen, \
     source_project, township, advance, listed_at, opens_at, closes_at, ruleset_version, high_bid_fen, bid_count, \
     CAST(COALESCE((SELECT SUM(d.area_e4_mu) FROM purchases d WHERE d.listing_id = listings.id \
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
    match channel {
        Channel::County => {
            let remaining = remaining_e4 + due_e4;
            let status = match stored {
                Open | SoldOut if closed => Expired,
                SoldOut if remaining > 0 => Open,
                other => other,
            };
            (status, remaining)
        }
        Channel::Regional => match stored {
            Scheduled | Bidding if closed && has_bid => (Awarded, 0),
            Scheduled | Bidding if closed => (Unsold, remaining_e4),
            Scheduled if opens_at.is_some_and(|o| o <= now) => (Bidding, remaining_e4),
            Awarded if due_e4 > 0 => (Unsold, area_e4),
            other => (other, remaining_e4),
        },
    }
}

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
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
        let params = quota_shared::auction::AuctionParams::default();
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
            bid_count: self.bid_count,
            ruleset_version: self.ruleset_version,
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
}

pub(crate) const PURCHASE_COLUMNS: &str = "p.id, p.listing_id, p.buyer_id, u.username AS buyer, \
     p.seller_county_code, p.area_e4_mu, p.farmland_e4_mu, p.paddy_e4_mu, p.price_fen_per_mu, \
     p.amount_fen, p.status, p.kind, p.project_name, p.project_use, p.project_county_code, \
     p.confirmation_no, p.bank_reference, p.created_at, p.expires_at, p.settled_at, p.ruleset_version";

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
            project: match (
                self.project_name,
                self.project_use,
                self.project_county_code,
            ) {
                (Some(name), Some(use_), Some(county)) => Some(PurchaseProject {
                    name,
                    use_: use_.parse::<ProjectUse>().map_err(|_| corrupt("use"))?,
                    county_code: county.parse().map_err(|_| corrupt("project county"))?,
                }),
                _ => None,
            },
            confirmation_no: self.confirmation_no,
            bank_reference: self.bank_reference,
            created_at: self.created_at,
            expires_at: self.expires_at,
            settled_at: self.settled_at,
            ruleset_version: self.ruleset_version,
        })
    }
}

/// Columns of a user row: id, username, password_hash, role, county_code, regional_bidder, disabled.
pub(crate) type UserRow = (i64, String, String, String, Option<String>, bool, bool);

pub(crate) fn user_from_row(row: UserRow) -> Result<UserRecord, StoreError> {
    let (id, username, password_hash, role, county, regional_bidder, disabled) = row;
    Ok(UserRecord {
        id,
        username,
        password_hash,
        role: parse_stored("role", &role)?,
        county_code: county
            .map(|c| c.parse())
            .transpose()
            .map_err(|_| corrupt("user county"))?,
        regional_bidder,
        disabled,
    })
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

/// Appends an audit [`crate::audit::Entry`] inside the transaction `$tx` of a change: takes
/// the stream's head row (creating it on first use), links and hashes the record, stores both.
/// Heads are always taken last in a transaction, so they never join a lock cycle.
#[macro_export]
macro_rules! audit_append {
    ($tx:expr, $entry:expr) => {{
        let entry: $crate::audit::Entry = $entry;
        let at = $crate::store::market::db_time(entry.at);
        sqlx::query("INSERT INTO audit_heads (stream, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (stream) DO NOTHING")
            .bind(&entry.stream)
            .bind($crate::audit::GENESIS)
            .execute(&mut *$tx)
            .await?;
        let (seq, prev): (i64, String) =
            sqlx::query_as("UPDATE audit_heads SET seq = seq + 1 WHERE stream = $1 RETURNING seq, hash")
                .bind(&entry.stream)
                .fetch_one(&mut *$tx)
                .await?;
        let (before, after) = entry.json_texts();
        let hash = $crate::audit::record_hash(
            &prev,
            &entry.stream,
            seq,
            &entry.object,
            &entry.actor,
            entry.action.wire(),
            before.as_deref(),
            after.as_deref(),
            at,
        );
        sqlx::query("UPDATE audit_heads SET hash = $1 WHERE stream = $2")
            .bind(&hash)
            .bind(&entry.stream)
            .execute(&mut *$tx)
            .await?;
        sqlx::query(
            "INSERT INTO audit_log (stream, seq, object, actor, action, before_json, after_json, at, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&entry.stream)
        .bind(seq)
        .bind(&entry.object)
        .bind(&entry.actor)
        .bind(entry.action.wire())
        .bind(before)
        .bind(after)
        .bind(at)
        .bind(&prev)
        .bind(&hash)
        .execute(&mut *$tx)
        .await?;
    }};
}

/// Generates the marketplace methods of [`super::contract::Store`] for a store type with a `pool`.
#[macro_export]
macro_rules! impl_market_store {
    () => {
        async fn jurisdictions(&self) -> Result<Vec<quota_shared::jurisdiction::Jurisdiction>, StoreError> {
            let rows: Vec<$crate::store::market::JurisdictionRow> = sqlx::query_as(
                "SELECT code, name, name_en, kind, city_code, city_name, poverty_alleviated, \
                 poverty_status_confirmed, project_rule FROM jurisdictions ORDER BY city_code, code",
            )
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map($crate::store::market::jurisdiction_from_row).collect()
        }

        async fn add_floor_version(
            &self,
            price: quota_shared::UnitPrice,
            effective_from: time::Date,
            actor: &str,
            now: time::OffsetDateTime,
        ) -> Result<bool, StoreError> {
            let mut tx = self.pool.begin().await?;
            let done = sqlx::query(
                "INSERT INTO floor_versions (price_fen_per_mu, effective_from) VALUES ($1, $2) \
                 ON CONFLICT (effective_from) DO NOTHING",
            )
            .bind(price.fen())
            .bind(effective_from)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            $crate::audit_append!(
                tx,
                $crate::audit::Entry::new($crate::audit::REGION_STREAM, format!("floor:{effective_from}"), actor, quota_shared::api::AuditAction::FloorAdded, now)
                    .after(serde_json::json!({"price_per_mu": price.to_string(), "effective_from": effective_from.to_string()}))
            );
            tx.commit().await?;
            Ok(true)
        }

        async fn set_base_price(
            &self,
            code: &quota_shared::jurisdiction::CountyCode,
            price: quota_shared::UnitPrice,
            actor: &str,
            now: time::OffsetDateTime,
        ) -> Result<bool, StoreError> {
            let mut tx = self.pool.begin().await?;
            let updated: Option<(String,)> = sqlx::query_as(
                "UPDATE jurisdictions SET base_price_fen_per_mu = $1, base_price_set_at = $2 WHERE code = $3 \
                 RETURNING code",
            )
            .bind(price.fen())
            .bind($crate::store::market::db_time(now))
            .bind(code.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            if updated.is_none() {
                tx.rollback().await?;
                return Ok(false);
            }
            $crate::audit_append!(
                tx,
                $crate::audit::Entry::new($crate::audit::county_stream(code.as_str()), format!("county:{code}"), actor, quota_shared::api::AuditAction::BasePriceSet, now)
                    .after(serde_json::json!({"base_price_per_mu": price.to_string()}))
            );
            tx.commit().await?;
            Ok(true)
        }

        async fn create_user(
            &self,
            user: &$crate::store::market::NewUser,
            actor: &str,
            now: time::OffsetDateTime,
        ) -> Result<Option<i64>, StoreError> {
            let mut tx = self.pool.begin().await?;
            let row: Option<(i64,)> = sqlx::query_as(
                "INSERT INTO users (username, password_hash, role, county_code, regional_bidder, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING RETURNING id",
            )
            .bind(&user.username)
            .bind(&user.password_hash)
            .bind(user.role.wire())
            .bind(user.county_code.as_ref().map(|c| c.as_str().to_string()))
            .bind(user.regional_bidder)
            .bind($crate::store::market::db_time(now))
            .fetch_optional(&mut *tx)
            .await?;
            let Some((id,)) = row else {
                tx.rollback().await?;
                return Ok(None);
            };
            // The password hash stays out of the log.
            $crate::audit_append!(
                tx,
                $crate::audit::Entry::new($crate::audit::REGION_STREAM, format!("user:{}", user.username), actor, quota_shared::api::AuditAction::UserCreated, now)
                    .after(serde_json::json!({
                        "username": user.username,
                        "role": user.role.wire(),
                        "county_code": user.county_code.as_ref().map(|c| c.to_string()),
                        "regional_bidder": user.regional_bidder,
                    }))
            );
            tx.commit().await?;
            Ok(Some(id))
        }

        async fn user_by_username(
            &self,
            username: &str,
        ) -> Result<Option<$crate::store::market::UserRecord>, StoreError> {
            let row: Option<$crate::store::market::UserRow> = sqlx::query_as(
                "SELECT id, username, password_hash, role, county_code, regional_bidder, disabled \
                 FROM users WHERE username = $1",
            )
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
            row.map($crate::store::market::user_from_row).transpose()
        }

        async fn users(&self) -> Result<Vec<$crate::store::market::UserRecord>, StoreError> {
            let rows: Vec<$crate::store::market::UserRow> = sqlx::query_as(
                "SELECT id, username, password_hash, role, county_code, regional_bidder, disabled FROM users ORDER BY id",
            )
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map($crate::store::market::user_from_row).collect()
        }

        async fn set_user_disabled(
            &self,
            username: &str,
            disabled: bool,
            actor: &str,
            now: time::OffsetDateTime,
        ) -> Result<bool, StoreError> {
            let mut tx = self.pool.begin().await?;
            let done: Option<(i64,)> = sqlx::query_as("UPDATE users SET disabled = $1 WHERE username = $2 RETURNING id")
                .bind(disabled)
                .bind(username)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((id,)) = done else {
                tx.rollback().await?;
                return Ok(false);
            };
            // A disabled account loses its sessions at once.
            if disabled {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
            }
            $crate::audit_append!(
                tx,
                $crate::audit::Entry::new($crate::audit::REGION_STREAM, format!("user:{username}"), actor, if disabled { quota_shared::api::AuditAction::UserDisabled } else { quota_shared::api::AuditAction::UserEnabled }, now)
                    .after(serde_json::json!({"disabled": disabled}))
            );
            tx.commit().await?;
            Ok(true)
        }

        async fn user_by_session(
            &self,
            token_sha256: &str,
            now: time::OffsetDateTime,
        ) -> Result<Option<$crate::store::market::UserRecord>, StoreError> {
            let row: Option<$crate::store::market::UserRow> = sqlx::query_as(
                "SELECT u.id, u.username, u.password_hash, u.role, u.county_code, u.regional_bidder, \
                 u.disabled FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.token_sha256 = $1 AND s.expires_at > $2 AND NOT u.disabled",
            )
            .bind(token_sha256)
            .bind($crate::store::market::db_time(now))
            .fetch_optional(&self.pool)
            .await?;
            row.map($crate::store::market::user_from_row).transpose()
        }

        async fn create_session(
            &self,
            token_sha256: &str,
            user_id: i64,
            now: time::OffsetDateTime,
            expires_at: time::OffsetDateTime,
        ) -> Result<(), StoreError> {
            sqlx::query("INSERT INTO sessions (token_sha256, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(token_sha256)
                .bind(user_id)
                .bind($crate::store::market::db_time(now))
                .bind($crate::store::market::db_time(expires_at))
                .execute(&self.pool)
                .await?;
            Ok(())
        }

        async fn delete_session(&self, token_sha256: &str) -> Result<(), StoreError> {
            sqlx::query("DELETE FROM sessions WHERE token_sha256 = $1")
                .bind(token_sha256)
                .execute(&self.pool)
                .await?;
            Ok(())
        }

        async fn login_failures(
            &self,
            username: &str,
        ) -> Result<Option<(i32, time::OffsetDateTime)>, StoreError> {
            Ok(sqlx::query_as("SELECT failures, first_failure_at FROM login_failures WHERE username = $1")
                .bind(username)
                .fetch_optional(&self.pool)
                .await?)
        }

        async fn record_login_failure(
            &self,
            username: &str,
            now: time::OffsetDateTime,
            window_start: time::OffsetDateTime,
        ) -> Result<(), StoreError> {
            // A failure older than the window starts a new count.
            sqlx::query(
                "INSERT INTO login_failures (username, failures, first_failure_at) VALUES ($1, 1, $2) \
                 ON CONFLICT (username) DO UPDATE SET \
                 failures = CASE WHEN login_failures.first_failure_at < $3 THEN 1 ELSE login_failures.failures + 1 END, \
                 first_failure_at = CASE WHEN login_failures.first_failure_at < $3 THEN excluded.first_failure_at \
                                    ELSE login_failures.first_failure_at END",
            )
            .bind(username)
            .bind($crate::store::market::db_time(now))
            .bind($crate::store::market::db_time(window_start))
            .execute(&self.pool)
            .await?;
            Ok(())
        }

        async fn clear_login_failures(&self, username: &str) -> Result<(), StoreError> {
            sqlx::query("DELETE FROM login_failures WHERE username = $1")
                .bind(username)
                .execute(&self.pool)
                .await?;
            Ok(())
        }

        async fn insert_listing(&self, l: &$crate::store::market::ListingDraft) -> Result<i64, StoreError> {
            let mut tx = self.pool.begin().await?;
            let row: (i64,) = sqlx::query_as(
                "INSERT INTO listings (county_code, channel, status, area_e4_mu, remaining_e4_mu, \
                 farmland_e4_mu, remaining_farmland_e4_mu, paddy_e4_mu, remaining_paddy_e4_mu, \
                 grain_capacity_kg, remaining_capacity_kg, price_fen_per_mu, start_total_fen, deposit_fen, \
                 source_project, township, advance, listed_at, opens_at, closes_at, ruleset_version, \
                 floor_effective_from, created_by) \
                 VALUES ($1, $2, $3, $4, $4, $5, $5, $6, $6, $7, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
                 $16, $17, $18, $19) RETURNING id",
            )
            .bind(l.county_code.as_str())
            .bind(l.channel.wire())
            .bind(l.status.wire())
            .bind(l.area.e4())
            .bind(l.farmland.e4())
            .bind(l.paddy.e4())
            .bind(l.grain_capacity_kg)
            .bind(l.price.fen())
            .bind(l.start_total.map(|m| m.fen()))
            .bind(l.deposit.map(|m| m.fen()))
            .bind(&l.source_project)
            .bind(&l.township)
            .bind(l.advance)
            .bind($crate::store::market::db_time(l.listed_at))
            .bind(l.opens_at.map($crate::store::market::db_time))
            .bind(l.closes_at.map($crate::store::market::db_time))
            .bind(&l.ruleset_version)
            .bind(l.floor_effective_from)
            .bind(l.created_by)
            .fetch_one(&mut *tx)
            .await?;
            $crate::audit_append!(
                tx,
                $crate::audit::Entry::new($crate::audit::county_stream(l.county_code.as_str()), format!("listing:{}", row.0), &l.actor, quota_shared::api::AuditAction::ListingCreated, l.listed_at)
                    .after(serde_json::json!({
                        "channel": l.channel.wire(), "status": l.status.wire(), "area_mu": l.area.to_string(),
                        "farmland_mu": l.farmland.to_string(), "paddy_mu": l.paddy.to_string(),
                        "grain_capacity_kg": l.grain_capacity_kg, "price_per_mu": l.price.to_string(),
                        "start_total_yuan": l.start_total.map(|m| m.to_string()),
                        "closes_at": l.closes_at.map(|t| t.to_string()), "ruleset_version": l.ruleset_version,
                    }))
            );
            tx.commit().await?;
            Ok(row.0)
        }

        async fn listing(
            &self,
            id: i64,
            now: time::OffsetDateTime,
        ) -> Result<Option<quota_shared::api::Listing>, StoreError> {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM listings WHERE id = $2",
                $crate::store::market::LISTING_COLUMNS
            ));
            let row: Option<$crate::store::market::ListingRow> = sqlx::query_as(sql)
                .bind($crate::store::market::db_time(now))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
            row.map(|r| r.into_listing(now)).transpose()
        }

        async fn listings(
            &self,
            filter: &$crate::store::market::ListingFilter,
            now: time::OffsetDateTime,
        ) -> Result<Vec<quota_shared::api::Listing>, StoreError> {
            // Filters on status are applied after reading, because `scheduled` reads as
            // `bidding` once its opening time has passed.
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM listings WHERE ($2 IS NULL OR county_code = $2) \
                 AND ($3 IS NULL OR channel = $3) ORDER BY listed_at DESC, id DESC",
                $crate::store::market::LISTING_COLUMNS
            ));
            let rows: Vec<$crate::store::market::ListingRow> = sqlx::query_as(sql)
                .bind($crate::store::market::db_time(now))
                .bind(filter.county.as_ref().map(|c| c.as_str().to_string()))
                .bind(filter.channel.map(|c| c.wire()))
                .fetch_all(&self.pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let listing = row.into_listing(now)?;
                if filter.status.is_none_or(|s| s == listing.status) {
                    out.push(listing);
                }
            }
            Ok(out)
        }

        async fn withdraw_listing(&self, id: i64, actor: &str, now: time::OffsetDateTime) -> Result<bool, StoreError> {
            let mut tx = self.pool.begin().await?;
            // Past its closing time a listing has ended (expired, awarded or unsold) even if
            // the scheduler has not written so yet.
            let row: Option<(String, i64)> = sqlx::query_as(
                "UPDATE listings SET status = 'withdrawn' WHERE id = $1 \
                 AND status IN ('open', 'scheduled', 'bidding') AND (closes_at IS NULL OR closes_at > $2) \
                 RETURNING county_code, remaining_e4_mu",
            )
            .bind(id)
            .bind($crate::store::market::db_time(now))
            .fetch_optional(&mut *tx)
            .await?;
            let Some((county, remaining)) = row else {
                tx.rollback().await?;
                return Ok(false);
            };
            $crate::audit_append!(
                tx,
                $crate::audit::Entry::new($crate::audit::county_stream(&county), format!("listing:{id}"), actor, quota_shared::api::AuditAction::ListingWithdrawn, now)
                    .after(serde_json::json!({"status": "withdrawn", "released_e4_mu": remaining}))
            );
            tx.commit().await?;
            Ok(true)
        }

        async fn due_listings(&self, now: time::OffsetDateTime) -> Result<Vec<i64>, StoreError> {
            let rows: Vec<(i64,)> = sqlx::query_as(
                "SELECT id FROM listings WHERE channel = 'county' AND status IN ('open', 'sold_out') \
                 AND closes_at IS NOT NULL AND closes_at <= $1 ORDER BY id",
            )
            .bind($crate::store::market::db_time(now))
            .fetch_all(&self.pool)
            .await?;
            Ok(rows.into_iter().map(|r| r.0).collect())
        }

        async fn expire_listing(&self, id: i64, now: time::OffsetDateTime) -> Result<bool, StoreError> {
            let now = $crate::store::market::db_time(now);
            let mut tx = self.pool.begin().await?;
            let row: Option<(String,)> = sqlx::query_as(
                "UPDATE listings SET status = 'expired' WHERE id = $1 AND channel = 'county' \
                 AND status IN ('open', 'sold_out') AND closes_at <= $2 RETURNING county_code",
            )
            .bind(id)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((county,)) = row else {
                tx.rollback().await?;
                return Ok(false);
            };
            $crate::audit_append!(
                tx,
                $crate::audit::Entry::new($crate::audit::county_stream(&county), format!("listing:{id}"), "system", quota_shared::api::AuditAction::ListingExpired, now)
                    .after(serde_json::json!({"status": "expired"}))
            );
            tx.commit().await?;
            Ok(true)
        }

        async fn stored_answer(
            &self,
            user_id: i64,
            key: &str,
        ) -> Result<Option<$crate::store::market::StoredAnswer>, StoreError> {
            let row: Option<(String, i32, String)> = sqlx::query_as(
                "SELECT request_sha256, response_status, response_body FROM idempotency_keys \
                 WHERE user_id = $1 AND idem_key = $2",
            )
            .bind(user_id)
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
            Ok(row.map(|(request_sha256, status, body)| $crate::store::market::StoredAnswer {
                request_sha256,
                status: u16::try_from(status).unwrap_or(500),
                body,
            }))
        }

        async fn reserve(
            &self,
            d: &$crate::store::market::PurchaseDraft,
        ) -> Result<$crate::store::market::PurchaseOutcome, StoreError> {
            use $crate::store::market::{PurchaseOutcome, db_time, pro_rata_i64};
            use quota_shared::api::{Purchase, PurchaseResponse, PurchaseStatus};
            let mut tx = self.pool.begin().await?;
            // The first statement writes: the stock check and the decrement are one step. A
            // listing past its closing time has expired even if the scheduler has not said so.
            let taken: Option<(i64, i64, i64, i64, i64, String)> = sqlx::query_as(
                "UPDATE listings SET remaining_e4_mu = remaining_e4_mu - $1 \
                 WHERE id = $2 AND channel = 'county' AND status = 'open' AND remaining_e4_mu >= $1 \
                 AND (closes_at IS NULL OR closes_at > $3) \
                 RETURNING remaining_e4_mu, remaining_farmland_e4_mu, remaining_paddy_e4_mu, \
                 remaining_capacity_kg, price_fen_per_mu, county_code",
            )
            .bind(d.area.e4())
            .bind(d.listing_id)
            .bind(db_time(d.now))
            .fetch_optional(&mut *tx)
            .await?;
            let Some((after, farmland_left, paddy_left, capacity_left, price_fen, seller)) = taken else {
                tx.rollback().await?;
                let Some(listing) = self.listing(d.listing_id, d.now).await? else {
                    return Err(StoreError::Corrupt(format!("listing {} vanished", d.listing_id)));
                };
                return Ok(match listing.status {
                    quota_shared::api::ListingStatus::Open => PurchaseOutcome::NotEnough {
                        remaining: listing.remaining_mu,
                    },
                    status => PurchaseOutcome::NotOpen(status),
                });
            };
            let take = d.area.e4();
            let before = after + take;
            let area_of = |e4| quota_shared::Area::from_e4(e4).map_err(|_| StoreError::Corrupt("area".into()));
            let farmland = area_of(farmland_left)?.pro_rata(d.area, area_of(before)?);
            let paddy = area_of(paddy_left)?.pro_rata(d.area, area_of(before)?);
            let capacity = pro_rata_i64(capacity_left, take, before);
            sqlx::query(
                "UPDATE listings SET remaining_farmland_e4_mu = remaining_farmland_e4_mu - $1, \
                 remaining_paddy_e4_mu = remaining_paddy_e4_mu - $2, \
                 remaining_capacity_kg = remaining_capacity_kg - $3, \
                 status = CASE WHEN remaining_e4_mu = 0 THEN 'sold_out' ELSE status END WHERE id = $4",
            )
            .bind(farmland.e4())
            .bind(paddy.e4())
            .bind(capacity)
            .bind(d.listing_id)
            .execute(&mut *tx)
            .await?;
            let price = quota_shared::UnitPrice::from_fen(price_fen)
                .map_err(|_| StoreError::Corrupt("price".into()))?;
            let amount = price
                .amount_for(d.area)
                .map_err(|_| StoreError::Corrupt("amount overflow".into()))?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO purchases (listing_id, buyer_id, seller_county_code, area_e4_mu, farmland_e4_mu, \
                 paddy_e4_mu, grain_capacity_kg, price_fen_per_mu, amount_fen, status, project_name, project_use, \
                 project_county_code, created_at, expires_at, ruleset_version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'reserved', $10, $11, $12, $13, $14, $15) RETURNING id",
            )
            .bind(d.listing_id)
            .bind(d.buyer_id)
            .bind(&seller)
            .bind(take)
            .bind(farmland.e4())
            .bind(paddy.e4())
            .bind(capacity)
            .bind(price_fen)
            .bind(amount.fen())
            .bind(&d.project.name)
            .bind(d.project.use_.wire())
            .bind(d.project.county_code.as_str())
            .bind(db_time(d.now))
            .bind(db_time(d.expires_at))
            .bind(&d.ruleset_version)
            .fetch_one(&mut *tx)
            .await?;
            let purchase = Purchase {
                id,
                listing_id: d.listing_id,
                seller_county_code: seller.parse().map_err(|_| StoreError::Corrupt("seller".into()))?,
                buyer: d.buyer_username.clone(),
                area_mu: d.area,
                farmland_mu: farmland,
                paddy_mu: paddy,
                price_per_mu: price,
                amount_yuan: amount,
                status: PurchaseStatus::Reserved,
                kind: quota_shared::api::PurchaseKind::Purchase,
                project: Some(d.project.clone()),
                confirmation_no: None,
                bank_reference: None,
                created_at: db_time(d.now),
                expires_at: db_time(d.expires_at),
                settled_at: None,
                ruleset_version: d.ruleset_version.clone(),
            };
            let body = serde_json::to_string(&PurchaseResponse { purchase: purchase.clone() })
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let stored = sqlx::query(
                "INSERT INTO idempotency_keys (user_id, idem_key, request_sha256, response_status, \
                 response_body, created_at) VALUES ($1, $2, $3, 201, $4, $5) \
                 ON CONFLICT (user_id, idem_key) DO NOTHING",
            )
            .bind(d.buyer_id)
            .bind(&d.idem_key)
            .bind(&d.request_sha256)
            .bind(&body)
            .bind(db_time(d.now))
            .execute(&mut *tx)
            .await?;
            if stored.rows_affected() == 0 {
                // A twin with the same key committed first: undo ours, answer with its answer.
                tx.rollback().await?;
                return match self.stored_answer(d.buyer_id, &d.idem_key).await? {
                    Some(answer) => Ok(PurchaseOutcome::Replay(answer)),
                    None => Err(StoreError::Corrupt("idempotency key vanished".into())),
                };
            }
            $crate::audit_append!(
                tx,
                $crate::audit::Entry::new($crate::audit::county_stream(&seller), format!("purchase:{id}"), &d.buyer_username, quota_shared::api::AuditAction::PurchaseReserved, d.now)
                    .after(serde_json::to_value(&purchase).map_err(|e| StoreError::Corrupt(e.to_string()))?)
            );
            $crate::audit_append!(
                tx,
                $crate::audit::Entry::new($crate::audit::county_stream(&seller), format!("listing:{}", d.listing_id), &d.buyer_username, quota_shared::api::AuditAction::ListingTaken, d.now)
                    .before(serde_json::json!({"remaining_e4_mu": before}))
                    .after(serde_json::json!({"remaining_e4_mu": after}))
            );
            tx.commit().await?;
            Ok(PurchaseOutcome::Created(Box::new(purchase)))
        }

        async fn purchase(
            &self,
            id: i64,
            now: time::OffsetDateTime,
        ) -> Result<Option<(quota_shared::api::Purchase, i64)>, StoreError> {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM purchases p JOIN users u ON u.id = p.buyer_id WHERE p.id = $1",
                $crate::store::market::PURCHASE_COLUMNS
            ));
            let row: Option<$crate::store::market::PurchaseRow> =
                sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?;
            row.map(|r| {
                let buyer_id = r.buyer_id;
                r.into_purchase(now).map(|p| (p, buyer_id))
            })
            .transpose()
        }

        async fn purchases(
            &self,
            scope: &$crate::store::market::PurchaseScope,
            now: time::OffsetDateTime,
        ) -> Result<Vec<quota_shared::api::Purchase>, StoreError> {
            use $crate::store::market::PurchaseScope;
            let (buyer, seller) = match scope {
                PurchaseScope::Buyer(id) => (Some(*id), None),
                PurchaseScope::Seller(code) => (None, Some(code.as_str().to_string())),
                PurchaseScope::All => (None, None),
            };
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM purchases p JOIN users u ON u.id = p.buyer_id \
                 WHERE ($1 IS NULL OR p.buyer_id = $1) AND ($2 IS NULL OR p.seller_county_code = $2) \
                 ORDER BY p.id DESC",
                $crate::store::market::PURCHASE_COLUMNS
            ));
            let rows: Vec<$crate::store::market::PurchaseRow> = sqlx::query_as(sql)
                .bind(buyer)
                .bind(seller)
                .fetch_all(&self.pool)
                .await?;
            rows.into_iter().map(|r| r.into_purchase(now)).collect()
        }

        async fn settle(
            &self,
            id: i64,
            seller_name: &str,
            bank_reference: &str,
            actor: &str,
            now: time::OffsetDateTime,
        ) -> Result<$crate::store::market::SettleOutcome, StoreError> {
            use $crate::store::market::{SettleOutcome, db_time};
            let Some((current, _)) = self.purchase(id, now).await? else {
                return Ok(SettleOutcome::NotFound);
            };
            let now = db_time(now);
            let year = now.to_offset(time::macros::offset!(+8)).year();
            let mut tx = self.pool.begin().await?;
            let (no,): (i32,) = sqlx::query_as(
                "INSERT INTO confirmation_counters (county_code, year, last_no) VALUES ($1, $2, 1) \
                 ON CONFLICT (county_code, year) DO UPDATE SET last_no = confirmation_counters.last_no + 1 \
                 RETURNING last_no",
            )
            .bind(current.seller_county_code.as_str())
            .bind(year)
            .fetch_one(&mut *tx)
            .await?;
            let confirmation = format!("{seller_name}〔{year}〕第{no:04}号");
            let done = sqlx::query(
                "UPDATE purchases SET status = 'settled', confirmation_no = $1, bank_reference = $2, \
                 settled_at = $3 WHERE id = $4 AND status = 'reserved' AND expires_at > $3",
            )
            .bind(&confirmation)
            .bind(bank_reference)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                tx.rollback().await?;
                let status = self.purchase(id, now).await?.map(|(p, _)| p.status).unwrap_or(current.status);
                return Ok(SettleOutcome::Conflict(status));
            }
            $crate::audit_append!(
                tx,
                $crate::audit::Entry::new($crate::audit::county_stream(current.seller_county_code.as_str()), format!("purchase:{id}"), actor, quota_shared::api::AuditAction::PurchaseSettled, now)
                    .before(serde_json::json!({"status": "reserved"}))
                    .after(serde_json::json!({"status": "settled", "confirmation_no": confirmation, "bank_reference": bank_reference, "amount_yuan": current.amount_yuan.to_string()}))
            );
            tx.commit().await?;
            match self.purchase(id, now).await? {
                Some((p, _)) => Ok(SettleOutcome::Settled(Box::new(p))),
                None => Ok(SettleOutcome::NotFound),
            }
        }

        async fn release(
            &self,
            id: i64,
            to: quota_shared::api::PurchaseStatus,
            actor: &str,
            now: time::OffsetDateTime,
        ) -> Result<bool, StoreError> {
            use quota_shared::api::PurchaseStatus;
            let (to_status, condition) = match to {
                PurchaseStatus::Expired => ("expired", "expires_at <= $3"),
                PurchaseStatus::Cancelled => ("cancelled", "expires_at > $3"),
                other => return Err(StoreError::Corrupt(format!("cannot release to {other:?}"))),
            };
            let mut tx = self.pool.begin().await?;
            let sql = sqlx::AssertSqlSafe(format!(
                "UPDATE purchases SET status = $1 WHERE id = $2 AND status = 'reserved' AND {condition} \
                 RETURNING listing_id, area_e4_mu, farmland_e4_mu, paddy_e4_mu, grain_capacity_kg, kind, seller_county_code"
            ));
            let row: Option<(i64, i64, i64, i64, i64, String, String)> = sqlx::query_as(sql)
                .bind(to_status)
                .bind(id)
                .bind($crate::store::market::db_time(now))
                .fetch_optional(&mut *tx)
                .await?;
            let Some((listing_id, area, farmland, paddy, capacity, kind, seller)) = row else {
                tx.rollback().await?;
                return Ok(false);
            };
            if kind == "award" {
                // An unpaid or cancelled award leaves the lot unsold (it is not reopened).
                sqlx::query(
                    "UPDATE listings SET status = 'unsold', remaining_e4_mu = area_e4_mu \
                     WHERE id = $1 AND status = 'awarded'",
                )
                .bind(listing_id)
                .execute(&mut *tx)
                .await?;
            } else {
                // The area goes back; a sold-out listing opens again. A withdrawn or expired
                // listing keeps its status: the county may list the area again.
                sqlx::query(
                    "UPDATE listings SET remaining_e4_mu = remaining_e4_mu + $1, \
                     remaining_farmland_e4_mu = remaining_farmland_e4_mu + $2, \
                     remaining_paddy_e4_mu = remaining_paddy_e4_mu + $3, \
                     remaining_capacity_kg = remaining_capacity_kg + $4, \
                     status = CASE WHEN status = 'sold_out' THEN 'open' ELSE status END WHERE id = $5",
                )
                .bind(area)
                .bind(farmland)
                .bind(paddy)
                .bind(capacity)
                .bind(listing_id)
                .execute(&mut *tx)
                .await?;
            }
            $crate::audit_append!(
                tx,
                $crate::audit::Entry::new($crate::audit::county_stream(&seller), format!("purchase:{id}"), actor, if to_status == "expired" { quota_shared::api::AuditAction::PurchaseExpired } else { quota_shared::api::AuditAction::PurchaseCancelled }, now)
                    .before(serde_json::json!({"status": "reserved"}))
                    .after(serde_json::json!({"status": to_status, "returned_e4_mu": area, "listing_id": listing_id, "kind": kind}))
            );
            tx.commit().await?;
            Ok(true)
        }

        async fn place_bid(
            &self,
            listing_id: i64,
            bidder_id: i64,
            bidder: &str,
            amount: quota_shared::Money,
            step: quota_shared::Money,
            now: time::OffsetDateTime,
        ) -> Result<$crate::store::market::BidOutcome, StoreError> {
            use $crate::store::market::{BidOutcome, db_time};
            let now = db_time(now);
            let mut tx = self.pool.begin().await?;
            // One conditional write decides: the lot is open for bids and the amount beats the
            // high bid by a step (or reaches the start total when there is none).
            let done = sqlx::query(
                "UPDATE listings SET high_bid_fen = $1, high_bidder_id = $2, bid_count = bid_count + 1, \
                 status = 'bidding' \
                 WHERE id = $3 AND channel = 'regional' AND status IN ('scheduled', 'bidding') \
                 AND (opens_at IS NULL OR opens_at <= $4) AND closes_at > $4 \
                 AND ((high_bid_fen IS NULL AND $1 >= start_total_fen) OR high_bid_fen + $5 <= $1)",
            )
            .bind(amount.fen())
            .bind(bidder_id)
            .bind(listing_id)
            .bind(now)
            .bind(step.fen())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                tx.rollback().await?;
                let Some(lot) = self.listing(listing_id, now).await? else {
                    return Err(StoreError::Corrupt(format!("lot {listing_id} vanished")));
                };
                let open = lot.status == quota_shared::api::ListingStatus::Bidding
                    && lot.closes_at.is_some_and(|c| c > now);
                return Ok(match (open, lot.min_next_bid_yuan) {
                    (true, Some(min_next)) => BidOutcome::Outbid { min_next },
                    _ => BidOutcome::NotOpen {
                        status: lot.status,
                        opens_at: lot.opens_at,
                    },
                });
            }
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO bids (listing_id, bidder_id, amount_fen, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(listing_id)
            .bind(bidder_id)
            .bind(amount.fen())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let (county,): (String,) = sqlx::query_as("SELECT county_code FROM listings WHERE id = $1")
                .bind(listing_id)
                .fetch_one(&mut *tx)
                .await?;
            $crate::audit_append!(
                tx,
                $crate::audit::Entry::new($crate::audit::county_stream(&county), format!("listing:{listing_id}"), bidder, quota_shared::api::AuditAction::BidPlaced, now)
                    .after(serde_json::json!({"bid_id": id, "amount_yuan": amount.to_string()}))
            );
            tx.commit().await?;
            Ok(BidOutcome::Placed(quota_shared::api::Bid {
                id,
                listing_id,
                bidder: bidder.to_string(),
                amount_yuan: amount,
                created_at: now,
            }))
        }

        async fn due_lots(&self, now: time::OffsetDateTime) -> Result<Vec<i64>, StoreError> {
            let rows: Vec<(i64,)> = sqlx::query_as(
                "SELECT id FROM listings WHERE channel = 'regional' AND status IN ('scheduled', 'bidding') \
                 AND closes_at <= $1 ORDER BY id",
            )
            .bind($crate::store::market::db_time(now))
            .fetch_all(&self.pool)
            .await?;
            Ok(rows.into_iter().map(|r| r.0).collect())
        }

        async fn close_lot(
            &self,
            id: i64,
            now: time::OffsetDateTime,
            reservation: time::Duration,
        ) -> Result<$crate::store::market::LotClosing, StoreError> {
            use $crate::store::market::{LotClosing, db_time};
            let now = db_time(now);
            let mut tx = self.pool.begin().await?;
            // Exactly once, whichever instance gets here first: the status condition
            // makes every later attempt a no-op.
            let closed: Option<(String, Option<i64>, Option<i64>, String, i64, i64, i64, i64, String)> =
                sqlx::query_as(
                    "UPDATE listings SET \
                     status = CASE WHEN high_bid_fen IS NULL THEN 'unsold' ELSE 'awarded' END, \
                     remaining_e4_mu = CASE WHEN high_bid_fen IS NULL THEN remaining_e4_mu ELSE 0 END \
                     WHERE id = $1 AND status IN ('scheduled', 'bidding') AND closes_at <= $2 \
                     RETURNING status, high_bid_fen, high_bidder_id, county_code, area_e4_mu, \
                     farmland_e4_mu, paddy_e4_mu, grain_capacity_kg, ruleset_version",
                )
                .bind(id)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((status, high, winner, seller, area, farmland, paddy, kg, ruleset)) = closed else {
                tx.rollback().await?;
                return Ok(LotClosing::NotDue);
            };
            let (Some(high), Some(winner)) = (high, winner) else {
                $crate::audit_append!(
                    tx,
                    $crate::audit::Entry::new($crate::audit::county_stream(&seller), format!("listing:{id}"), "system", quota_shared::api::AuditAction::LotUnsold, now)
                        .after(serde_json::json!({"status": status}))
                );
                tx.commit().await?;
                return Ok(LotClosing::Unsold);
            };
            debug_assert_eq!(status, "awarded");
            let area_mu = quota_shared::Area::from_e4(area).map_err(|_| StoreError::Corrupt("lot area".into()))?;
            let total = quota_shared::Money::from_fen(high).map_err(|_| StoreError::Corrupt("high bid".into()))?;
            // The lot's total is the authority; its 元/亩 is kept rounded, for display.
            let price = quota_shared::UnitPrice::display_from_total(total, area_mu)
                .ok_or_else(|| StoreError::Corrupt(format!("price per mu of lot {id} out of range")))?;
            sqlx::query(
                "INSERT INTO purchases (listing_id, buyer_id, seller_county_code, kind, area_e4_mu, \
                 farmland_e4_mu, paddy_e4_mu, grain_capacity_kg, price_fen_per_mu, amount_fen, status, \
                 created_at, expires_at, ruleset_version) \
                 VALUES ($1, $2, $3, 'award', $4, $5, $6, $7, $8, $9, 'reserved', $10, $11, $12)",
            )
            .bind(id)
            .bind(winner)
            .bind(&seller)
            .bind(area)
            .bind(farmland)
            .bind(paddy)
            .bind(kg)
            .bind(price.fen())
            .bind(high)
            .bind(now)
            .bind(now + reservation)
            .bind(&ruleset)
            .execute(&mut *tx)
            .await?;
            $crate::audit_append!(
                tx,
                $crate::audit::Entry::new($crate::audit::county_stream(&seller), format!("listing:{id}"), "system", quota_shared::api::AuditAction::LotAwarded, now)
                    .after(serde_json::json!({"status": status, "winner_id": winner, "amount_yuan": total.to_string()}))
            );
            tx.commit().await?;
            Ok(LotClosing::Awarded)
        }

        async fn seed_use_categories(
            &self,
            categories: &[quota_shared::rules::UseCategory],
        ) -> Result<(), StoreError> {
            let mut tx = self.pool.begin().await?;
            let claimed = sqlx::query(
                "INSERT INTO meta (key, value) VALUES ('use_categories_v1', 'loaded') ON CONFLICT (key) DO NOTHING",
            )
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if claimed {
                for c in categories {
                    sqlx::query(
                        "INSERT INTO use_categories (name, source, confirmed) VALUES ($1, $2, $3) \
                         ON CONFLICT (name) DO NOTHING",
                    )
                    .bind(&c.name)
                    .bind(&c.source)
                    .bind(c.confirmed)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.commit().await?;
            Ok(())
        }

        async fn use_categories(&self) -> Result<Vec<quota_shared::rules::UseCategory>, StoreError> {
            let rows: Vec<(String, String, bool)> =
                sqlx::query_as("SELECT name, source, confirmed FROM use_categories ORDER BY confirmed DESC, name")
                    .fetch_all(&self.pool)
                    .await?;
            Ok(rows
                .into_iter()
                .map(|(name, source, confirmed)| quota_shared::rules::UseCategory { name, source, confirmed })
                .collect())
        }

        async fn record_use(
            &self,
            d: &$crate::store::market::UseDraft,
        ) -> Result<$crate::store::market::UseOutcome, StoreError> {
            use $crate::store::market::{UseOutcome, db_time};
            let mut tx = self.pool.begin().await?;
            let drawn: Option<(i64, i64, String)> = sqlx::query_as(
                "UPDATE purchases SET used_e4_mu = used_e4_mu + $1 \
                 WHERE id = $2 AND status = 'settled' AND used_e4_mu + $1 <= area_e4_mu \
                 RETURNING used_e4_mu, area_e4_mu, seller_county_code",
            )
            .bind(d.area.e4())
            .bind(d.purchase_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((used_after, holding, seller)) = drawn else {
                tx.rollback().await?;
                let Some((p, _)) = self.purchase(d.purchase_id, d.now).await? else {
                    return Err(StoreError::Corrupt(format!("purchase {} vanished", d.purchase_id)));
                };
                if p.status != quota_shared::api::PurchaseStatus::Settled {
                    return Ok(UseOutcome::NotSettled(p.status));
                }
                let (used,): (i64,) = sqlx::query_as("SELECT used_e4_mu FROM purchases WHERE id = $1")
                    .bind(d.purchase_id)
                    .fetch_one(&self.pool)
                    .await?;
                return Ok(UseOutcome::Exceeds {
                    remaining: quota_shared::Area::from_e4(p.area_mu.e4() - used)
                        .map_err(|_| StoreError::Corrupt("remaining holding".into()))?,
                });
            };
            let used_before = used_after - d.area.e4();
            let inserted: Option<(i64,)> = sqlx::query_as(
                "INSERT INTO holding_uses (purchase_id, approval_no, used_before_e4_mu, area_e4_mu, project_name, \
                 recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (purchase_id, approval_no) DO NOTHING RETURNING id",
            )
            .bind(d.purchase_id)
            .bind(&d.approval_no)
            .bind(used_before)
            .bind(d.area.e4())
            .bind(&d.project_name)
            .bind(d.recorded_by)
            .bind(db_time(d.now))
            .fetch_optional(&mut *tx)
            .await?;
            let Some((id,)) = inserted else {
                tx.rollback().await?;
                return Ok(UseOutcome::Duplicate);
            };
            $crate::audit_append!(
                tx,
                $crate::audit::Entry::new($crate::audit::county_stream(&seller), format!("purchase:{}", d.purchase_id), &d.actor, quota_shared::api::AuditAction::UseRecorded, d.now)
                    .before(serde_json::json!({"used_e4_mu": used_before}))
                    .after(serde_json::json!({"used_e4_mu": used_after, "use_id": id, "approval_no": d.approval_no, "project_name": d.project_name}))
            );
            tx.commit().await?;
            $crate::store::market::UseRow {
                id,
                purchase_id: d.purchase_id,
                approval_no: d.approval_no.clone(),
                project_name: d.project_name.clone(),
                used_before_e4_mu: used_before,
                area_e4_mu: d.area.e4(),
                holding_e4_mu: holding,
                created_at: db_time(d.now),
            }
            .into_use()
            .map(UseOutcome::Recorded)
        }

        async fn holdings(
            &self,
            scope: &$crate::store::market::HoldingScope,
        ) -> Result<Vec<quota_shared::api::Holding>, StoreError> {
            use $crate::store::market::HoldingScope;
            let (buyer, county) = match scope {
                HoldingScope::Buyer(id) => (Some(*id), None),
                HoldingScope::ProjectCounty(c) => (None, Some(c.as_str().to_string())),
                HoldingScope::All => (None, None),
            };
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM purchases p JOIN users u ON u.id = p.buyer_id \
                 WHERE p.status = 'settled' AND ($1 IS NULL OR p.buyer_id = $1) \
                 AND ($2 IS NULL OR p.project_county_code = $2) ORDER BY p.id",
                $crate::store::market::PURCHASE_COLUMNS
            ));
            let rows: Vec<$crate::store::market::PurchaseRow> =
                sqlx::query_as(sql).bind(buyer).bind(county).fetch_all(&self.pool).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                // Only settled purchases are holdings: no expiry applies to them.
                let p = row.into_purchase(time::OffsetDateTime::UNIX_EPOCH)?;
                let uses: Vec<$crate::store::market::UseRow> = sqlx::query_as(
                    "SELECT h.id, h.purchase_id, h.approval_no, h.project_name, h.used_before_e4_mu, \
                     h.area_e4_mu, p.area_e4_mu AS holding_e4_mu, h.created_at \
                     FROM holding_uses h JOIN purchases p ON p.id = h.purchase_id \
                     WHERE h.purchase_id = $1 ORDER BY h.id",
                )
                .bind(p.id)
                .fetch_all(&self.pool)
                .await?;
                let uses = uses.into_iter().map(|u| u.into_use()).collect::<Result<Vec<_>, _>>()?;
                let used = uses
                    .iter()
                    .try_fold(quota_shared::Area::ZERO, |acc, u| acc.checked_add(u.area_mu))
                    .map_err(|_| StoreError::Corrupt("used area".into()))?;
                out.push(quota_shared::api::Holding {
                    purchase_id: p.id,
                    buyer: p.buyer,
                    seller_county_code: p.seller_county_code,
                    project: p.project,
                    confirmation_no: p.confirmation_no,
                    area_mu: p.area_mu,
                    used_mu: used,
                    remaining_mu: p
                        .area_mu
                        .checked_sub(used)
                        .map_err(|_| StoreError::Corrupt("holding below zero".into()))?,
                    uses,
                });
            }
            Ok(out)
        }

        async fn proceeds(
            &self,
            year: i32,
            from: time::OffsetDateTime,
            to: time::OffsetDateTime,
        ) -> Result<Vec<$crate::store::market::CountyProceeds>, StoreError> {
            use $crate::store::market::db_time;
            let rows: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
                "SELECT j.code, \
                 CAST(COALESCE((SELECT SUM(p.area_e4_mu) FROM purchases p WHERE p.seller_county_code = j.code \
                   AND p.status = 'settled' AND p.settled_at >= $1 AND p.settled_at < $2), 0) AS BIGINT), \
                 CAST(COALESCE((SELECT SUM(p.amount_fen) FROM purchases p WHERE p.seller_county_code = j.code \
                   AND p.status = 'settled' AND p.settled_at >= $1 AND p.settled_at < $2), 0) AS BIGINT), \
                 CAST(COALESCE((SELECT SUM(a.amount_fen) FROM allocations a WHERE a.county_code = j.code AND a.year = $3), 0) AS BIGINT), \
                 CAST(COALESCE((SELECT SUM(a.disbursed_fen) FROM allocations a WHERE a.county_code = j.code AND a.year = $3), 0) AS BIGINT) \
                 FROM jurisdictions j ORDER BY j.city_code, j.code",
            )
            .bind(db_time(from))
            .bind(db_time(to))
            .bind(year)
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter()
                .map(|(code, sold, proceeds, allocated, disbursed)| {
                    let money = |fen| quota_shared::Money::from_fen(fen).map_err(|_| StoreError::Corrupt("proceeds".into()));
                    Ok($crate::store::market::CountyProceeds {
                        county_code: code.parse().map_err(|_| StoreError::Corrupt("county".into()))?,
                        sold: quota_shared::Area::from_e4(sold).map_err(|_| StoreError::Corrupt("sold".into()))?,
                        proceeds: money(proceeds)?,
                        allocated: money(allocated)?,
                        disbursed: money(disbursed)?,
                    })
                })
                .collect()
        }

        async fn allocate(
            &self,
            d: &$crate::store::market::AllocationDraft,
        ) -> Result<$crate::store::market::AllocateOutcome, StoreError> {
            use $crate::store::market::{AllocateOutcome, db_time};
            let mut tx = self.pool.begin().await?;
            // The county-year total first: it serialises allocations of that county and year.
            let (allocated,): (i64,) = sqlx::query_as(
                "INSERT INTO allocation_totals (county_code, year, allocated_fen) VALUES ($1, $2, $3) \
                 ON CONFLICT (county_code, year) DO UPDATE SET allocated_fen = allocation_totals.allocated_fen + $3 \
                 RETURNING allocated_fen",
            )
            .bind(d.county_code.as_str())
            .bind(d.year)
            .bind(d.amount.fen())
            .fetch_one(&mut *tx)
            .await?;
            // Received only grows (a settlement is never undone), so checking after the
            // increment under the lock is enough.
            let (received,): (i64,) = sqlx::query_as(
                "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM purchases WHERE seller_county_code = $1 \
                 AND status = 'settled' AND settled_at >= $2 AND settled_at < $3",
            )
            .bind(d.county_code.as_str())
            .bind(db_time(d.from))
            .bind(db_time(d.to))
            .fetch_one(&mut *tx)
            .await?;
            let money = |fen| quota_shared::Money::from_fen(fen).map_err(|_| StoreError::Corrupt("allocation".into()));
            if allocated > received {
                tx.rollback().await?;
                return Ok(AllocateOutcome::ExceedsReceived {
                    received: money(received)?,
                    allocated: money(allocated - d.amount.fen())?,
                });
            }
            let row: $crate::store::market::AllocationRow = sqlx::query_as(
                "INSERT INTO allocations (county_code, year, use_name, amount_fen, note, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 RETURNING id, county_code, year, use_name, amount_fen, disbursed_fen, note, created_at",
            )
            .bind(d.county_code.as_str())
            .bind(d.year)
            .bind(&d.use_name)
            .bind(d.amount.fen())
            .bind(&d.note)
            .bind(d.created_by)
            .bind(db_time(d.now))
            .fetch_one(&mut *tx)
            .await?;
            $crate::audit_append!(
                tx,
                $crate::audit::Entry::new($crate::audit::county_stream(d.county_code.as_str()), format!("allocation:{}", row.id), &d.actor, quota_shared::api::AuditAction::Allocated, d.now)
                    .after(serde_json::json!({"year": d.year, "use": d.use_name, "amount_yuan": d.amount.to_string(), "note": d.note}))
            );
            tx.commit().await?;
            Ok(AllocateOutcome::Created(row.into_allocation()?))
        }

        async fn allocations(
            &self,
            year: i32,
            county: Option<&quota_shared::jurisdiction::CountyCode>,
        ) -> Result<Vec<quota_shared::api::Allocation>, StoreError> {
            let rows: Vec<$crate::store::market::AllocationRow> = sqlx::query_as(
                "SELECT id, county_code, year, use_name, amount_fen, disbursed_fen, note, created_at \
                 FROM allocations WHERE year = $1 AND ($2 IS NULL OR county_code = $2) ORDER BY id",
            )
            .bind(year)
            .bind(county.map(|c| c.as_str().to_string()))
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(|r| r.into_allocation()).collect()
        }

        async fn disburse(
            &self,
            d: &$crate::store::market::DisbursementDraft,
        ) -> Result<$crate::store::market::DisburseOutcome, StoreError> {
            use $crate::store::market::{DisburseOutcome, db_time};
            let mut tx = self.pool.begin().await?;
            let done: Option<(String, i64)> = sqlx::query_as(
                "UPDATE allocations SET disbursed_fen = disbursed_fen + $1 \
                 WHERE id = $2 AND disbursed_fen + $1 <= amount_fen RETURNING county_code, disbursed_fen",
            )
            .bind(d.amount.fen())
            .bind(d.allocation_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((county, disbursed_after)) = done else {
                tx.rollback().await?;
                let row: Option<(i64, i64)> =
                    sqlx::query_as("SELECT amount_fen, disbursed_fen FROM allocations WHERE id = $1")
                        .bind(d.allocation_id)
                        .fetch_optional(&self.pool)
                        .await?;
                let money = |fen| quota_shared::Money::from_fen(fen).map_err(|_| StoreError::Corrupt("allocation".into()));
                return Ok(match row {
                    None => DisburseOutcome::NotFound,
                    Some((allocated, disbursed)) => DisburseOutcome::ExceedsAllocated {
                        allocated: money(allocated)?,
                        disbursed: money(disbursed)?,
                    },
                });
            };
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO disbursements (allocation_id, amount_fen, voucher_no, bank_reference, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(d.allocation_id)
            .bind(d.amount.fen())
            .bind(&d.voucher_no)
            .bind(&d.bank_reference)
            .bind(d.created_by)
            .bind(db_time(d.now))
            .fetch_one(&mut *tx)
            .await?;
            $crate::audit_append!(
                tx,
                $crate::audit::Entry::new($crate::audit::county_stream(&county), format!("allocation:{}", d.allocation_id), &d.actor, quota_shared::api::AuditAction::Disbursed, d.now)
                    .after(serde_json::json!({"disbursement_id": id, "amount_yuan": d.amount.to_string(), "disbursed_fen": disbursed_after, "voucher_no": d.voucher_no, "bank_reference": d.bank_reference}))
            );
            tx.commit().await?;
            Ok(DisburseOutcome::Created(quota_shared::api::Disbursement {
                id,
                allocation_id: d.allocation_id,
                amount_yuan: d.amount,
                voucher_no: d.voucher_no.clone(),
                bank_reference: d.bank_reference.clone(),
                created_at: db_time(d.now),
            }))
        }

        async fn audit_all(
            &self,
        ) -> Result<(Vec<$crate::audit::Stored>, $crate::audit::Heads), StoreError> {
            let records: Vec<$crate::audit::Stored> = sqlx::query_as(
                "SELECT id, stream, seq, object, actor, action, before_json, after_json, at, prev_hash, hash \
                 FROM audit_log ORDER BY stream, seq",
            )
            .fetch_all(&self.pool)
            .await?;
            let heads: Vec<(String, i64, String)> =
                sqlx::query_as("SELECT stream, seq, hash FROM audit_heads ORDER BY stream")
                    .fetch_all(&self.pool)
                    .await?;
            Ok((records, heads))
        }

        async fn audit_of(&self, object: &str) -> Result<Vec<$crate::audit::Stored>, StoreError> {
            Ok(sqlx::query_as(
                "SELECT id, stream, seq, object, actor, action, before_json, after_json, at, prev_hash, hash \
                 FROM audit_log WHERE object = $1 ORDER BY at, id",
            )
            .bind(object)
            .fetch_all(&self.pool)
            .await?)
        }

        async fn due_reservations(
            &self,
            listing: Option<i64>,
            now: time::OffsetDateTime,
        ) -> Result<Vec<i64>, StoreError> {
            let rows: Vec<(i64,)> = sqlx::query_as(
                "SELECT id FROM purchases WHERE status = 'reserved' AND expires_at <= $1 \
                 AND ($2 IS NULL OR listing_id = $2) ORDER BY id",
            )
            .bind($crate::store::market::db_time(now))
            .bind(listing)
            .fetch_all(&self.pool)
            .await?;
            Ok(rows.into_iter().map(|r| r.0).collect())
        }
    };
}

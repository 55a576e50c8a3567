//! The rows `audit verify` compares with the log, as read from the tables (one snapshot with
//! the log: `store/sql/audit.rs`).

use time::OffsetDateTime;

/// A listing row as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LiveListing {
    pub id: i64,
    pub county_code: String,
    pub channel: String,
    pub status: String,
    pub area_e4: i64,
    pub remaining_e4: i64,
    pub price_fen: i64,
    pub start_total_fen: Option<i64>,
    pub bid_count: i64,
    pub high_bid_fen: Option<i64>,
    /// The username of the high bidder.
    pub high_bidder: Option<String>,
}

/// A purchase row as stored, with its buyer's username.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LivePurchase {
    pub id: i64,
    pub listing_id: i64,
    pub seller_county_code: String,
    pub buyer: Option<String>,
    pub kind: String,
    pub status: String,
    pub area_e4: i64,
    pub price_fen: i64,
    pub amount_fen: i64,
    pub confirmation_no: Option<String>,
    pub bank_reference: Option<String>,
    pub used_e4: i64,
    pub expires_at: OffsetDateTime,
    pub settled_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LiveAllocation {
    pub id: i64,
    pub county_code: String,
    pub year: i32,
    pub use_name: String,
    pub amount_fen: i64,
    pub disbursed_fen: i64,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LiveDisbursement {
    pub id: i64,
    pub allocation_id: i64,
    pub amount_fen: i64,
    pub voucher_no: String,
    pub bank_reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LiveAccount {
    pub username: String,
    pub role: String,
    pub county_code: Option<String>,
    pub regional_bidder: bool,
    pub disabled: bool,
    pub password_hash: String,
    pub must_change_password: bool,
}

/// A reclamation project (复垦项目) row as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LiveProject {
    pub id: i64,
    pub county_code: String,
    pub registration_no: String,
    pub status: String,
    pub reclaimed_e4: i64,
    pub farmland_e4: i64,
    pub paddy_e4: i64,
    pub local_use_e4: i64,
    /// What its listings hold (listed + sold + landed).
    pub committed_e4: i64,
    /// Units issued to final trades: 1..serial_cursor.
    pub serial_cursor: i64,
    /// Its plots' area as kept on the project, and as its plot rows add up.
    pub plots_e4: Option<i64>,
    pub plots_sum_e4: Option<i64>,
}

/// A run of serials issued to a final trade (`serial_ranges`), as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LiveRange {
    pub project_id: i64,
    pub first_unit: i64,
    pub last_unit: i64,
    pub purchase_id: i64,
    pub listing_id: i64,
}

/// One project a listing draws on (`listing_sources`), as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LiveSource {
    pub listing_id: i64,
    pub position: i32,
    pub project_id: i64,
    pub area_e4: i64,
    pub held_e4: i64,
    /// What of it has been issued to final trades as serials.
    pub issued_e4: i64,
}

/// A county's running proceeds total of a year (`proceeds_totals`), as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LiveProceedsTotal {
    pub county_code: String,
    pub year: i32,
    pub sold_e4: i64,
    pub amount_fen: i64,
}

/// Every row the log accounts for, read in the same snapshot as the log, and the running
/// totals derived from them.
#[derive(Debug, Clone, Default)]
pub struct LiveState {
    pub listings: Vec<LiveListing>,
    pub purchases: Vec<LivePurchase>,
    pub allocations: Vec<LiveAllocation>,
    pub disbursements: Vec<LiveDisbursement>,
    pub accounts: Vec<LiveAccount>,
    pub projects: Vec<LiveProject>,
    pub sources: Vec<LiveSource>,
    pub ranges: Vec<LiveRange>,
    pub proceeds_totals: Vec<LiveProceedsTotal>,
    pub organisations: Vec<LiveOrganisation>,
}

/// An organisation (单位) as stored; those moved from earlier accounts by migration 0016 are
/// read once they have records of their own (an administrator's edit).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LiveOrganisation {
    pub id: i64,
    pub name: String,
    pub uscc: Option<String>,
    pub status: String,
    pub kind: String,
    pub regional_bidder: bool,
}

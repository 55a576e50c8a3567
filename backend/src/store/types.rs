//! The types the [`Store`](super::contract::Store) speaks: what a caller hands in (drafts,
//! filters, scopes) and what an action came to (outcomes), in `quota_shared` units.

use quota_shared::api::{
    Bid, ListingStatus, Purchase, PurchaseProject, PurchaseStatus, Role, User,
};
use quota_shared::jurisdiction::CountyCode;
use quota_shared::rules::Channel;
use quota_shared::{Area, Money, UnitPrice};
use time::{Date, OffsetDateTime};

use super::error::StoreError;

/// A live session: whose it is, when it began and when it lapses unless used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user: UserRecord,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

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
    /// Reset by an administrator: only the password change is allowed until then.
    pub must_change_password: bool,
    /// The organisation it acts for, when it registered as one (#16); accounts made by an
    /// administrator have none and act as before.
    pub organisation_id: Option<i64>,
}

impl UserRecord {
    pub fn to_wire(&self) -> User {
        User {
            username: self.username.clone(),
            role: self.role,
            county_code: self.county_code.clone(),
            regional_bidder: self.regional_bidder,
            must_change_password: self.must_change_password,
            organisation_id: self.organisation_id,
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
    /// The organisation it acts for (#16).
    pub organisation_id: Option<i64>,
}

/// What a registration came to.
#[derive(Debug, Clone)]
pub enum Registration {
    Registered(Box<quota_shared::api::Organisation>),
    /// Another organisation has this 统一社会信用代码.
    UsccTaken,
    UsernameTaken,
}

/// What a review came to.
#[derive(Debug, Clone)]
pub enum Review {
    Reviewed(Box<quota_shared::api::Organisation>),
    /// Approved before: an approval stands.
    AlreadyApproved,
    /// Not approved: a document the review needs is missing.
    DocumentsMissing,
    NotFound,
}

/// What an edit of an organisation came to.
#[derive(Debug, Clone)]
pub enum OrganisationEdit {
    Edited(Box<quota_shared::api::Organisation>),
    /// Another organisation has this 统一社会信用代码.
    UsccTaken,
    /// Approved meanwhile: its own user no longer changes it.
    Approved,
    NotFound,
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
    /// A lot's bid step (R4 in force when listed).
    pub bid_step: Option<Money>,
    /// The projects' names, for lists and announcements.
    pub source_project: String,
    /// The projects' townships.
    pub township: String,
    /// Whether any source is drawn before its project's acceptance (预支).
    pub advance: bool,
    /// The projects it draws on, in order (empty only for a listing made before stock).
    pub sources: Vec<SourceDraft>,
    pub listed_at: OffsetDateTime,
    pub opens_at: Option<OffsetDateTime>,
    pub closes_at: Option<OffsetDateTime>,
    pub ruleset_version: String,
    pub floor_effective_from: Option<Date>,
    pub created_by: i64,
    /// Username of who lists it, for the audit log.
    pub actor: String,
}

/// One project a listing draws on, and how much.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceDraft {
    pub project_id: i64,
    pub area: Area,
    /// Drawn on a registered project's planned surplus (预支).
    pub advance: bool,
}

/// What inserting a listing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingInsert {
    Inserted(i64),
    /// A project had less left to list than asked (or is not the county's, or is not
    /// accepted and the listing is not an advance one): nothing was written.
    Short {
        project_id: i64,
        available: Area,
    },
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
    /// The buyer's organisation and its code, when it has one (#16).
    pub buyer_party: Option<(String, Option<String>)>,
    pub area: Area,
    pub project: PurchaseProject,
    pub now: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub ruleset_version: String,
    /// `Idempotency-Key` and the SHA-256 of the request body.
    pub idem_key: String,
    pub request_sha256: String,
}

/// What a purchase finds before it is written ([`crate::store::Store::purchase_reads`]).
#[derive(Debug, Clone)]
pub enum PurchaseReads {
    /// The buyer's key has an answer: the purchase is a replay.
    Answered(StoredAnswer),
    /// A new key: the listing, if there is one.
    Listing(Option<Box<quota_shared::api::Listing>>),
}

/// What became of a reservation attempt.
#[derive(Debug, Clone)]
pub enum PurchaseOutcome {
    /// Reserved: the purchase, and the answer as stored for replays (201 and the purchase).
    Created {
        purchase: Box<Purchase>,
        answer: StoredAnswer,
    },
    /// The listing is not open (sold out, withdrawn, expired).
    NotOpen(ListingStatus),
    /// Not enough remaining.
    NotEnough { remaining: Area },
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

impl StoredAnswer {
    /// An answer as stored (`idempotency_keys`); a status the table cannot hold reads as 500.
    pub fn stored(request_sha256: String, status: i32, body: String) -> Self {
        Self {
            request_sha256,
            status: u16::try_from(status).unwrap_or(500),
            body,
        }
    }

    /// The 201 answer to a reservation, serialised once: what is sent and what a replay sends.
    pub fn created(purchase: &Purchase, request_sha256: &str) -> Result<Self, serde_json::Error> {
        Ok(Self {
            request_sha256: request_sha256.to_string(),
            status: 201,
            body: serde_json::to_string(&quota_shared::api::PurchaseResponse {
                purchase: purchase.clone(),
            })?,
        })
    }
}

/// Which purchases a caller may see.
#[derive(Debug, Clone)]
pub enum PurchaseScope {
    Buyer(i64),
    Seller(CountyCode),
    All,
}

impl PurchaseScope {
    /// The buyer id and seller county to bind (`None` where the scope does not narrow).
    pub fn binds(&self) -> (Option<i64>, Option<String>) {
        match self {
            Self::Buyer(id) => (Some(*id), None),
            Self::Seller(code) => (None, Some(code.as_str().to_string())),
            Self::All => (None, None),
        }
    }
}

#[derive(Debug, Clone)]
pub enum SettleOutcome {
    Settled(Box<Purchase>),
    /// Not `reserved` any more (or past its expiry): the current state.
    Conflict(PurchaseStatus),
    NotFound,
}

/// An objection to be lodged (R16): the text is already trimmed and within its limits.
#[derive(Debug, Clone)]
pub struct ObjectionDraft {
    pub purchase_id: i64,
    pub name: String,
    pub contact: String,
    pub reason: String,
    pub now: OffsetDateTime,
}

/// What lodging an objection did.
#[derive(Debug, Clone)]
pub enum LodgeOutcome {
    Lodged(quota_shared::api::ObjectionReceipt),
    NotFound,
    /// The trade is not in its publicity (not settled, final, annulled, or the period ended).
    NotInPublicity,
    /// The trade already holds the most open objections allowed.
    TooMany,
}

/// What resolving an objection did.
#[derive(Debug, Clone)]
pub enum ResolveOutcome {
    Resolved(Box<quota_shared::api::Objection>),
    NotFound,
    /// Already resolved (by someone else, or before).
    AlreadyResolved(quota_shared::api::ObjectionStatus),
}

/// A reclamation project's text and figures, checked and trimmed (register or edit).
#[derive(Debug, Clone)]
pub struct ProjectDraft {
    pub county_code: CountyCode,
    pub name: String,
    pub registration_no: String,
    pub township: String,
    pub village: String,
    pub figures: quota_shared::api::ProjectFigures,
    pub actor: String,
    pub now: OffsetDateTime,
}

/// An acceptance (验收): the date, the document and the accepted figures.
#[derive(Debug, Clone)]
pub struct AcceptanceDraft {
    pub accepted_on: time::Date,
    pub acceptance_doc: String,
    pub figures: quota_shared::api::ProjectFigures,
    pub actor: String,
    pub now: OffsetDateTime,
}

/// One row of an import: the project to register and, when the row has it, its acceptance.
#[derive(Debug, Clone)]
pub struct ImportDraft {
    pub project: ProjectDraft,
    pub acceptance: Option<AcceptanceDraft>,
}

/// What an import did: all the projects made, or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    Imported(Vec<i64>),
    /// This registration number was taken meanwhile: nothing was written.
    RegistrationTaken(String),
}

/// What registering, editing or accepting a project did.
#[derive(Debug, Clone)]
pub enum ProjectOutcome {
    Saved(Box<quota_shared::api::Project>),
    NotFound,
    /// Another project has the registration number.
    RegistrationTaken,
    /// Accepted and locked already.
    Locked,
    /// The edit would leave the surplus below what listings hold.
    BelowCommitted {
        committed: Area,
    },
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
    /// The project, checked against the rules of the day (R6–R8) before the draft is made.
    pub project: quota_shared::api::PurchaseProject,
    /// The rule versions in force on the day of filing (R13).
    pub ruleset_version: String,
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
    /// The bureau of the projects' county: purchases for projects there, and awards with a
    /// use (落地) filed for a project there.
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

/// The audit log with the live rows it accounts for, read in one snapshot.
#[derive(Debug, Clone)]
pub struct AuditSnapshot {
    pub records: Vec<crate::audit::Stored>,
    pub heads: crate::audit::Heads,
    pub live: crate::reconcile::LiveState,
}

/// A rule version to add (R13), checked by the route: from today on, parameters that fit.
#[derive(Debug, Clone)]
pub struct RuleVersionDraft {
    pub rule: quota_shared::rules::RuleId,
    pub effective_from: time::Date,
    pub confirmed: bool,
    pub citation: String,
    pub params: quota_shared::rules::RuleParams,
    pub actor: String,
    pub now: OffsetDateTime,
}

/// What ending a rule version did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndOutcome {
    Ended,
    NotFound,
    /// It already ends on or before the day asked (its end, as stored).
    AlreadyEnded(Option<String>),
}

/// A bid to place on a regional lot.
#[derive(Debug, Clone)]
pub struct BidDraft {
    pub listing_id: i64,
    pub bidder_id: i64,
    /// Username, for the audit log.
    pub bidder: String,
    pub amount: Money,
    /// The lot's step (R4, as in force when it was listed).
    pub step: Money,
    /// The rule versions in force on the day of the bid (R13).
    pub ruleset_version: String,
    pub now: OffsetDateTime,
}

/// A scheduler's turn (see [`crate::store::Store::scheduler_turn`]). Ending it releases the lock; dropping
/// it unended rolls its transaction back, which releases the lock too.
pub enum SchedulerTurn {
    /// SQLite: one process owns the file; the conditional writes are enough.
    Unshared,
    /// PostgreSQL: a transaction holding `pg_try_advisory_xact_lock`.
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl SchedulerTurn {
    pub async fn end(self) -> Result<(), StoreError> {
        match self {
            Self::Unshared => Ok(()),
            Self::Postgres(tx) => Ok(tx.rollback().await?),
        }
    }
}

//! The [`Store`] trait: everything the server keeps, behind one interface with a real
//! implementation per database (`sqlite::SqliteStore`, `postgres::PgStore`). Amounts are
//! integer minor units at rest; the conversions to `quota_shared` types happen in the stores.

use std::future::Future;

use quota_shared::UnitPrice;
use quota_shared::api::{County, FloorPrice, Listing, Purchase, PurchaseStatus};
use quota_shared::jurisdiction::{CountyCode, Jurisdiction};
use quota_shared::rules::FloorVersion;
use time::OffsetDateTime;

use super::error::StoreError;
use super::types::{
    AllocateOutcome, AllocationDraft, BidOutcome, CountyProceeds, DisburseOutcome,
    DisbursementDraft, HoldingScope, ListingDraft, ListingFilter, LotClosing, NewUser,
    PurchaseDraft, PurchaseOutcome, PurchaseReads, PurchaseScope, SchedulerTurn, SessionRecord,
    SettleOutcome, StoredAnswer, UseDraft, UseOutcome, UserRecord,
};

/// Everything the server reads and writes. One implementation per database.
pub trait Store: Clone + Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn kind(&self) -> &'static str;
    /// Applies the schema migrations, then loads the reference data of docs/DOMAIN.md ("Default data") (units,
    /// floor versions) where missing. Safe to run again.
    fn migrate(
        &self,
        units: &[Jurisdiction],
        floors: &[FloorVersion],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Loads the reference data of docs/DOMAIN.md ("Default data") once, under a marker in
    /// `meta`; part of [`Store::migrate`]. Safe to run again and from several instances.
    fn seed_reference(
        &self,
        units: &[Jurisdiction],
        floors: &[FloorVersion],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Connections of the pool: (open, idle), for `/metrics`.
    fn pool_state(&self) -> (u32, u32);
    /// A cheap round trip.
    fn ping(&self) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Migrations of this build applied to the database, and those still pending (`/readyz`).
    fn migration_state(&self) -> impl Future<Output = Result<(u32, u32), StoreError>> + Send;
    fn counties(&self) -> impl Future<Output = Result<Vec<County>, StoreError>> + Send;
    fn floor_prices(&self) -> impl Future<Output = Result<Vec<FloorPrice>, StoreError>> + Send;
    /// Sets a county's base price (R1 is checked by the caller). `false` if no such county.
    fn set_base_price(
        &self,
        code: &CountyCode,
        price: UnitPrice,
        actor: &str,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// The units with everything the rules need (kind, 脱贫县 flag, project rule).
    fn jurisdictions(&self) -> impl Future<Output = Result<Vec<Jurisdiction>, StoreError>> + Send;
    /// Adds a floor version; `false` if one already starts on that date.
    fn add_floor_version(
        &self,
        price: UnitPrice,
        effective_from: time::Date,
        actor: &str,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Creates an account; `None` if the username is taken.
    fn create_user(
        &self,
        user: &NewUser,
        actor: &str,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send;
    fn user_by_username(
        &self,
        username: &str,
    ) -> impl Future<Output = Result<Option<UserRecord>, StoreError>> + Send;
    /// Every account, oldest first.
    fn users(&self) -> impl Future<Output = Result<Vec<UserRecord>, StoreError>> + Send;
    /// Disables or re-enables an account (disabling ends its sessions); `false` if unknown.
    fn set_user_disabled(
        &self,
        username: &str,
        disabled: bool,
        actor: &str,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// The enabled user of an unexpired session, with the session's start and expiry.
    fn user_by_session(
        &self,
        token_sha256: &str,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Option<SessionRecord>, StoreError>> + Send;
    /// Moves an unexpired session's expiry to `expires_at` (activity extends an idle deadline).
    fn extend_session(
        &self,
        token_sha256: &str,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Starts a session of `user` (audited as a login).
    fn create_session(
        &self,
        token_sha256: &str,
        user: &UserRecord,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Sets a user's password hash and ends every other session of theirs (audited); `false`
    /// when the stored hash is no longer `user.password_hash` (changed or reset meanwhile).
    fn change_password(
        &self,
        user: &UserRecord,
        password_hash: &str,
        keep_session_sha256: &str,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// An administrator's reset: a temporary password hash, to be changed at the next login,
    /// and every session of the account ended (audited); `false` if no such account.
    fn reset_password(
        &self,
        username: &str,
        password_hash: &str,
        actor: &str,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Ends a session (audited as a logout); nothing if it was not there.
    fn delete_session(
        &self,
        token_sha256: &str,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Failed logins of a username: count and when the current window began.
    fn login_failures(
        &self,
        username: &str,
    ) -> impl Future<Output = Result<Option<(i32, OffsetDateTime)>, StoreError>> + Send;
    /// Counts a login attempt of `username` (a count older than `window_start` starts again)
    /// and answers the count with the start of its window, in one statement.
    fn record_login_failure(
        &self,
        username: &str,
        now: OffsetDateTime,
        window_start: OffsetDateTime,
    ) -> impl Future<Output = Result<(i32, OffsetDateTime), StoreError>> + Send;
    /// Deletes expired sessions and failed-login counts older than `failures_before`; answers
    /// how many rows went.
    fn purge_stale(
        &self,
        now: OffsetDateTime,
        failures_before: OffsetDateTime,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
    fn clear_login_failures(
        &self,
        username: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Inserts a listing and draws its area from its projects' stock, in one transaction.
    fn insert_listing(
        &self,
        listing: &ListingDraft,
    ) -> impl Future<Output = Result<crate::store::types::ListingInsert, StoreError>> + Send;
    fn listing(
        &self,
        id: i64,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Option<Listing>, StoreError>> + Send;
    /// A listing without its sources (one statement: the checks on each purchase).
    fn listing_alone(
        &self,
        id: i64,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Option<Listing>, StoreError>> + Send;
    /// Every listing matching the filter, newest first, without their sources (a page or a
    /// single read carries them).
    fn listings(
        &self,
        filter: &ListingFilter,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Vec<Listing>, StoreError>> + Send;
    /// One page of listings as they are at `now`, newest first: at most `limit` that pass the
    /// filter, after the position `after` (listed at, id) when given. Reads only the rows it
    /// needs (an index per keyset).
    fn listings_page(
        &self,
        filter: &ListingFilter,
        now: OffsetDateTime,
        after: Option<(OffsetDateTime, i64)>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Listing>, StoreError>> + Send;
    /// Ends a live listing; `false` if it was not live.
    fn withdraw_listing(
        &self,
        id: i64,
        actor: &str,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// County listings whose closing time has passed but that are not yet marked expired.
    fn due_listings(
        &self,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Vec<i64>, StoreError>> + Send;
    /// Marks one due county listing expired; `false` if it was not due (or already done).
    fn expire_listing(
        &self,
        id: i64,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    fn stored_answer(
        &self,
        user_id: i64,
        key: &str,
    ) -> impl Future<Output = Result<Option<StoredAnswer>, StoreError>> + Send;
    /// What a purchase reads before it is written, in one statement: the answer stored for
    /// the buyer's key (then the listing's columns are not decoded, so a damaged listing
    /// cannot stop a replay), else the listing without its sources.
    fn purchase_reads(
        &self,
        user_id: i64,
        key: &str,
        listing_id: i64,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<PurchaseReads, StoreError>> + Send;
    /// One transaction: take the area from the listing, record the purchase and its
    /// idempotency key.
    fn reserve(
        &self,
        draft: &PurchaseDraft,
    ) -> impl Future<Output = Result<PurchaseOutcome, StoreError>> + Send;
    /// A purchase as it is at `now` (a due reservation reads as expired) and its buyer's id.
    fn purchase(
        &self,
        id: i64,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Option<(Purchase, i64)>, StoreError>> + Send;
    /// Purchases as they are at `now`, newest first.
    fn purchases(
        &self,
        scope: &PurchaseScope,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Vec<Purchase>, StoreError>> + Send;
    /// One page of purchases as they are at `now`, newest first: at most `limit` with an id
    /// below `before` when given.
    fn purchases_page(
        &self,
        scope: &PurchaseScope,
        now: OffsetDateTime,
        before: Option<i64>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Purchase>, StoreError>> + Send;
    /// One page of the trades settled in `[from, to)`, in settlement order (time, then id): at
    /// most `limit` after the position `after` when given.
    fn settled_page(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
        after: Option<(OffsetDateTime, i64)>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Purchase>, StoreError>> + Send;
    /// Settles a live reservation. Its publicity (R16) runs to `publicity_ends_at`; when that
    /// is not after `now` the trade is final at once, with the next confirmation number of its
    /// seller.
    fn settle(
        &self,
        id: i64,
        seller_name: &str,
        bank_reference: &str,
        publicity_ends_at: OffsetDateTime,
        actor: &str,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<SettleOutcome, StoreError>> + Send;
    /// Numbers a settled trade whose publicity has ended with no objection open (R16): its
    /// confirmation number, or `None` if it was not due (already final, annulled, held).
    fn finalize(
        &self,
        id: i64,
        seller_name: &str,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;
    /// Settled trades due to be final, with their seller county.
    fn due_finals(
        &self,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Vec<(i64, CountyCode)>, StoreError>> + Send;
    /// Lodges an objection to a trade in its publicity.
    fn lodge_objection(
        &self,
        draft: &crate::store::types::ObjectionDraft,
    ) -> impl Future<Output = Result<crate::store::types::LodgeOutcome, StoreError>> + Send;
    /// Objections, newest first (at most 500): of one seller county and/or one trade.
    fn objections(
        &self,
        county: Option<&CountyCode>,
        purchase_id: Option<i64>,
        open_only: bool,
    ) -> impl Future<Output = Result<Vec<quota_shared::api::Objection>, StoreError>> + Send;
    fn objection(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<Option<quota_shared::api::Objection>, StoreError>> + Send;
    /// Registers a reclamation project (复垦项目).
    fn register_project(
        &self,
        draft: &crate::store::types::ProjectDraft,
    ) -> impl Future<Output = Result<crate::store::types::ProjectOutcome, StoreError>> + Send;
    /// Edits a project while it is registered (not yet accepted).
    fn edit_project(
        &self,
        id: i64,
        draft: &crate::store::types::ProjectDraft,
    ) -> impl Future<Output = Result<crate::store::types::ProjectOutcome, StoreError>> + Send;
    /// Accepts (验收) a registered project with its accepted figures, and locks it.
    fn accept_project(
        &self,
        id: i64,
        acceptance: &crate::store::types::AcceptanceDraft,
    ) -> impl Future<Output = Result<crate::store::types::ProjectOutcome, StoreError>> + Send;
    /// Registers (and accepts, where a row says so) every project of an import in one
    /// transaction: all or none.
    fn import_projects(
        &self,
        drafts: &[crate::store::types::ImportDraft],
    ) -> impl Future<Output = Result<crate::store::types::ImportOutcome, StoreError>> + Send;
    fn project(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<Option<quota_shared::api::Project>, StoreError>> + Send;
    /// A trade's serial blocks, cut by its uses (empty until it is final).
    fn purchase_serials(
        &self,
        purchase_id: i64,
    ) -> impl Future<Output = Result<Vec<quota_shared::api::SerialBlock>, StoreError>> + Send;
    /// A trade's 核验码 as stored (none until it is final).
    fn verify_code_of(
        &self,
        purchase_id: i64,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;
    /// What the final trade with this 核验码 (as stored) must say, and whether its audit
    /// records are intact; `None` when no final trade has it.
    fn verification(
        &self,
        code: &str,
    ) -> impl Future<Output = Result<Option<quota_shared::api::Verification>, StoreError>> + Send;
    /// A final trade's public facts and serial blocks; `None` when it is not final.
    fn trade_trace(
        &self,
        purchase_id: i64,
    ) -> impl Future<Output = Result<Option<quota_shared::api::TradeTrace>, StoreError>> + Send;
    /// The trade with this 成交确认书编号.
    fn purchase_numbered(
        &self,
        confirmation_no: &str,
    ) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send;
    /// Where a serial comes from and went; `None` when no final trade holds it.
    fn trace(
        &self,
        serial: &quota_shared::serial::Serial,
    ) -> impl Future<Output = Result<Option<quota_shared::api::Trace>, StoreError>> + Send;
    /// Registers an organisation (pending) and its first user, audited, in one transaction.
    fn register_organisation(
        &self,
        fields: &quota_shared::api::OrganisationFields,
        user: &crate::store::types::NewUser,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<crate::store::types::Registration, StoreError>> + Send;
    /// Adds an approved organisation (the demo, an administrator's own check) and makes the
    /// named accounts its members, audited; `None` when its code is taken.
    fn add_organisation(
        &self,
        fields: &quota_shared::api::OrganisationFields,
        members: &[String],
        actor: &str,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send;
    /// An organisation with its documents and people.
    fn organisation(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<Option<quota_shared::api::Organisation>, StoreError>> + Send;
    /// An organisation without its documents and people (one statement: the checks on each
    /// purchase and bid, the audit's names).
    fn organisation_alone(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<Option<quota_shared::api::Organisation>, StoreError>> + Send;
    /// Organisations, oldest first — the review queue's order — (at most 1,000), of one status
    /// when given.
    fn organisations(
        &self,
        status: Option<quota_shared::api::OrganisationStatus>,
    ) -> impl Future<Output = Result<Vec<quota_shared::api::Organisation>, StoreError>> + Send;
    /// Approves or rejects a registration not yet approved (audited).
    fn review_organisation(
        &self,
        id: i64,
        approve: bool,
        note: &str,
        actor: &str,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<crate::store::types::Review, StoreError>> + Send;
    /// Changes an organisation's fields (audited); `resubmit` puts it back in the review queue.
    #[allow(clippy::too_many_arguments)]
    fn edit_organisation(
        &self,
        id: i64,
        fields: &quota_shared::api::OrganisationFields,
        resubmit: bool,
        actor: &str,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<crate::store::types::OrganisationEdit, StoreError>> + Send;
    /// Stores a document of an organisation, replacing one of its kind (audited); `false` when
    /// there is no such organisation, or it is approved and `any_status` is not set (only the
    /// administrator replaces an approved organisation's documents).
    #[allow(clippy::too_many_arguments)]
    fn put_organisation_document(
        &self,
        id: i64,
        kind: quota_shared::api::DocumentKind,
        content_type: &str,
        content: &[u8],
        sha256: &str,
        any_status: bool,
        actor: &str,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// A document's type and content.
    fn organisation_document(
        &self,
        id: i64,
        kind: quota_shared::api::DocumentKind,
    ) -> impl Future<Output = Result<Option<(String, Vec<u8>)>, StoreError>> + Send;
    /// Replaces a project's plot boundaries (audited); `false` when there is no such project.
    fn replace_plots(
        &self,
        id: i64,
        plots: &[crate::plots::Plot],
        actor: &str,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// A project's plots, in the order uploaded.
    fn project_plots(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<Vec<quota_shared::api::Plot>, StoreError>> + Send;
    /// The listings drawn on a project, newest first.
    fn project_draws(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<Vec<quota_shared::api::ProjectDraw>, StoreError>> + Send;
    /// Projects, newest first: of one county, or all.
    fn projects(
        &self,
        county: Option<&CountyCode>,
    ) -> impl Future<Output = Result<Vec<quota_shared::api::Project>, StoreError>> + Send;
    /// Resolves an open objection; upheld annuls the trade and gives its area back.
    fn resolve_objection(
        &self,
        id: i64,
        decision: quota_shared::api::ObjectionDecision,
        resolution: &str,
        actor: &str,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<crate::store::types::ResolveOutcome, StoreError>> + Send;
    /// Ends a reservation as `expired` (due) or `cancelled` (not yet due) and returns its area
    /// to the listing; `false` if it was not in that state.
    fn release(
        &self,
        id: i64,
        to: PurchaseStatus,
        actor: &str,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// A bid on a regional lot: the lot must be open for bids and the amount must beat the high
    /// bid by `step` (or reach the start total); decided by one conditional write.
    fn place_bid(
        &self,
        bid: &crate::store::types::BidDraft,
    ) -> impl Future<Output = Result<BidOutcome, StoreError>> + Send;
    /// Regional lots whose closing time has passed but that are not yet closed.
    fn due_lots(
        &self,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Vec<i64>, StoreError>> + Send;
    /// Closes one due lot: awarded to the high bidder (creating its reserved purchase at the
    /// winning total) or unsold. Exactly once across instances (a conditional write).
    fn close_lot(
        &self,
        id: i64,
        now: OffsetDateTime,
        reservation: time::Duration,
    ) -> impl Future<Output = Result<LotClosing, StoreError>> + Send;
    /// Puts in each built-in rule version not there yet (R13); one that is there — seeded
    /// before, or ended by the administrator since — is left as it is.
    fn seed_rule_versions(
        &self,
        book: &quota_shared::rules::RuleBook,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Every rule version; one that does not decode is left out (and logged).
    fn rule_versions(
        &self,
    ) -> impl Future<Output = Result<quota_shared::rules::RuleBook, StoreError>> + Send;
    /// Adds a version; the versions it overlaps end the day before it starts. `None`: another
    /// version took its number at the same moment (try again).
    fn add_rule_version(
        &self,
        draft: &crate::store::types::RuleVersionDraft,
    ) -> impl Future<Output = Result<Option<quota_shared::rules::RuleVersion>, StoreError>> + Send;
    /// Ends a version on `effective_to` (only ever earlier than its present end).
    fn end_rule_version(
        &self,
        rule: quota_shared::rules::RuleId,
        version: u32,
        effective_to: time::Date,
        actor: &str,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<crate::store::types::EndOutcome, StoreError>> + Send;
    /// Loads the default use categories once (R12); the administrator owns them afterwards.
    fn seed_use_categories(
        &self,
        categories: &[quota_shared::rules::UseCategory],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn use_categories(
        &self,
    ) -> impl Future<Output = Result<Vec<quota_shared::rules::UseCategory>, StoreError>> + Send;
    /// Draws a settled holding down by an approval filing, never below zero.
    fn record_use(
        &self,
        draft: &UseDraft,
    ) -> impl Future<Output = Result<UseOutcome, StoreError>> + Send;
    /// Whether a use of `purchase_id` has been filed for a project in `county`.
    fn landed_in(
        &self,
        purchase_id: i64,
        county: &quota_shared::jurisdiction::CountyCode,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    fn holdings(
        &self,
        scope: &HoldingScope,
    ) -> impl Future<Output = Result<Vec<quota_shared::api::Holding>, StoreError>> + Send;
    /// Every county's settled sales and allocations of `year` (Asia/Shanghai).
    fn proceeds(
        &self,
        year: i32,
    ) -> impl Future<Output = Result<Vec<CountyProceeds>, StoreError>> + Send;
    /// Allocates proceeds to a use; refused when allocated would exceed received.
    fn allocate(
        &self,
        draft: &AllocationDraft,
    ) -> impl Future<Output = Result<AllocateOutcome, StoreError>> + Send;
    fn allocations(
        &self,
        year: i32,
        county: Option<&CountyCode>,
    ) -> impl Future<Output = Result<Vec<quota_shared::api::Allocation>, StoreError>> + Send;
    /// Records a payment out of an allocation; refused when disbursed would exceed allocated.
    fn disburse(
        &self,
        draft: &DisbursementDraft,
    ) -> impl Future<Output = Result<DisburseOutcome, StoreError>> + Send;
    /// Every audit record, every stream head and every row the log accounts for, read in one
    /// snapshot, for `audit verify`.
    fn audit_snapshot(
        &self,
    ) -> impl Future<Output = Result<super::types::AuditSnapshot, StoreError>> + Send;
    /// The history of one object (`listing:5`, `purchase:7` …), oldest first.
    fn audit_of(
        &self,
        object: &str,
    ) -> impl Future<Output = Result<Vec<crate::audit::Stored>, StoreError>> + Send;
    /// Reservations past their expiry that are not yet marked expired (of one listing, or all).
    fn due_reservations(
        &self,
        listing: Option<i64>,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Vec<i64>, StoreError>> + Send;
    /// The scheduler's turn: on PostgreSQL an advisory lock held until the turn ends, so that
    /// of several instances one runs the due work at a time; `None` when another holds it.
    fn scheduler_turn(
        &self,
    ) -> impl Future<Output = Result<Option<SchedulerTurn>, StoreError>> + Send;
    fn meta(&self, key: &str) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;
    fn set_meta(
        &self,
        key: &str,
        value: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

//! The scheduler: the one place where time changes state. Every second it ends county
//! listings past their closing time, closes due regional lots (awarding them to the high bid or
//! leaving them unsold), expires reservations past their expiry, returning their area, and
//! numbers settled trades whose publicity (R16) has ended with no objection open.
//!
//! - **Never on a request path.** Reads compute the effective state instead
//!   (`store::types::effective_listing`, `PurchaseRow::into_purchase`), so a GET never writes
//!   and never fails because a write fails. A write that depends on due work for its own object
//!   catches up with that object first ([`release_due_reservations_of`]).
//! - **Exactly once.** Every transition is a conditional write (`… WHERE status = 'bidding'`),
//!   so two instances cannot both award a lot; on PostgreSQL the turn also holds an advisory
//!   lock, so only one instance works at a time.
//! - **One bad item never blocks the others.** Each item runs in its own transaction; a failure
//!   is logged with the item's id and the item is retried later with a growing pause, while the
//!   rest go on.

use std::collections::{HashMap, HashSet};
use std::time::Duration as StdDuration;

use quota_shared::api::PurchaseStatus;
use quota_shared::auction::AuctionParams;
use time::{Duration, OffsetDateTime};

use crate::clock::Clock;
use crate::store::types::LotClosing;
use crate::store::{Store, StoreError};

/// How often the scheduler looks for due work: a lot closes within about a second of its time.
pub const EVERY: StdDuration = StdDuration::from_secs(1);

/// How often expired sessions and stale failed-login counts are deleted.
const PURGE_EVERY: Duration = Duration::minutes(1);

/// Longest pause before a failing item is tried again.
const MAX_BACKOFF: Duration = Duration::minutes(10);

/// One unit of due work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Item {
    /// A county listing past its closing time.
    Listing(i64),
    /// A regional lot past its closing time.
    Lot(i64),
    /// A reservation (purchase or award) past its expiry.
    Reservation(i64),
    /// A settled trade whose publicity has ended with no objection open (R16).
    Publicity(i64),
}

/// What one turn did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub listings_expired: u32,
    pub lots_awarded: u32,
    pub lots_unsold: u32,
    pub reservations_expired: u32,
    /// Trades numbered at the end of their publicity (R16).
    pub trades_final: u32,
    /// Items that failed this turn, with the error.
    pub failed: Vec<(Item, String)>,
    /// Items skipped because they failed recently and wait for their retry time.
    pub deferred: Vec<Item>,
    /// Another instance held the turn (PostgreSQL): nothing was done.
    pub not_our_turn: bool,
    /// Expired sessions and stale failed-login counts deleted (about once a minute).
    pub purged: u64,
}

/// When a failing item may be tried again, and how often it has failed.
#[derive(Debug, Clone, Copy)]
struct Retry {
    failures: u32,
    not_before: OffsetDateTime,
}

/// The due work of one database, with the retry times of failing items.
pub struct Scheduler<S> {
    store: S,
    params: AuctionParams,
    retries: HashMap<Item, Retry>,
    /// When expired sessions and stale failed-login counts were last deleted.
    last_purge: Option<OffsetDateTime>,
}

impl<S: Store> Scheduler<S> {
    pub fn new(store: S, params: AuctionParams) -> Self {
        Self {
            store,
            params,
            retries: HashMap::new(),
            last_purge: None,
        }
    }

    /// Runs in the background, every [`EVERY`], until the runtime stops. Each turn runs as its
    /// own task, so a turn that panics is logged and the next turn starts afresh.
    pub fn spawn(self, clock: Clock) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let (store, params) = (self.store.clone(), self.params.clone());
            let mut scheduler = Some(self);
            let mut tick = tokio::time::interval(EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let mut this = scheduler
                    .take()
                    .unwrap_or_else(|| Scheduler::new(store.clone(), params.clone()));
                let now = clock.now();
                let turn = tokio::spawn(async move {
                    let started = std::time::Instant::now();
                    let result = this.turn(now).await;
                    if let Ok(report) = &result
                        && !report.not_our_turn
                    {
                        crate::meters::scheduler_turn(
                            started.elapsed().as_secs_f64(),
                            report.lots_awarded,
                            report.lots_unsold,
                            report.failed.len(),
                        );
                    }
                    (this, result)
                });
                match turn.await {
                    Ok((this, result)) => {
                        scheduler = Some(this);
                        if let Err(e) = result {
                            tracing::warn!(error = %e, "scheduler: the turn failed; retrying");
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "scheduler: a turn panicked; starting afresh")
                    }
                }
            }
        })
    }

    /// Does everything due at `now`. Fails only when the due work cannot even be listed (the
    /// database is unreachable); a failing item is reported in [`Report::failed`].
    #[tracing::instrument(skip(self))]
    pub async fn turn(&mut self, now: OffsetDateTime) -> Result<Report, StoreError> {
        let mut report = Report::default();
        let Some(turn) = self.store.scheduler_turn().await? else {
            report.not_our_turn = true;
            return Ok(report);
        };
        let result = self.due_work(now, &mut report).await;
        if self.last_purge.is_none_or(|t| now - t >= PURGE_EVERY) {
            match self
                .store
                .purge_stale(now, now - crate::auth::THROTTLE_WINDOW)
                .await
            {
                Ok(n) => {
                    report.purged = n;
                    self.last_purge = Some(now);
                }
                Err(e) => tracing::warn!(error = %e, "scheduler: could not purge stale rows"),
            }
        }
        if let Err(e) = turn.end().await {
            // The lock went with the connection; the work done stands.
            tracing::warn!(error = %e, "scheduler: could not end the turn cleanly");
        }
        result.map(|()| report)
    }

    async fn due_work(
        &mut self,
        now: OffsetDateTime,
        report: &mut Report,
    ) -> Result<(), StoreError> {
        // R15: an award waits for payment the days of the version in force on the day it is made.
        let book = self.store.rule_versions().await?;
        let params = self
            .params
            .as_on(&book, quota_shared::calendar::day_of(now));
        let reservation = Duration::days(i64::from(params.reservation_days));
        // The due items are listed once, before any is done: an award this turn creates is
        // expired (if ever) by a later turn.
        let (store, retries) = (&self.store, &mut self.retries);
        let lots = store.due_lots(now).await?;
        let listings = store.due_listings(now).await?;
        let reservations = store.due_reservations(None, now).await?;
        let finals = store.due_finals(now).await?;
        // Forget the retry times of items no longer due (done elsewhere, or by another instance).
        let due: HashSet<Item> = lots
            .iter()
            .map(|&id| Item::Lot(id))
            .chain(listings.iter().map(|&id| Item::Listing(id)))
            .chain(reservations.iter().map(|&id| Item::Reservation(id)))
            .chain(finals.iter().map(|(id, _)| Item::Publicity(*id)))
            .collect();
        retries.retain(|item, _| due.contains(item));
        for id in lots {
            let close = store.close_lot(id, now, reservation);
            match attempt(retries, Item::Lot(id), now, report, close).await {
                Some(LotClosing::Awarded) => report.lots_awarded += 1,
                Some(LotClosing::Unsold) => report.lots_unsold += 1,
                Some(LotClosing::NotDue) | None => {}
            }
        }
        for id in listings {
            let expire = store.expire_listing(id, now);
            if let Some(true) = attempt(retries, Item::Listing(id), now, report, expire).await {
                report.listings_expired += 1;
            }
        }
        for id in reservations {
            let expire = store.release(id, PurchaseStatus::Expired, "system", now);
            if let Some(true) = attempt(retries, Item::Reservation(id), now, report, expire).await {
                report.reservations_expired += 1;
            }
        }
        if !finals.is_empty() {
            // The confirmation number carries the seller's name.
            let units = store.jurisdictions().await?;
            for (id, county) in finals {
                let name = quota_shared::jurisdiction::find(&units, &county)
                    .map_or_else(|| county.to_string(), |u| u.name.clone());
                let finalize = store.finalize(id, &name, now);
                if let Some(Some(_)) =
                    attempt(retries, Item::Publicity(id), now, report, finalize).await
                {
                    report.trades_final += 1;
                }
            }
        }
        Ok(())
    }
}

/// Runs one item unless it waits for its retry time; logs and records a failure, with a pause
/// before the next try that doubles up to [`MAX_BACKOFF`].
async fn attempt<T>(
    retries: &mut HashMap<Item, Retry>,
    item: Item,
    now: OffsetDateTime,
    report: &mut Report,
    work: impl Future<Output = Result<T, StoreError>>,
) -> Option<T> {
    if retries.get(&item).is_some_and(|r| now < r.not_before) {
        report.deferred.push(item);
        return None;
    }
    match work.await {
        Ok(done) => {
            retries.remove(&item);
            Some(done)
        }
        Err(e) => {
            let failures = retries.get(&item).map_or(1, |r| r.failures + 1);
            let pause = Duration::seconds(1i64 << failures.min(10)).min(MAX_BACKOFF);
            tracing::error!(?item, error = %e, failures, retry_in_s = pause.whole_seconds(),
                "scheduler: item failed; the others go on");
            retries.insert(
                item,
                Retry {
                    failures,
                    not_before: now + pause,
                },
            );
            report.failed.push((item, e.to_string()));
            None
        }
    }
}

/// Expires the due reservations of one listing, so a purchase made right after an expiry sees
/// the area back even before the scheduler's next turn. Best effort: a failure is logged and
/// left to the scheduler.
pub async fn release_due_reservations_of<S: Store>(
    store: &S,
    listing_id: i64,
    now: OffsetDateTime,
) {
    let due = match store.due_reservations(Some(listing_id), now).await {
        Ok(due) => due,
        Err(e) => {
            tracing::warn!(listing_id, error = %e, "could not look for due reservations");
            return;
        }
    };
    for id in due {
        if let Err(e) = store
            .release(id, PurchaseStatus::Expired, "system", now)
            .await
        {
            tracing::warn!(purchase_id = id, error = %e, "could not expire a due reservation");
        }
    }
}

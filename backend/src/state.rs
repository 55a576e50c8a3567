//! [`AppState`]: what every handler shares — the store, the clock and the auction parameters.
//! It sits below the handlers and the extractors that read it (`auth`), so imports flow one way.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use quota_shared::auction::AuctionParams;
use quota_shared::rules::RuleBook;

use crate::clock::Clock;
use crate::config::SessionPolicy;

/// Shared by every handler; cheap to clone (the store is a connection pool).
#[derive(Clone)]
pub struct AppState<S> {
    pub store: S,
    pub clock: Clock,
    pub params: AuctionParams,
    pub sessions: SessionPolicy,
    pub rules: RulesCache,
}

/// The rule versions as last read, for the checks of one calendar day. What a day's checks
/// see cannot change during that day — a version starts tomorrow at the earliest and ends
/// today at the earliest — so one read serves the day on every instance; it is read again
/// when the day changes, after a minute (a repaired damaged version comes back), or when
/// this instance changes a version.
#[derive(Clone, Default)]
pub struct RulesCache(Arc<Mutex<Option<Cached>>>);

/// The day a book was read for, when, and the book.
type Cached = (time::Date, Instant, Arc<RuleBook>);

const RULES_FRESH_FOR: Duration = Duration::from_secs(60);

impl RulesCache {
    /// The book read for `day` less than a minute ago, if there is one.
    pub fn get(&self, day: time::Date) -> Option<Arc<RuleBook>> {
        let guard = self.0.lock().ok()?;
        let (cached_day, at, book) = guard.as_ref()?;
        (*cached_day == day && at.elapsed() < RULES_FRESH_FOR).then(|| book.clone())
    }

    pub fn put(&self, day: time::Date, book: Arc<RuleBook>) {
        if let Ok(mut guard) = self.0.lock() {
            *guard = Some((day, Instant::now(), book));
        }
    }

    /// Forgets the book (this instance added or ended a version).
    pub fn clear(&self) {
        if let Ok(mut guard) = self.0.lock() {
            *guard = None;
        }
    }
}

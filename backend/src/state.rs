//! [`AppState`]: what every handler shares — the store, the clock and the auction parameters.
//! It sits below the handlers and the extractors that read it (`auth`), so imports flow one way.

use quota_shared::auction::AuctionParams;

use crate::clock::Clock;
use crate::config::SessionPolicy;

/// Shared by every handler; cheap to clone (the store is a connection pool).
#[derive(Clone)]
pub struct AppState<S> {
    pub store: S,
    pub clock: Clock,
    pub params: AuctionParams,
    pub sessions: SessionPolicy,
}

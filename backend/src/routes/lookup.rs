//! Finding what a request names, or answering 404 in the user's words: shared by the resource
//! modules, below all of them.

use quota_shared::api::Listing;
use quota_shared::jurisdiction::{self, CountyCode, Jurisdiction};

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::Store;

/// The unit of `code` among `units`, or 404.
pub(super) fn county_of<'a>(
    units: &'a [Jurisdiction],
    code: &CountyCode,
) -> Result<&'a Jurisdiction, ApiError> {
    jurisdiction::find(units, code).ok_or_else(|| {
        ApiError::not_found(&format!("县（市、区）{code}"), &format!("County {code}"))
    })
}

/// A listing as it is now, or 404.
pub(super) async fn load_listing<S: Store>(
    state: &AppState<S>,
    id: i64,
) -> Result<Listing, ApiError> {
    state
        .store
        .listing(id, state.clock.now())
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("挂牌 #{id}"), &format!("Listing #{id}")))
}

/// 404 for a purchase (also what another buyer's purchase looks like).
pub(super) fn purchase_not_found(id: i64) -> ApiError {
    ApiError::not_found(&format!("交易 #{id}"), &format!("Purchase #{id}"))
}

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

/// The rule versions a check runs against; 503 while a stored version cannot be read, so no
/// check runs without it (reads that only show the rules go on).
pub(super) async fn rule_book<S: Store>(
    state: &AppState<S>,
) -> Result<std::sync::Arc<quota_shared::rules::RuleBook>, ApiError> {
    let day = quota_shared::calendar::day_of(state.clock.now());
    let book = match state.rules.get(day) {
        Some(book) => book,
        None => {
            let book = std::sync::Arc::new(state.store.rule_versions().await?);
            state.rules.put(day, book.clone());
            book
        }
    };
    if book.damaged().is_empty() {
        return Ok(book);
    }
    let names = book.damaged().join("、");
    Err(ApiError::coded(
        quota_shared::codes::ErrorCode::NotReady,
        format!("规则版本 {names} 无法读取，依据规则的操作暂停；请管理员核对审计日志并修复该版本"),
        format!(
            "Rule version(s) {names} cannot be read: actions checked against the rules are paused until an administrator repairs them"
        ),
    ))
}

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

/// What a bounded text field allows.
pub(super) struct TextRule {
    /// The field's name on the wire.
    pub field: &'static str,
    /// What a clerk calls it (异议人, 备案号 …).
    pub label: &'static str,
    /// Most characters, after trimming.
    pub max: usize,
    /// Whether an empty value is refused.
    pub required: bool,
    /// Whether line breaks and tabs are allowed (free text such as a reason).
    pub multiline: bool,
}

/// A text field trimmed, within its length, without control characters (line breaks only
/// where multiline): the value to store, or 422 naming the field in both languages.
pub(super) fn bounded_text(rule: &TextRule, value: &str) -> Result<String, ApiError> {
    use quota_shared::codes::ErrorCode;
    let TextRule {
        field,
        label,
        max,
        required,
        multiline,
    } = *rule;
    let value = value.trim();
    if required && value.is_empty() {
        return Err(ApiError::invalid(
            field,
            ErrorCode::Required,
            format!("请填写{label}（{field}）"),
            format!("{field} is required"),
        ));
    }
    if value.chars().count() > max {
        return Err(ApiError::invalid(
            field,
            ErrorCode::TooLarge,
            format!("{label}最多 {max} 个字，请删减"),
            format!("{field} takes at most {max} characters"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
    {
        return Err(ApiError::invalid(
            field,
            ErrorCode::InvalidValue,
            format!("{label}含有控制字符，请删去"),
            format!("{field} contains control characters: remove them"),
        ));
    }
    Ok(value.to_string())
}

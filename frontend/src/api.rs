//! All HTTP of the web app: same-origin JSON calls returning `quota_shared::api` types. An
//! error answer is decoded from its envelope so the page shows the server's own words; a 401
//! sends the user to the login page and back.

use gloo::net::http::{Request, RequestBuilder, Response};
use quota_shared::api::{
    AnnouncementsResponse, BidRequest, BidResponse, CountiesResponse, FloorPricesResponse,
    HoldingsResponse, ListingResponse, ListingsResponse, LoginRequest, PasswordChange,
    PasswordReset, PurchaseRequest, PurchaseResponse, PurchasesResponse, UserResponse,
};
use quota_shared::codes::ErrorCode;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The parts of the error envelope (docs/API-DESIGN.md, "Errors") a page shows or decides by;
/// the code kept as sent, so the web app does not carry a parser of every code.
#[derive(Deserialize)]
struct Envelope {
    error: EnvelopeBody,
}

#[derive(Deserialize)]
struct EnvelopeBody {
    code: String,
    message_zh: String,
    message_en: String,
    #[serde(default)]
    rule: Option<String>,
}

/// A failed call, with the words to show. Pages decide by `code`, never by the words.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiFailure {
    pub status: u16,
    /// The server's `error.code` (an [`ErrorCode`] wire name); `None` when the server could
    /// not be reached.
    pub code: Option<String>,
    pub message_zh: String,
    pub message_en: String,
    pub rule: Option<String>,
}

impl ApiFailure {
    /// Whether the server answered with `code`.
    pub fn is(&self, code: ErrorCode) -> bool {
        self.code.as_deref() == Some(code.wire())
    }

    pub(crate) fn network(detail: &str) -> Self {
        Self {
            status: 0,
            code: None,
            message_zh: format!("无法连接服务器，请检查网络后重试（{detail}）"),
            message_en: format!("Cannot reach the server; check the network and retry ({detail})"),
            rule: None,
        }
    }
    pub fn message(&self, lang: quota_shared::api::Lang) -> &str {
        match lang {
            quota_shared::api::Lang::Zh => &self.message_zh,
            quota_shared::api::Lang::En => &self.message_en,
        }
    }
}

/// Sends the browser to the account page, where a reset password must be replaced.
fn go_to_account() {
    if let Some(window) = web_sys::window() {
        let location = window.location();
        if location.pathname().unwrap_or_default() != "/account" {
            let _ = location.set_href("/account");
        }
    }
}

/// Sends the browser to the login page, to come back to where it was.
pub fn go_to_login() {
    if let Some(window) = web_sys::window() {
        let location = window.location();
        let here = location.pathname().unwrap_or_default();
        if here != "/login" {
            let _ = location.set_href(&format!("/login?next={here}"));
        }
    }
}

pub(crate) async fn finish<T: DeserializeOwned>(
    sent: Result<Response, gloo::net::Error>,
    redirect_401: bool,
) -> Result<T, ApiFailure> {
    let response = sent.map_err(|e| ApiFailure::network(&e.to_string()))?;
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|e| ApiFailure::network(&e.to_string()));
    }
    let status = response.status();
    if status == 401 && redirect_401 {
        go_to_login();
    }
    match response.json::<Envelope>().await {
        Ok(envelope) => {
            if envelope.error.code == ErrorCode::PasswordChangeRequired.wire() {
                go_to_account();
            }
            Err(ApiFailure {
                status,
                code: Some(envelope.error.code),
                message_zh: envelope.error.message_zh,
                message_en: envelope.error.message_en,
                rule: envelope.error.rule,
            })
        }
        Err(_) => Err(ApiFailure::network(&format!("HTTP {status}"))),
    }
}

pub(crate) async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiFailure> {
    finish(Request::get(path).send().await, true).await
}

/// Rows asked for per page when the web app reads a whole list (the server allows 1–500).
pub const PAGE_SIZE: u32 = 100;

/// A list answer that comes in pages (docs/API-DESIGN.md, "Pagination").
pub trait Paged: Sized {
    fn next_cursor(&self) -> Option<&str>;
    /// Adds the rows of the page after this one.
    fn append(&mut self, next: Self);
}

macro_rules! paged {
    ($($ty:ty => $field:ident),* $(,)?) => {$(
        impl Paged for $ty {
            fn next_cursor(&self) -> Option<&str> {
                self.next_cursor.as_deref()
            }
            fn append(&mut self, next: Self) {
                self.$field.extend(next.$field);
                self.next_cursor = next.next_cursor;
            }
        }
    )*};
}

paged! {
    ListingsResponse => listings,
    PurchasesResponse => purchases,
    HoldingsResponse => holdings,
    AllocationsResponse => allocations,
    AccountsResponse => users,
    AuditResponse => audit,
}

/// The address of one page of `path`.
pub fn page_url(path: &str, cursor: Option<&str>) -> String {
    let join = if path.contains('?') { '&' } else { '?' };
    match cursor {
        None => format!("{path}{join}limit={PAGE_SIZE}"),
        // A cursor is digits, `-` and `.`: nothing to escape.
        Some(c) => format!("{path}{join}limit={PAGE_SIZE}&cursor={c}"),
    }
}

/// A whole list: follows `next_cursor` page by page until the last.
async fn get_all<T: Paged + DeserializeOwned>(path: &str) -> Result<T, ApiFailure> {
    let mut all: T = get(&page_url(path, None)).await?;
    while let Some(cursor) = all.next_cursor().map(str::to_string) {
        let next: T = get(&page_url(path, Some(&cursor))).await?;
        all.append(next);
    }
    Ok(all)
}

pub(crate) async fn send<B: Serialize, T: DeserializeOwned>(
    builder: RequestBuilder,
    body: &B,
    redirect_401: bool,
) -> Result<T, ApiFailure> {
    let request = builder
        .json(body)
        .map_err(|e| ApiFailure::network(&e.to_string()))?;
    finish(request.send().await, redirect_401).await
}

pub async fn counties() -> Result<CountiesResponse, ApiFailure> {
    get("/api/v1/counties").await
}

pub async fn floor_prices() -> Result<FloorPricesResponse, ApiFailure> {
    get("/api/v1/floor-prices").await
}

pub async fn listings() -> Result<ListingsResponse, ApiFailure> {
    get_all("/api/v1/listings").await
}

pub async fn listing(id: i64) -> Result<ListingResponse, ApiFailure> {
    get(&format!("/api/v1/listings/{id}")).await
}

/// The newest `limit` announcements, of one kind (`listing`, `result`) and one county when
/// given: one page, for the short lists of the home and bureau pages.
pub async fn recent_announcements(
    kind: Option<&str>,
    county: Option<&str>,
    limit: u32,
) -> Result<AnnouncementsResponse, ApiFailure> {
    let mut path = format!("/api/v1/announcements?limit={limit}");
    if let Some(kind) = kind {
        path.push_str(&format!("&kind={kind}"));
    }
    if let Some(county) = county {
        path.push_str(&format!("&county={county}"));
    }
    get(&path).await
}

/// The current user, or `None` when not logged in (no redirect).
pub async fn me() -> Option<UserResponse> {
    finish::<UserResponse>(Request::get("/api/v1/me").send().await, false)
        .await
        .ok()
}

pub async fn login(username: String, password: String) -> Result<UserResponse, ApiFailure> {
    send(
        Request::post("/api/v1/session"),
        &LoginRequest { username, password },
        false,
    )
    .await
}

/// One's own password; the server ends every other session of the account.
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<UserResponse, ApiFailure> {
    send(
        Request::post("/api/v1/me/password"),
        &PasswordChange {
            current_password,
            new_password,
        },
        true,
    )
    .await
}

pub async fn logout() {
    let _ = Request::delete("/api/v1/session").send().await;
}

pub async fn purchases() -> Result<PurchasesResponse, ApiFailure> {
    get_all("/api/v1/purchases").await
}

pub async fn holdings() -> Result<HoldingsResponse, ApiFailure> {
    get_all("/api/v1/holdings").await
}

/// Buys with the attempt's idempotency key: a retry or a double click reuses it, so the
/// server records one purchase.
pub async fn buy(request: &PurchaseRequest, key: &str) -> Result<PurchaseResponse, ApiFailure> {
    send(
        Request::post("/api/v1/purchases").header("Idempotency-Key", key),
        request,
        true,
    )
    .await
}

pub async fn cancel(id: i64) -> Result<PurchaseResponse, ApiFailure> {
    send(
        Request::post(&format!("/api/v1/purchases/{id}/cancel")),
        &serde_json::json!({}),
        true,
    )
    .await
}

pub async fn bid(listing_id: i64, request: &BidRequest) -> Result<BidResponse, ApiFailure> {
    send(
        Request::post(&format!("/api/v1/listings/{listing_id}/bids")),
        request,
        true,
    )
    .await
}

/// An objection (异议) to a trade in its publicity (R16); no login needed.
pub async fn object(
    purchase_id: i64,
    request: &quota_shared::api::ObjectionRequest,
) -> Result<quota_shared::api::ObjectionReceiptResponse, ApiFailure> {
    send(
        Request::post(&format!("/api/v1/purchases/{purchase_id}/objections")),
        request,
        false,
    )
    .await
}

/// A company's online registration (no login): the organisation and its first user.
pub async fn register(
    request: &serde_json::Value,
) -> Result<quota_shared::api::OrganisationResponse, ApiFailure> {
    send(Request::post("/api/v1/registrations"), request, false).await
}

/// One organisation: one's own, or any for the administrator and the supervisor.
pub async fn organisation(id: i64) -> Result<quota_shared::api::OrganisationResponse, ApiFailure> {
    get(&format!("/api/v1/organisations/{id}")).await
}

/// Registrations of one status (the administrator).
pub async fn organisations(
    status: &str,
) -> Result<quota_shared::api::OrganisationsResponse, ApiFailure> {
    get(&format!("/api/v1/organisations?status={status}")).await
}

/// Approves (`approve`) or rejects (`reject`) a registration with the reviewer's note.
pub async fn review_organisation(
    id: i64,
    verdict: &str,
    note: &str,
) -> Result<quota_shared::api::OrganisationResponse, ApiFailure> {
    send(
        Request::post(&format!("/api/v1/organisations/{id}/{verdict}")),
        &serde_json::json!({ "note": note }),
        true,
    )
    .await
}

/// A fresh idempotency key for one purchase attempt.
pub fn new_idempotency_key() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| {
            format!(
                "k-{}",
                time::OffsetDateTime::now_utc().unix_timestamp_nanos()
            )
        })
}

// ---- staff ---------------------------------------------------------------------------------

use quota_shared::api::{
    AccountsResponse, AllocationRequest, AllocationResponse, AllocationsResponse, AuditResponse,
    AuditVerificationResponse, BasePriceRequest, CountyResponse, DisbursementRequest,
    DisbursementResponse, FloorPrice, NewAccount, NewListing, ProceedsResponse, RulesResponse,
    SettleRequest, UseCategoriesResponse,
};

pub async fn set_base_price(
    code: &str,
    request: &BasePriceRequest,
) -> Result<CountyResponse, ApiFailure> {
    send(
        Request::put(&format!("/api/v1/counties/{code}/base-price")),
        request,
        true,
    )
    .await
}

pub async fn create_listing(request: &NewListing) -> Result<ListingResponse, ApiFailure> {
    send(Request::post("/api/v1/listings"), request, true).await
}

pub async fn listings_of(county: &str) -> Result<ListingsResponse, ApiFailure> {
    get_all(&format!("/api/v1/listings?county={county}")).await
}

pub async fn withdraw(id: i64) -> Result<ListingResponse, ApiFailure> {
    send(
        Request::post(&format!("/api/v1/listings/{id}/withdraw")),
        &serde_json::json!({}),
        true,
    )
    .await
}

/// The objections to the bureau's county's trades (all of them for the administrator).
pub async fn objections() -> Result<quota_shared::api::ObjectionsResponse, ApiFailure> {
    get("/api/v1/objections").await
}

pub async fn resolve_objection(
    id: i64,
    request: &quota_shared::api::ResolveObjectionRequest,
) -> Result<quota_shared::api::ObjectionResponse, ApiFailure> {
    send(
        Request::post(&format!("/api/v1/objections/{id}/resolve")),
        request,
        true,
    )
    .await
}

pub async fn settle(id: i64, request: &SettleRequest) -> Result<PurchaseResponse, ApiFailure> {
    send(
        Request::post(&format!("/api/v1/purchases/{id}/settle")),
        request,
        true,
    )
    .await
}

pub async fn proceeds(year: i32) -> Result<ProceedsResponse, ApiFailure> {
    get(&format!("/api/v1/proceeds?year={year}")).await
}

pub async fn allocations(year: i32) -> Result<AllocationsResponse, ApiFailure> {
    get_all(&format!("/api/v1/allocations?year={year}")).await
}

pub async fn allocate(request: &AllocationRequest) -> Result<AllocationResponse, ApiFailure> {
    send(Request::post("/api/v1/allocations"), request, true).await
}

pub async fn disburse(request: &DisbursementRequest) -> Result<DisbursementResponse, ApiFailure> {
    send(Request::post("/api/v1/disbursements"), request, true).await
}

pub async fn use_categories() -> Result<UseCategoriesResponse, ApiFailure> {
    get("/api/v1/use-categories").await
}

pub async fn add_floor(request: &FloorPrice) -> Result<serde_json::Value, ApiFailure> {
    send(Request::post("/api/v1/floor-prices"), request, true).await
}

pub async fn users() -> Result<AccountsResponse, ApiFailure> {
    get_all("/api/v1/users").await
}

pub async fn create_user(request: &NewAccount) -> Result<AccountsResponse, ApiFailure> {
    send(Request::post("/api/v1/users"), request, true).await
}

pub async fn set_disabled(username: &str, disabled: bool) -> Result<AccountsResponse, ApiFailure> {
    send(
        Request::put(&format!("/api/v1/users/{username}/disabled")),
        &serde_json::json!({"disabled": disabled}),
        true,
    )
    .await
}

/// An administrator's reset: the account must set its own password at its next login.
pub async fn reset_password(
    username: &str,
    temporary_password: String,
) -> Result<AccountsResponse, ApiFailure> {
    send(
        Request::post(&format!("/api/v1/users/{username}/password")),
        &PasswordReset { temporary_password },
        true,
    )
    .await
}

pub async fn rules() -> Result<RulesResponse, ApiFailure> {
    get("/api/v1/rules").await
}

/// The server's rule versions (R13); the built-in seed when they cannot be read, so the
/// calculator and the forms still check offline (the server checks again).
pub async fn rule_book() -> quota_shared::rules::RuleBook {
    match rules().await {
        Ok(r) => quota_shared::rules::RuleBook::new(
            r.rules.into_iter().flat_map(|rule| rule.versions).collect(),
        ),
        Err(_) => quota_shared::rules::RuleBook::builtin(),
    }
}

pub async fn add_rule_version(
    rule: quota_shared::rules::RuleId,
    request: &quota_shared::api::NewRuleVersion,
) -> Result<quota_shared::api::RuleVersionResponse, ApiFailure> {
    send(
        Request::post(&format!("/api/v1/rules/{rule}/versions")),
        request,
        true,
    )
    .await
}

pub async fn end_rule_version(
    rule: quota_shared::rules::RuleId,
    version: u32,
    request: &quota_shared::api::EndRuleVersion,
) -> Result<quota_shared::api::RuleVersionResponse, ApiFailure> {
    send(
        Request::post(&format!("/api/v1/rules/{rule}/versions/{version}/end")),
        request,
        true,
    )
    .await
}

pub async fn audit_verify() -> Result<AuditVerificationResponse, ApiFailure> {
    get("/api/v1/audit/verify").await
}

pub async fn audit_of(object: &str) -> Result<AuditResponse, ApiFailure> {
    get_all(&format!("/api/v1/audit?object={object}")).await
}

pub async fn record_use(
    request: &quota_shared::api::UseRequest,
) -> Result<quota_shared::api::UseResponse, ApiFailure> {
    send(Request::post("/api/v1/holdings/uses"), request, true).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_addresses_keep_the_filters_and_carry_the_cursor() {
        assert_eq!(
            page_url("/api/v1/purchases", None),
            format!("/api/v1/purchases?limit={PAGE_SIZE}")
        );
        assert_eq!(
            page_url(
                "/api/v1/listings?county=450422",
                Some("1764460800000000000.7")
            ),
            format!(
                "/api/v1/listings?county=450422&limit={PAGE_SIZE}&cursor=1764460800000000000.7"
            )
        );
    }

    #[test]
    fn appending_a_page_keeps_every_row_and_moves_the_cursor() {
        let account = |name: &str| quota_shared::api::Account {
            username: name.into(),
            role: quota_shared::api::Role::Buyer,
            county_code: None,
            regional_bidder: false,
            disabled: false,
            must_change_password: false,
        };
        let mut all = AccountsResponse {
            users: vec![account("a"), account("b")],
            next_cursor: Some("0.2".into()),
        };
        all.append(AccountsResponse {
            users: vec![account("c")],
            next_cursor: None,
        });
        let names: Vec<_> = all.users.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(all.next_cursor(), None);
    }
}

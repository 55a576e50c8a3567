//! The handlers of API v1 (product.md §6). Each one: who may call it, parse, the rules from
//! `quota_shared::rules` (422), then one store call (409 when the state does not allow it).

use crate::reports::{Cell, Report};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use quota_shared::api::PurchaseKind;
use quota_shared::api::{Account, AccountsResponse, NewAccount, RuleInfo, RulesResponse};
use quota_shared::api::{
    AllocationRequest, AllocationResponse, AllocationsResponse, Announcement, AnnouncementKind,
    AnnouncementsResponse, DisbursementRequest, DisbursementResponse, HoldingTotals,
    HoldingsResponse, ProceedsResponse, ProceedsRow, UseCategoriesResponse, UseRequest,
    UseResponse,
};
use quota_shared::api::{AuditEntry, AuditResponse, AuditVerification, AuditVerificationResponse};
use quota_shared::api::{
    BasePriceRequest, BidRequest, BidResponse, CountyResponse, ErrorEnvelope, FloorPrice,
    ListingResponse, ListingStatus, ListingsResponse, LoginRequest, NewListing, PurchaseRequest,
    PurchaseResponse, PurchaseStatus, PurchasesResponse, QuoteRequest, QuoteResponse, Role,
    SettleRequest, UserResponse,
};
use quota_shared::auction::AuctionParams;
use quota_shared::calculator::{self, Market};
use quota_shared::jurisdiction::{self, CountyCode, Jurisdiction};
use quota_shared::rules::{
    self, Channel, RULESET_VERSION, check_base_price, check_listing_quantities, floor_on,
    validate_listing, validate_purchase,
};
use quota_shared::{Area, DomainError, FieldError};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

use crate::auth::{
    self, CurrentUser, MAX_FAILED_LOGINS, SESSION_LIFETIME, THROTTLE_WINDOW, sha256_hex,
};
use crate::error::ApiError;
use crate::http::AppState;
use crate::json::ApiJson;
use crate::store::Store;
use crate::store::market::{
    AllocateOutcome, AllocationDraft, BidOutcome, DisburseOutcome, DisbursementDraft, HoldingScope,
    ListingDraft, ListingFilter, PurchaseDraft, PurchaseOutcome, PurchaseScope, SettleOutcome,
    UseDraft, UseOutcome,
};

/// Longest `Idempotency-Key` accepted (a UUID is 36).
const MAX_IDEMPOTENCY_KEY: usize = 200;

/// The calendar day in Asia/Shanghai, on which rules are applied.
pub fn shanghai_day(t: OffsetDateTime) -> Date {
    t.to_offset(time::macros::offset!(+8)).date()
}

/// Ends what is due: county listings past their closing time, reservations past expiry (their
/// area returns to the listing). Runs in the background and before the reads that show it, so
/// the answer is right even just after a restart.
pub async fn sweep<S: Store>(store: &S, now: OffsetDateTime) -> Result<(), ApiError> {
    store.expire_listings(now).await?;
    let reservation = Duration::days(i64::from(AuctionParams::default().reservation_days));
    store.close_due_lots(now, reservation).await?;
    for id in store.due_reservations(now).await? {
        store
            .release(id, PurchaseStatus::Expired, "system", now)
            .await?;
    }
    Ok(())
}

fn county_of<'a>(
    units: &'a [Jurisdiction],
    code: &CountyCode,
) -> Result<&'a Jurisdiction, ApiError> {
    jurisdiction::find(units, code).ok_or_else(|| {
        ApiError::not_found(&format!("县（市、区）{code}"), &format!("County {code}"))
    })
}

// ---- sessions ----------------------------------------------------------------------------

#[utoipa::path(post, path = "/api/v1/session", tag = "session",
    request_body = LoginRequest,
    responses((status = 200, description = "登录成功，设置会话 Cookie / logged in, session cookie set", body = UserResponse),
        (status = 401, description = "用户名或密码错误 / wrong credentials", body = ErrorEnvelope),
        (status = 429, description = "失败次数过多 / too many failures", body = ErrorEnvelope)))]
pub async fn login<S: Store>(
    State(state): State<AppState<S>>,
    headers: HeaderMap,
    body: ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let LoginRequest { username, password } = body.value;
    let now = state.clock.now();
    if let Some((failures, since)) = state.store.login_failures(&username).await?
        && failures >= MAX_FAILED_LOGINS
        && since > now - THROTTLE_WINDOW
    {
        let minutes = ((since + THROTTLE_WINDOW - now).whole_seconds() + 59) / 60;
        return Err(ApiError::status(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_failures",
            format!("登录失败次数过多，请 {minutes} 分钟后再试"),
            format!("Too many failed logins; try again in {minutes} minutes"),
        ));
    }
    let user = state.store.user_by_username(&username).await?;
    let verified = match &user {
        Some(u) if !u.disabled => {
            auth::verify_password_blocking(password, u.password_hash.clone()).await
        }
        _ => false,
    };
    let Some(user) = user.filter(|_| verified) else {
        state
            .store
            .record_login_failure(&username, now, now - THROTTLE_WINDOW)
            .await?;
        return Err(ApiError::status(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "用户名或密码错误",
            "Wrong username or password",
        ));
    };
    state.store.clear_login_failures(&username).await?;
    let (token, digest) = auth::new_session_token();
    state
        .store
        .create_session(&digest, user.id, now, now + SESSION_LIFETIME)
        .await?;
    let mut response = Json(UserResponse {
        user: user.to_wire(),
    })
    .into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, auth::session_cookie(&token, &headers));
    Ok(response)
}

#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses((status = 204, description = "已退出，清除 Cookie / logged out, cookie cleared")))]
pub async fn logout<S: Store>(
    State(state): State<AppState<S>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = auth::session_token(&headers) {
        state
            .store
            .delete_session(&sha256_hex(token.as_bytes()))
            .await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, auth::clear_cookie());
    Ok(response)
}

#[utoipa::path(get, path = "/api/v1/me", tag = "session",
    responses((status = 200, body = UserResponse), (status = 401, description = "未登录 / not logged in", body = ErrorEnvelope)))]
pub async fn me(user: CurrentUser) -> Json<UserResponse> {
    Json(UserResponse {
        user: user.0.to_wire(),
    })
}

// ---- counties and floors -------------------------------------------------------------------

#[utoipa::path(put, path = "/api/v1/counties/{code}/base-price", tag = "counties",
    params(("code" = String, Path, description = "区划代码 / county code")),
    request_body = BasePriceRequest,
    responses((status = 200, body = CountyResponse),
        (status = 401, body = ErrorEnvelope), (status = 403, description = "非本县自然资源局 / not this county's bureau", body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 422, description = "R1 或输入错误 / R1 or invalid input", body = ErrorEnvelope)))]
pub async fn set_base_price<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    Path(code): Path<String>,
    body: ApiJson<BasePriceRequest>,
) -> Result<Json<CountyResponse>, ApiError> {
    let code: CountyCode = code.parse().map_err(|_| {
        ApiError::not_found(&format!("县（市、区）{code}"), &format!("County {code}"))
    })?;
    let units = state.store.jurisdictions().await?;
    county_of(&units, &code)?;
    user.require_bureau_of(&code)?;
    let price = body.value.price_per_mu;
    let floors: Vec<_> = state
        .store
        .floor_prices()
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    check_base_price(price, shanghai_day(state.clock.now()), &floors)
        .map_err(|v| ApiError::Rules(vec![v]))?;
    state
        .store
        .set_base_price(&code, price, &user.0.username, state.clock.now())
        .await?;
    let county = state
        .store
        .counties()
        .await?
        .into_iter()
        .find(|c| c.code == code)
        .ok_or(ApiError::Internal)?;
    Ok(Json(CountyResponse { county }))
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FloorPriceResponse {
    pub floor_price: FloorPrice,
}

#[utoipa::path(post, path = "/api/v1/floor-prices", tag = "counties",
    request_body = FloorPrice,
    responses((status = 201, body = FloorPriceResponse), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 409, description = "该日期已有版本 / a version starts that day", body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
pub async fn add_floor_price<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    body: ApiJson<FloorPrice>,
) -> Result<(StatusCode, Json<FloorPriceResponse>), ApiError> {
    user.require(&[Role::Admin])?;
    let floor = body.value;
    if !state
        .store
        .add_floor_version(
            floor.price_per_mu,
            floor.effective_from,
            &user.0.username,
            state.clock.now(),
        )
        .await?
    {
        return Err(ApiError::conflict(
            "floor_exists",
            format!(
                "{} 起已有一个最低价版本，请换一个起始日期",
                floor.effective_from
            ),
            format!(
                "A floor version already starts on {}; pick another date",
                floor.effective_from
            ),
        ));
    }
    Ok((
        StatusCode::CREATED,
        Json(FloorPriceResponse { floor_price: floor }),
    ))
}

// ---- listings ------------------------------------------------------------------------------

#[utoipa::path(post, path = "/api/v1/listings", tag = "listings",
    request_body = NewListing,
    responses((status = 201, body = ListingResponse), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 422, description = "R2/R3 或输入错误 / R2, R3 or invalid input", body = ErrorEnvelope)))]
pub async fn create_listing<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    body: ApiJson<NewListing>,
) -> Result<(StatusCode, Json<ListingResponse>), ApiError> {
    let user = user.require(&[Role::CountyBureau])?;
    let county = user.county_code.clone().ok_or(ApiError::Internal)?;
    let l = body.value;
    check_listing_quantities(l.area_mu, l.farmland_mu, l.paddy_mu, l.grain_capacity_kg)?;
    for (field, text) in [
        ("source_project", &l.source_project),
        ("township", &l.township),
    ] {
        if text.trim().is_empty() {
            return Err(FieldError::new(field, DomainError::Required { what: field }).into());
        }
    }
    let now = state.clock.now();
    let day = shanghai_day(now);
    let floors: Vec<_> = state
        .store
        .floor_prices()
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let base = state
        .store
        .counties()
        .await?
        .into_iter()
        .find(|c| c.code == county)
        .and_then(|c| c.base_price_per_mu);
    validate_listing(l.channel, l.price_per_mu, base, day, &floors).map_err(ApiError::Rules)?;
    if let Some(closes) = l.closes_at
        && closes <= now
    {
        return Err(ApiError::invalid(
            "closes_at",
            "in_the_past",
            "截止时间须晚于现在",
            "The closing time must be in the future",
        ));
    }
    let params = &state.params;
    let (status, start_total, deposit) = match l.channel {
        Channel::County => (ListingStatus::Open, None, None),
        Channel::Regional => {
            let Some(closes) = l.closes_at else {
                return Err(FieldError::new(
                    "closes_at",
                    DomainError::Required { what: "closes_at" },
                )
                .into());
            };
            if l.opens_at.is_some_and(|o| o >= closes) {
                return Err(ApiError::invalid(
                    "opens_at",
                    "opens_after_close",
                    "开始竞价时间须早于截止时间",
                    "Bidding must open before it closes",
                ));
            }
            let start = params
                .start_total(l.area_mu, l.price_per_mu)
                .map_err(|e| FieldError::new("price_per_mu", e))?;
            let deposit = params
                .deposit(start)
                .map_err(|e| FieldError::new("price_per_mu", e))?;
            let status = if l.opens_at.is_some_and(|o| o > now) {
                ListingStatus::Scheduled
            } else {
                ListingStatus::Bidding
            };
            (status, Some(start), Some(deposit))
        }
    };
    let draft = ListingDraft {
        county_code: county,
        channel: l.channel,
        status,
        area: l.area_mu,
        farmland: l.farmland_mu,
        paddy: l.paddy_mu,
        grain_capacity_kg: l.grain_capacity_kg,
        price: l.price_per_mu,
        start_total,
        deposit,
        source_project: l.source_project.trim().to_string(),
        township: l.township.trim().to_string(),
        advance: l.advance,
        listed_at: now,
        opens_at: l.opens_at,
        closes_at: l.closes_at,
        ruleset_version: RULESET_VERSION.to_string(),
        floor_effective_from: floor_on(&floors, day).map(|f| f.effective_from),
        created_by: user.id,
        actor: user.username.clone(),
    };
    let id = state.store.insert_listing(&draft).await?;
    let listing = state
        .store
        .listing(id, now)
        .await?
        .ok_or(ApiError::Internal)?;
    Ok((StatusCode::CREATED, Json(ListingResponse { listing })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListingQuery {
    county: Option<String>,
    channel: Option<String>,
    status: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/listings", tag = "listings",
    params(("county" = Option<String>, Query, description = "区划代码 / county code"),
        ("channel" = Option<Channel>, Query), ("status" = Option<ListingStatus>, Query)),
    responses((status = 200, body = ListingsResponse), (status = 422, body = ErrorEnvelope)))]
pub async fn list_listings<S: Store>(
    State(state): State<AppState<S>>,
    Query(q): Query<ListingQuery>,
) -> Result<Json<ListingsResponse>, ApiError> {
    let bad = |field: &str, value: &str| {
        ApiError::invalid(
            field,
            "invalid_filter",
            format!("筛选条件 {field}={value} 无效"),
            format!("Invalid filter {field}={value}"),
        )
    };
    let filter = ListingFilter {
        county: q
            .county
            .as_deref()
            .map(|c| c.parse().map_err(|_| bad("county", c)))
            .transpose()?,
        channel: q
            .channel
            .as_deref()
            .map(|c| c.parse().map_err(|_| bad("channel", c)))
            .transpose()?,
        status: q
            .status
            .as_deref()
            .map(|s| {
                serde_json::from_value(serde_json::Value::String(s.to_string()))
                    .map_err(|_| bad("status", s))
            })
            .transpose()?,
    };
    let now = state.clock.now();
    sweep(&state.store, now).await?;
    Ok(Json(ListingsResponse {
        listings: state.store.listings(&filter, now).await?,
    }))
}

async fn load_listing<S: Store>(
    state: &AppState<S>,
    id: i64,
) -> Result<quota_shared::api::Listing, ApiError> {
    state
        .store
        .listing(id, state.clock.now())
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("挂牌 #{id}"), &format!("Listing #{id}")))
}

#[utoipa::path(get, path = "/api/v1/listings/{id}", tag = "listings",
    params(("id" = i64, Path)),
    responses((status = 200, body = ListingResponse), (status = 404, body = ErrorEnvelope)))]
pub async fn get_listing<S: Store>(
    State(state): State<AppState<S>>,
    Path(id): Path<i64>,
) -> Result<Json<ListingResponse>, ApiError> {
    sweep(&state.store, state.clock.now()).await?;
    Ok(Json(ListingResponse {
        listing: load_listing(&state, id).await?,
    }))
}

#[utoipa::path(post, path = "/api/v1/listings/{id}/withdraw", tag = "listings",
    params(("id" = i64, Path)),
    responses((status = 200, body = ListingResponse), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "挂牌已结束 / the listing has ended", body = ErrorEnvelope)))]
pub async fn withdraw_listing<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<ListingResponse>, ApiError> {
    let listing = load_listing(&state, id).await?;
    user.require_bureau_of(&listing.county_code)?;
    if !state
        .store
        .withdraw_listing(id, &user.0.username, state.clock.now())
        .await?
    {
        return Err(ApiError::conflict(
            "listing_closed",
            format!("挂牌 #{id} 已{}，不能撤回", listing.status.label_zh()),
            format!(
                "Listing #{id} is {}; it cannot be withdrawn",
                listing.status.label_en()
            ),
        ));
    }
    Ok(Json(ListingResponse {
        listing: load_listing(&state, id).await?,
    }))
}

// ---- bids ------------------------------------------------------------------------------------

#[utoipa::path(post, path = "/api/v1/listings/{id}/bids", tag = "listings",
    params(("id" = i64, Path)), request_body = BidRequest,
    responses((status = 201, body = BidResponse), (status = 401, body = ErrorEnvelope),
        (status = 403, description = "非购买方账号 / not a buyer account", body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
        (status = 409, description = "竞价未开始或已结束 / bidding not open", body = ErrorEnvelope),
        (status = 422, description = "R4/R11、wrong_channel 或输入错误 / R4, R11, wrong channel or invalid input", body = ErrorEnvelope)))]
pub async fn place_bid<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    Path(id): Path<i64>,
    body: ApiJson<BidRequest>,
) -> Result<(StatusCode, Json<BidResponse>), ApiError> {
    let bidder = user.require(&[Role::Buyer])?.clone();
    let amount = body.value.amount_yuan;
    let now = state.clock.now();
    sweep(&state.store, now).await?;
    let lot = load_listing(&state, id).await?;
    if lot.channel == Channel::County {
        return Err(ApiError::WrongChannel {
            zh: "县级平台的挂牌按挂牌价直接购买，不竞价".into(),
            en: "A county listing is bought at its price, not bid on".into(),
        });
    }
    let start = lot.start_total_yuan.ok_or(ApiError::Internal)?;
    let params = &state.params;
    rules::validate_bid(
        params,
        bidder.regional_bidder,
        start,
        lot.high_bid_yuan,
        amount,
    )
    .map_err(ApiError::Rules)?;
    match state
        .store
        .place_bid(
            id,
            bidder.id,
            &bidder.username,
            amount,
            params.bid_step,
            now,
        )
        .await?
    {
        BidOutcome::Placed(bid) => Ok((StatusCode::CREATED, Json(BidResponse { bid }))),
        BidOutcome::Outbid { min_next } => Err(ApiError::Rules(vec![rules::bid_violation(
            amount,
            min_next,
            params.bid_step,
            false,
        )])),
        BidOutcome::NotOpen { status, opens_at } => Err(match (status, opens_at) {
            (ListingStatus::Scheduled, Some(opens)) => ApiError::conflict(
                "bidding_not_open",
                format!("竞价尚未开始，开始时间 {opens}"),
                format!("Bidding has not opened; it opens at {opens}"),
            ),
            (status, _) => ApiError::conflict(
                "bidding_closed",
                format!("竞价已结束（{}）", status.label_zh()),
                format!("Bidding has ended ({})", status.label_en()),
            ),
        }),
    }
}

// ---- purchases -----------------------------------------------------------------------------

fn json_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn key_reused() -> ApiError {
    ApiError::invalid(
        "Idempotency-Key",
        "idempotency_key_reused",
        "该 Idempotency-Key 已用于另一笔不同的请求，请为新的购买使用新的键",
        "This Idempotency-Key was used for a different request; use a new key for a new purchase",
    )
}

#[utoipa::path(post, path = "/api/v1/purchases", tag = "purchases",
    params(("Idempotency-Key" = String, Header, description = "每次购买一个新的随机值；重复发送同一请求返回第一次的结果 / a new random value per purchase; a repeat replays the first answer")),
    request_body = PurchaseRequest,
    responses((status = 201, body = PurchaseResponse),
        (status = 400, description = "缺少 Idempotency-Key 或 JSON 无效 / missing key or malformed JSON", body = ErrorEnvelope),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "剩余不足或挂牌已结束 / not enough remaining or the listing ended", body = ErrorEnvelope),
        (status = 413, body = ErrorEnvelope),
        (status = 422, description = "R7/R8、wrong_channel、键被另一请求使用或输入错误 / a rule, wrong channel, reused key or invalid input", body = ErrorEnvelope)))]
pub async fn create_purchase<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    headers: HeaderMap,
    body: ApiJson<PurchaseRequest>,
) -> Result<Response, ApiError> {
    let buyer = user.require(&[Role::Buyer])?.clone();
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= MAX_IDEMPOTENCY_KEY)
        .ok_or_else(|| {
            ApiError::status(
                StatusCode::BAD_REQUEST,
                "idempotency_key_required",
                "购买请求须带 Idempotency-Key 请求头（每次购买一个新的随机值，最长200字符）",
                "A purchase needs an Idempotency-Key header (a new random value per purchase, at most 200 characters)",
            )
        })?
        .to_string();
    let fingerprint = sha256_hex(&body.raw);
    if let Some(answer) = state.store.stored_answer(buyer.id, &key).await? {
        return if answer.request_sha256 == fingerprint {
            Ok(json_response(
                StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK),
                answer.body,
            ))
        } else {
            Err(key_reused())
        };
    }
    let req = body.value;
    req.area_mu
        .positive()
        .map_err(|e| FieldError::new("area_mu", e))?;
    let now = state.clock.now();
    let listing = state
        .store
        .listing(req.listing_id, now)
        .await?
        .ok_or_else(|| {
            ApiError::not_found(
                &format!("挂牌 #{}", req.listing_id),
                &format!("Listing #{}", req.listing_id),
            )
        })?;
    if listing.channel == Channel::Regional {
        return Err(ApiError::WrongChannel {
            zh: "自治区平台的标的须竞价取得，不能直接购买".into(),
            en: "A regional lot is won by bidding, not bought directly".into(),
        });
    }
    let units = state.store.jurisdictions().await?;
    let seller = county_of(&units, &listing.county_code)?;
    let project_unit = jurisdiction::find(&units, &req.project.county_code).ok_or_else(|| {
        FieldError::new(
            "project.county_code",
            DomainError::UnknownCounty {
                input: req.project.county_code.to_string(),
            },
        )
    })?;
    if req.project.name.trim().is_empty() {
        return Err(ApiError::invalid(
            "project.name",
            "required",
            "请填写项目名称",
            "The project name is required",
        ));
    }
    validate_purchase(
        seller,
        Channel::County,
        project_unit,
        req.project.use_,
        shanghai_day(now),
    )
    .map_err(ApiError::Rules)?;
    // Due reservations give their area back before the stock check.
    sweep(&state.store, now).await?;
    let draft = PurchaseDraft {
        listing_id: req.listing_id,
        buyer_id: buyer.id,
        buyer_username: buyer.username.clone(),
        area: req.area_mu,
        project: req.project,
        now,
        expires_at: now + Duration::days(i64::from(state.params.reservation_days)),
        ruleset_version: RULESET_VERSION.to_string(),
        idem_key: key,
        request_sha256: fingerprint.clone(),
    };
    match state.store.reserve(&draft).await? {
        PurchaseOutcome::Created(purchase) => {
            let body = serde_json::to_string(&PurchaseResponse {
                purchase: *purchase,
            })
            .map_err(|_| ApiError::Internal)?;
            Ok(json_response(StatusCode::CREATED, body))
        }
        PurchaseOutcome::Replay(answer) if answer.request_sha256 == fingerprint => {
            Ok(json_response(
                StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK),
                answer.body,
            ))
        }
        PurchaseOutcome::Replay(_) => Err(key_reused()),
        PurchaseOutcome::NotOpen(status) => Err(ApiError::conflict(
            "listing_closed",
            format!("挂牌 #{} {}，不能购买", listing.id, status.label_zh()),
            format!(
                "Listing #{} is {}; it cannot be bought",
                listing.id,
                status.label_en()
            ),
        )),
        PurchaseOutcome::NotEnough { remaining } => Err(ApiError::conflict(
            "insufficient_remaining",
            format!(
                "剩余指标不足：挂牌 #{} 仅剩 {} 亩，请减少购买面积",
                listing.id, remaining
            ),
            format!(
                "Not enough left: listing #{} has {} mu remaining; buy less",
                listing.id, remaining
            ),
        )),
    }
}

#[utoipa::path(get, path = "/api/v1/purchases", tag = "purchases",
    responses((status = 200, description = "购买方：本人的；县局：本县售出的；财政、管理员：全部 / buyer: own; bureau: its sales; finance, admin: all", body = PurchasesResponse),
        (status = 401, body = ErrorEnvelope)))]
pub async fn list_purchases<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
) -> Result<Json<PurchasesResponse>, ApiError> {
    let u = &user.0;
    let scope = match u.role {
        Role::Buyer => PurchaseScope::Buyer(u.id),
        Role::CountyBureau => {
            PurchaseScope::Seller(u.county_code.clone().ok_or(ApiError::Internal)?)
        }
        Role::Finance | Role::Admin => PurchaseScope::All,
    };
    sweep(&state.store, state.clock.now()).await?;
    Ok(Json(PurchasesResponse {
        purchases: state.store.purchases(&scope).await?,
    }))
}

fn purchase_not_found(id: i64) -> ApiError {
    ApiError::not_found(&format!("交易 #{id}"), &format!("Purchase #{id}"))
}

fn not_reserved(id: i64, status: PurchaseStatus) -> ApiError {
    ApiError::conflict(
        "purchase_not_reserved",
        format!("交易 #{id} {}，不能再办理", status.label_zh()),
        format!("Purchase #{id} is {status:?}; nothing more can be done with it"),
    )
}

#[utoipa::path(post, path = "/api/v1/purchases/{id}/settle", tag = "purchases",
    params(("id" = i64, Path)), request_body = SettleRequest,
    responses((status = 200, body = PurchaseResponse), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "不是待付款状态 / not reserved", body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn settle_purchase<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    Path(id): Path<i64>,
    body: ApiJson<SettleRequest>,
) -> Result<Json<PurchaseResponse>, ApiError> {
    let bank_reference = body.value.bank_reference.trim().to_string();
    let (purchase, _) = state
        .store
        .purchase(id)
        .await?
        .ok_or_else(|| purchase_not_found(id))?;
    if user.0.role != Role::Finance {
        user.require_bureau_of(&purchase.seller_county_code)?;
    }
    if bank_reference.is_empty() {
        return Err(ApiError::invalid(
            "bank_reference",
            "required",
            "请填写银行流水号",
            "The bank reference is required",
        ));
    }
    let units = state.store.jurisdictions().await?;
    let seller = county_of(&units, &purchase.seller_county_code)?;
    let now = state.clock.now();
    sweep(&state.store, now).await?;
    match state
        .store
        .settle(id, &seller.name, &bank_reference, &user.0.username, now)
        .await?
    {
        SettleOutcome::Settled(p) => Ok(Json(PurchaseResponse { purchase: *p })),
        SettleOutcome::Conflict(status) => Err(not_reserved(id, status)),
        SettleOutcome::NotFound => Err(purchase_not_found(id)),
    }
}

#[utoipa::path(post, path = "/api/v1/purchases/{id}/cancel", tag = "purchases",
    params(("id" = i64, Path)),
    responses((status = 200, body = PurchaseResponse), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)))]
pub async fn cancel_purchase<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<PurchaseResponse>, ApiError> {
    let buyer = user.require(&[Role::Buyer])?;
    // Another buyer's purchase does not exist for this buyer.
    let (purchase, _) = state
        .store
        .purchase(id)
        .await?
        .filter(|(_, owner)| *owner == buyer.id)
        .ok_or_else(|| purchase_not_found(id))?;
    let now = state.clock.now();
    if !state
        .store
        .release(id, PurchaseStatus::Cancelled, &buyer.username, now)
        .await?
    {
        sweep(&state.store, now).await?;
        let status = state
            .store
            .purchase(id)
            .await?
            .map(|(p, _)| p.status)
            .unwrap_or(purchase.status);
        return Err(not_reserved(id, status));
    }
    let (purchase, _) = state
        .store
        .purchase(id)
        .await?
        .ok_or_else(|| purchase_not_found(id))?;
    Ok(Json(PurchaseResponse { purchase }))
}

// ---- quote ---------------------------------------------------------------------------------

#[utoipa::path(post, path = "/api/v1/quote", tag = "calculator",
    request_body = QuoteRequest,
    responses((status = 200, body = QuoteResponse), (status = 400, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub async fn quote<S: Store>(
    State(state): State<AppState<S>>,
    body: ApiJson<QuoteRequest>,
) -> Result<Json<QuoteResponse>, ApiError> {
    let now = state.clock.now();
    sweep(&state.store, now).await?;
    let units = state.store.jurisdictions().await?;
    let listings = state.store.listings(&ListingFilter::default(), now).await?;
    let market = Market {
        units: &units,
        listings: &listings,
        params: &state.params,
        day: shanghai_day(now),
    };
    let quote = calculator::quote(&body.value.project, market).map_err(|e| {
        // The project is nested in the request: name the field by its full path.
        FieldError::new(format!("project.{}", e.field), e.error)
    })?;
    Ok(Json(QuoteResponse { quote }))
}

// ---- holdings and uses (落地) ----------------------------------------------------------------

#[utoipa::path(post, path = "/api/v1/holdings/uses", tag = "holdings",
    request_body = UseRequest,
    responses((status = 201, body = UseResponse), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "未结算或批文号已登记 / not settled, or the approval is already recorded", body = ErrorEnvelope),
        (status = 422, description = "超出剩余指标或输入错误 / more than what is left, or invalid input", body = ErrorEnvelope)))]
pub async fn record_use<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    body: ApiJson<UseRequest>,
) -> Result<(StatusCode, Json<UseResponse>), ApiError> {
    let req = body.value;
    let (purchase, owner) = state
        .store
        .purchase(req.purchase_id)
        .await?
        .ok_or_else(|| purchase_not_found(req.purchase_id))?;
    // The buyer, or the bureau of the county where the project is.
    let is_owner = user.0.role == Role::Buyer && owner == user.0.id;
    let is_project_bureau = user.0.role == Role::CountyBureau
        && purchase
            .project
            .as_ref()
            .is_some_and(|p| Some(&p.county_code) == user.0.county_code.as_ref());
    if !is_owner && !is_project_bureau {
        return Err(if user.0.role == Role::Buyer {
            purchase_not_found(req.purchase_id)
        } else {
            ApiError::forbidden(
                "只有购买方或项目所在县（市、区）自然资源局可以登记使用",
                "Only the buyer or the bureau of the project's county may record uses",
            )
        });
    }
    let approval_no = req.approval_no.trim().to_string();
    if approval_no.is_empty() {
        return Err(ApiError::invalid(
            "approval_no",
            "required",
            "请填写用地批文号",
            "The approval number is required",
        ));
    }
    req.area_mu
        .positive()
        .map_err(|e| FieldError::new("area_mu", e))?;
    let draft = UseDraft {
        purchase_id: req.purchase_id,
        approval_no: approval_no.clone(),
        area: req.area_mu,
        project_name: req
            .project_name
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty()),
        recorded_by: user.0.id,
        actor: user.0.username.clone(),
        now: state.clock.now(),
    };
    match state.store.record_use(&draft).await? {
        UseOutcome::Recorded(use_) => Ok((StatusCode::CREATED, Json(UseResponse { use_ }))),
        UseOutcome::NotSettled(status) => Err(ApiError::conflict(
            "not_a_holding",
            format!(
                "交易 #{} {}：结算后才能登记使用",
                req.purchase_id,
                status.label_zh()
            ),
            format!(
                "Purchase #{} is {status:?}: uses are recorded once it is settled",
                req.purchase_id
            ),
        )),
        UseOutcome::Exceeds { remaining } => Err(ApiError::invalid(
            "area_mu",
            "exceeds_holding",
            format!("超出剩余指标：本笔仅剩 {remaining} 亩可用"),
            format!("More than what is left: {remaining} mu remain on this holding"),
        )),
        UseOutcome::Duplicate => Err(ApiError::conflict(
            "approval_recorded",
            format!("批文号 {approval_no} 已在本笔指标上登记过"),
            format!("Approval {approval_no} is already recorded on this holding"),
        )),
    }
}

#[utoipa::path(get, path = "/api/v1/holdings", tag = "holdings",
    responses((status = 200, description = "购买方：本人的；县局：本县项目的；财政、管理员：全部 / buyer: own; bureau: its county's projects; finance, admin: all", body = HoldingsResponse),
        (status = 401, body = ErrorEnvelope)))]
pub async fn list_holdings<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
) -> Result<Json<HoldingsResponse>, ApiError> {
    let u = &user.0;
    let scope = match u.role {
        Role::Buyer => HoldingScope::Buyer(u.id),
        Role::CountyBureau => {
            HoldingScope::ProjectCounty(u.county_code.clone().ok_or(ApiError::Internal)?)
        }
        Role::Finance | Role::Admin => HoldingScope::All,
    };
    let holdings = state.store.holdings(&scope).await?;
    let mut totals: Vec<HoldingTotals> = Vec::new();
    for h in &holdings {
        let add = |a: Area, b: Area| a.checked_add(b).map_err(|_| ApiError::Internal);
        match totals.iter_mut().find(|t| t.buyer == h.buyer) {
            Some(t) => {
                t.area_mu = add(t.area_mu, h.area_mu)?;
                t.used_mu = add(t.used_mu, h.used_mu)?;
                t.remaining_mu = add(t.remaining_mu, h.remaining_mu)?;
            }
            None => totals.push(HoldingTotals {
                buyer: h.buyer.clone(),
                area_mu: h.area_mu,
                used_mu: h.used_mu,
                remaining_mu: h.remaining_mu,
            }),
        }
    }
    Ok(Json(HoldingsResponse { holdings, totals }))
}

// ---- proceeds, allocations, disbursements --------------------------------------------------

/// The Asia/Shanghai calendar year `year` as UTC instants [from, to).
pub fn shanghai_year(year: i32) -> Result<(OffsetDateTime, OffsetDateTime), ApiError> {
    let bad = || ApiError::invalid("year", "invalid_year", "年份无效", "Invalid year");
    if !(2000..=2999).contains(&year) {
        return Err(bad());
    }
    let start = |y: i32| -> Result<OffsetDateTime, ApiError> {
        let day = Date::from_calendar_date(y, time::Month::January, 1).map_err(|_| bad())?;
        Ok(day
            .midnight()
            .assume_offset(time::macros::offset!(+8))
            .to_offset(time::UtcOffset::UTC))
    };
    Ok((start(year)?, start(year + 1)?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    year: Option<i32>,
    county: Option<String>,
}

fn year_or_now<S>(state: &AppState<S>, year: Option<i32>) -> i32 {
    year.unwrap_or_else(|| {
        state
            .clock
            .now()
            .to_offset(time::macros::offset!(+8))
            .year()
    })
}

#[utoipa::path(get, path = "/api/v1/proceeds", tag = "finance",
    params(("year" = Option<i32>, Query, description = "结算年度（北京时间），默认今年 / year of settlement (Asia/Shanghai), default this year")),
    responses((status = 200, body = ProceedsResponse), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
pub async fn proceeds<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    Query(q): Query<YearQuery>,
) -> Result<Json<ProceedsResponse>, ApiError> {
    user.require(&[Role::Finance, Role::Admin])?;
    Ok(Json(
        proceeds_of(&state, year_or_now(&state, q.year)).await?,
    ))
}

/// The proceeds table of a year, shared by the JSON route and the exports.
pub async fn proceeds_of<S: Store>(
    state: &AppState<S>,
    year: i32,
) -> Result<ProceedsResponse, ApiError> {
    let (from, to) = shanghai_year(year)?;
    sweep(&state.store, state.clock.now()).await?;
    let units = state.store.jurisdictions().await?;
    let rows = state.store.proceeds(year, from, to).await?;
    let mut proceeds = Vec::with_capacity(rows.len());
    for r in rows {
        let name = jurisdiction::find(&units, &r.county_code)
            .map(|u| u.name.clone())
            .unwrap_or_default();
        proceeds.push(ProceedsRow {
            unallocated_yuan: r
                .proceeds
                .checked_sub(r.allocated)
                .map_err(|_| ApiError::Internal)?,
            county_code: r.county_code,
            county_name: name,
            sold_mu: r.sold,
            proceeds_yuan: r.proceeds,
            allocated_yuan: r.allocated,
            disbursed_yuan: r.disbursed,
        });
    }
    Ok(ProceedsResponse { year, proceeds })
}

#[utoipa::path(post, path = "/api/v1/allocations", tag = "finance",
    request_body = AllocationRequest,
    responses((status = 201, body = AllocationResponse), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 422, description = "R12 用途未配置、超过已收款或输入错误 / use not configured, more than received, or invalid input", body = ErrorEnvelope)))]
pub async fn allocate<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    body: ApiJson<AllocationRequest>,
) -> Result<(StatusCode, Json<AllocationResponse>), ApiError> {
    let finance = user.require(&[Role::Finance])?;
    let req = body.value;
    let units = state.store.jurisdictions().await?;
    if jurisdiction::find(&units, &req.county_code).is_none() {
        return Err(FieldError::new(
            "county_code",
            DomainError::UnknownCounty {
                input: req.county_code.to_string(),
            },
        )
        .into());
    }
    let categories = state.store.use_categories().await?;
    rules::check_allocation_use(&req.use_, &categories).map_err(|v| ApiError::Rules(vec![v]))?;
    req.amount_yuan
        .positive()
        .map_err(|e| FieldError::new("amount_yuan", e))?;
    let year = year_or_now(&state, req.year);
    let (from, to) = shanghai_year(year)?;
    let now = state.clock.now();
    sweep(&state.store, now).await?;
    let draft = AllocationDraft {
        county_code: req.county_code.clone(),
        year,
        use_name: req.use_,
        amount: req.amount_yuan,
        note: req.note.trim().to_string(),
        created_by: finance.id,
        actor: finance.username.clone(),
        now,
        from,
        to,
    };
    match state.store.allocate(&draft).await? {
        AllocateOutcome::Created(allocation) => {
            Ok((StatusCode::CREATED, Json(AllocationResponse { allocation })))
        }
        AllocateOutcome::ExceedsReceived {
            received,
            allocated,
        } => {
            let left = received.checked_sub(allocated).unwrap_or_default();
            Err(ApiError::invalid(
                "amount_yuan",
                "exceeds_received",
                format!(
                    "超过可分配金额：{year}年已收 {} 元，已分配 {} 元，最多还可分配 {} 元",
                    received.grouped(),
                    allocated.grouped(),
                    left.grouped()
                ),
                format!(
                    "More than can be allocated: {year} received {} yuan, allocated {}, at most {} left",
                    received.grouped(),
                    allocated.grouped(),
                    left.grouped()
                ),
            ))
        }
    }
}

#[utoipa::path(get, path = "/api/v1/allocations", tag = "finance",
    params(("year" = Option<i32>, Query), ("county" = Option<String>, Query)),
    responses((status = 200, body = AllocationsResponse), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
pub async fn list_allocations<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    Query(q): Query<YearQuery>,
) -> Result<Json<AllocationsResponse>, ApiError> {
    user.require(&[Role::Finance, Role::Admin])?;
    let county: Option<CountyCode> = q
        .county
        .as_deref()
        .map(|c| c.parse().map_err(|e| FieldError::new("county", e)))
        .transpose()?;
    let year = year_or_now(&state, q.year);
    shanghai_year(year)?;
    Ok(Json(AllocationsResponse {
        allocations: state.store.allocations(year, county.as_ref()).await?,
    }))
}

#[utoipa::path(post, path = "/api/v1/disbursements", tag = "finance",
    request_body = DisbursementRequest,
    responses((status = 201, body = DisbursementResponse), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
        (status = 422, description = "超过已分配金额或输入错误 / more than allocated, or invalid input", body = ErrorEnvelope)))]
pub async fn disburse<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    body: ApiJson<DisbursementRequest>,
) -> Result<(StatusCode, Json<DisbursementResponse>), ApiError> {
    let finance = user.require(&[Role::Finance])?;
    let req = body.value;
    req.amount_yuan
        .positive()
        .map_err(|e| FieldError::new("amount_yuan", e))?;
    for (field, value, zh) in [
        ("voucher_no", &req.voucher_no, "请填写凭证号"),
        ("bank_reference", &req.bank_reference, "请填写银行流水号"),
    ] {
        if value.trim().is_empty() {
            return Err(ApiError::invalid(
                field,
                "required",
                zh,
                format!("{field} is required"),
            ));
        }
    }
    let draft = DisbursementDraft {
        allocation_id: req.allocation_id,
        amount: req.amount_yuan,
        voucher_no: req.voucher_no.trim().to_string(),
        bank_reference: req.bank_reference.trim().to_string(),
        created_by: finance.id,
        actor: finance.username.clone(),
        now: state.clock.now(),
    };
    match state.store.disburse(&draft).await? {
        DisburseOutcome::Created(disbursement) => Ok((
            StatusCode::CREATED,
            Json(DisbursementResponse { disbursement }),
        )),
        DisburseOutcome::NotFound => Err(ApiError::not_found(
            &format!("分配 #{}", req.allocation_id),
            &format!("Allocation #{}", req.allocation_id),
        )),
        DisburseOutcome::ExceedsAllocated {
            allocated,
            disbursed,
        } => {
            let left = allocated.checked_sub(disbursed).unwrap_or_default();
            Err(ApiError::invalid(
                "amount_yuan",
                "exceeds_allocated",
                format!(
                    "超过已分配金额：分配 {} 元，已拨付 {} 元，最多还可拨付 {} 元",
                    allocated.grouped(),
                    disbursed.grouped(),
                    left.grouped()
                ),
                format!(
                    "More than allocated: {} yuan allocated, {} disbursed, at most {} left",
                    allocated.grouped(),
                    disbursed.grouped(),
                    left.grouped()
                ),
            ))
        }
    }
}

#[utoipa::path(get, path = "/api/v1/use-categories", tag = "finance",
    responses((status = 200, body = UseCategoriesResponse)))]
pub async fn use_categories<S: Store>(
    State(state): State<AppState<S>>,
) -> Result<Json<UseCategoriesResponse>, ApiError> {
    Ok(Json(UseCategoriesResponse {
        use_categories: state.store.use_categories().await?,
    }))
}

// ---- exports -------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    year: Option<i32>,
}

#[utoipa::path(get, path = "/api/v1/reports/{file}", tag = "finance",
    params(("file" = String, Path, description = "proceeds|allocations|trades 加 .csv 或 .xlsx / one of proceeds, allocations, trades with .csv or .xlsx"),
        ("year" = Option<i32>, Query, description = "年度（北京时间），默认今年 / year (Asia/Shanghai), default this year")),
    responses((status = 200, description = "CSV（UTF-8 带 BOM）或 XLSX / CSV (UTF-8 with BOM) or XLSX", content_type = "application/octet-stream"),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
pub async fn report<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    Path(file): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    user.require(&[Role::Finance, Role::Admin])?;
    let not_found = || {
        ApiError::not_found(
            &format!("报表 {file}（可选 proceeds、allocations、trades 的 .csv 或 .xlsx）"),
            &format!("Report {file} (proceeds, allocations or trades as .csv or .xlsx)"),
        )
    };
    let (name, ext) = file.rsplit_once('.').ok_or_else(not_found)?;
    let year = year_or_now(&state, q.year);
    let (from, to) = shanghai_year(year)?;
    let units = state.store.jurisdictions().await?;
    let county_name = |code: &CountyCode| {
        jurisdiction::find(&units, code)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let report = match name {
        "proceeds" => {
            let table = proceeds_of(&state, year).await?;
            Report {
                file_stem: format!("proceeds-{year}"),
                sheet: format!("{year}年收益"),
                headers: vec![
                    "县（市、区）",
                    "区划代码",
                    "成交面积（亩）",
                    "收入（元）",
                    "已分配（元）",
                    "已拨付（元）",
                    "未分配（元）",
                ],
                rows: table
                    .proceeds
                    .into_iter()
                    .map(|r| {
                        vec![
                            Cell::Text(r.county_name),
                            Cell::Text(r.county_code.to_string()),
                            Cell::Area(r.sold_mu),
                            Cell::Money(r.proceeds_yuan),
                            Cell::Money(r.allocated_yuan),
                            Cell::Money(r.disbursed_yuan),
                            Cell::Money(r.unallocated_yuan),
                        ]
                    })
                    .collect(),
            }
        }
        "allocations" => Report {
            file_stem: format!("allocations-{year}"),
            sheet: format!("{year}年分配"),
            headers: vec![
                "编号",
                "县（市、区）",
                "用途",
                "分配金额（元）",
                "已拨付（元）",
                "备注",
                "分配日期",
            ],
            rows: state
                .store
                .allocations(year, None)
                .await?
                .into_iter()
                .map(|a| {
                    vec![
                        Cell::Int(a.id),
                        Cell::Text(county_name(&a.county_code)),
                        Cell::Text(a.use_),
                        Cell::Money(a.amount_yuan),
                        Cell::Money(a.disbursed_yuan),
                        Cell::Text(a.note),
                        Cell::Text(shanghai_day(a.created_at).to_string()),
                    ]
                })
                .collect(),
        },
        "trades" => {
            let mut trades: Vec<_> = state
                .store
                .purchases(&PurchaseScope::All)
                .await?
                .into_iter()
                .filter(|p| {
                    p.status == PurchaseStatus::Settled
                        && p.settled_at.is_some_and(|t| t >= from && t < to)
                })
                .collect();
            trades.sort_by_key(|p| p.settled_at);
            Report {
                file_stem: format!("trades-{year}"),
                sheet: format!("{year}年成交"),
                headers: vec![
                    "成交确认书编号",
                    "出让方",
                    "受让方",
                    "方式",
                    "面积（亩）",
                    "单价（元/亩）",
                    "成交金额（元）",
                    "项目",
                    "结算日期",
                ],
                rows: trades
                    .into_iter()
                    .map(|p| {
                        vec![
                            Cell::Text(p.confirmation_no.unwrap_or_default()),
                            Cell::Text(county_name(&p.seller_county_code)),
                            Cell::Text(p.buyer),
                            Cell::Text(match p.kind {
                                PurchaseKind::Purchase => "县级平台购买".into(),
                                PurchaseKind::Award => "自治区平台竞得".into(),
                            }),
                            Cell::Area(p.area_mu),
                            Cell::Price(p.price_per_mu),
                            Cell::Money(p.amount_yuan),
                            Cell::Text(p.project.map(|pr| pr.name).unwrap_or_default()),
                            Cell::Text(
                                p.settled_at
                                    .map(|t| shanghai_day(t).to_string())
                                    .unwrap_or_default(),
                            ),
                        ]
                    })
                    .collect(),
            }
        }
        _ => return Err(not_found()),
    };
    let (bytes, content_type) = match ext {
        "csv" => (report.to_csv(), "text/csv; charset=utf-8"),
        "xlsx" => (
            report.to_xlsx().map_err(|e| {
                tracing::error!(error = %e, "xlsx export");
                ApiError::Internal
            })?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        _ => return Err(not_found()),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.{ext}\"", report.file_stem),
            ),
        ],
        bytes,
    )
        .into_response())
}

// ---- announcements -------------------------------------------------------------------------

#[utoipa::path(get, path = "/api/v1/announcements", tag = "listings",
    responses((status = 200, description = "挂牌公告与成交公示，最新在前 / listing notices and results, newest first", body = AnnouncementsResponse)))]
pub async fn announcements<S: Store>(
    State(state): State<AppState<S>>,
) -> Result<Json<AnnouncementsResponse>, ApiError> {
    let now = state.clock.now();
    sweep(&state.store, now).await?;
    let units = state.store.jurisdictions().await?;
    let name = |code: &CountyCode| {
        jurisdiction::find(&units, code)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let mut out = Vec::new();
    for l in state.store.listings(&ListingFilter::default(), now).await? {
        let title = match l.channel {
            Channel::County => format!(
                "{}县级平台挂牌公告：{} 亩，{} 元/亩（{}）",
                name(&l.county_code),
                l.area_mu,
                l.price_per_mu.grouped(),
                l.source_project
            ),
            Channel::Regional => format!(
                "{}自治区平台挂牌出让公告：{} 亩，起始价 {} 万元，保证金 {} 万元",
                name(&l.county_code),
                l.area_mu,
                l.start_total_yuan
                    .map(|m| m.wan_display())
                    .unwrap_or_default(),
                l.deposit_yuan.map(|m| m.wan_display()).unwrap_or_default()
            ),
        };
        out.push(Announcement {
            kind: AnnouncementKind::Listing,
            title,
            county_code: l.county_code.clone(),
            listing_id: l.id,
            area_mu: l.area_mu,
            amount_yuan: l.start_total_yuan,
            published_at: l.listed_at,
        });
    }
    for p in state.store.purchases(&PurchaseScope::All).await? {
        let Some(settled_at) = p.settled_at.filter(|_| p.status == PurchaseStatus::Settled) else {
            continue;
        };
        out.push(Announcement {
            kind: AnnouncementKind::Result,
            title: format!(
                "成交公示：{} {} 亩，成交金额 {} 元（{}）",
                name(&p.seller_county_code),
                p.area_mu,
                p.amount_yuan.grouped(),
                p.confirmation_no.clone().unwrap_or_default()
            ),
            county_code: p.seller_county_code,
            listing_id: p.listing_id,
            area_mu: p.area_mu,
            amount_yuan: Some(p.amount_yuan),
            published_at: settled_at,
        });
    }
    out.sort_by_key(|a| std::cmp::Reverse(a.published_at));
    Ok(Json(AnnouncementsResponse { announcements: out }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_year_of_proceeds_is_the_calendar_year_in_asia_shanghai() {
        let (from, to) = shanghai_year(2026).expect("year");
        assert_eq!(from, datetime!(2025-12-31 16:00 UTC));
        assert_eq!(to, datetime!(2026-12-31 16:00 UTC));
        // Settled at 00:30 on New Year's Day in Wuzhou: already the new year.
        assert_eq!(shanghai_day(datetime!(2025-12-31 16:30 UTC)).year(), 2026);
        assert!(shanghai_year(1999).is_err());
    }
}

// ---- audit ---------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    object: String,
}

fn parse_json_text(text: Option<String>) -> Option<serde_json::Value> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit",
    params(("object" = String, Query, description = "对象，如 listing:5、purchase:7、county:450422 / the object, e.g. listing:5")),
    responses((status = 200, body = AuditResponse), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
pub async fn audit_of<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> Result<Json<AuditResponse>, ApiError> {
    user.require(&[Role::Admin, Role::Finance])?;
    let records = state.store.audit_of(q.object.trim()).await?;
    Ok(Json(AuditResponse {
        audit: records
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                stream: r.stream,
                object: r.object,
                actor: r.actor,
                action: r.action,
                before: parse_json_text(r.before_json),
                after: parse_json_text(r.after_json),
                at: r.at,
                hash: r.hash,
            })
            .collect(),
    }))
}

/// Checks the whole audit log (the `audit verify` command and the admin console).
pub async fn verify_audit<S: Store>(store: &S) -> Result<AuditVerification, ApiError> {
    let (records, heads) = store.audit_all().await?;
    let total = records.len() as u64;
    Ok(match crate::audit::verify(records, &heads) {
        Ok(n) => AuditVerification {
            intact: true,
            records: n,
            broken: None,
        },
        Err(b) => AuditVerification {
            intact: false,
            records: total,
            broken: Some(b.to_string()),
        },
    })
}

#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit",
    responses((status = 200, body = AuditVerificationResponse), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
pub async fn audit_verify<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
) -> Result<Json<AuditVerificationResponse>, ApiError> {
    user.require(&[Role::Admin, Role::Finance])?;
    Ok(Json(AuditVerificationResponse {
        verification: verify_audit(&state.store).await?,
    }))
}

// ---- administration ------------------------------------------------------------------------

fn account_of(u: &crate::store::market::UserRecord) -> Account {
    Account {
        username: u.username.clone(),
        role: u.role,
        county_code: u.county_code.clone(),
        regional_bidder: u.regional_bidder,
        disabled: u.disabled,
    }
}

#[utoipa::path(get, path = "/api/v1/users", tag = "admin",
    responses((status = 200, body = AccountsResponse), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
pub async fn list_users<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
) -> Result<Json<AccountsResponse>, ApiError> {
    user.require(&[Role::Admin])?;
    Ok(Json(AccountsResponse {
        users: state.store.users().await?.iter().map(account_of).collect(),
    }))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "admin", request_body = NewAccount,
    responses((status = 201, body = AccountsResponse), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 422, description = "用户名已存在或输入错误 / username taken or invalid input", body = ErrorEnvelope)))]
pub async fn create_user<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    body: ApiJson<NewAccount>,
) -> Result<(StatusCode, Json<AccountsResponse>), ApiError> {
    let admin = user.require(&[Role::Admin])?;
    let new = body.value;
    let county = new.county_code.as_ref().map(|c| c.to_string());
    let spec = crate::accounts::AccountSpec {
        username: &new.username,
        password: &new.password,
        role: new.role,
        county: county.as_deref(),
        regional_bidder: new.regional_bidder,
    };
    crate::accounts::add_user(&state.store, spec, &admin.username, state.clock.now())
        .await
        .map_err(|message| {
            let (zh, en) = message
                .split_once(" / ")
                .unwrap_or((message.as_str(), message.as_str()));
            ApiError::invalid(
                "username",
                "account_refused",
                zh.to_string(),
                en.to_string(),
            )
        })?;
    Ok((
        StatusCode::CREATED,
        Json(AccountsResponse {
            users: state.store.users().await?.iter().map(account_of).collect(),
        }),
    ))
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisableRequest {
    pub disabled: bool,
}

#[utoipa::path(put, path = "/api/v1/users/{username}/disabled", tag = "admin",
    params(("username" = String, Path)), request_body = DisableRequest,
    responses((status = 200, body = AccountsResponse), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 422, description = "不能停用自己 / cannot disable oneself", body = ErrorEnvelope)))]
pub async fn set_user_disabled<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    Path(username): Path<String>,
    body: ApiJson<DisableRequest>,
) -> Result<Json<AccountsResponse>, ApiError> {
    let admin = user.require(&[Role::Admin])?;
    if admin.username == username && body.value.disabled {
        return Err(ApiError::invalid(
            "username",
            "self_disable",
            "不能停用当前登录的管理员账号",
            "You cannot disable the account you are logged in with",
        ));
    }
    if !state
        .store
        .set_user_disabled(
            &username,
            body.value.disabled,
            &admin.username,
            state.clock.now(),
        )
        .await?
    {
        return Err(ApiError::not_found(
            &format!("账号 {username}"),
            &format!("Account {username}"),
        ));
    }
    Ok(Json(AccountsResponse {
        users: state.store.users().await?.iter().map(account_of).collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/rules", tag = "admin",
    responses((status = 200, description = "R1–R14 及出处、生效日期 / R1–R14 with sources and effective dates", body = RulesResponse)))]
pub async fn rules_catalog() -> Json<RulesResponse> {
    Json(RulesResponse {
        ruleset_version: RULESET_VERSION.to_string(),
        rules: rules::catalog()
            .iter()
            .map(|r| RuleInfo {
                id: r.id,
                title_zh: r.title_zh.to_string(),
                title_en: r.title_en.to_string(),
                citation: r.citation.to_string(),
                confirmed: r.confirmed,
                effective_from: r.effective_from,
                effective_to: r.effective_to,
            })
            .collect(),
    })
}

//! The handlers of API v1 (product.md §6). Each one: who may call it, parse, the rules from
//! `quota_shared::rules` (422), then one store call (409 when the state does not allow it).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
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
use quota_shared::{DomainError, FieldError};
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
    BidOutcome, ListingDraft, ListingFilter, PurchaseDraft, PurchaseOutcome, PurchaseScope,
    SettleOutcome,
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
        store.release(id, PurchaseStatus::Expired, now).await?;
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
    state.store.set_base_price(&code, price).await?;
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
        .add_floor_version(floor.price_per_mu, floor.effective_from)
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
    if !state.store.withdraw_listing(id).await? {
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
        .settle(id, &seller.name, &bank_reference, now)
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
        .release(id, PurchaseStatus::Cancelled, now)
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

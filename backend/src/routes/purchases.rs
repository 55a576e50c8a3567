//! Purchases on the county channel: reserve (R7/R8, idempotent), list by role, settle with
//! a bank reference (the 成交确认书 number), cancel while reserved.

use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::{Json, Router};
use quota_shared::api::{
    ErrorEnvelope, ListingStatus, PurchaseRequest, PurchaseResponse, PurchaseStatus,
    PurchasesResponse, Role, SettleRequest,
};
use quota_shared::calendar;
use quota_shared::codes::ErrorCode;
use quota_shared::jurisdiction;
use quota_shared::rules::{Channel, validate_purchase};
use quota_shared::{DomainError, FieldError};
use time::Duration;

use super::lookup::{county_of, purchase_not_found};
use super::page::{Order, Page, PageQuery, Position};
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::idempotency::{self, IdempotencyKey};
use crate::json::ApiJson;
use crate::scheduler;
use crate::state::AppState;
use crate::store::Store;
use crate::store::types::{
    PurchaseDraft, PurchaseOutcome, PurchaseReads, PurchaseScope, SettleOutcome,
};

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new()
        .route(
            "/purchases",
            axum::routing::get(list_purchases::<S>).post(create_purchase::<S>),
        )
        .route("/purchases/{id}/settle", post(settle_purchase::<S>))
        .route("/purchases/{id}/cancel", post(cancel_purchase::<S>))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(create_purchase, list_purchases, settle_purchase, cancel_purchase))]
pub(super) struct Doc;

#[utoipa::path(post, path = "/api/v1/purchases", tag = "purchases",
    params(("Idempotency-Key" = String, Header, description = "每次购买一个新的随机值；重复发送同一请求返回第一次的结果 / a new random value per purchase; a repeat replays the first answer")),
    request_body = PurchaseRequest,
    responses((status = 201, body = PurchaseResponse),
        (status = 400, description = "缺少 Idempotency-Key 或 JSON 无效 / missing key or malformed JSON", body = ErrorEnvelope),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "剩余不足或挂牌已结束 / not enough remaining or the listing ended", body = ErrorEnvelope),
        (status = 413, body = ErrorEnvelope),
        (status = 422, description = "R7/R8、wrong_channel、键被另一请求使用或输入错误 / a rule, wrong channel, reused key or invalid input", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn create_purchase<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    IdempotencyKey(key): IdempotencyKey,
    body: ApiJson<PurchaseRequest>,
) -> Result<Response, ApiError> {
    let buyer = user.require(&[Role::Buyer])?.clone();
    let party = super::organisations::require_approved(&state, &buyer).await?;
    let fingerprint = idempotency::fingerprint(&body.raw);
    let req = body.value;
    let now = state.clock.now();
    let listing = match state
        .store
        .purchase_reads(buyer.id, &key, req.listing_id, now)
        .await?
    {
        PurchaseReads::Answered(answer) => return idempotency::replay(answer, &fingerprint),
        PurchaseReads::Listing(listing) => listing.ok_or_else(|| {
            ApiError::not_found(
                &format!("挂牌 #{}", req.listing_id),
                &format!("Listing #{}", req.listing_id),
            )
        })?,
    };
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
            ErrorCode::Required,
            "请填写项目名称",
            "The project name is required",
        ));
    }
    let day = calendar::day_of(now);
    let book = super::lookup::rule_book(&state).await?;
    validate_purchase(
        seller,
        Channel::County,
        project_unit,
        req.project.use_,
        day,
        &book,
    )
    .map_err(ApiError::Rules)?;
    // R15: the payment period in force today.
    let reservation_days = state.params.as_on(&book, day).reservation_days;
    // An amount beyond the money range is the buyer's to fix (a listing from before that was
    // checked at listing time could still hold such a price).
    listing
        .price_per_mu
        .amount_for(req.area_mu.get())
        .map_err(|e| FieldError::new("area_mu", e))?;
    let draft = PurchaseDraft {
        listing_id: req.listing_id,
        buyer_id: buyer.id,
        buyer_username: buyer.username.clone(),
        buyer_party: party.map(|o| (o.name, o.uscc.map(|c| c.to_string()))),
        area: req.area_mu.get(),
        project: req.project,
        now,
        expires_at: now + Duration::days(i64::from(reservation_days)),
        ruleset_version: book.labels_on(day),
        idem_key: key,
        request_sha256: fingerprint.clone(),
    };
    let mut outcome = state.store.reserve(&draft).await?;
    if matches!(
        outcome,
        PurchaseOutcome::NotEnough { .. } | PurchaseOutcome::NotOpen(ListingStatus::SoldOut)
    ) {
        // Reservations of this listing past their expiry give their area back (the scheduler
        // would within a second), then the stock is checked once more. Only on a refusal, so
        // a purchase that fits costs no extra query.
        scheduler::release_due_reservations_of(&state.store, req.listing_id, now).await;
        outcome = state.store.reserve(&draft).await?;
    }
    crate::meters::purchase(matches!(outcome, PurchaseOutcome::Created { .. }));
    match outcome {
        // The first answer and a concurrent twin's answer go out the same way as any replay.
        PurchaseOutcome::Created { answer, .. } | PurchaseOutcome::Replay(answer) => {
            idempotency::replay(answer, &fingerprint)
        }
        PurchaseOutcome::NotOpen(ListingStatus::Scheduled) => {
            let opens = listing
                .opens_at
                .map(calendar::format_local)
                .unwrap_or_default();
            Err(ApiError::coded(
                ErrorCode::ListingAnnounced,
                format!(
                    "挂牌 #{} 仍在公告期内，{opens}（北京时间）起方可购买（R16）",
                    listing.id
                ),
                format!(
                    "Listing #{} is still announced: it can be bought from {opens} Beijing time (R16)",
                    listing.id
                ),
            ))
        }
        PurchaseOutcome::NotOpen(status) => Err(ApiError::coded(
            ErrorCode::ListingClosed,
            format!("挂牌 #{} {}，不能购买", listing.id, status.label_zh()),
            format!(
                "Listing #{} is {}; it cannot be bought",
                listing.id,
                status.label_en()
            ),
        )),
        PurchaseOutcome::NotEnough { remaining } => Err(ApiError::coded(
            ErrorCode::InsufficientRemaining,
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
    params(PageQuery),
    responses((status = 200, description = "购买方：本人的；县局：本县售出的；财政、管理员：全部；最新在前 / buyer: own; bureau: its sales; finance, admin: all; newest first", body = PurchasesResponse),
        (status = 401, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn list_purchases<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<PurchasesResponse>, ApiError> {
    let page = Page::of(&q)?;
    let u = &user.0;
    let scope = match u.role {
        Role::Buyer => PurchaseScope::Buyer(u.id),
        Role::CountyBureau => {
            PurchaseScope::Seller(u.county_code.clone().ok_or(ApiError::Internal)?)
        }
        Role::Finance | Role::Admin | Role::Supervisor => PurchaseScope::All,
    };
    let rows = state
        .store
        .purchases_page(
            &scope,
            state.clock.now(),
            page.after_id(),
            page.read_limit(),
        )
        .await?;
    let (purchases, next_cursor) = page.take(rows, Order::Descending, |p| Position::id(p.id));
    Ok(Json(PurchasesResponse {
        purchases,
        next_cursor,
    }))
}

fn not_reserved(id: i64, status: PurchaseStatus) -> ApiError {
    ApiError::coded(
        ErrorCode::PurchaseNotReserved,
        format!("交易 #{id} {}，不能再办理", status.label_zh()),
        format!("Purchase #{id} is {status:?}; nothing more can be done with it"),
    )
}

#[utoipa::path(post, path = "/api/v1/purchases/{id}/settle", tag = "purchases",
    params(("id" = i64, Path)), request_body = SettleRequest,
    responses((status = 200, body = PurchaseResponse), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "不是待付款状态 / not reserved", body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn settle_purchase<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    body: ApiJson<SettleRequest>,
) -> Result<Json<PurchaseResponse>, ApiError> {
    let bank_reference = body.value.bank_reference.trim().to_string();
    let now = state.clock.now();
    let (purchase, _) = state
        .store
        .purchase(id, now)
        .await?
        .ok_or_else(|| purchase_not_found(id))?;
    if user.0.role != Role::Finance {
        user.require_bureau_of(&purchase.seller_county_code)?;
    }
    if bank_reference.is_empty() {
        return Err(ApiError::invalid(
            "bank_reference",
            ErrorCode::Required,
            "请填写银行流水号",
            "The bank reference is required",
        ));
    }
    let units = state.store.jurisdictions().await?;
    let seller = county_of(&units, &purchase.seller_county_code)?;
    // R16: the trade is published for the period in force on the day it settles.
    let book = super::lookup::rule_book(&state).await?;
    let publicity = book.periods_on(calendar::day_of(now)).publicity_days;
    let publicity_ends_at = now + Duration::days(i64::from(publicity));
    match state
        .store
        .settle(
            id,
            &seller.name,
            &bank_reference,
            publicity_ends_at,
            &user.0.username,
            now,
        )
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
#[tracing::instrument(skip_all)]
async fn cancel_purchase<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PurchaseResponse>, ApiError> {
    let buyer = user.require(&[Role::Buyer])?;
    // Another buyer's purchase does not exist for this buyer.
    let now = state.clock.now();
    let (purchase, _) = state
        .store
        .purchase(id, now)
        .await?
        .filter(|(_, owner)| *owner == buyer.id)
        .ok_or_else(|| purchase_not_found(id))?;
    if !state
        .store
        .release(id, PurchaseStatus::Cancelled, &buyer.username, now)
        .await?
    {
        let status = state
            .store
            .purchase(id, now)
            .await?
            .map(|(p, _)| p.status)
            .unwrap_or(purchase.status);
        return Err(not_reserved(id, status));
    }
    let (purchase, _) = state
        .store
        .purchase(id, now)
        .await?
        .ok_or_else(|| purchase_not_found(id))?;
    Ok(Json(PurchaseResponse { purchase }))
}

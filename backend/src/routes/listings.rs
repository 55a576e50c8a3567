//! Listings on both channels: a county bureau lists (R2/R3 checked) and withdraws; anyone
//! reads them, each in its effective state at the time of the read.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use quota_shared::api::{
    ErrorEnvelope, ListingResponse, ListingStatus, ListingsResponse, NewListing, Role,
};
use quota_shared::calendar;
use quota_shared::codes::ErrorCode;
use quota_shared::rules::{Channel, check_listing_quantities, floor_on, validate_listing};
use quota_shared::{DomainError, FieldError};
use serde::Deserialize;

use super::lookup::load_listing;
use super::page::{Order, Page, PageQuery, Position};
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::json::ApiJson;
use crate::scheduler;
use crate::state::AppState;
use crate::store::Store;
use crate::store::types::{ListingDraft, ListingFilter, ListingInsert};

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new()
        .route(
            "/listings",
            get(list_listings::<S>).post(create_listing::<S>),
        )
        .route("/listings/{id}", get(get_listing::<S>))
        .route("/listings/{id}/withdraw", post(withdraw_listing::<S>))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(create_listing, list_listings, get_listing, withdraw_listing))]
pub(super) struct Doc;

#[utoipa::path(post, path = "/api/v1/listings", tag = "listings",
    request_body = NewListing,
    responses((status = 201, body = ListingResponse), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope),
        (status = 409, description = "超出复垦项目可挂牌的节余指标 / more than a project has left to list (`exceeds_stock`)", body = ErrorEnvelope),
        (status = 422, description = "R2/R3、项目不属于本县、未验收项目未标预支或输入错误 / R2, R3, a project not of the county, an unaccepted project not listed as advance, or invalid input", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn create_listing<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    body: ApiJson<NewListing>,
) -> Result<(StatusCode, Json<ListingResponse>), ApiError> {
    let user = user.require(&[Role::CountyBureau])?;
    let county = user.county_code.clone().ok_or(ApiError::Internal)?;
    let l = body.value;
    let plan = super::sources::plan(&state, &county, &l).await?;
    check_listing_quantities(
        plan.area,
        plan.share.farmland_mu,
        plan.share.paddy_mu,
        plan.share.grain_capacity_kg,
    )?;
    let now = state.clock.now();
    let day = calendar::day_of(now);
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
    let book = super::lookup::rule_book(&state).await?;
    validate_listing(l.channel, l.price_per_mu, base, day, &floors, &book)
        .map_err(ApiError::Rules)?;
    // The whole listing bought at its price must be an amount the platform can hold; every
    // purchase of a part of it then is too.
    l.price_per_mu
        .amount_for(plan.area)
        .map_err(|e| FieldError::new("price_per_mu", e))?;
    if let Some(closes) = l.closes_at
        && closes <= now
    {
        return Err(ApiError::invalid(
            "closes_at",
            ErrorCode::InThePast,
            "截止时间须晚于现在",
            "The closing time must be in the future",
        ));
    }
    // R4, R5 as in force today; a lot keeps its step for life.
    let params = &state.params.as_on(&book, day);
    let mut opens_at = l.opens_at;
    let (status, start_total, deposit) = match l.channel {
        Channel::County => {
            // R16: announced for the period in force today before it can be bought; the
            // bureau may name a later opening, never an earlier one.
            let announce = book.periods_on(day).announce_days;
            let earliest = now + time::Duration::days(i64::from(announce));
            opens_at = match l.opens_at {
                Some(o) if o < earliest => {
                    return Err(ApiError::invalid(
                        "opens_at",
                        ErrorCode::InThePast,
                        format!(
                            "开始购买时间不得早于公告期满（{announce} 日，{}，北京时间）",
                            calendar::format_local(earliest)
                        ),
                        format!(
                            "Buying cannot open before the announcement period ({announce} days) ends: {} Beijing time",
                            calendar::format_local(earliest)
                        ),
                    ));
                }
                Some(o) => Some(o),
                None => (announce > 0).then_some(earliest),
            };
            if let (Some(o), Some(c)) = (opens_at, l.closes_at)
                && o >= c
            {
                return Err(ApiError::invalid(
                    "closes_at",
                    ErrorCode::OpensAfterClose,
                    format!(
                        "截止时间须晚于开始购买时间（公告期满 {}，北京时间）",
                        calendar::format_local(o)
                    ),
                    format!(
                        "The closing time must come after buying opens ({} Beijing time, when the announcement ends)",
                        calendar::format_local(o)
                    ),
                ));
            }
            (ListingStatus::Open, None, None)
        }
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
                    ErrorCode::OpensAfterClose,
                    "开始竞价时间须早于截止时间",
                    "Bidding must open before it closes",
                ));
            }
            let start = params
                .start_total(plan.area, l.price_per_mu)
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
        area: plan.area,
        farmland: plan.share.farmland_mu,
        paddy: plan.share.paddy_mu,
        grain_capacity_kg: plan.share.grain_capacity_kg,
        price: l.price_per_mu,
        start_total,
        deposit,
        bid_step: start_total.map(|_| params.bid_step),
        source_project: plan.names,
        township: plan.townships,
        advance: plan.advance,
        sources: plan.sources,
        listed_at: now,
        opens_at,
        closes_at: l.closes_at,
        ruleset_version: book.labels_on(day),
        floor_effective_from: floor_on(&floors, day).map(|f| f.effective_from),
        created_by: user.id,
        actor: user.username.clone(),
    };
    let id = match state.store.insert_listing(&draft).await? {
        ListingInsert::Inserted(id) => id,
        // Drawn on by another listing since the check above.
        ListingInsert::Short {
            project_id,
            available,
        } => {
            let n = draft
                .sources
                .iter()
                .position(|s| s.project_id == project_id)
                .unwrap_or_default();
            let name = state
                .store
                .project(project_id)
                .await?
                .map(|p| p.name)
                .unwrap_or_default();
            return Err(super::sources::exceeds(n, &name, available));
        }
    };
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
    limit: Option<u32>,
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/listings", tag = "listings",
    params(("county" = Option<String>, Query, description = "区划代码 / county code"),
        ("channel" = Option<Channel>, Query), ("status" = Option<ListingStatus>, Query), PageQuery),
    responses((status = 200, body = ListingsResponse), (status = 422, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn list_listings<S: Store>(
    State(state): State<AppState<S>>,
    ApiQuery(q): ApiQuery<ListingQuery>,
) -> Result<Json<ListingsResponse>, ApiError> {
    let bad = super::page::bad_filter;
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
            .map(|s| s.parse::<ListingStatus>().map_err(|_| bad("status", s)))
            .transpose()?,
    };
    let page = Page::parse(q.limit, q.cursor.as_deref())?;
    let now = state.clock.now();
    let rows = state
        .store
        .listings_page(&filter, now, page.after_time()?, page.read_limit())
        .await?;
    let (listings, next_cursor) =
        page.take(rows, Order::Descending, |l| Position::at(l.listed_at, l.id));
    Ok(Json(ListingsResponse {
        listings,
        next_cursor,
    }))
}

#[utoipa::path(get, path = "/api/v1/listings/{id}", tag = "listings",
    params(("id" = i64, Path)),
    responses((status = 200, body = ListingResponse), (status = 404, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn get_listing<S: Store>(
    State(state): State<AppState<S>>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ListingResponse>, ApiError> {
    Ok(Json(ListingResponse {
        listing: load_listing(&state, id).await?,
    }))
}

#[utoipa::path(post, path = "/api/v1/listings/{id}/withdraw", tag = "listings",
    params(("id" = i64, Path)),
    responses((status = 200, body = ListingResponse), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "挂牌已结束，或标的已有出价 / the listing has ended, or the lot has bids (`lot_has_bids`)", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn withdraw_listing<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ListingResponse>, ApiError> {
    let listing = load_listing(&state, id).await?;
    user.require_bureau_of(&listing.county_code)?;
    let now = state.clock.now();
    // A sold-out listing whose reservations fell due reads as open: give their area back
    // first, as a purchase does, so the withdrawal sees what the bureau sees.
    scheduler::release_due_reservations_of(&state.store, id, now).await;
    if !state
        .store
        .withdraw_listing(id, &user.0.username, now)
        .await?
    {
        let listing = load_listing(&state, id).await?;
        if listing.status == ListingStatus::Bidding && listing.bid_count > 0 {
            return Err(ApiError::coded(
                ErrorCode::LotHasBids,
                format!(
                    "标的 #{id} 已有 {} 次出价，不能撤回；竞价将在截止时间按价高者得结束",
                    listing.bid_count
                ),
                format!(
                    "Lot #{id} has {} bid(s): it cannot be withdrawn; bidding runs to its close and the highest bid wins",
                    listing.bid_count
                ),
            ));
        }
        return Err(ApiError::coded(
            ErrorCode::ListingClosed,
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

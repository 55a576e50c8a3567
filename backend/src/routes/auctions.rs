//! Bids on regional lots (R4, R11). A bid is one conditional write on the lot, so concurrent
//! bids serialise there; lots close in the scheduler.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use quota_shared::api::{BidRequest, BidResponse, ErrorEnvelope, ListingStatus, Role};
use quota_shared::codes::ErrorCode;
use quota_shared::rules::{self, Channel, RuleId};
use quota_shared::{auction, calendar};

use super::lookup::load_listing;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::json::ApiJson;
use crate::state::AppState;
use crate::store::Store;
use crate::store::types::{BidDraft, BidOutcome};

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new().route("/listings/{id}/bids", post(place_bid::<S>))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(place_bid))]
pub(super) struct Doc;

#[utoipa::path(post, path = "/api/v1/listings/{id}/bids", tag = "listings",
    params(("id" = i64, Path)), request_body = BidRequest,
    responses((status = 201, body = BidResponse), (status = 401, body = ErrorEnvelope),
        (status = 403, description = "非购买方账号 / not a buyer account", body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
        (status = 409, description = "竞价未开始或已结束 / bidding not open", body = ErrorEnvelope),
        (status = 422, description = "R4/R11、wrong_channel 或输入错误 / R4, R11, wrong channel or invalid input", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn place_bid<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    body: ApiJson<BidRequest>,
) -> Result<(StatusCode, Json<BidResponse>), ApiError> {
    let bidder = user.require(&[Role::Buyer])?.clone();
    let party = super::organisations::require_approved(&state, &bidder).await?;
    let amount = body.value.amount_yuan.get();
    let now = state.clock.now();
    let lot = load_listing(&state, id).await?;
    if lot.channel == Channel::County {
        return Err(ApiError::WrongChannel {
            zh: "县级平台的挂牌按挂牌价直接购买，不竞价".into(),
            en: "A county listing is bought at its price, not bid on".into(),
        });
    }
    let start = lot.start_total_yuan.ok_or(ApiError::Internal)?;
    // The lot's own step (R4 as in force when listed); R5 and the ceiling as today.
    let day = calendar::day_of(now);
    let book = super::lookup::rule_book(&state).await?;
    let mut params = state.params.as_on(&book, day);
    if let Some(step) = lot.bid_step_yuan {
        params.bid_step = step;
    }
    let params = &params;
    // R11 belongs to the organisation (#16): a 人民政府, or a body holding an authorisation
    // valid today; an account without an organisation keeps its own mark.
    let may_bid = match &party {
        Some(o) => o.bids_regionally_on(day),
        None => bidder.regional_bidder,
    };
    if let Some(a) = party
        .as_ref()
        .filter(|o| o.regional_bidder && !may_bid && book.applies(RuleId::R11, day))
        .and_then(|o| o.authorisation.as_ref())
    {
        return Err(ApiError::Rules(vec![
            quota_shared::rules::RuleViolation::new(
                RuleId::R11,
                format!(
                    "竞买授权文件（{}）的有效期为 {} 至 {}，今天不在有效期内；请上传新的授权文件并联系管理员更新",
                    a.number, a.valid_from, a.valid_until
                ),
                format!(
                    "The bidding authorisation ({}) is valid from {} to {}, not today: upload a new one and ask the administrator to update it",
                    a.number, a.valid_from, a.valid_until
                ),
            ),
        ]));
    }
    auction::validate_bid(
        params,
        may_bid || !book.applies(RuleId::R11, day),
        lot.area_mu,
        start,
        lot.high_bid_yuan,
        amount,
    )
    .map_err(ApiError::Rules)?;
    let outcome = state
        .store
        .place_bid(&BidDraft {
            listing_id: id,
            bidder_id: bidder.id,
            bidder: bidder.username.clone(),
            amount,
            step: params.bid_step,
            ruleset_version: book.labels_on(day),
            now,
        })
        .await?;
    crate::meters::bid(matches!(outcome, BidOutcome::Placed(_)));
    match outcome {
        BidOutcome::Placed(bid) => Ok((StatusCode::CREATED, Json(BidResponse { bid }))),
        BidOutcome::Outbid { min_next } => Err(ApiError::Rules(vec![rules::bid_violation(
            amount,
            min_next,
            params.bid_step,
            false,
        )])),
        BidOutcome::NotOpen { status, opens_at } => Err(match (status, opens_at) {
            (ListingStatus::Scheduled, Some(opens)) => ApiError::coded(
                ErrorCode::BiddingNotOpen,
                format!("竞价尚未开始，开始时间 {opens}"),
                format!("Bidding has not opened; it opens at {opens}"),
            ),
            (status, _) => ApiError::coded(
                ErrorCode::BiddingClosed,
                format!("竞价已结束（{}）", status.label_zh()),
                format!("Bidding has ended ({})", status.label_en()),
            ),
        }),
    }
}

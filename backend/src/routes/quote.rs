//! The calculator on the server (`POST /api/v1/quote`): the same `quota_shared::calculator`
//! the web app runs offline, over the market as it is now.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use quota_shared::FieldError;
use quota_shared::api::{ErrorEnvelope, QuoteRequest, QuoteResponse};
use quota_shared::calculator::{self, Market};
use quota_shared::calendar;

use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;
use crate::store::Store;
use crate::store::types::ListingFilter;

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new().route("/quote", post(quote::<S>))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(quote))]
pub(super) struct Doc;

#[utoipa::path(post, path = "/api/v1/quote", tag = "calculator",
    request_body = QuoteRequest,
    responses((status = 200, body = QuoteResponse), (status = 400, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn quote<S: Store>(
    State(state): State<AppState<S>>,
    body: ApiJson<QuoteRequest>,
) -> Result<Json<QuoteResponse>, ApiError> {
    let now = state.clock.now();
    let units = state.store.jurisdictions().await?;
    let listings = state.store.listings(&ListingFilter::default(), now).await?;
    let day = calendar::day_of(now);
    let book = super::lookup::rule_book(&state).await?;
    let params = state.params.as_on(&book, day);
    let market = Market {
        units: &units,
        listings: &listings,
        params: &params,
        book: &book,
        day,
    };
    let quote = calculator::quote(&body.value.project, market).map_err(|e| {
        // The project is nested in the request: name the field by its full path.
        FieldError::new(format!("project.{}", e.field), e.error)
    })?;
    Ok(Json(QuoteResponse { quote }))
}

//! Proceeds per county and year (Asia/Shanghai year of settlement), their allocation to the
//! configured uses (R12) and disbursements; allocated ≤ received and disbursed ≤ allocated are
//! enforced in the store's transactions.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use quota_shared::api::{
    AllocationRequest, AllocationResponse, AllocationsResponse, DisbursementRequest,
    DisbursementResponse, ErrorEnvelope, ProceedsResponse, ProceedsRow, Role,
};
use quota_shared::calendar;
use quota_shared::codes::ErrorCode;
use quota_shared::jurisdiction::{self, CountyCode};
use quota_shared::rules;
use quota_shared::{DomainError, FieldError};
use serde::Deserialize;
use time::OffsetDateTime;

use super::page::{Order, Page, PageQuery, Position};
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::json::ApiJson;
use crate::state::AppState;
use crate::store::Store;
use crate::store::types::{AllocateOutcome, AllocationDraft, DisburseOutcome, DisbursementDraft};

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new()
        .route("/proceeds", get(proceeds::<S>))
        .route(
            "/allocations",
            get(list_allocations::<S>).post(allocate::<S>),
        )
        .route("/disbursements", post(disburse::<S>))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(proceeds, allocate, list_allocations, disburse))]
pub(super) struct Doc;

/// The Asia/Shanghai calendar year `year` as UTC instants [from, to), or 422 naming the range.
pub(super) fn year_bounds(year: i32) -> Result<(OffsetDateTime, OffsetDateTime), ApiError> {
    calendar::year_bounds(year).ok_or_else(|| {
        ApiError::invalid(
            "year",
            ErrorCode::InvalidYear,
            format!(
                "年份 {year} 无效，请填写 {}–{} 之间的年份",
                calendar::YEARS.start(),
                calendar::YEARS.end()
            ),
            format!(
                "Invalid year {year}; give a year from {} to {}",
                calendar::YEARS.start(),
                calendar::YEARS.end()
            ),
        )
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    year: Option<i32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocationsQuery {
    year: Option<i32>,
    county: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
}

/// The year asked for, or the current Asia/Shanghai year.
pub(super) fn year_or_now<S>(state: &AppState<S>, year: Option<i32>) -> i32 {
    year.unwrap_or_else(|| calendar::year_of(state.clock.now()))
}

#[utoipa::path(get, path = "/api/v1/proceeds", tag = "finance",
    params(("year" = Option<i32>, Query, description = "结算年度（北京时间），默认今年 / year of settlement (Asia/Shanghai), default this year")),
    responses((status = 200, body = ProceedsResponse), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn proceeds<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<ProceedsResponse>, ApiError> {
    user.require(&[Role::Finance, Role::Admin, Role::Supervisor])?;
    Ok(Json(
        proceeds_of(&state, year_or_now(&state, q.year)).await?,
    ))
}

/// The proceeds table of a year, shared by the JSON route and the exports.
pub(super) async fn proceeds_of<S: Store>(
    state: &AppState<S>,
    year: i32,
) -> Result<ProceedsResponse, ApiError> {
    year_bounds(year)?; // a year out of range is the caller's to fix (422)
    let units = state.store.jurisdictions().await?;
    let rows = state.store.proceeds(year).await?;
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
#[tracing::instrument(skip_all)]
async fn allocate<S: Store>(
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
    // R12: the uses in force today.
    let categories = super::lookup::rule_book(&state)
        .await?
        .use_categories_on(calendar::day_of(state.clock.now()));
    rules::check_allocation_use(&req.use_, &categories).map_err(|v| ApiError::Rules(vec![v]))?;
    let year = year_or_now(&state, req.year);
    year_bounds(year)?; // a year out of range is the caller's to fix (422)
    let now = state.clock.now();
    let draft = AllocationDraft {
        county_code: req.county_code.clone(),
        year,
        use_name: req.use_,
        amount: req.amount_yuan.get(),
        note: req.note.trim().to_string(),
        created_by: finance.id,
        actor: finance.username.clone(),
        now,
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
                ErrorCode::ExceedsReceived,
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
    params(("year" = Option<i32>, Query), ("county" = Option<String>, Query), PageQuery),
    responses((status = 200, description = "最早在前 / oldest first", body = AllocationsResponse), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn list_allocations<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<AllocationsQuery>,
) -> Result<Json<AllocationsResponse>, ApiError> {
    user.require(&[Role::Finance, Role::Admin, Role::Supervisor])?;
    let page = Page::parse(q.limit, q.cursor.as_deref())?;
    let county: Option<CountyCode> = q
        .county
        .as_deref()
        .map(|c| c.parse().map_err(|e| FieldError::new("county", e)))
        .transpose()?;
    let year = year_or_now(&state, q.year);
    year_bounds(year)?;
    let (allocations, next_cursor) = page.take(
        state.store.allocations(year, county.as_ref()).await?,
        Order::Ascending,
        |a| Position::id(a.id),
    );
    Ok(Json(AllocationsResponse {
        allocations,
        next_cursor,
    }))
}

#[utoipa::path(post, path = "/api/v1/disbursements", tag = "finance",
    request_body = DisbursementRequest,
    responses((status = 201, body = DisbursementResponse), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope),
        (status = 422, description = "超过已分配金额或输入错误 / more than allocated, or invalid input", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn disburse<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    body: ApiJson<DisbursementRequest>,
) -> Result<(StatusCode, Json<DisbursementResponse>), ApiError> {
    let finance = user.require(&[Role::Finance])?;
    let req = body.value;
    for (field, value, zh) in [
        ("voucher_no", &req.voucher_no, "请填写凭证号"),
        ("bank_reference", &req.bank_reference, "请填写银行流水号"),
    ] {
        if value.trim().is_empty() {
            return Err(ApiError::invalid(
                field,
                ErrorCode::Required,
                zh,
                format!("{field} is required"),
            ));
        }
    }
    let draft = DisbursementDraft {
        allocation_id: req.allocation_id,
        amount: req.amount_yuan.get(),
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
                ErrorCode::ExceedsAllocated,
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

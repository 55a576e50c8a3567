//! Serial numbers (docs/DOMAIN.md, "Serial numbers"): a trade's serial blocks
//! (`GET /purchases/{id}/serials`, for who may see the trade) and the public trace of one
//! serial (`GET /trace/{serial}`, no login): its project, the trade that holds it and the use
//! that retired it, with no personal data.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use quota_shared::api::{
    ErrorEnvelope, Role, SerialsResponse, TraceResponse, TradeTraceResponse, VerificationResponse,
};
use quota_shared::codes::ErrorCode;
use quota_shared::serial::Serial;

use super::lookup::purchase_not_found;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::state::AppState;
use crate::store::Store;

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new()
        .route("/purchases/{id}/serials", get(serials::<S>))
        .route("/trace/{serial}", get(trace::<S>))
        .route("/trace/trade/{number}", get(trade::<S>))
        .route("/verify/{code}", get(verify::<S>))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(serials, trace, trade, verify))]
pub(super) struct Doc;

#[utoipa::path(get, path = "/api/v1/purchases/{id}/serials", tag = "purchases", params(("id" = i64, Path)),
    responses((status = 200, description = "成交确认（公示期满）后才有序列号 / serials come with the trade's number", body = SerialsResponse),
        (status = 401, body = ErrorEnvelope), (status = 404, description = "无此交易，或不是本人／本县的 / no such trade, or not yours or your county's", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn serials<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<SerialsResponse>, ApiError> {
    let (purchase, buyer) = state
        .store
        .purchase(id, state.clock.now())
        .await?
        .ok_or_else(|| purchase_not_found(id))?;
    let u = &user.0;
    let allowed = match u.role {
        Role::Buyer => buyer == u.id,
        Role::CountyBureau => u.county_code.as_ref() == Some(&purchase.seller_county_code),
        Role::Finance | Role::Admin | Role::Supervisor => true,
    };
    if !allowed {
        // Another buyer's or county's trade reads as none at all.
        return Err(purchase_not_found(id));
    }
    Ok(Json(SerialsResponse {
        purchase_id: id,
        verify_code: state
            .store
            .verify_code_of(id)
            .await?
            .map(|c| quota_shared::serial::printed_code(&c)),
        blocks: state.store.purchase_serials(id).await?,
    }))
}

#[utoipa::path(get, path = "/api/v1/trace/{serial}", tag = "purchases",
    params(("serial" = String, Path, description = "序列号，如 450422-2026-0007-000000001 / a serial")),
    responses((status = 200, body = TraceResponse),
        (status = 404, description = "没有已成交的指标使用这个序列号 / no final trade holds it", body = ErrorEnvelope),
        (status = 422, description = "序列号格式不对 / not a serial", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn trace<S: Store>(
    State(state): State<AppState<S>>,
    ApiPath(text): ApiPath<String>,
) -> Result<Json<TraceResponse>, ApiError> {
    let Some(serial) = Serial::parse(&text) else {
        return Err(ApiError::invalid(
            "serial",
            ErrorCode::InvalidValue,
            "序列号格式不对：应为“县级区划代码-年份-项目编号-单位编号”，如 450422-2026-0007-000000001",
            "Not a serial: county-year-project-unit, e.g. 450422-2026-0007-000000001",
        ));
    };
    let trace = state.store.trace(&serial).await?.ok_or_else(|| {
        ApiError::not_found(
            &format!("使用序列号 {serial} 的已成交指标"),
            &format!("A final trade holding serial {serial}"),
        )
    })?;
    Ok(Json(TraceResponse { trace }))
}

#[utoipa::path(get, path = "/api/v1/trace/trade/{number}", tag = "purchases",
    params(("number" = String, Path, description = "成交确认书编号，如 藤县〔2026〕第0001号 / the confirmation's number")),
    responses((status = 200, description = "成交的公开信息与全部序列号段及其来源项目 / the trade's public facts, and every serial block with its source project", body = TradeTraceResponse),
        (status = 404, description = "没有这个编号的已成交交易 / no final trade has this number", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn trade<S: Store>(
    State(state): State<AppState<S>>,
    ApiPath(number): ApiPath<String>,
) -> Result<Json<TradeTraceResponse>, ApiError> {
    let number = number.trim();
    let not_found = || {
        ApiError::not_found(
            &format!("编号为 {number} 的成交确认书（请核对编号，如 藤县〔2026〕第0001号）"),
            &format!(
                "A confirmation numbered {number} (check the number, e.g. 藤县〔2026〕第0001号)"
            ),
        )
    };
    // A number is short: anything longer is no number, and is not looked up.
    if number.is_empty() || number.chars().count() > 40 {
        return Err(not_found());
    }
    let id = state
        .store
        .purchase_numbered(number)
        .await?
        .ok_or_else(not_found)?;
    let trace = state.store.trade_trace(id).await?.ok_or_else(not_found)?;
    Ok(Json(TradeTraceResponse { trace }))
}

#[utoipa::path(get, path = "/api/v1/verify/{code}", tag = "purchases",
    params(("code" = String, Path, description = "成交确认书上的核验码，如 7K3Q-M9XD-2HFA / the 核验码 printed on the confirmation")),
    responses((status = 200, description = "确认书应载明的内容与审计记录是否完好 / what the confirmation must say, and whether its audit records are intact", body = VerificationResponse),
        (status = 404, description = "没有这个核验码的成交确认书 / no confirmation has this code", body = ErrorEnvelope),
        (status = 422, description = "核验码格式不对 / not a code", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn verify<S: Store>(
    State(state): State<AppState<S>>,
    ApiPath(text): ApiPath<String>,
) -> Result<Json<VerificationResponse>, ApiError> {
    let Some(code) = quota_shared::serial::normal_code(&text) else {
        return Err(ApiError::invalid(
            "code",
            ErrorCode::InvalidValue,
            "核验码为 12 位字母和数字，如 7K3Q-M9XD-2HFA（印在成交确认书上）",
            "A 核验码 is 12 letters and digits, e.g. 7K3Q-M9XD-2HFA (printed on the confirmation)",
        ));
    };
    let verification = state.store.verification(&code).await?.ok_or_else(|| {
        ApiError::not_found(
            &format!(
                "核验码为 {} 的成交确认书",
                quota_shared::serial::printed_code(&code)
            ),
            &format!(
                "A confirmation with code {}",
                quota_shared::serial::printed_code(&code)
            ),
        )
    })?;
    Ok(Json(VerificationResponse { verification }))
}

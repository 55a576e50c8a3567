//! Exports for finance: proceeds, allocations and trades of a year as CSV (UTF-8 with BOM) or
//! XLSX, laid out here and rendered by [`crate::reports`].

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use quota_shared::api::{ErrorEnvelope, PurchaseKind, PurchaseStatus, Role};
use quota_shared::calendar;
use quota_shared::jurisdiction::{self, CountyCode};
use serde::Deserialize;

use super::finance;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::reports::{Cell, Report};
use crate::state::AppState;
use crate::store::Store;
use crate::store::types::PurchaseScope;

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new().route("/reports/{file}", get(report::<S>))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(report))]
pub(super) struct Doc;

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
#[tracing::instrument(skip_all)]
async fn report<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath(file): ApiPath<String>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    user.require(&[Role::Finance, Role::Admin])?;
    let not_found = || {
        ApiError::not_found(
            &format!("报表 {file}（可选 proceeds、allocations、trades 的 .csv 或 .xlsx）"),
            &format!("Report {file} (proceeds, allocations or trades as .csv or .xlsx)"),
        )
    };
    let (name, ext) = file.rsplit_once('.').ok_or_else(not_found)?;
    let year = finance::year_or_now(&state, q.year);
    let (from, to) = finance::year_bounds(year)?;
    let units = state.store.jurisdictions().await?;
    let county_name = |code: &CountyCode| {
        jurisdiction::find(&units, code)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let report = match name {
        "proceeds" => {
            let table = finance::proceeds_of(&state, year).await?;
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
                        Cell::Text(calendar::day_of(a.created_at).to_string()),
                    ]
                })
                .collect(),
        },
        "trades" => {
            let mut trades: Vec<_> = state
                .store
                .purchases(&PurchaseScope::All, state.clock.now())
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
                                    .map(|t| calendar::day_of(t).to_string())
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

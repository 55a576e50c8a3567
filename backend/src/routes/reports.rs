//! Exports for finance: proceeds, allocations and trades of a year as CSV (UTF-8 with BOM) or
//! XLSX, laid out here and rendered by [`crate::reports`].

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use quota_shared::api::{ErrorEnvelope, Purchase, PurchaseKind, Role};
use quota_shared::calendar;
use quota_shared::jurisdiction::{self, CountyCode, Jurisdiction};
use serde::Deserialize;
use time::OffsetDateTime;

use super::finance;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::reports::{Cell, Report, Totals, XlsxSheet, csv_header, csv_line};
use crate::state::AppState;
use crate::store::{Store, StoreError};

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
    user.require(&[Role::Finance, Role::Admin, Role::Supervisor])?;
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
        "trades" if matches!(ext, "csv" | "xlsx") => {
            let pages = TradePages::new(state.store.clone(), from, to);
            return trades_export(pages, units, year, ext).await;
        }
        _ => return Err(not_found()),
    };
    match ext {
        "csv" => Ok(attachment(&report.file_stem, ext, CSV, report.to_csv())),
        "xlsx" => Ok(attachment(
            &report.file_stem,
            ext,
            XLSX,
            report.to_xlsx().map_err(xlsx_failed)?,
        )),
        _ => Err(not_found()),
    }
}

const CSV: &str = "text/csv; charset=utf-8";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A download: its type, and the file name the browser saves it under.
fn attachment(file_stem: &str, ext: &str, content_type: &str, body: impl Into<Body>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_stem}.{ext}\""),
            ),
        ],
        body.into(),
    )
        .into_response()
}

/// An XLSX that could not be written: logged, and a 500 for the caller.
fn xlsx_failed(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "xlsx export");
    ApiError::Internal
}

const TRADE_HEADERS: [&str; 9] = [
    "成交确认书编号",
    "出让方",
    "受让方",
    "方式",
    "面积（亩）",
    "单价（元/亩）",
    "成交金额（元）",
    "项目",
    "结算日期",
];

/// Trades read from the database per page while the export is written.
const TRADES_PER_PAGE: usize = 1000;

/// The settled trades of a year in settlement order, a page at a time.
struct TradePages<S> {
    store: S,
    from: OffsetDateTime,
    to: OffsetDateTime,
    after: Option<(OffsetDateTime, i64)>,
    done: bool,
}

impl<S: Store> TradePages<S> {
    fn new(store: S, from: OffsetDateTime, to: OffsetDateTime) -> Self {
        Self {
            store,
            from,
            to,
            after: None,
            done: false,
        }
    }

    /// The next page; `None` after the last.
    async fn next(&mut self) -> Result<Option<Vec<Purchase>>, StoreError> {
        if self.done {
            return Ok(None);
        }
        let page = self
            .store
            .settled_page(self.from, self.to, self.after, TRADES_PER_PAGE)
            .await?;
        self.done = page.len() < TRADES_PER_PAGE;
        match page.last() {
            Some(last) => {
                let at = last.settled_at.ok_or_else(|| {
                    StoreError::Corrupt(format!("settled trade {} without a time", last.id))
                })?;
                self.after = Some((at, last.id));
                Ok(Some(page))
            }
            None => Ok(None),
        }
    }
}

fn trade_row(p: Purchase, units: &[Jurisdiction]) -> Vec<Cell> {
    let county = jurisdiction::find(units, &p.seller_county_code)
        .map(|u| u.name.clone())
        .unwrap_or_else(|| p.seller_county_code.to_string());
    vec![
        Cell::Text(p.confirmation_no.unwrap_or_default()),
        Cell::Text(county),
        Cell::Text(p.buyer_organisation.unwrap_or(p.buyer)),
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
}

/// The trades export at any size, with memory bounded by a page of trades:
/// - CSV is sent as it is read: the first page is read before the answer starts (so a
///   database that fails gives a 500, not a cut file), then a page per chunk, the totals last.
/// - XLSX cannot be sent before it is complete (its directory comes last), so a blocking task
///   writes the rows to a temporary file as the pages arrive (constant-memory sheets), and the
///   finished file is sent from the disk.
async fn trades_export<S: Store>(
    mut pages: TradePages<S>,
    units: Vec<Jurisdiction>,
    year: i32,
    ext: &str,
) -> Result<Response, ApiError> {
    let file_stem = format!("trades-{year}");
    let first = pages.next().await?;
    let (body, content_type) = if ext == "csv" {
        let start = (pages, Totals::new(TRADE_HEADERS.len()), first, units);
        let chunks = futures_util::stream::unfold(Some(start), |state| async move {
            let (mut pages, mut totals, page, units) = state?;
            let page = match page {
                Some(page) => Ok(Some(page)),
                None => pages.next().await,
            };
            match page {
                Ok(Some(page)) => {
                    let mut chunk = String::new();
                    for trade in page {
                        let row = trade_row(trade, &units);
                        totals.add(&row);
                        chunk.push_str(&csv_line(&row));
                    }
                    Some((Ok(Bytes::from(chunk)), Some((pages, totals, None, units))))
                }
                Ok(None) => Some((Ok(Bytes::from(csv_line(&totals.row()))), None)),
                Err(e) => {
                    tracing::error!(error = %e, "trades export: a page could not be read; the file is cut short");
                    Some((Err(std::io::Error::other(e.to_string())), None))
                }
            }
        });
        let header = futures_util::stream::once(async move {
            Ok::<_, std::io::Error>(Bytes::from(csv_header(&TRADE_HEADERS)))
        });
        (
            Body::from_stream(futures_util::StreamExt::chain(header, chunks)),
            CSV,
        )
    } else {
        let sheet = format!("{year}年成交");
        // Pages of rows, then `None` once every page was sent: a channel closed before that
        // means the request is gone (the client left, or a page failed), and the file is
        // abandoned instead of finished for nobody.
        let (send, mut receive) = tokio::sync::mpsc::channel::<Option<Vec<Vec<Cell>>>>(2);
        let writer = tokio::task::spawn_blocking(move || -> Result<std::fs::File, String> {
            let mut xlsx =
                XlsxSheet::new(&sheet, &TRADE_HEADERS, true).map_err(|e| e.to_string())?;
            let mut totals = Totals::new(TRADE_HEADERS.len());
            loop {
                match receive.blocking_recv() {
                    Some(Some(rows)) => {
                        for row in rows {
                            totals.add(&row);
                            xlsx.row(&row, false).map_err(|e| e.to_string())?;
                        }
                    }
                    Some(None) => break,
                    None => return Err("the request ended before every page was read".into()),
                }
            }
            xlsx.row(&totals.row(), true).map_err(|e| e.to_string())?;
            // Unlinked at once: the open file stays readable until the answer is sent.
            let file = tempfile::tempfile().map_err(|e| e.to_string())?;
            xlsx.workbook
                .save_to_writer(&file)
                .map_err(|e| e.to_string())?;
            Ok(file)
        });
        let mut page = first;
        while let Some(trades) = page {
            let rows = trades.into_iter().map(|t| trade_row(t, &units)).collect();
            if send.send(Some(rows)).await.is_err() {
                break; // the writer failed; its error is reported below
            }
            page = pages.next().await?;
        }
        let _ = send.send(None).await;
        drop(send);
        let mut file = writer
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r)
            .map_err(xlsx_failed)?;
        std::io::Seek::rewind(&mut file).map_err(xlsx_failed)?;
        let file = tokio::fs::File::from_std(file);
        (
            Body::from_stream(tokio_util::io::ReaderStream::new(file)),
            XLSX,
        )
    };
    Ok(attachment(&file_stem, ext, content_type, body))
}

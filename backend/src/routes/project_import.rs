//! 批量导入复垦项目: a county's bureau uploads its projects as CSV or XLSX (the template has
//! the columns), sees every row checked as the form checks it — with what is wrong, field by
//! field, in Chinese and English — and commits them: all in one transaction, or none while any
//! row is wrong. A row with 验收日期 and 验收文号 is imported accepted.

use std::collections::{HashMap, HashSet};

use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use quota_shared::api::{
    AcceptanceRequest, ErrorEnvelope, IMPORT_COLUMNS, IMPORT_ROWS_MAX, ImportIssue, ImportResponse,
    ImportRow, Lang, ProjectRequest, Role,
};
use quota_shared::codes::ErrorCode;
use quota_shared::{Area, FieldError, PositiveArea};
use serde::Deserialize;

use super::projects::{acceptance, draft, taken};
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::sheets::{self, SheetError};
use crate::state::AppState;
use crate::store::Store;
use crate::store::types::{ImportDraft, ImportOutcome, UserRecord};

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new()
        .route("/projects/import", post(import::<S>))
        .route("/projects/import-template", get(template))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(import, template))]
pub(super) struct Doc;

/// The template's example row, in the order of [`IMPORT_COLUMNS`].
const EXAMPLE: [&str; 11] = [
    "藤县太平镇拆旧复垦项目",
    "450422-2026-0001",
    "太平镇",
    "太平村",
    "30",
    "24",
    "9",
    "18000",
    "6",
    "2026-01-05",
    "藤自然资验〔2026〕1号",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateQuery {
    format: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/projects/import-template", tag = "counties",
    params(("format" = Option<String>, Query, description = "csv（默认）或 xlsx / csv (default) or xlsx")),
    responses((status = 200, description = "导入模板：表头与一行示例 / the template: the header and one example row"),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn template(
    user: CurrentUser,
    ApiQuery(q): ApiQuery<TemplateQuery>,
) -> Result<Response, ApiError> {
    user.require(&[Role::CountyBureau])?;
    let header: Vec<&str> = IMPORT_COLUMNS.iter().map(|c| c.0).collect();
    let (body, content_type, ext) = match q.format.as_deref().unwrap_or("csv") {
        "csv" => (
            sheets::template_csv(&header, &EXAMPLE),
            "text/csv; charset=utf-8",
            "csv",
        ),
        "xlsx" => (
            sheets::template_xlsx(&header, &EXAMPLE).map_err(|e| {
                tracing::error!(error = %e, "import template");
                ApiError::Internal
            })?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        other => return Err(super::page::bad_filter("format", other)),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"project-import-template.{ext}\""),
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    commit: Option<bool>,
}

#[utoipa::path(post, path = "/api/v1/projects/import", tag = "counties",
    params(("commit" = Option<bool>, Query, description = "true：无误则全部导入；否则只预览 / true: import all when no row is wrong; otherwise preview")),
    request_body(content = String, description = "CSV（UTF-8 或 GB18030）或 XLSX 文件，首行为表头 / a CSV (UTF-8 or GB18030) or XLSX file, the header first", content_type = "text/csv"),
    responses((status = 200, description = "预览 / the preview", body = ImportResponse),
        (status = 201, description = "已全部导入 / all imported", body = ImportResponse),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 409, description = "备案号已被使用 / a registration number was taken meanwhile", body = ErrorEnvelope),
        (status = 413, body = ErrorEnvelope),
        (status = 422, description = "文件无法读取、缺列、超过 1000 行，或提交时仍有错误行 / unreadable, missing columns, over 1,000 rows, or rows still wrong at commit", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn import<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Body,
) -> Result<(StatusCode, Json<ImportResponse>), ApiError> {
    let bureau = user.require(&[Role::CountyBureau])?;
    let bytes = crate::json::read_body(body).await?;
    // Reading a spreadsheet is work for a blocking thread, bounded by the sheet's caps.
    let rows = tokio::task::spawn_blocking(move || sheets::rows(&bytes, IMPORT_ROWS_MAX))
        .await
        .map_err(|_| ApiError::Internal)?
        .map_err(sheet_error)?;
    let now = state.clock.now();
    let taken_numbers: HashSet<String> = state
        .store
        .projects(None)
        .await?
        .into_iter()
        .map(|p| p.registration_no)
        .collect();
    let (rows, drafts) = check_rows(&rows, bureau, &taken_numbers, now)?;
    let invalid = rows.iter().filter(|r| !r.issues.is_empty()).count();
    let mut response = ImportResponse {
        valid: u32::try_from(rows.len() - invalid).unwrap_or(u32::MAX),
        invalid: u32::try_from(invalid).unwrap_or(u32::MAX),
        rows,
        committed: false,
        projects: Vec::new(),
    };
    if !q.commit.unwrap_or(false) {
        return Ok((StatusCode::OK, Json(response)));
    }
    if invalid > 0 {
        return Err(ApiError::invalid(
            "file",
            ErrorCode::InvalidValue,
            format!("有 {invalid} 行有误，未导入任何项目：请按预览修正后重新上传"),
            format!(
                "{invalid} row(s) are wrong: nothing was imported; fix them as the preview says and upload again"
            ),
        ));
    }
    match state.store.import_projects(&drafts).await? {
        ImportOutcome::Imported(ids) => {
            for id in ids {
                if let Some(p) = state.store.project(id).await? {
                    response.projects.push(p);
                }
            }
            response.committed = true;
            Ok((StatusCode::CREATED, Json(response)))
        }
        ImportOutcome::RegistrationTaken(number) => Err(taken(&number)),
    }
}

fn sheet_error(e: SheetError) -> ApiError {
    match e {
        SheetError::Unreadable(why) => ApiError::invalid(
            "file",
            ErrorCode::InvalidValue,
            "无法读取文件：请上传 CSV 或 XLSX 文件（可下载导入模板）",
            format!(
                "Cannot read the file ({why}): upload a CSV or XLSX file (the template shows how)"
            ),
        ),
        SheetError::TooBig => ApiError::invalid(
            "file",
            ErrorCode::TooLarge,
            format!(
                "文件解压后超过 {} MB：请分批导入",
                sheets::INFLATED_MAX / (1024 * 1024)
            ),
            format!(
                "The file inflates to more than {} MB: import in parts",
                sheets::INFLATED_MAX / (1024 * 1024)
            ),
        ),
        SheetError::TooManyRows(n) => ApiError::invalid(
            "file",
            ErrorCode::TooLarge,
            format!("文件有 {n} 行，一次最多导入 {IMPORT_ROWS_MAX} 行：请分批导入"),
            format!(
                "The file has {n} rows; at most {IMPORT_ROWS_MAX} import at once: import in parts"
            ),
        ),
    }
}

/// A header as the template writes it, or as a person may type it: no spaces, no unit, either
/// kind of brackets.
fn normal(header: &str) -> String {
    let h: String = header.chars().filter(|c| !c.is_whitespace()).collect();
    let h = h.replace(['(', '（'], "（").replace([')', '）'], "）");
    h.split('（').next().unwrap_or_default().to_string()
}

/// Each column's field, from the header row; 422 naming the required columns missing.
fn columns(header: &[String]) -> Result<HashMap<&'static str, usize>, ApiError> {
    let mut at = HashMap::new();
    for (n, h) in header.iter().enumerate() {
        let h = normal(h);
        if let Some((_, field, _)) = IMPORT_COLUMNS
            .iter()
            .find(|(name, field, _)| normal(name) == h || *field == h)
        {
            at.entry(*field).or_insert(n);
        }
    }
    let missing: Vec<&str> = IMPORT_COLUMNS
        .iter()
        .filter(|(_, field, required)| *required && !at.contains_key(field))
        .map(|(name, _, _)| *name)
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::invalid(
            "file",
            ErrorCode::MissingField,
            format!(
                "缺少列：{}（首行须为表头，请使用导入模板）",
                missing.join("、")
            ),
            format!(
                "Missing columns: {} (the first row is the header; use the template)",
                missing.join(", ")
            ),
        ));
    }
    Ok(at)
}

/// Every data row checked; the drafts of the good ones (all of them when none is wrong).
fn check_rows(
    rows: &[Vec<String>],
    user: &UserRecord,
    taken_numbers: &HashSet<String>,
    now: time::OffsetDateTime,
) -> Result<(Vec<ImportRow>, Vec<ImportDraft>), ApiError> {
    // The header is the first row with the template's columns: a title or a note may stand
    // above it (at most a few rows), as Chinese sheets often have.
    let lead = rows
        .iter()
        .take_while(|r| r.iter().all(|c| c.trim().is_empty()))
        .count();
    let header_at = (lead..rows.len().min(lead + sheets::LEAD_ROWS_MAX))
        .find(|&i| columns(&rows[i]).is_ok())
        .unwrap_or(lead);
    let Some(header) = rows.get(header_at) else {
        return Err(no_rows());
    };
    let data = &rows[header_at + 1..];
    let at = columns(header)?;
    let county = user.county_code.clone().ok_or(ApiError::Internal)?;
    let mut seen: HashMap<String, u32> = HashMap::new();
    let (mut checked, mut drafts) = (Vec::new(), Vec::new());
    for (n, cells) in data.iter().enumerate() {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // The row's number as the spreadsheet shows it.
        let row = u32::try_from(header_at + n + 2).unwrap_or(u32::MAX);
        let cell = |field: &str| {
            at.get(field)
                .and_then(|&i| cells.get(i))
                .map(|c| c.trim().to_string())
                .unwrap_or_default()
        };
        let mut issues = Vec::new();
        let mut issue = |e: ApiError| {
            let body = e.body(Lang::Zh);
            issues.push(ImportIssue {
                field: body.field.unwrap_or_else(|| "row".into()),
                message_zh: body.message_zh,
                message_en: body.message_en,
            });
        };
        let area = |field: &'static str| -> Result<Area, ApiError> {
            cell(field)
                .parse::<Area>()
                .map_err(|e| FieldError::new(field, e).into())
        };
        let reclaimed = cell("reclaimed_mu")
            .parse::<PositiveArea>()
            .map_err(|e| ApiError::from(FieldError::new("reclaimed_mu", e)));
        let kg = cell("grain_capacity_kg").parse::<i64>().map_err(|_| {
            ApiError::invalid(
                "grain_capacity_kg",
                ErrorCode::NotANumber,
                "新增粮食产能须为整数公斤",
                "Grain capacity must be whole kilograms",
            )
        });
        let parsed = (
            reclaimed,
            area("farmland_mu"),
            area("paddy_mu"),
            kg,
            area("local_use_mu"),
        );
        let request = match parsed {
            (
                Ok(reclaimed_mu),
                Ok(farmland_mu),
                Ok(paddy_mu),
                Ok(grain_capacity_kg),
                Ok(local_use_mu),
            ) => Some(ProjectRequest {
                name: cell("name"),
                registration_no: cell("registration_no"),
                township: cell("township"),
                village: cell("village"),
                reclaimed_mu,
                farmland_mu,
                paddy_mu,
                grain_capacity_kg,
                local_use_mu,
            }),
            (a, b, c, d, e) => {
                for e in [a.err(), b.err(), c.err(), d.err(), e.err()]
                    .into_iter()
                    .flatten()
                {
                    issue(e);
                }
                None
            }
        };
        let project = request
            .map(|r| draft(r, user, county.clone(), now))
            .transpose();
        let project = project.unwrap_or_else(|e| {
            issue(e);
            None
        });
        // The acceptance, when the row has either of its cells.
        let (on, doc) = (cell("accepted_on"), cell("acceptance_doc"));
        let accepted = !on.is_empty() || !doc.is_empty();
        let mut acceptance_draft = None;
        if accepted {
            match (parse_date(&on), &project) {
                (None, _) => issue(ApiError::invalid(
                    "accepted_on",
                    ErrorCode::InvalidValue,
                    "验收日期须为 2026-01-05 这样的日期（填了验收文号就须填验收日期）",
                    "The acceptance date must read like 2026-01-05 (an acceptance document needs its date)",
                )),
                (Some(accepted_on), Some(p)) => {
                    let f = p.figures;
                    let req = AcceptanceRequest {
                        accepted_on,
                        acceptance_doc: doc.clone(),
                        reclaimed_mu: f.reclaimed_mu,
                        farmland_mu: f.farmland_mu,
                        paddy_mu: f.paddy_mu,
                        grain_capacity_kg: f.grain_capacity_kg,
                        local_use_mu: f.local_use_mu,
                    };
                    match acceptance(req, user, now) {
                        Ok(a) => acceptance_draft = Some(a),
                        Err(e) => issue(e),
                    }
                }
                (Some(_), None) => {}
            }
        }
        let number = project
            .as_ref()
            .map_or_else(|| cell("registration_no"), |p| p.registration_no.clone());
        if !number.is_empty() {
            if let Some(first) = seen.get(&number) {
                issue(ApiError::invalid(
                    "registration_no",
                    ErrorCode::RegistrationTaken,
                    format!("备案号 {number} 与第 {first} 行重复"),
                    format!("Registration number {number} repeats row {first}"),
                ));
            } else if taken_numbers.contains(&number) {
                issue(ApiError::invalid(
                    "registration_no",
                    ErrorCode::RegistrationTaken,
                    format!("备案号 {number} 已被另一复垦项目使用，请核对"),
                    format!("Registration number {number} belongs to another project: check it"),
                ));
            }
            seen.entry(number.clone()).or_insert(row);
        }
        checked.push(ImportRow {
            row,
            name: cell("name"),
            registration_no: number,
            surplus_mu: project.as_ref().map(|p| p.figures.surplus()),
            accepted,
            issues,
        });
        if let Some(p) = project
            && checked.last().is_some_and(|r| r.issues.is_empty())
        {
            drafts.push(ImportDraft {
                project: p,
                acceptance: acceptance_draft,
            });
        }
    }
    if checked.is_empty() {
        return Err(no_rows());
    }
    Ok((checked, drafts))
}

fn no_rows() -> ApiError {
    ApiError::invalid(
        "file",
        ErrorCode::Empty,
        "文件中没有项目：首行为表头，从第 2 行起每行一个项目",
        "The file has no projects: the header first, then one project per row",
    )
}

/// `2026-01-05`, or as spreadsheets write it, `2026/1/5`.
fn parse_date(text: &str) -> Option<time::Date> {
    let mut parts = text.trim().split(['-', '/', '.']);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    time::Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

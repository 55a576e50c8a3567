//! Reclamation projects (复垦项目, docs/DOMAIN.md "Quota stock"): the county's bureau registers
//! them (`POST /projects`), edits them while registered (`PUT /projects/{id}`) and accepts them
//! (`POST /projects/{id}/accept`), which locks them. The bureau reads its county's; the
//! administrator, finance and the supervisor read every county's.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use quota_shared::api::{
    AcceptanceRequest, ErrorEnvelope, PROJECT_NUMBER_MAX, PROJECT_TEXT_MAX, Project,
    ProjectRequest, ProjectResponse, ProjectsResponse, Role,
};
use quota_shared::calendar;
use quota_shared::codes::ErrorCode;

use super::lookup::{TextRule, bounded_text};
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::json::ApiJson;
use crate::state::AppState;
use crate::store::Store;
use crate::store::types::{AcceptanceDraft, ProjectDraft, ProjectOutcome};

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new()
        .route("/projects", get(list::<S>).post(register::<S>))
        .route("/projects/{id}", get(read::<S>).put(edit::<S>))
        .route("/projects/{id}/accept", post(accept::<S>))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list, register, read, edit, accept))]
pub(super) struct Doc;

/// The project's text fields.
const NAME: TextRule = TextRule {
    field: "name",
    label: "项目名称",
    max: PROJECT_TEXT_MAX,
    required: true,
    multiline: false,
};
const REGISTRATION: TextRule = TextRule {
    field: "registration_no",
    label: "备案号",
    max: PROJECT_NUMBER_MAX,
    required: true,
    multiline: false,
};
const TOWNSHIP: TextRule = TextRule {
    field: "township",
    label: "乡镇",
    max: PROJECT_TEXT_MAX,
    required: true,
    multiline: false,
};
const VILLAGE: TextRule = TextRule {
    field: "village",
    label: "村",
    max: PROJECT_TEXT_MAX,
    required: false,
    multiline: false,
};
const ACCEPTANCE_DOC: TextRule = TextRule {
    field: "acceptance_doc",
    label: "验收文号",
    max: PROJECT_NUMBER_MAX,
    required: true,
    multiline: false,
};

fn not_found(id: i64) -> ApiError {
    ApiError::not_found(
        &format!("复垦项目 #{id}"),
        &format!("Reclamation project #{id}"),
    )
}

fn locked(id: i64) -> ApiError {
    ApiError::coded(
        ErrorCode::ProjectAccepted,
        format!("复垦项目 #{id} 已验收并锁定，不能再修改或重复验收"),
        format!("Reclamation project #{id} is accepted and locked"),
    )
}

pub(super) fn taken(number: &str) -> ApiError {
    ApiError::coded(
        ErrorCode::RegistrationTaken,
        format!("备案号 {number} 已被另一复垦项目使用，请核对"),
        format!("Registration number {number} belongs to another project: check it"),
    )
}

/// The project `id` as `user` may see it: a bureau sees its own county's only (another
/// county's does not exist for it).
pub(super) async fn visible<S: Store>(
    state: &AppState<S>,
    user: &CurrentUser,
    id: i64,
) -> Result<Project, ApiError> {
    let u = user.require(&[
        Role::CountyBureau,
        Role::Admin,
        Role::Finance,
        Role::Supervisor,
    ])?;
    let project = state
        .store
        .project(id)
        .await?
        .ok_or_else(|| not_found(id))?;
    if u.role == Role::CountyBureau && u.county_code.as_ref() != Some(&project.county_code) {
        return Err(not_found(id));
    }
    Ok(project)
}

fn outcome(id: Option<i64>, number: &str, o: ProjectOutcome) -> Result<Project, ApiError> {
    match o {
        ProjectOutcome::Saved(p) => Ok(*p),
        ProjectOutcome::NotFound => Err(not_found(id.unwrap_or_default())),
        ProjectOutcome::RegistrationTaken => Err(taken(number)),
        ProjectOutcome::Locked => Err(locked(id.unwrap_or_default())),
        ProjectOutcome::BelowCommitted { committed } => Err(ApiError::coded(
            ErrorCode::ProjectCommitted,
            format!(
                "复垦项目 #{} 的挂牌已占用 {committed} 亩节余指标，修改后的节余指标（复垦面积减本地使用）不能少于此数；请先撤回挂牌",
                id.unwrap_or_default()
            ),
            format!(
                "The listings of project #{} hold {committed} mu: the changed surplus (reclaimed less local use) cannot be less; withdraw listings first",
                id.unwrap_or_default()
            ),
        )),
    }
}

/// An acceptance checked as the form's: the figures within their wholes, a date not after
/// today (Beijing), the document number's text.
pub(super) fn acceptance(
    req: AcceptanceRequest,
    user: &crate::store::types::UserRecord,
    now: time::OffsetDateTime,
) -> Result<AcceptanceDraft, ApiError> {
    let figures = req.figures();
    figures.check()?;
    if req.accepted_on > calendar::day_of(now) {
        return Err(ApiError::invalid(
            "accepted_on",
            ErrorCode::InvalidValue,
            "验收日期不能晚于今天（北京时间）",
            "The acceptance date cannot be after today (Beijing time)",
        ));
    }
    Ok(AcceptanceDraft {
        accepted_on: req.accepted_on,
        acceptance_doc: bounded_text(&ACCEPTANCE_DOC, &req.acceptance_doc)?,
        figures,
        actor: user.username.clone(),
        now,
    })
}

/// A project checked as the form's: the figures within their wholes, each text trimmed and
/// within its limit.
pub(super) fn draft(
    req: ProjectRequest,
    user: &crate::store::types::UserRecord,
    county: quota_shared::jurisdiction::CountyCode,
    now: time::OffsetDateTime,
) -> Result<ProjectDraft, ApiError> {
    let figures = req.figures();
    figures.check()?;
    Ok(ProjectDraft {
        county_code: county,
        name: bounded_text(&NAME, &req.name)?,
        registration_no: bounded_text(&REGISTRATION, &req.registration_no)?,
        township: bounded_text(&TOWNSHIP, &req.township)?,
        village: bounded_text(&VILLAGE, &req.village)?,
        figures,
        actor: user.username.clone(),
        now,
    })
}

#[utoipa::path(get, path = "/api/v1/projects", tag = "counties",
    responses((status = 200, description = "县局：本县的；管理员、财政、监督：全部；最新在前 / bureau: its county's; admin, finance, supervisor: all; newest first", body = ProjectsResponse),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn list<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
) -> Result<Json<ProjectsResponse>, ApiError> {
    let u = user.require(&[
        Role::CountyBureau,
        Role::Admin,
        Role::Finance,
        Role::Supervisor,
    ])?;
    let county = match u.role {
        Role::CountyBureau => Some(u.county_code.clone().ok_or(ApiError::Internal)?),
        _ => None,
    };
    let projects = state.store.projects(county.as_ref()).await?;
    Ok(Json(ProjectsResponse { projects }))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "counties", params(("id" = i64, Path)),
    responses((status = 200, body = ProjectResponse), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn read<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ProjectResponse>, ApiError> {
    let project = visible(&state, &user, id).await?;
    let draws = state.store.project_draws(id).await?;
    let plots = state.store.project_plots(id).await?;
    Ok(Json(ProjectResponse {
        project,
        draws,
        plots,
    }))
}

#[utoipa::path(post, path = "/api/v1/projects", tag = "counties", request_body = ProjectRequest,
    responses((status = 201, description = "已备案 / registered", body = ProjectResponse),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope),
        (status = 409, description = "备案号已使用 / registration number taken", body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn register<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    body: ApiJson<ProjectRequest>,
) -> Result<(StatusCode, Json<ProjectResponse>), ApiError> {
    let bureau = user.require(&[Role::CountyBureau])?;
    let county = bureau.county_code.clone().ok_or(ApiError::Internal)?;
    let d = draft(body.value, bureau, county, state.clock.now())?;
    let project = outcome(
        None,
        &d.registration_no,
        state.store.register_project(&d).await?,
    )?;
    Ok((
        StatusCode::CREATED,
        Json(ProjectResponse {
            project,
            draws: Vec::new(),
            plots: Vec::new(),
        }),
    ))
}

#[utoipa::path(put, path = "/api/v1/projects/{id}", tag = "counties", params(("id" = i64, Path)),
    request_body = ProjectRequest,
    responses((status = 200, body = ProjectResponse), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "已验收锁定，或备案号已使用 / accepted and locked, or registration number taken", body = ErrorEnvelope),
        (status = 422, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn edit<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    body: ApiJson<ProjectRequest>,
) -> Result<Json<ProjectResponse>, ApiError> {
    let project = visible(&state, &user, id).await?;
    let bureau = user.require_bureau_of(&project.county_code)?;
    let d = draft(
        body.value,
        bureau,
        project.county_code.clone(),
        state.clock.now(),
    )?;
    let project = outcome(
        Some(id),
        &d.registration_no,
        state.store.edit_project(id, &d).await?,
    )?;
    Ok(Json(ProjectResponse {
        project,
        draws: Vec::new(),
        plots: Vec::new(),
    }))
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/accept", tag = "counties", params(("id" = i64, Path)),
    request_body = AcceptanceRequest,
    responses((status = 200, description = "已验收并锁定 / accepted and locked", body = ProjectResponse),
        (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "已验收 / already accepted", body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn accept<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    body: ApiJson<AcceptanceRequest>,
) -> Result<Json<ProjectResponse>, ApiError> {
    let project = visible(&state, &user, id).await?;
    let bureau = user.require_bureau_of(&project.county_code)?;
    let a = acceptance(body.value, bureau, state.clock.now())?;
    let project = outcome(
        Some(id),
        &project.registration_no,
        state.store.accept_project(id, &a).await?,
    )?;
    Ok(Json(ProjectResponse {
        project,
        draws: Vec::new(),
        plots: Vec::new(),
    }))
}

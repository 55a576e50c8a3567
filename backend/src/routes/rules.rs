//! Rule versions (R13): the public list of every rule with its versions, sources and marks,
//! and the administrator's two changes — add a version from tomorrow on, end a version after
//! today — never an edit of a day already checked against; both are audited.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use quota_shared::api::{
    EndRuleVersion, ErrorEnvelope, NewRuleVersion, Role, RuleInfo, RuleVersionResponse,
    RulesResponse,
};
use quota_shared::calendar;
use quota_shared::codes::ErrorCode;
use quota_shared::rules::{RuleBook, RuleId, catalog};

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::json::ApiJson;
use crate::state::AppState;
use crate::store::Store;
use crate::store::types::{EndOutcome, RuleVersionDraft};

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new()
        .route("/rules", get(list_rules::<S>))
        .route("/rules/{id}/versions", post(add_version::<S>))
        .route("/rules/{id}/versions/{version}/end", post(end_version::<S>))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_rules, add_version, end_version))]
pub(super) struct Doc;

#[utoipa::path(get, path = "/api/v1/rules", tag = "admin",
    responses((status = 200, description = "R1–R15：每条规则的版本、出处、核实标记与参数；ruleset_version 为今日（北京时间）生效的版本 / every rule with its versions, sources, marks and parameters; ruleset_version: the versions in force today", body = RulesResponse)))]
#[tracing::instrument(skip_all)]
async fn list_rules<S: Store>(
    State(state): State<AppState<S>>,
) -> Result<Json<RulesResponse>, ApiError> {
    let day = calendar::day_of(state.clock.now());
    let book = state.store.rule_versions().await?;
    let rules = catalog()
        .iter()
        .map(|def| {
            let now = book.on(def.id, day);
            RuleInfo {
                id: def.id,
                title_zh: def.title_zh.to_string(),
                title_en: def.title_en.to_string(),
                citation: now.map_or(def.citation.to_string(), |v| v.citation.clone()),
                confirmed: now.map_or(def.confirmed, |v| v.confirmed),
                effective_from: now.map_or(def.effective_from, |v| v.effective_from),
                effective_to: now.map_or(def.effective_to, |v| v.effective_to),
                versions: book
                    .versions()
                    .iter()
                    .filter(|v| v.rule == def.id)
                    .cloned()
                    .collect(),
            }
        })
        .collect();
    Ok(Json(RulesResponse {
        ruleset_version: book.labels_on(day),
        rules,
    }))
}

fn rule_of(id: &str) -> Result<RuleId, ApiError> {
    id.parse()
        .map_err(|_| ApiError::not_found(&format!("规则 {id}"), &format!("Rule {id}")))
}

/// 422 unless `day` is on or after `first` (Asia/Shanghai): a version never changes a day
/// already checked against.
fn not_before(
    what_zh: &str,
    what_en: &str,
    day: time::Date,
    first: time::Date,
) -> Result<(), ApiError> {
    if day < first {
        return Err(ApiError::invalid(
            if what_en == "start" {
                "effective_from"
            } else {
                "effective_to"
            },
            ErrorCode::InThePast,
            format!(
                "{what_zh}为 {day}：最早只能是 {first}。规则版本不改写已经按其检查过的日子，请改为 {first} 或以后"
            ),
            format!(
                "The {what_en} is {day}: the earliest possible is {first}. A rule version never changes a day already checked against; choose {first} or later"
            ),
        ));
    }
    Ok(())
}

/// R7 narrows R6 (a 市辖区 商服/商品住宅 project must buy, and only 脱贫县 quota on the regional
/// platform): every unit on R7's list is on R6's, on the new version's first day.
fn lists_nest(rule: RuleId, req: &NewRuleVersion, book: &RuleBook) -> Result<(), ApiError> {
    let day = req.effective_from;
    let listed = |r: RuleId| {
        book.on(r, day)
            .and_then(|v| v.params.units.clone())
            .unwrap_or_default()
    };
    let (r6, r7) = match rule {
        RuleId::R6 => (
            req.params.units.clone().unwrap_or_default(),
            listed(RuleId::R7),
        ),
        RuleId::R7 => (
            listed(RuleId::R6),
            req.params.units.clone().unwrap_or_default(),
        ),
        _ => return Ok(()),
    };
    match r7.iter().find(|c| !r6.contains(c)) {
        None => Ok(()),
        Some(code) => Err(ApiError::invalid(
            "params.units",
            ErrorCode::InvalidValue,
            format!(
                "{code} 在 R7 的名单上却不在 R6 的名单上（{day} 起）：R7 只收窄 R6，请先让 R6 包含它，或把它从 R7 移除"
            ),
            format!(
                "{code} would be on R7's list but not on R6's (from {day}): R7 only narrows R6; add it to R6 first or leave it off R7"
            ),
        )),
    }
}

#[utoipa::path(post, path = "/api/v1/rules/{id}/versions", tag = "admin",
    params(("id" = String, Path, description = "R1–R15")),
    request_body = NewRuleVersion,
    responses((status = 201, body = RuleVersionResponse), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "同时新增了另一版本，请重试 / another version was added at the same moment: try again", body = ErrorEnvelope),
        (status = 422, description = "生效日期早于明天、参数不符合该规则或缺少出处 / a start before tomorrow, parameters that do not fit the rule, or no citation", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn add_version<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    body: ApiJson<NewRuleVersion>,
) -> Result<(StatusCode, Json<RuleVersionResponse>), ApiError> {
    let admin = user.require(&[Role::Admin])?;
    let rule = rule_of(&id)?;
    let req = body.value;
    let now = state.clock.now();
    let tomorrow = calendar::day_of(now).next_day().ok_or(ApiError::Internal)?;
    not_before("生效日期", "start", req.effective_from, tomorrow)?;
    let citation = req.citation.trim().to_string();
    if citation.is_empty() {
        return Err(ApiError::invalid(
            "citation",
            ErrorCode::Required,
            "请填写依据（文件名称、文号、条款）",
            "Give the source: document, number and clause",
        ));
    }
    let known: Vec<_> = state
        .store
        .jurisdictions()
        .await?
        .into_iter()
        .map(|u| u.code)
        .collect();
    req.params.check_for(rule, &known)?;
    lists_nest(rule, &req, &state.store.rule_versions().await?)?;
    let draft = RuleVersionDraft {
        rule,
        effective_from: req.effective_from,
        confirmed: req.confirmed,
        citation,
        params: req.params,
        actor: admin.username.clone(),
        now,
    };
    match state.store.add_rule_version(&draft).await? {
        Some(version) => {
            state.rules.clear();
            Ok((StatusCode::CREATED, Json(RuleVersionResponse { version })))
        }
        None => Err(ApiError::coded(
            ErrorCode::VersionTaken,
            format!("{rule} 刚刚新增了另一个版本，请刷新后重试"),
            format!("Another version of {rule} was added at the same moment: reload and try again"),
        )),
    }
}

#[utoipa::path(post, path = "/api/v1/rules/{id}/versions/{version}/end", tag = "admin",
    params(("id" = String, Path, description = "R1–R15"), ("version" = u32, Path)),
    request_body = EndRuleVersion,
    responses((status = 200, body = RuleVersionResponse), (status = 401, body = ErrorEnvelope),
        (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope),
        (status = 409, description = "该版本已在此日或更早终止 / the version already ends on or before that day", body = ErrorEnvelope),
        (status = 422, description = "日期早于今天，或该规则不能终止（只能以新版本替代）/ a day before today, or a rule that is replaced rather than ended", body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn end_version<S: Store>(
    State(state): State<AppState<S>>,
    user: CurrentUser,
    ApiPath((id, version)): ApiPath<(String, u32)>,
    body: ApiJson<EndRuleVersion>,
) -> Result<Json<RuleVersionResponse>, ApiError> {
    let admin = user.require(&[Role::Admin])?;
    let rule = rule_of(&id)?;
    let now = state.clock.now();
    if !rule.can_end() {
        return Err(ApiError::invalid(
            "rule",
            ErrorCode::InvalidValue,
            format!("{rule} 是计量、记录或参数规则，不能终止；如需改变，请新增一个版本替代它"),
            format!(
                "{rule} sets units, records or parameters and is not ended: add a version to replace it"
            ),
        ));
    }
    let to = body.value.effective_to;
    not_before("终止日期", "end", to, calendar::day_of(now))?;
    let missing = || {
        ApiError::not_found(
            &format!("规则版本 {rule}.{version}"),
            &format!("Rule version {rule}.{version}"),
        )
    };
    match state
        .store
        .end_rule_version(rule, version, to, &admin.username, now)
        .await?
    {
        EndOutcome::Ended => state.rules.clear(),
        EndOutcome::NotFound => return Err(missing()),
        EndOutcome::AlreadyEnded(end) => {
            let end = end.map(|d| d.to_string()).unwrap_or_default();
            return Err(ApiError::coded(
                ErrorCode::VersionEnded,
                format!("{rule}.{version} 已于 {end} 终止，不能推迟或再次终止到 {to}"),
                format!("{rule}.{version} already ends on {end}; it cannot be moved to {to}"),
            ));
        }
    }
    let book = state.store.rule_versions().await?;
    let version = book
        .versions()
        .iter()
        .find(|v| v.rule == rule && v.version == version)
        .cloned()
        .ok_or_else(missing)?;
    Ok(Json(RuleVersionResponse { version }))
}

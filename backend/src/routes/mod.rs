//! The handlers of API v1 (docs/API-DESIGN.md), one module per resource. Each module exposes
//! its own `router()` and its OpenAPI `Doc` beside the handlers it declares; [`api`] merges the
//! routers and [`document`] the documents, so a route and its description live in one file.
//!
//! Every handler follows one shape: who may call it (401/403), parse (400/422), the rules from
//! `quota_shared::rules` (422), then one store call (409 when the state does not allow it).
//! No handler runs time-driven work: reads show the effective state, the scheduler writes it.
//!
//! | module | routes |
//! |---|---|
//! | [`session`] | `POST`/`DELETE /session`, `GET /me` |
//! | [`reference`] | counties, base prices, floor prices, use categories, rules, `/healthz` |
//! | [`listings`] | create, list, read, withdraw listings |
//! | [`auctions`] | bids on regional lots |
//! | [`purchases`] | reserve, list, settle, cancel purchases |
//! | [`quote`] | the calculator |
//! | [`holdings`] | holdings and their uses (落地) |
//! | [`finance`] | proceeds, allocations, disbursements |
//! | [`reports`] | CSV/XLSX exports |
//! | [`rules`] | rule versions: list, add, end (R13) |
//! | [`announcements`] | 挂牌公告 and 成交公示 |
//! | [`objections`] | objections to a trade in its publicity (R16) |
//! | [`projects`] | reclamation projects (复垦项目): register, edit, accept |
//! | [`project_import`] | projects from CSV/XLSX: template, preview, all-or-nothing import |
//! | [`plots`] | a project's plot boundaries (GeoJSON), their geodesic areas |
//! | [`serials`] | a trade's serial blocks, the public trace of a serial |
//! | [`audit`] | an object's history, the chain check |
//! | [`accounts`] | accounts, for the administrator |

pub mod accounts;
pub mod announcements;
pub mod auctions;
pub mod audit;
pub mod documents;
pub mod finance;
pub mod holdings;
pub mod listings;
mod lookup;
pub mod objections;
mod organisation_changes;
mod organisation_fields;
pub mod organisations;
pub mod page;
pub mod plots;
pub mod project_import;
pub mod projects;
pub mod purchases;
pub mod quote;
pub mod reference;
pub mod reports;
pub mod rules;
pub mod serials;
pub mod session;
mod sources;

use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;

use crate::state::AppState;
use crate::store::Store;

/// Every route under `/api/v1`, including the OpenAPI document itself.
pub fn api<S: Store>() -> Router<AppState<S>> {
    Router::new()
        .merge(session::router())
        .merge(reference::router())
        .merge(listings::router())
        .merge(auctions::router())
        .merge(purchases::router())
        .merge(quote::router())
        .merge(holdings::router())
        .merge(finance::router())
        .merge(reports::router())
        .merge(rules::router())
        .merge(announcements::router())
        .merge(objections::router())
        .merge(projects::router())
        .merge(project_import::router())
        .merge(plots::router())
        .merge(serials::router())
        .merge(audit::router())
        .merge(accounts::router())
        .merge(organisations::router())
        .merge(documents::router())
        .merge(organisation_changes::router())
        .route("/openapi.json", get(openapi_json))
}

/// The routes outside `/api/v1`.
pub fn root<S: Store>() -> Router<AppState<S>> {
    reference::health_router()
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "增减挂钩节余指标交易平台 API / Quota Exchange API",
        version = "1",
        description = "JSON, snake_case; decimals as strings (亩 to 4 dp, 元 to 2 dp); errors in one envelope. See docs/API-DESIGN.md."
    ),
    tags(
        (name = "session", description = "登录与会话 / login and sessions"),
        (name = "counties", description = "县级单位、基准指导价、最低价 / counties, base prices, floors"),
        (name = "listings", description = "挂牌 / listings"),
        (name = "purchases", description = "购买与结算 / purchases and settlement"),
        (name = "calculator", description = "测算 / calculator"),
        (name = "holdings", description = "持有指标与落地使用 / holdings and uses"),
        (name = "finance", description = "收益、分配与拨付 / proceeds, allocations, disbursements"),
        (name = "audit", description = "审计日志 / audit log"),
        (name = "admin", description = "账号与规则 / accounts and rules"),
        (name = "health", description = "运行状态 / health"),
    )
)]
struct ApiDoc;

/// The OpenAPI document of API v1, generated from the handlers and the shared wire types.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    for part in [
        session::Doc::openapi(),
        reference::Doc::openapi(),
        listings::Doc::openapi(),
        auctions::Doc::openapi(),
        purchases::Doc::openapi(),
        quote::Doc::openapi(),
        holdings::Doc::openapi(),
        finance::Doc::openapi(),
        reports::Doc::openapi(),
        rules::Doc::openapi(),
        announcements::Doc::openapi(),
        objections::Doc::openapi(),
        projects::Doc::openapi(),
        project_import::Doc::openapi(),
        plots::Doc::openapi(),
        serials::Doc::openapi(),
        audit::Doc::openapi(),
        accounts::Doc::openapi(),
        organisations::Doc::openapi(),
        documents::Doc::openapi(),
        organisation_changes::Doc::openapi(),
    ] {
        doc.merge(part);
    }
    doc
}

/// `GET /api/v1/openapi.json`.
async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(document())
}

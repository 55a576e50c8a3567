//! The OpenAPI document of API v1, generated from the handlers' `#[utoipa::path]` attributes
//! and the shared crate's wire types (feature `openapi`), served at `/api/v1/openapi.json`.

use utoipa::OpenApi;

use crate::{http, routes};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "增减挂钩节余指标交易平台 API / Quota Exchange API",
        version = "1",
        description = "JSON, snake_case; decimals as strings (亩 to 4 dp, 元 to 2 dp); errors in one envelope. See docs/API-DESIGN.md."
    ),
    paths(
        http::healthz,
        http::counties,
        http::floor_prices,
        routes::login,
        routes::logout,
        routes::me,
        routes::set_base_price,
        routes::add_floor_price,
        routes::create_listing,
        routes::list_listings,
        routes::get_listing,
        routes::withdraw_listing,
        routes::place_bid,
        routes::create_purchase,
        routes::list_purchases,
        routes::settle_purchase,
        routes::cancel_purchase,
        routes::quote,
        routes::record_use,
        routes::list_holdings,
        routes::proceeds,
        routes::allocate,
        routes::list_allocations,
        routes::disburse,
        routes::use_categories,
        routes::announcements,
        routes::report,
        routes::audit_of,
        routes::audit_verify,
        routes::list_users,
        routes::create_user,
        routes::set_user_disabled,
        routes::rules_catalog,
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

/// The document as served.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

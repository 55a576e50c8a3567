//! 挂牌公告 and 成交公示 (`GET /api/v1/announcements`): what the public sees without logging in.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use quota_shared::api::{
    Announcement, AnnouncementKind, AnnouncementsResponse, ErrorEnvelope, PurchaseStatus,
};
use quota_shared::jurisdiction::{self, CountyCode};
use quota_shared::rules::Channel;

use super::page::{Order, Page, PageQuery, Position};
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::state::AppState;
use crate::store::Store;
use crate::store::types::{ListingFilter, PurchaseScope};
use serde::Deserialize;

pub(super) fn router<S: Store>() -> Router<AppState<S>> {
    Router::new().route("/announcements", get(announcements::<S>))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(announcements))]
pub(super) struct Doc;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnouncementsQuery {
    kind: Option<String>,
    county: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/announcements", tag = "listings",
    params(("kind" = Option<AnnouncementKind>, Query, description = "只看挂牌公告或成交公示 / listing notices or results only"),
        ("county" = Option<String>, Query, description = "区划代码 / county code"), PageQuery),
    responses((status = 200, description = "挂牌公告与成交公示，最新在前 / listing notices and results, newest first", body = AnnouncementsResponse),
        (status = 422, body = ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
async fn announcements<S: Store>(
    State(state): State<AppState<S>>,
    ApiQuery(q): ApiQuery<AnnouncementsQuery>,
) -> Result<Json<AnnouncementsResponse>, ApiError> {
    let page = Page::parse(q.limit, q.cursor.as_deref())?;
    let bad = super::page::bad_filter;
    let kind: Option<AnnouncementKind> = q
        .kind
        .as_deref()
        .map(|k| k.parse().map_err(|_| bad("kind", k)))
        .transpose()?;
    let county: Option<CountyCode> = q
        .county
        .as_deref()
        .map(|c| c.parse().map_err(|_| bad("county", c)))
        .transpose()?;
    let wanted = |k: AnnouncementKind, c: &CountyCode| {
        kind.is_none_or(|w| w == k) && county.as_ref().is_none_or(|w| w == c)
    };
    let now = state.clock.now();
    let units = state.store.jurisdictions().await?;
    let name = |code: &CountyCode| {
        jurisdiction::find(&units, code)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let mut out = Vec::new();
    let listings = ListingFilter {
        county: county.clone(),
        ..ListingFilter::default()
    };
    for l in state.store.listings(&listings, now).await? {
        if !wanted(AnnouncementKind::Listing, &l.county_code) {
            continue;
        }
        let title = match l.channel {
            Channel::County => format!(
                "{}县级平台挂牌公告：{} 亩，{} 元/亩（{}）{}",
                name(&l.county_code),
                l.area_mu,
                l.price_per_mu.grouped(),
                l.source_project,
                // R16: while announced, when buying opens.
                match l.opens_at.filter(|o| *o > now) {
                    Some(o) => format!("，{} 起可购买", quota_shared::calendar::format_local(o)),
                    None => String::new(),
                }
            ),
            Channel::Regional => format!(
                "{}自治区平台挂牌出让公告：{} 亩，起始价 {} 万元，保证金 {} 万元",
                name(&l.county_code),
                l.area_mu,
                l.start_total_yuan
                    .map(|m| m.wan_display())
                    .unwrap_or_default(),
                l.deposit_yuan.map(|m| m.wan_display()).unwrap_or_default()
            ),
        };
        // A listing and a result of the same instant never share a position: listings
        // take even ids, results odd ones.
        let position = Position::at(l.listed_at, l.id.saturating_mul(2));
        out.push((
            position,
            Announcement {
                kind: AnnouncementKind::Listing,
                title,
                county_code: l.county_code.clone(),
                listing_id: l.id,
                area_mu: l.area_mu,
                amount_yuan: l.start_total_yuan,
                published_at: l.listed_at,
                opens_at: (l.channel == Channel::County)
                    .then_some(l.opens_at)
                    .flatten(),
                purchase_id: None,
                publicity_ends_at: None,
                is_final: false,
                open_objections: 0,
            },
        ));
    }
    for p in state.store.purchases(&PurchaseScope::All, now).await? {
        let Some(settled_at) = p.settled_at.filter(|_| p.status == PurchaseStatus::Settled) else {
            continue;
        };
        if !wanted(AnnouncementKind::Result, &p.seller_county_code) {
            continue;
        }
        let position = Position::at(settled_at, p.id.saturating_mul(2).saturating_add(1));
        out.push((
            position,
            Announcement {
                kind: AnnouncementKind::Result,
                title: format!(
                    "成交公示：{} {} 亩，成交金额 {} 元{}（{}）",
                    name(&p.seller_county_code),
                    p.area_mu,
                    p.amount_yuan.grouped(),
                    // The parties by organisation, never by login: one moved from an earlier
                    // account is named once its code is completed (#16).
                    [
                        ("出让方", &p.seller_organisation, &p.seller_uscc),
                        ("受让方", &p.buyer_organisation, &p.buyer_uscc),
                    ]
                    .iter()
                    .filter_map(|(role, o, code)| {
                        code.as_ref()
                            .and(o.as_ref())
                            .map(|o| format!("，{role} {o}"))
                    })
                    .collect::<String>(),
                    match (&p.confirmation_no, p.publicity_ends_at) {
                        (Some(no), _) => no.clone(),
                        (None, Some(ends)) => format!(
                            "公示期至 {}，期内可提出异议",
                            quota_shared::calendar::format_local(ends)
                        ),
                        (None, None) => String::new(),
                    }
                ),
                county_code: p.seller_county_code.clone(),
                listing_id: p.listing_id,
                area_mu: p.area_mu,
                amount_yuan: Some(p.amount_yuan),
                published_at: settled_at,
                opens_at: None,
                purchase_id: Some(p.id),
                publicity_ends_at: p.publicity_ends_at,
                is_final: p.is_final(),
                open_objections: p.open_objections,
            },
        ));
    }
    out.sort_by_key(|(position, _)| std::cmp::Reverse(*position));
    let (page, next_cursor) = page.take(out, Order::Descending, |(position, _)| *position);
    Ok(Json(AnnouncementsResponse {
        announcements: page.into_iter().map(|(_, a)| a).collect(),
        next_cursor,
    }))
}

//! 挂牌指标: every live listing on both platforms, filtered and sorted by the buyer.

use quota_shared::api::{County, Lang, Listing, ListingStatus};
use quota_shared::rules::Channel;
use web_sys::HtmlSelectElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::format::{countdown, county_name};
use crate::components::status::{failed, loading};
use crate::hooks::{Load, use_counties, use_ticker};
use crate::i18n::{Key, t};
use crate::route::Route;

/// How the table is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Price,
    Remaining,
    Newest,
}

/// The filters and sort the buyer chose; a plain function decides what is shown.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub county: Option<String>,
    pub channel: Option<Channel>,
    pub sort: Sort,
}

/// The live listings matching `view`, in its order (ties: earliest listed first).
pub fn visible<'a>(listings: &'a [Listing], view: &View) -> Vec<&'a Listing> {
    let mut out: Vec<&Listing> = listings
        .iter()
        .filter(|l| {
            matches!(
                l.status,
                ListingStatus::Open | ListingStatus::Bidding | ListingStatus::Scheduled
            )
        })
        .filter(|l| {
            view.county
                .as_deref()
                .is_none_or(|c| l.county_code.as_str() == c)
        })
        .filter(|l| view.channel.is_none_or(|c| l.channel == c))
        .collect();
    out.sort_by(|a, b| {
        let by = match view.sort {
            Sort::Price => a.price_per_mu.cmp(&b.price_per_mu),
            Sort::Remaining => b.remaining_mu.cmp(&a.remaining_mu),
            Sort::Newest => b.listed_at.cmp(&a.listed_at),
        };
        by.then(a.listed_at.cmp(&b.listed_at)).then(a.id.cmp(&b.id))
    });
    out
}

#[component]
pub fn Market() -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let listings = use_state(|| Load::<Vec<Listing>>::Loading);
    let counties_load = use_counties();
    let counties: Vec<County> = counties_load.ready().cloned().unwrap_or_default();
    let view = use_state(|| View {
        county: None,
        channel: None,
        sort: Sort::Price,
    });
    {
        let listings = listings.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                listings.set(api::listings().await.map(|l| l.listings).into());
            });
        });
    }
    use_ticker();
    let on_select = |apply: fn(&mut View, String)| {
        let view = view.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target_dyn_into::<HtmlSelectElement>() {
                let mut next = (*view).clone();
                apply(&mut next, el.value());
                view.set(next);
            }
        })
    };
    html! {
        <section class="card">
            <h2>{ t(lang, Key::MarketHeading) }</h2>
            { counties_load.failure(lang) }
            <div class="form filters">
                <label>{ t(lang, Key::FilterCounty) }
                    <select id="filter-county" onchange={on_select(|v, s| v.county = (!s.is_empty()).then_some(s))}>
                        <option value="">{ t(lang, Key::FilterAll) }</option>
                        { for counties.iter().map(|c| html! { <option value={c.code.to_string()}>{ county_name(lang, &counties, &c.code) }</option> }) }
                    </select>
                </label>
                <label>{ t(lang, Key::FilterChannel) }
                    <select id="filter-channel" onchange={on_select(|v, s| v.channel = s.parse().ok())}>
                        <option value="">{ t(lang, Key::FilterAll) }</option>
                        <option value="county">{ t(lang, Key::ChannelCounty) }</option>
                        <option value="regional">{ t(lang, Key::ChannelRegional) }</option>
                    </select>
                </label>
                <label>{ t(lang, Key::SortBy) }
                    <select id="sort" onchange={on_select(|v, s| v.sort = match s.as_str() { "remaining" => Sort::Remaining, "newest" => Sort::Newest, _ => Sort::Price })}>
                        <option value="price">{ t(lang, Key::SortPrice) }</option>
                        <option value="remaining">{ t(lang, Key::SortRemaining) }</option>
                        <option value="newest">{ t(lang, Key::SortNewest) }</option>
                    </select>
                </label>
            </div>
            { match &*listings {
                Load::Loading => loading(lang),
                Load::Failed(e) => failed(lang, e, None),
                Load::Ready(all) => {
                    let shown = visible(all, &view);
                    if shown.is_empty() {
                        html! { <p class="empty">{ t(lang, Key::NoListings) }</p> }
                    } else {
                        html! {
                            <div class="table-wrap"><table class="data" id="market">
                                <thead><tr>
                                    <th>{ t(lang, Key::ColSeller) }</th>
                                    <th>{ t(lang, Key::FilterChannel) }</th>
                                    <th class="wide-only">{ t(lang, Key::ColProject) }</th>
                                    <th class="num">{ t(lang, Key::ColRemaining) }</th>
                                    <th class="num">{ t(lang, Key::ColPrice) }</th>
                                    <th class="num">{ t(lang, Key::ColCloses) }</th>
                                    <th></th>
                                </tr></thead>
                                <tbody>
                                { for shown.iter().map(|l| html! {
                                    <tr data-listing={l.id.to_string()}>
                                        <td>{ county_name(lang, &counties, &l.county_code) }</td>
                                        <td class="nowrap">{ match (lang, l.channel) { (Lang::Zh, c) => c.label_zh(), (Lang::En, c) => c.label_en() } }</td>
                                        <td class="wide-only">{ crate::components::badge::source(lang, l) }</td>
                                        <td class="num">{ l.remaining_mu.grouped() }</td>
                                        <td class="num">{ l.price_per_mu.grouped() }</td>
                                        <td class="num countdown">{ countdown(lang, l) }</td>
                                        <td>{ match l.channel {
                                            // R16: announced; buying opens when the announcement ends.
                                            Channel::County if l.status == ListingStatus::Scheduled => html! {
                                                <span class="muted announced">{ match lang {
                                                    Lang::Zh => format!("公告中，{} 起可购买", l.opens_at.map(quota_shared::calendar::format_local).unwrap_or_default()),
                                                    Lang::En => format!("announced; on sale from {}", l.opens_at.map(quota_shared::calendar::format_local).unwrap_or_default()),
                                                } }</span>
                                            },
                                            Channel::County => html! { <Link<Route> to={Route::Buy { id: l.id }} classes="button">{ t(lang, Key::Buy) }</Link<Route>> },
                                            Channel::Regional => html! { <Link<Route> to={Route::Lot { id: l.id }} classes="button">{ t(lang, Key::Bid) }</Link<Route>> },
                                        } }</td>
                                    </tr>
                                }) }
                                </tbody>
                            </table></div>
                        }
                    }
                }
            } }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quota_shared::Area;
    use time::macros::datetime;

    fn listing(
        id: i64,
        county: &str,
        channel: Channel,
        status: ListingStatus,
        remaining: &str,
        price: &str,
        minute: i64,
    ) -> Listing {
        let area: Area = remaining.parse().expect("area");
        serde_json::from_value(serde_json::json!({
            "id": id, "county_code": county, "channel": channel, "status": status,
            "area_mu": area, "remaining_mu": area, "farmland_mu": "0", "paddy_mu": "0", "grain_capacity_kg": 0,
            "price_per_mu": price, "source_project": "", "township": "", "advance": false,
            "listed_at": (datetime!(2026-11-01 08:00 UTC) + time::Duration::minutes(minute))
                .format(&time::format_description::well_known::Rfc3339)
                .expect("time"),
            "ruleset_version": "wuzhou-2021.1"
        }))
        .expect("listing")
    }

    #[test]
    fn filters_and_sorting_choose_what_the_buyer_sees() {
        let all = vec![
            listing(
                1,
                "450422",
                Channel::County,
                ListingStatus::Open,
                "5",
                "300000",
                0,
            ),
            listing(
                2,
                "450423",
                Channel::County,
                ListingStatus::Open,
                "9",
                "270000",
                1,
            ),
            listing(
                3,
                "450422",
                Channel::County,
                ListingStatus::SoldOut,
                "0",
                "250000",
                2,
            ),
            listing(
                4,
                "451321",
                Channel::Regional,
                ListingStatus::Bidding,
                "17.5335",
                "250000",
                3,
            ),
        ];
        let ids = |v: &View| visible(&all, v).iter().map(|l| l.id).collect::<Vec<_>>();
        let mut view = View {
            county: None,
            channel: None,
            sort: Sort::Price,
        };
        assert_eq!(
            ids(&view),
            [4, 2, 1],
            "sold-out listings are hidden; cheapest first"
        );
        view.sort = Sort::Remaining;
        assert_eq!(ids(&view), [4, 2, 1]);
        view.sort = Sort::Newest;
        assert_eq!(ids(&view), [4, 2, 1]);
        view.channel = Some(Channel::County);
        view.sort = Sort::Price;
        assert_eq!(ids(&view), [2, 1]);
        view.county = Some("450422".into());
        assert_eq!(ids(&view), [1]);
    }
}

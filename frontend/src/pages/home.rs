//! 首页: open county listings, regional lots with a countdown, recent results, the floor and
//! every county's base price.

use quota_shared::api::{
    AnnouncementKind, AnnouncementsResponse, CountiesResponse, County, FloorPrice,
    FloorPricesResponse, Lang, Listing, ListingStatus, ListingsResponse,
};
use quota_shared::rules::{Channel, FloorVersion, floor_on};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::badge::unconfirmed;
use crate::components::format::{countdown, county_name, today};
use crate::components::status::{failed, loading};
use crate::hooks::{Load, use_ticker};
use crate::i18n::{Key, t};
use crate::route::Route;
use quota_shared::calendar::{day_of, format_local};

#[component]
pub fn Home() -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let counties = use_state(|| Load::<CountiesResponse>::Loading);
    let floors = use_state(|| Load::<FloorPricesResponse>::Loading);
    let listings = use_state(|| Load::<ListingsResponse>::Loading);
    let news = use_state(|| Load::<AnnouncementsResponse>::Loading);
    let reload = use_state(|| 0u32);
    {
        let (counties, floors, listings, news) = (
            counties.clone(),
            floors.clone(),
            listings.clone(),
            news.clone(),
        );
        use_effect_with(*reload, move |_| {
            yew::platform::spawn_local(async move {
                counties.set(api::counties().await.into());
                floors.set(api::floor_prices().await.into());
                listings.set(api::listings().await.into());
                news.set(
                    api::recent_announcements(Some("result"), None, 8)
                        .await
                        .into(),
                );
            });
        });
    }
    use_ticker();
    let retry = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    let known: Vec<County> = match &*counties {
        Load::Ready(c) => c.counties.clone(),
        _ => Vec::new(),
    };
    html! {
        <>
            <section class="card">
                <h2>{ t(lang, Key::OpenListingsHeading) }</h2>
                { match &*listings {
                    Load::Loading => loading(lang),
                    Load::Failed(e) => failed(lang, e, Some(retry.clone())),
                    Load::Ready(l) => open_listings(lang, &known, &l.listings),
                } }
            </section>
            <section class="card">
                <h2>{ t(lang, Key::LotsHeading) }</h2>
                { match &*listings {
                    Load::Loading => loading(lang),
                    Load::Failed(e) => failed(lang, e, Some(retry.clone())),
                    Load::Ready(l) => lots(lang, &known, &l.listings),
                } }
            </section>
            <section class="card">
                <h2>{ t(lang, Key::ResultsHeading) }</h2>
                { match &*news {
                    Load::Loading => loading(lang),
                    Load::Failed(e) => failed(lang, e, Some(retry.clone())),
                    Load::Ready(n) => results(lang, n),
                } }
            </section>
            <div class="two-col">
                <section class="card">
                    <h2>{ t(lang, Key::FloorHeading) }</h2>
                    { match &*floors {
                        Load::Loading => loading(lang),
                        Load::Failed(e) => failed(lang, e, Some(retry.clone())),
                        Load::Ready(f) => floor_table(lang, &f.floor_prices),
                    } }
                </section>
                <section class="card">
                    <h2>{ t(lang, Key::CountiesHeading) }</h2>
                    { match &*counties {
                        Load::Loading => loading(lang),
                        Load::Failed(e) => failed(lang, e, Some(retry)),
                        Load::Ready(c) if c.counties.is_empty() => html! { <p class="empty">{ t(lang, Key::CountiesEmpty) }</p> },
                        Load::Ready(c) => county_table(lang, &c.counties),
                    } }
                </section>
            </div>
        </>
    }
}

fn open_listings(lang: Lang, counties: &[County], listings: &[Listing]) -> Html {
    let open: Vec<&Listing> = listings
        .iter()
        .filter(|l| {
            l.channel == Channel::County
                && matches!(l.status, ListingStatus::Open | ListingStatus::Scheduled)
        })
        .collect();
    if open.is_empty() {
        return html! { <p class="empty">{ t(lang, Key::NoListings) }</p> };
    }
    html! {
        <div class="table-wrap"><table class="data" id="open-listings">
            <thead><tr>
                <th>{ t(lang, Key::ColSeller) }</th>
                <th class="wide-only">{ t(lang, Key::ColProject) }</th>
                <th class="num">{ t(lang, Key::ColRemaining) }</th>
                <th class="num">{ t(lang, Key::ColPrice) }</th>
                <th></th>
            </tr></thead>
            <tbody>
            { for open.iter().map(|l| html! {
                <tr data-listing={l.id.to_string()}>
                    <td>{ county_name(lang, counties, &l.county_code) }</td>
                    <td class="wide-only">{ crate::components::badge::source(lang, l) }</td>
                    <td class="num">{ l.remaining_mu.grouped() }</td>
                    <td class="num">{ l.price_per_mu.grouped() }</td>
                    <td>{ match (l.status, l.opens_at) {
                        // R16: announced; buying opens when the announcement ends.
                        (ListingStatus::Scheduled, Some(o)) => html! {
                            <span class="muted announced">{ match lang {
                                Lang::Zh => format!("公告中，{} 起可购买", format_local(o)),
                                Lang::En => format!("announced; on sale from {}", format_local(o)),
                            } }</span>
                        },
                        _ => html! { <Link<Route> to={Route::Buy { id: l.id }} classes="button">{ t(lang, Key::Buy) }</Link<Route>> },
                    } }</td>
                </tr>
            }) }
            </tbody>
        </table></div>
    }
}

fn lots(lang: Lang, counties: &[County], listings: &[Listing]) -> Html {
    let live: Vec<&Listing> = listings
        .iter()
        .filter(|l| {
            l.channel == Channel::Regional
                && matches!(l.status, ListingStatus::Bidding | ListingStatus::Scheduled)
        })
        .collect();
    if live.is_empty() {
        return html! { <p class="empty">{ t(lang, Key::NoLots) }</p> };
    }
    html! {
        <div class="table-wrap"><table class="data" id="lots">
            <thead><tr>
                <th>{ t(lang, Key::ColSeller) }</th>
                <th class="num">{ t(lang, Key::ColArea) }</th>
                <th class="num wide-only">{ t(lang, Key::ColStart) }</th>
                <th class="num">{ t(lang, Key::ColMinNext) }</th>
                <th class="num wide-only">{ t(lang, Key::ColDeposit) }</th>
                <th class="num">{ t(lang, Key::ColCloses) }</th>
                <th></th>
            </tr></thead>
            <tbody>
            { for live.iter().map(|l| html! {
                <tr data-listing={l.id.to_string()}>
                    <td class="seller">{ county_name(lang, counties, &l.county_code) }</td>
                    <td class="num" data-label={t(lang, Key::ColArea)}>{ l.area_mu.grouped() }</td>
                    <td class="num wide-only">{ l.start_total_yuan.map(|m| m.grouped()).unwrap_or_default() }</td>
                    <td class="num" data-label={t(lang, Key::ColMinNext)}>{ l.min_next_bid_yuan.map(|m| m.grouped()).unwrap_or_default() }</td>
                    <td class="num wide-only">{ l.deposit_yuan.map(|m| m.grouped()).unwrap_or_default() }</td>
                    <td class="num countdown" data-label={t(lang, Key::ColCloses)}>{ countdown(lang, l) }</td>
                    <td class="action"><Link<Route> to={Route::Lot { id: l.id }} classes="button">{ t(lang, Key::Bid) }</Link<Route>></td>
                </tr>
            }) }
            </tbody>
        </table></div>
    }
}

/// 成交公示: recent results. A trade still in its publicity (R16) links to the objection page
/// (in the second bundle: few visitors object, so the others never download the form).
fn results(lang: Lang, news: &AnnouncementsResponse) -> Html {
    let recent: Vec<_> = news
        .announcements
        .iter()
        .filter(|a| a.kind == AnnouncementKind::Result)
        .take(8)
        .collect();
    if recent.is_empty() {
        return html! { <p class="empty">{ t(lang, Key::NoResults) }</p> };
    }
    let now = time::OffsetDateTime::now_utc();
    html! {
        <ul class="news" id="results">
            { for recent.iter().map(|a| html! {
                <li>
                    <span class="date">{ day_of(a.published_at).to_string() }</span>
                    <span>{ a.title.clone() }</span>
                    { if a.open_objections > 0 { html! {
                        <span class="badge warn">{ match lang {
                            Lang::Zh => format!("{} 件异议待处理", a.open_objections),
                            Lang::En => format!("{} open objection(s)", a.open_objections),
                        } }</span>
                    } } else { html! {} } }
                    { match a.purchase_id {
                        Some(id) if !a.is_final && a.publicity_ends_at.is_some_and(|e| e > now) => html! {
                            <a class="object" href={format!("/objection/{id}")}>{ match lang { Lang::Zh => "提出异议", Lang::En => "Object" } }</a>
                        },
                        _ => html! {},
                    } }
                </li>
            }) }
        </ul>
    }
}

fn floor_table(lang: Lang, floors: &[FloorPrice]) -> Html {
    let versions: Vec<FloorVersion> = floors.iter().cloned().map(Into::into).collect();
    let in_force = floor_on(&versions, today()).map(|f| f.effective_from);
    html! {
        <div class="table-wrap"><table class="data" id="floor-prices">
            <thead><tr>
                <th>{ t(lang, Key::FloorFrom) }</th>
                <th class="num">{ t(lang, Key::FloorPrice) }</th>
            </tr></thead>
            <tbody>
            { for floors.iter().map(|f| html! {
                <tr>
                    <td>
                        { f.effective_from.to_string() }
                        { if Some(f.effective_from) == in_force {
                            html! { <span class="badge">{ t(lang, Key::FloorInForce) }</span> }
                        } else { html! {} } }
                    </td>
                    <td class="num">{ f.price_per_mu.grouped() }</td>
                </tr>
            }) }
            </tbody>
        </table></div>
    }
}

fn county_table(lang: Lang, counties: &[County]) -> Html {
    html! {
        <div class="table-wrap"><table class="data" id="counties">
            <thead><tr>
                <th>{ t(lang, Key::ColName) }</th>
                <th class="wide-only">{ t(lang, Key::ColCode) }</th>
                <th>{ t(lang, Key::ColKind) }</th>
                <th>{ t(lang, Key::ColPoverty) }</th>
                <th class="num">{ t(lang, Key::ColBasePrice) }</th>
            </tr></thead>
            <tbody>
            { for counties.iter().map(|c| html! {
                <tr data-code={c.code.to_string()}>
                    <td>{ match lang { Lang::Zh => c.name.clone(), Lang::En => c.name_en.clone() } }</td>
                    <td class="mono wide-only">{ c.code.to_string() }</td>
                    <td class="nowrap">{ match lang { Lang::Zh => c.kind.label_zh(), Lang::En => c.kind.label_en() } }</td>
                    <td>
                        { t(lang, if c.poverty_alleviated { Key::Yes } else { Key::No }) }
                        { if c.poverty_status_confirmed { html! {} } else {
                            unconfirmed(lang)
                        } }
                    </td>
                    <td class="num">{ match c.base_price_per_mu {
                        Some(p) => html! { p.grouped() },
                        None => html! { <span class="muted">{ t(lang, Key::NotSet) }</span> },
                    } }</td>
                </tr>
            }) }
            </tbody>
        </table></div>
    }
}

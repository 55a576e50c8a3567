//! 首页: the regional floor and every county's base price (more sections come with listings).

use quota_shared::api::{CountiesResponse, County, FloorPrice, FloorPricesResponse, Lang};
use quota_shared::rules::{FloorVersion, floor_on};
use yew::prelude::*;

use crate::api::{self, ApiFailure};
use crate::i18n::{Key, t};

/// The state of one fetch.
#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    Loading,
    Ready(T),
    Failed(ApiFailure),
}

#[component]
pub fn Home() -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let counties = use_state(|| Load::<CountiesResponse>::Loading);
    let floors = use_state(|| Load::<FloorPricesResponse>::Loading);
    let reload = use_state(|| 0u32);
    {
        let counties = counties.clone();
        let floors = floors.clone();
        use_effect_with(*reload, move |_| {
            counties.set(Load::Loading);
            floors.set(Load::Loading);
            yew::platform::spawn_local(async move {
                counties.set(match api::counties().await {
                    Ok(c) => Load::Ready(c),
                    Err(e) => Load::Failed(e),
                });
                floors.set(match api::floor_prices().await {
                    Ok(f) => Load::Ready(f),
                    Err(e) => Load::Failed(e),
                });
            });
        });
    }
    let retry = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    html! {
        <>
            <section class="card">
                <h2>{ t(lang, Key::FloorHeading) }</h2>
                { match &*floors {
                    Load::Loading => loading(lang),
                    Load::Failed(e) => failed(lang, e, retry.clone()),
                    Load::Ready(f) => floor_table(lang, &f.floor_prices),
                } }
            </section>
            <section class="card">
                <h2>{ t(lang, Key::CountiesHeading) }</h2>
                { match &*counties {
                    Load::Loading => loading(lang),
                    Load::Failed(e) => failed(lang, e, retry),
                    Load::Ready(c) if c.counties.is_empty() => html! { <p class="empty">{ t(lang, Key::CountiesEmpty) }</p> },
                    Load::Ready(c) => county_table(lang, &c.counties),
                } }
            </section>
        </>
    }
}

fn loading(lang: Lang) -> Html {
    html! { <p class="loading" aria-busy="true">{ t(lang, Key::Loading) }</p> }
}

fn failed(lang: Lang, e: &ApiFailure, retry: Callback<MouseEvent>) -> Html {
    let message = match lang {
        Lang::Zh => &e.message_zh,
        Lang::En => &e.message_en,
    };
    html! {
        <div class="error" role="alert">
            <span>{ message.clone() }</span>
            <button onclick={retry}>{ t(lang, Key::Retry) }</button>
        </div>
    }
}

fn today_shanghai() -> time::Date {
    time::OffsetDateTime::now_utc()
        .to_offset(time::macros::offset!(+8))
        .date()
}

fn floor_table(lang: Lang, floors: &[FloorPrice]) -> Html {
    let versions: Vec<FloorVersion> = floors.iter().cloned().map(Into::into).collect();
    let in_force = floor_on(&versions, today_shanghai()).map(|f| f.effective_from);
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
                <th class="wide-only">{ t(lang, Key::ColCity) }</th>
                <th>{ t(lang, Key::ColPoverty) }</th>
                <th class="num">{ t(lang, Key::ColBasePrice) }</th>
            </tr></thead>
            <tbody>
            { for counties.iter().map(|c| html! {
                <tr data-code={c.code.to_string()}>
                    <td>{ match lang { Lang::Zh => c.name.clone(), Lang::En => c.name_en.clone() } }</td>
                    <td class="mono wide-only">{ c.code.to_string() }</td>
                    <td>{ match lang { Lang::Zh => c.kind.label_zh(), Lang::En => c.kind.label_en() } }</td>
                    <td class="wide-only">{ c.city_name.clone() }</td>
                    <td>
                        { t(lang, if c.poverty_alleviated { Key::Yes } else { Key::No }) }
                        { if c.poverty_status_confirmed { html! {} } else {
                            html! { <span class="badge warn">{ t(lang, Key::Unconfirmed) }</span> }
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

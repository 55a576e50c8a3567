//! 竞价: a regional lot with its countdown, and a bid form pre-filled with the next valid amount.

use quota_shared::api::{BidRequest, County, Lang, Listing, ListingStatus, Role};
use quota_shared::capital::to_capital;
use quota_shared::{Money, PositiveMoney};
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiFailure};
use crate::components::badge::listing_status;
use crate::components::format::{countdown, county_name};
use crate::components::status::{failed, loading};
use crate::hooks::{Load, use_counties, use_ticker};
use crate::i18n::{Key, t};
use crate::route::Route;
use crate::session::Session;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
}

#[component]
pub fn Lot(props: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let session = use_context::<Session>();
    let lot = use_state(|| Load::<Listing>::Loading);
    let counties_load = use_counties();
    let counties: Vec<County> = counties_load.ready().cloned().unwrap_or_default();
    let amount = use_state(String::new);
    let busy = use_state(|| false);
    let outcome = use_state(|| None::<Result<Money, ApiFailure>>);
    let reload = use_state(|| 0u32);
    {
        let (lot, amount, id) = (lot.clone(), amount.clone(), props.id);
        use_effect_with((id, *reload), move |_| {
            yew::platform::spawn_local(async move {
                let loaded = api::listing(id).await.map(|l| l.listing);
                if let Ok(l) = &loaded {
                    amount.set(
                        l.min_next_bid_yuan
                            .map(|m| m.to_string())
                            .unwrap_or_default(),
                    );
                }
                lot.set(loaded.into());
            });
        });
    }
    use_ticker();
    let Load::Ready(l) = &*lot else {
        return match &*lot {
            Load::Failed(e) => html! { <section class="card">{ failed(lang, e, None) }</section> },
            _ => html! { <section class="card">{ loading(lang) }</section> },
        };
    };
    let user = session.as_ref().and_then(|s| s.user.clone());
    let can_bid =
        user.as_ref().is_some_and(|u| u.role == Role::Buyer) && l.status == ListingStatus::Bidding;
    let on_input = {
        let amount = amount.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                amount.set(i.value());
            }
        })
    };
    let parsed = amount.parse::<Money>();
    let submit = {
        let (amount, busy, outcome, reload, id) = (
            amount.clone(),
            busy.clone(),
            outcome.clone(),
            reload.clone(),
            l.id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(value) = amount.parse::<PositiveMoney>() else {
                return;
            };
            if *busy {
                return;
            }
            busy.set(true);
            let (busy, outcome, reload) = (busy.clone(), outcome.clone(), reload.clone());
            yew::platform::spawn_local(async move {
                let result = api::bid(id, &BidRequest { amount_yuan: value })
                    .await
                    .map(|b| b.bid.amount_yuan);
                if result.is_ok() {
                    reload.set(*reload + 1);
                }
                outcome.set(Some(result));
                busy.set(false);
            });
        })
    };
    html! {
        <section class="card">
            <h2>{ t(lang, Key::LotHeading) }</h2>
            { counties_load.failure(lang) }
            <dl class="facts" id="lot-facts">
                <dt>{ t(lang, Key::ColSeller) }</dt><dd>{ county_name(lang, &counties, &l.county_code) }</dd>
                <dt>{ t(lang, Key::ColProject) }</dt><dd>{ crate::components::badge::source(lang, l) }</dd>
                <dt>{ t(lang, Key::ColArea) }</dt><dd class="num">{ l.area_mu.grouped() }</dd>
                <dt>{ t(lang, Key::ColStart) }</dt><dd class="num">{ l.start_total_yuan.map(|m| m.grouped()).unwrap_or_default() }</dd>
                <dt>{ t(lang, Key::ColHigh) }</dt><dd class="num" id="high-bid">{ l.high_bid_yuan.map(|m| m.grouped()).unwrap_or_else(|| "—".into()) }</dd>
                <dt>{ t(lang, Key::ColMinNext) }</dt><dd class="num" id="min-next">{ l.min_next_bid_yuan.map(|m| m.grouped()).unwrap_or_default() }</dd>
                <dt>{ t(lang, Key::ColDeposit) }</dt><dd class="num">{ l.deposit_yuan.map(|m| m.grouped()).unwrap_or_default() }</dd>
                <dt>{ t(lang, Key::ColCloses) }</dt><dd class="countdown" id="countdown">{ countdown(lang, l) }</dd>
                <dt>{ t(lang, Key::ColStatus) }</dt><dd>{ listing_status(lang, l.status) }</dd>
            </dl>
            { if user.is_none() { html! {
                <p class="notice"><Link<Route> to={Route::Login}>{ t(lang, Key::LoginToBuy) }</Link<Route>></p>
            } } else if can_bid { html! {
                <form class="form" onsubmit={submit} id="bid-form">
                    <label>{ t(lang, Key::BidAmount) }<input id="bid-amount" inputmode="decimal" value={(*amount).clone()} oninput={on_input} /></label>
                    <p class="muted">{ t(lang, Key::Step) }{ match &parsed { Ok(m) => format!("　{}", to_capital(*m)), Err(_) => String::new() } }</p>
                    <button type="submit" class="primary" id="bid-submit" disabled={*busy || parsed.is_err()}>{ t(lang, Key::SubmitBid) }</button>
                </form>
            } } else { html! {} } }
            { match &*outcome {
                Some(Ok(m)) => html! { <p class="ok" id="bid-ok">{ format!("{}：{} 元", t(lang, Key::BidPlaced), m.grouped()) }</p> },
                Some(Err(e)) => html! { <div id="bid-error">{ failed(lang, e, None) }</div> },
                None => html! {},
            } }
        </section>
    }
}

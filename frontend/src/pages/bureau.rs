//! 挂牌管理 (county bureau): the base price with the floor and R1 checked live, new county
//! listings and regional lots with live validation, withdrawal, and payments to confirm.

use quota_shared::UnitPrice;
use quota_shared::api::{
    Announcement, BasePriceRequest, County, FloorPrice, Holding, Lang, Listing, ListingStatus,
    Purchase, PurchaseStatus, SettleRequest,
};
use quota_shared::rules::{FloorVersion, check_base_price, floor_on};

use yew::prelude::*;

use crate::api::{self, ApiFailure};
use crate::components::badge::listing_status;
use crate::components::form::bind;
use crate::components::format::today;
use crate::components::status::failed;
use crate::components::use_form::UseForm;
use crate::i18n::{Key, t, words};
use crate::session::Session;
use quota_shared::calendar::day_of;
use web_sys::HtmlInputElement;

#[component]
pub fn Bureau() -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let session = use_context::<Session>();
    let county = session
        .as_ref()
        .and_then(|s| s.user.as_ref())
        .and_then(|u| u.county_code.clone());
    let counties = use_state(Vec::<County>::new);
    let book = crate::hooks::use_rule_book();
    let floors = use_state(Vec::<FloorPrice>::new);
    let listings = use_state(Vec::<Listing>::new);
    let purchases = use_state(Vec::<Purchase>::new);
    let reload = use_state(|| 0u32);
    let problem = use_state(|| None::<ApiFailure>);
    let notice = use_state(|| None::<String>);
    let holdings = use_state(Vec::<Holding>::new);
    let news = use_state(Vec::<Announcement>::new);
    let base_input = use_state(String::new);
    let projects = use_state(Vec::<quota_shared::api::Project>::new);
    let bank_refs = use_state(std::collections::HashMap::<i64, String>::new);
    {
        let (counties, floors, listings, purchases, county) = (
            counties.clone(),
            floors.clone(),
            listings.clone(),
            purchases.clone(),
            county.clone(),
        );
        let (holdings, news, problem, projects) = (
            holdings.clone(),
            news.clone(),
            problem.clone(),
            projects.clone(),
        );
        use_effect_with((*reload, county.clone()), move |_| {
            yew::platform::spawn_local(async move {
                // Every load that fails is shown; the others still fill the page.
                let mut failure = None;
                match api::counties().await {
                    Ok(c) => counties.set(c.counties),
                    Err(e) => failure = Some(e),
                }
                match api::floor_prices().await {
                    Ok(f) => floors.set(f.floor_prices),
                    Err(e) => failure = Some(e),
                }
                if let Some(code) = county {
                    match api::listings_of(code.as_str()).await {
                        Ok(l) => listings.set(l.listings),
                        Err(e) => failure = Some(e),
                    }
                    match api::purchases().await {
                        Ok(p) => purchases.set(p.purchases),
                        Err(e) => failure = Some(e),
                    }
                    match api::holdings().await {
                        Ok(h) => holdings.set(h.holdings),
                        Err(e) => failure = Some(e),
                    }
                    match crate::stock_api::projects().await {
                        Ok(p) => projects.set(p.projects),
                        Err(e) => failure = Some(e),
                    }
                    match api::recent_announcements(None, Some(code.as_str()), 10).await {
                        Ok(a) => news.set(a.announcements),
                        Err(e) => failure = Some(e),
                    }
                }
                // A load that succeeds again clears an earlier failure.
                problem.set(failure);
            });
        });
    }
    let Some(code) = county else {
        return html! { <section class="card"><p class="notice">{ t(lang, Key::LoginToBuy) }</p></section> };
    };
    let mine = counties.iter().find(|c| c.code == code).cloned();
    let versions: Vec<FloorVersion> = floors.iter().cloned().map(Into::into).collect();
    let floor = floor_on(&versions, today()).map(|f| f.price_per_mu);
    let base = mine.as_ref().and_then(|c| c.base_price_per_mu);

    // ---- base price
    let base_check: Result<UnitPrice, String> = base_input
        .parse::<UnitPrice>()
        .map_err(|e| words(lang, e.message_zh(), e.message_en()))
        .and_then(|p| {
            check_base_price(p, today(), &versions, &book)
                .map(|_| p)
                .map_err(|v| format!("{}：{}", v.rule, words(lang, v.message_zh, v.message_en)))
        });
    let save_base = {
        let (code, problem, notice, reload, check) = (
            code.clone(),
            problem.clone(),
            notice.clone(),
            reload.clone(),
            base_check.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(price) = check.clone() else { return };
            let (code, problem, notice, reload) = (
                code.clone(),
                problem.clone(),
                notice.clone(),
                reload.clone(),
            );
            yew::platform::spawn_local(async move {
                match api::set_base_price(
                    code.as_str(),
                    &BasePriceRequest {
                        price_per_mu: price,
                    },
                )
                .await
                {
                    Ok(_) => {
                        notice.set(Some(format!(
                            "{}：{} 元/亩",
                            t(lang, Key::Saved),
                            price.grouped()
                        )));
                        problem.set(None);
                        reload.set(*reload + 1);
                    }
                    Err(e) => problem.set(Some(e)),
                }
            });
        })
    };

    // ---- new listing
    let on_created = {
        let (problem, notice, reload) = (problem.clone(), notice.clone(), reload.clone());
        Callback::from(move |message: String| {
            notice.set(Some(message));
            problem.set(None);
            reload.set(*reload + 1);
        })
    };
    let on_failed = {
        let problem = problem.clone();
        Callback::from(move |e: ApiFailure| problem.set(Some(e)))
    };
    let withdraw = |id: i64| {
        let (problem, reload) = (problem.clone(), reload.clone());
        Callback::from(move |_: MouseEvent| {
            let (problem, reload) = (problem.clone(), reload.clone());
            yew::platform::spawn_local(async move {
                if let Err(e) = api::withdraw(id).await {
                    problem.set(Some(e));
                }
                reload.set(*reload + 1);
            });
        })
    };
    let settle = |id: i64| {
        let (problem, notice, reload, refs) = (
            problem.clone(),
            notice.clone(),
            reload.clone(),
            bank_refs.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let reference = refs.get(&id).cloned().unwrap_or_default();
            let (problem, notice, reload) = (problem.clone(), notice.clone(), reload.clone());
            yew::platform::spawn_local(async move {
                match api::settle(
                    id,
                    &SettleRequest {
                        bank_reference: reference,
                    },
                )
                .await
                {
                    Ok(p) => {
                        let p = p.purchase;
                        notice.set(Some(match (p.confirmation_no, p.publicity_ends_at) {
                            (Some(no), _) => format!("{}：{no}", t(lang, Key::Settle)),
                            // R16: numbered when the publicity ends with no objection open.
                            (None, ends) => {
                                let ends = ends.map(quota_shared::calendar::format_local).unwrap_or_default();
                                match lang {
                                    Lang::Zh => format!("已确认收款，成交公示至 {ends}；公示期满且无异议后编号"),
                                    Lang::En => format!("Settled; published until {ends}, numbered when the publicity ends without objection"),
                                }
                            }
                        }));
                        problem.set(None);
                    }
                    Err(e) => problem.set(Some(e)),
                }
                reload.set(*reload + 1);
            });
        })
    };
    let set_ref = |id: i64| {
        let refs = bank_refs.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                let mut next = (*refs).clone();
                next.insert(id, i.value());
                refs.set(next);
            }
        })
    };
    let on_use = {
        let (notice, problem, reload) = (notice.clone(), problem.clone(), reload.clone());
        Callback::from(move |u: quota_shared::api::HoldingUse| {
            notice.set(Some(format!(
                "{}：{} · {} 亩",
                t(lang, Key::RecordUse),
                u.approval_no,
                u.area_mu
            )));
            problem.set(None);
            reload.set(*reload + 1);
        })
    };
    let pending: Vec<&Purchase> = purchases
        .iter()
        .filter(|p| p.status == PurchaseStatus::Reserved)
        .collect();
    html! {
        <>
        { match &*problem { Some(e) => html! { <div id="bureau-error">{ failed(lang, e, None) }</div> }, None => html! {} } }
        { match &*notice { Some(n) => html! { <p class="ok" id="bureau-notice">{ n.clone() }</p> }, None => html! {} } }
        <div class="two-col">
        <section class="card">
            <h2>{ t(lang, Key::BasePriceHeading) }</h2>
            <dl class="facts">
                <dt>{ t(lang, Key::ColName) }</dt><dd>{ mine.as_ref().map(|c| c.name.clone()).unwrap_or_default() }</dd>
                <dt>{ t(lang, Key::CurrentBase) }</dt><dd id="current-base">{ base.map(|p| format!("{} 元/亩", p.grouped())).unwrap_or_else(|| t(lang, Key::NotSet).into()) }</dd>
                <dt>{ t(lang, Key::FloorNow) }</dt><dd>{ floor.map(|p| format!("{} 元/亩", p.grouped())).unwrap_or_default() }</dd>
            </dl>
            <form class="form" onsubmit={save_base} id="base-form">
                <label>{ t(lang, Key::ColBasePrice) }<input id="base-price" inputmode="decimal" value={(*base_input).clone()} oninput={bind(&base_input)} /></label>
                <button type="submit" class="primary" id="base-submit" disabled={base_check.is_err()}>{ t(lang, Key::SaveBase) }</button>
                { match (&base_check, base_input.is_empty()) { (Err(m), false) => html! { <p class="error" id="base-check">{ m.clone() }</p> }, _ => html! {} } }
            </form>
        </section>
        <super::bureau_listing::NewListing projects={(*projects).clone()} base={base} versions={versions.clone()} {on_created} {on_failed} />
        </div>
        <section class="card">
            <h2>{ t(lang, Key::IncomingHeading) }</h2>
            { if pending.is_empty() { html! { <p class="empty">{ t(lang, Key::NoIncoming) }</p> } } else { html! {
                <div class="table-wrap"><table class="data" id="incoming">
                    <thead><tr><th>{ "#" }</th><th>{ t(lang, Key::Buyer) }</th><th class="num">{ t(lang, Key::ColArea) }</th><th class="num">{ t(lang, Key::ColAmount) }</th><th>{ t(lang, Key::FieldBankRef) }</th><th></th></tr></thead>
                    <tbody>{ for pending.iter().map(|p| html! {
                        <tr data-purchase={p.id.to_string()}>
                            <td class="mono">{ p.id }</td><td>{ p.buyer.clone() }</td>
                            <td class="num">{ p.area_mu.grouped() }</td><td class="num">{ p.amount_yuan.grouped() }</td>
                            <td><input class="bank-ref" oninput={set_ref(p.id)} /></td>
                            <td><button class="primary settle" onclick={settle(p.id)}>{ t(lang, Key::Settle) }</button></td>
                        </tr>
                    }) }</tbody>
                </table></div>
            } } }
        </section>
        <super::bureau_projects::Projects reload={*reload} on_changed={{
            let reload = reload.clone();
            Callback::from(move |()| reload.set(*reload + 1))
        }} />
        <super::bureau_objections::Objections on_resolved={{
            let reload = reload.clone();
            Callback::from(move |()| reload.set(*reload + 1))
        }} />
        <section class="card">
            <h2>{ t(lang, Key::UsesHeading) }</h2>
            { if holdings.is_empty() { html! { <p class="empty">{ t(lang, Key::NoProjectHoldings) }</p> } } else { html! {
                <>
                <div class="table-wrap"><table class="data" id="county-holdings">
                    <thead><tr><th>{ t(lang, Key::ConfirmationNo) }</th><th>{ t(lang, Key::Buyer) }</th><th>{ t(lang, Key::ColProject) }</th><th class="num">{ t(lang, Key::ColArea) }</th><th class="num">{ t(lang, Key::Used) }</th><th class="num">{ t(lang, Key::ColRemaining) }</th></tr></thead>
                    <tbody>{ for holdings.iter().map(|h| html! {
                        <tr data-purchase={h.purchase_id.to_string()}><td>{ h.confirmation_no.clone().unwrap_or_default() }</td><td>{ h.buyer.clone() }</td>
                            <td>{ match &h.project {
                                Some(p) => p.name.clone(),
                                None => format!("{}：{}", t(lang, Key::AwardedQuota), h.uses.iter().filter_map(|u| u.project_name.clone()).collect::<Vec<_>>().join("、")),
                            } }</td>
                            <td class="num">{ h.area_mu.grouped() }</td><td class="num">{ h.used_mu.grouped() }</td><td class="num">{ h.remaining_mu.grouped() }</td></tr>
                    }) }</tbody>
                </table></div>
                <UseForm holdings={(*holdings).clone()} counties={(*counties).clone()} fixed_county={Some(code.clone())} on_recorded={on_use} />
                </>
            } } }
        </section>
        <section class="card">
            <h2>{ t(lang, Key::CountyNotices) }</h2>
            <ul class="news" id="county-notices">{ for news.iter().take(10).map(|a| html! {
                <li><span class="date">{ day_of(a.published_at).to_string() }</span><span>{ a.title.clone() }</span></li>
            }) }</ul>
        </section>
        <section class="card">
            <h2>{ t(lang, Key::OwnListingsHeading) }</h2>
            <div class="table-wrap"><table class="data" id="own-listings">
                <thead><tr><th>{ "#" }</th><th>{ t(lang, Key::FieldChannel) }</th><th class="wide-only">{ t(lang, Key::ColProject) }</th><th class="num">{ t(lang, Key::ColArea) }</th><th class="num">{ t(lang, Key::ColRemaining) }</th><th class="num">{ t(lang, Key::ColPrice) }</th><th>{ t(lang, Key::ColStatus) }</th><th></th></tr></thead>
                <tbody>{ for listings.iter().map(|l| html! {
                    <tr data-listing={l.id.to_string()}>
                        <td class="mono">{ l.id }</td>
                        <td class="nowrap">{ match (lang, l.channel) { (Lang::Zh, c) => c.label_zh(), (Lang::En, c) => c.label_en() } }</td>
                        <td class="wide-only">{ crate::components::badge::source(lang, l) }</td>
                        <td class="num">{ l.area_mu.grouped() }</td><td class="num">{ l.remaining_mu.grouped() }</td>
                        <td class="num">{ l.price_per_mu.grouped() }</td>
                        <td>{ listing_status(lang, l.status) }</td>
                        <td>{ if matches!(l.status, ListingStatus::Open | ListingStatus::Scheduled)
                            || (l.status == ListingStatus::Bidding && l.bid_count == 0) {
                            html! { <button class="link" onclick={withdraw(l.id)}>{ t(lang, Key::Withdraw) }</button> }
                        } else if l.status == ListingStatus::Bidding {
                            html! { <span class="muted nowrap" title={t(lang, Key::LotHasBidsHint)}>{ t(lang, Key::LotHasBids) }</span> }
                        } else { html! {} } }</td>
                    </tr>
                }) }</tbody>
            </table></div>
        </section>
        </>
    }
}

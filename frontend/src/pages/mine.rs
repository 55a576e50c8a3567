//! 我的交易: the buyer's purchases (cancel while reserved, print once settled) and holdings
//! with their use history.

use quota_shared::api::{County, HoldingsResponse, Lang, Purchase, PurchaseStatus};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::components::badge::trade_status;
use crate::components::format::county_name;
use crate::components::status::{failed, loading};
use crate::components::use_form::UseForm;
use crate::hooks::{Load, use_counties};
use crate::i18n::{Key, t};
use crate::route::Route;
use quota_shared::calendar::day_of;

#[component]
pub fn Mine() -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let purchases = use_state(|| Load::<Vec<Purchase>>::Loading);
    let holdings = use_state(|| Load::<HoldingsResponse>::Loading);
    let counties_load = use_counties();
    let counties: Vec<County> = counties_load.ready().cloned().unwrap_or_default();
    let reload = use_state(|| 0u32);
    {
        let (purchases, holdings) = (purchases.clone(), holdings.clone());
        use_effect_with(*reload, move |_| {
            yew::platform::spawn_local(async move {
                purchases.set(api::purchases().await.map(|p| p.purchases).into());
                holdings.set(api::holdings().await.into());
            });
        });
    }
    let notice = use_state(|| None::<String>);
    let on_use = {
        let (notice, reload) = (notice.clone(), reload.clone());
        Callback::from(move |u: quota_shared::api::HoldingUse| {
            notice.set(Some(format!(
                "{}：{} · {} 亩 · {} {} 亩",
                t(lang, Key::RecordUse),
                u.approval_no,
                u.area_mu,
                t(lang, Key::ColRemaining),
                u.remaining_mu
            )));
            reload.set(*reload + 1);
        })
    };
    let cancel = |id: i64| {
        let reload = reload.clone();
        Callback::from(move |_: MouseEvent| {
            let reload = reload.clone();
            yew::platform::spawn_local(async move {
                let _ = api::cancel(id).await;
                reload.set(*reload + 1);
            });
        })
    };
    html! {
        <>
        <section class="card">
            <h2>{ t(lang, Key::MineHeading) }</h2>
            { counties_load.failure(lang) }
            { match &*purchases {
                Load::Loading => loading(lang),
                Load::Failed(e) => failed(lang, e, None),
                Load::Ready(list) if list.is_empty() => html! { <p class="empty">{ t(lang, Key::NoPurchases) }</p> },
                Load::Ready(list) => html! {
                    <div class="table-wrap"><table class="data" id="my-purchases">
                        <thead><tr>
                            <th>{ "#" }</th>
                            <th>{ t(lang, Key::ColSeller) }</th>
                            <th class="num">{ t(lang, Key::ColArea) }</th>
                            <th class="num">{ t(lang, Key::ColAmount) }</th>
                            <th>{ t(lang, Key::ColStatus) }</th>
                            <th class="wide-only">{ t(lang, Key::ConfirmationNo) }</th>
                            <th>{ t(lang, Key::ColAction) }</th>
                        </tr></thead>
                        <tbody>
                        { for list.iter().map(|p| html! {
                            <tr data-purchase={p.id.to_string()}>
                                <td class="mono">{ p.id }</td>
                                // The seller by organisation once its code is known (#16).
                                <td>{ match (&p.seller_organisation, &p.seller_uscc) {
                                    (Some(o), Some(_)) => o.clone(),
                                    _ => county_name(lang, &counties, &p.seller_county_code),
                                } }</td>
                                <td class="num">{ p.area_mu.grouped() }</td>
                                <td class="num">{ p.amount_yuan.grouped() }</td>
                                <td class="status">{ trade_status(lang, p) }</td>
                                <td class="wide-only">{ traced(p.confirmation_no.as_deref()) }</td>
                                <td>{ match p.status {
                                    PurchaseStatus::Reserved => html! { <button class="link" onclick={cancel(p.id)}>{ t(lang, Key::Cancel) }</button> },
                                    PurchaseStatus::Settled if p.is_final() => html! { <Link<Route> to={Route::Confirmation { id: p.id }}>{ t(lang, Key::Print) }</Link<Route>> },
                                    _ => html! {},
                                } }</td>
                            </tr>
                        }) }
                        </tbody>
                    </table></div>
                },
            } }
        </section>
        <section class="card">
            <h2>{ t(lang, Key::HoldingsHeading) }</h2>
            { match &*holdings {
                Load::Loading => loading(lang),
                Load::Failed(e) => failed(lang, e, None),
                Load::Ready(h) if h.holdings.is_empty() => html! { <p class="empty">{ t(lang, Key::NoHoldings) }</p> },
                Load::Ready(h) => html! {
                    <div class="table-wrap"><table class="data" id="holdings">
                        <thead><tr>
                            <th>{ t(lang, Key::ConfirmationNo) }</th>
                            <th class="num">{ t(lang, Key::ColArea) }</th>
                            <th class="num">{ t(lang, Key::Used) }</th>
                            <th class="num">{ t(lang, Key::ColRemaining) }</th>
                            <th>{ t(lang, Key::Approval) }</th>
                        </tr></thead>
                        <tbody>
                        { for h.holdings.iter().map(|x| html! {
                            <tr>
                                <td>{ traced(x.confirmation_no.as_deref()) }</td>
                                <td class="num">{ x.area_mu.grouped() }</td>
                                <td class="num">{ x.used_mu.grouped() }</td>
                                <td class="num">{ x.remaining_mu.grouped() }</td>
                                <td>{ for x.uses.iter().map(|u| html! {
                                    <div class="use">{ format!("{} · {} 亩 · {} · {}", u.approval_no, u.area_mu, u.project_name.clone().unwrap_or_default(), day_of(u.created_at)) }</div>
                                }) }</td>
                            </tr>
                        }) }
                        </tbody>
                    </table></div>
                },
            } }
        </section>
        { match &*holdings {
            Load::Ready(h) if h.holdings.iter().any(|x| !x.remaining_mu.is_zero()) => html! {
                <section class="card">
                    <h2>{ t(lang, Key::MineUsesHeading) }</h2>
                    { match &*notice { Some(n) => html! { <p class="ok" id="use-notice">{ n.clone() }</p> }, None => html! {} } }
                    <UseForm holdings={h.holdings.clone()} counties={counties.clone()} on_recorded={on_use} />
                </section>
            },
            _ => html! {},
        } }
        </>
    }
}

/// A confirmation's number, linked to its public trace: the trade's serial blocks and the
/// reclamation projects they come from.
fn traced(number: Option<&str>) -> Html {
    match number {
        Some(n) => {
            html! { <Link<Route> classes="trace-link" to={Route::Trace { serial: n.to_string() }}>{ n }</Link<Route>> }
        }
        None => html! {},
    }
}

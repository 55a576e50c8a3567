//! 指标溯源 (public, no login): a serial traced back to its reclamation project and forward to
//! the trade that holds it and the use (落地) that retired it. Every 0.0001 亩 sold has its own
//! serial, printed on the 成交确认书 (docs/DOMAIN.md, "Serial numbers").

use quota_shared::api::{County, Lang, ProjectStatus, Trace};
use quota_shared::serial::Serial;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiFailure};
use crate::components::form::input_value;
use crate::components::format::county_name;
use crate::components::status::failed;
use crate::hooks::use_counties;
use crate::i18n::words;
use crate::route::Route;
use quota_shared::calendar::day_of;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The serial in the address (`/trace/{serial}`); empty on `/trace`.
    pub serial: String,
}

#[component]
pub fn TracePage(props: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let typed = use_state(|| props.serial.clone());
    let result = use_state(|| None::<Result<Trace, ApiFailure>>);
    let counties: Vec<County> = use_counties().ready().cloned().unwrap_or_default();
    let navigator = use_navigator();
    {
        let (result, typed) = (result.clone(), typed.clone());
        use_effect_with(props.serial.clone(), move |serial| {
            typed.set(serial.clone());
            result.set(None);
            if let Some(s) = Serial::parse(serial) {
                let result = result.clone();
                yew::platform::spawn_local(async move {
                    result.set(Some(api::trace(&s).await.map(|r| r.trace)));
                });
            }
        });
    }
    let parsed = Serial::parse(&typed);
    let search = {
        let parsed = parsed.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let (Some(s), Some(n)) = (&parsed, &navigator) {
                n.push(&Route::Trace {
                    serial: s.to_string(),
                });
            }
        })
    };
    let on_input = {
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| typed.set(input_value(&e)))
    };
    let county = |code| county_name(lang, &counties, code);
    let body = match &*result {
        None if !props.serial.is_empty() && Serial::parse(&props.serial).is_some() => {
            html! { <p class="muted">{ words(lang, "查询中…", "Looking it up…") }</p> }
        }
        None => html! {},
        Some(Err(e)) => failed(lang, e, None),
        Some(Ok(t)) => html! {
            <div id="trace-result">
                <h3>{ words(lang, "来源：复垦项目", "Source: reclamation project") }</h3>
                <dl class="facts" id="trace-project">
                    <dt>{ words(lang, "项目", "Project") }</dt><dd>{ t.project.name.clone() }</dd>
                    <dt>{ words(lang, "备案号", "Registration") }</dt><dd class="mono">{ t.project.registration_no.clone() }</dd>
                    <dt>{ words(lang, "所在地", "Location") }</dt><dd>{ format!("{} {}{}", county(&t.project.county_code), t.project.township, t.project.village) }</dd>
                    <dt>{ words(lang, "验收", "Acceptance") }</dt><dd>{ match (t.project.status, &t.project.accepted_on, &t.project.acceptance_doc) {
                        (ProjectStatus::Accepted, Some(d), Some(doc)) => format!("{d} {doc}"),
                        _ => words(lang, "尚未验收（预支指标）", "Not accepted yet (advance quota)"),
                    } }</dd>
                </dl>
                <h3>{ words(lang, "成交", "Trade") }</h3>
                <dl class="facts" id="trace-trade">
                    <dt>{ words(lang, "成交确认书", "Confirmation") }</dt><dd id="trace-confirmation">{ t.trade.confirmation_no.clone() }</dd>
                    <dt>{ words(lang, "出让方", "Seller") }</dt><dd>{ county(&t.trade.seller_county_code) }</dd>
                    <dt>{ words(lang, "成交面积", "Area") }</dt><dd>{ format!("{} 亩", t.trade.area_mu.grouped()) }</dd>
                    <dt>{ words(lang, "结算日期", "Settled") }</dt><dd>{ day_of(t.trade.settled_at).to_string() }</dd>
                    <dt>{ words(lang, "受让方项目", "Buyer's project") }</dt><dd>{ match (&t.trade.project_name, &t.trade.project_county_code) {
                        (Some(name), Some(c)) => format!("{name}（{}）", county(c)),
                        (Some(name), None) => name.clone(),
                        _ => words(lang, "自治区平台竞得指标（项目待定）", "Regional award (project to be named)"),
                    } }</dd>
                    <dt>{ words(lang, "序列号段", "Serial block") }</dt><dd class="mono">{ format!("{} — {}（{} 亩）", t.block.first_serial, t.block.last_serial, t.block.area_mu.grouped()) }</dd>
                </dl>
                <h3>{ words(lang, "落地使用", "Use") }</h3>
                { match &t.landed {
                    Some(u) => html! { <dl class="facts" id="trace-use">
                        <dt>{ words(lang, "批文号", "Approval") }</dt><dd>{ u.approval_no.clone() }</dd>
                        <dt>{ words(lang, "项目", "Project") }</dt><dd>{ u.project_name.clone().unwrap_or_default() }{ u.project_county_code.as_ref().map(|c| format!("（{}）", county(c))).unwrap_or_default() }</dd>
                        <dt>{ words(lang, "登记日期", "Recorded") }</dt><dd>{ day_of(u.landed_at).to_string() }</dd>
                    </dl> },
                    None => html! { <p class="empty" id="trace-use">{ words(lang, "尚未落地：指标仍由受让方持有。", "Not landed yet: the buyer still holds it.") }</p> },
                } }
            </div>
        },
    };
    html! {
        <section class="card">
            <h2>{ words(lang, "指标溯源", "Trace quota") }</h2>
            <p class="hint">{ words(lang,
                "成交的每 0.0001 亩指标都有唯一序列号，印在成交确认书上。输入序列号，查看它来自哪个复垦项目、由哪笔交易取得、落地在哪个项目。",
                "Every 0.0001 mu sold has its own serial, printed on the confirmation: see the project it comes from, the trade that holds it and where it landed.") }</p>
            <form class="form" id="trace-form" onsubmit={search}>
                <label class="wide">{ words(lang, "序列号", "Serial") }
                    <input id="trace-serial" class="mono" placeholder="450422-2026-0007-000000001" value={(*typed).clone()} oninput={on_input} /></label>
                <button type="submit" class="primary" id="trace-submit" disabled={parsed.is_none()}>{ words(lang, "查询", "Look up") }</button>
                { if parsed.is_none() && !typed.trim().is_empty() { html! {
                    <p class="error" id="trace-check">{ words(lang, "序列号格式应为“区划代码-年份-项目编号-单位编号”，如 450422-2026-0007-000000001", "A serial reads county-year-project-unit, e.g. 450422-2026-0007-000000001") }</p>
                } } else { html! {} } }
            </form>
            { body }
        </section>
    }
}

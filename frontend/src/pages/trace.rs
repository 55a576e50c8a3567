//! 指标溯源 (public, no login): a serial traced back to its reclamation project and forward to
//! the trade that holds it and the use (落地) that retired it; or a 成交确认书's number traced to
//! every serial block of the trade and their projects. Every 0.0001 亩 sold has its own serial,
//! printed on the 成交确认书 (docs/DOMAIN.md, "Serial numbers").

use quota_shared::api::{County, Lang, ProjectStatus, Trace, TraceTrade, TradeTrace};
use quota_shared::serial::Serial;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::ApiFailure;
use crate::components::form::input_value;
use crate::components::format::county_name;
use crate::components::status::failed;
use crate::hooks::use_counties;
use crate::i18n::words;
use crate::route::Route;
use crate::stock_api;
use quota_shared::calendar::day_of;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The serial or confirmation number in the address (`/trace/{serial}`); empty on `/trace`.
    pub serial: String,
}

/// What was looked up: one serial, or a whole trade by its confirmation's number.
#[derive(Clone, PartialEq)]
enum Found {
    Serial(Box<Trace>),
    Trade(TradeTrace),
}

/// What the typed text asks for: a serial, a confirmation number (it ends in 号), or nothing.
#[derive(Clone, PartialEq)]
enum Query {
    Serial(Serial),
    Number(String),
}

fn query_of(text: &str) -> Option<Query> {
    let text = text.trim();
    match Serial::parse(text) {
        Some(s) => Some(Query::Serial(s)),
        None if text.ends_with('号') && text.chars().count() <= 40 => {
            Some(Query::Number(text.to_string()))
        }
        None => None,
    }
}

#[component]
pub fn TracePage(props: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let typed = use_state(|| props.serial.clone());
    // Keyed by what was asked: an answer to an earlier address is not shown under a later one.
    let result = use_state(|| None::<(String, Result<Found, ApiFailure>)>);
    let counties: Vec<County> = use_counties().ready().cloned().unwrap_or_default();
    let navigator = use_navigator();
    {
        let (result, typed) = (result.clone(), typed.clone());
        use_effect_with(props.serial.clone(), move |serial| {
            typed.set(serial.clone());
            result.set(None);
            let (result, asked) = (result.clone(), serial.clone());
            match query_of(serial) {
                Some(Query::Serial(s)) => yew::platform::spawn_local(async move {
                    let found = stock_api::trace(&s)
                        .await
                        .map(|r| Found::Serial(Box::new(r.trace)));
                    result.set(Some((asked, found)));
                }),
                Some(Query::Number(n)) => yew::platform::spawn_local(async move {
                    let found = stock_api::trace_trade(&n)
                        .await
                        .map(|r| Found::Trade(r.trace));
                    result.set(Some((asked, found)));
                }),
                None => {}
            }
        });
    }
    let parsed = query_of(&typed);
    let search = {
        let parsed = parsed.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let text = match &parsed {
                Some(Query::Serial(s)) => s.to_string(),
                Some(Query::Number(n)) => n.clone(),
                None => return,
            };
            if let Some(n) = &navigator {
                n.push(&Route::Trace { serial: text });
            }
        })
    };
    let on_input = {
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| typed.set(input_value(&e)))
    };
    let county = |code| county_name(lang, &counties, code);
    let current = result
        .as_ref()
        .filter(|(asked, _)| *asked == props.serial)
        .map(|(_, r)| r);
    let body = match current {
        None if query_of(&props.serial).is_some() => {
            html! { <p class="muted">{ words(lang, "查询中…", "Looking it up…") }</p> }
        }
        None => html! {},
        Some(Err(e)) => failed(lang, e, None),
        Some(Ok(Found::Trade(t))) => html! {
            <div id="trace-result">
                <h3>{ words(lang, "成交", "Trade") }</h3>
                { trade_facts(lang, &counties, &t.trade) }
                <h3>{ words(lang, "序列号段与来源复垦项目", "Serial blocks and their projects") }</h3>
                { if t.blocks.is_empty() {
                    html! { <p class="empty">{ words(lang, "该交易的挂牌早于指标溯源，没有序列号。", "This trade's listing predates serials: it has none.") }</p> }
                } else { html! {
                    <div class="table-wrap"><table class="data" id="trace-blocks">
                        <thead><tr>
                            <th>{ words(lang, "来源项目", "Project") }</th>
                            <th>{ words(lang, "序列号段", "Serials") }</th>
                            <th class="num">{ words(lang, "面积（亩）", "Area (mu)") }</th>
                            <th>{ words(lang, "落地", "Landed") }</th>
                        </tr></thead>
                        <tbody>{ for t.blocks.iter().map(|b| html! {
                            <tr>
                                <td>{ b.project_name.clone() }<br /><span class="muted mono">{ b.registration_no.clone() }</span></td>
                                <td class="mono"><Link<Route> to={Route::Trace { serial: b.first_serial.clone() }}>{ b.first_serial.clone() }</Link<Route>>{ " — " }{ b.last_serial.clone() }</td>
                                <td class="num">{ b.area_mu.grouped() }</td>
                                <td>{ b.approval_no.clone().unwrap_or_else(|| words(lang, "未落地", "held")) }</td>
                            </tr>
                        }) }</tbody>
                    </table></div>
                } } }
            </div>
        },
        Some(Ok(Found::Serial(t))) => html! {
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
                { trade_facts(lang, &counties, &t.trade) }
                <dl class="facts">
                    <dt>{ words(lang, "序列号段", "Serial block") }</dt><dd class="mono">{ words(lang, format!("{} — {}（{} 亩）", t.block.first_serial, t.block.last_serial, t.block.area_mu.grouped()), format!("{} — {} ({} mu)", t.block.first_serial, t.block.last_serial, t.block.area_mu.grouped())) }</dd>
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
                "成交的每 0.0001 亩指标都有唯一序列号，印在成交确认书上。输入序列号，查看它来自哪个复垦项目、由哪笔交易取得、落地在哪个项目；输入成交确认书编号，查看该笔交易的全部序列号段及来源项目。",
                "Every 0.0001 mu sold has its own serial, printed on the confirmation: see the project it comes from, the trade that holds it and where it landed; or enter a confirmation's number to see all of its serial blocks and their projects.") }</p>
            <form class="form" id="trace-form" onsubmit={search}>
                <label class="wide">{ words(lang, "序列号或成交确认书编号", "Serial or confirmation number") }
                    <input id="trace-serial" class="mono" placeholder="450422-2026-0007-000000001 或 藤县〔2026〕第0001号" value={(*typed).clone()} oninput={on_input} /></label>
                <button type="submit" class="primary" id="trace-submit" disabled={parsed.is_none()}>{ words(lang, "查询", "Look up") }</button>
                { if parsed.is_none() && !typed.trim().is_empty() { html! {
                    <p class="error" id="trace-check">{ words(lang, "序列号格式应为“区划代码-年份-项目编号-单位编号”，如 450422-2026-0007-000000001；成交确认书编号如 藤县〔2026〕第0001号", "A serial reads county-year-project-unit, e.g. 450422-2026-0007-000000001; a confirmation number reads e.g. 藤县〔2026〕第0001号") }</p>
                } } else { html! {} } }
            </form>
            { body }
        </section>
    }
}

/// A final trade's public facts: its number, seller, area, date and the buyer's project.
fn trade_facts(lang: Lang, counties: &[County], t: &TraceTrade) -> Html {
    let county = |code| county_name(lang, counties, code);
    html! {
        <dl class="facts" id="trace-trade">
            <dt>{ words(lang, "成交确认书", "Confirmation") }</dt><dd id="trace-confirmation">{ t.confirmation_no.clone() }</dd>
            <dt>{ words(lang, "出让方", "Seller") }</dt><dd>{ county(&t.seller_county_code) }</dd>
            <dt>{ words(lang, "成交面积", "Area") }</dt><dd>{ words(lang, format!("{} 亩", t.area_mu.grouped()), format!("{} mu", t.area_mu.grouped())) }</dd>
            <dt>{ words(lang, "结算日期", "Settled") }</dt><dd>{ day_of(t.settled_at).to_string() }</dd>
            <dt>{ words(lang, "受让方项目", "Buyer's project") }</dt><dd>{ match (&t.project_name, &t.project_county_code) {
                (Some(name), Some(c)) => format!("{name}（{}）", county(c)),
                (Some(name), None) => name.clone(),
                _ => words(lang, "自治区平台竞得指标（项目待定）", "Regional award (project to be named)"),
            } }</dd>
        </dl>
    }
}

//! 核验成交确认书 (public, no login): the 核验码 printed on a 成交确认书 (or its QR code) opens
//! what the confirmation must say — the parties' counties, the area, the amount in figures and
//! in 大写, its serial blocks and source projects — and whether the trade's audit records are
//! intact. A paper that says otherwise is not what the platform issued.

use quota_shared::api::{County, Lang, Verification};
use quota_shared::serial::normal_code;
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
    /// The code in the address (`/verify/{code}`); empty on `/verify`.
    pub code: String,
}

#[component]
pub fn VerifyPage(props: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let typed = use_state(|| props.code.clone());
    // Keyed by the code asked: an answer to an earlier address is not shown under a later one.
    let result = use_state(|| None::<(String, Result<Verification, ApiFailure>)>);
    let counties: Vec<County> = use_counties().ready().cloned().unwrap_or_default();
    let navigator = use_navigator();
    {
        let (result, typed) = (result.clone(), typed.clone());
        use_effect_with(props.code.clone(), move |code| {
            typed.set(code.clone());
            result.set(None);
            if let Some(c) = normal_code(code) {
                let (result, asked) = (result.clone(), code.clone());
                yew::platform::spawn_local(async move {
                    result.set(Some((
                        asked,
                        stock_api::verify(&c).await.map(|r| r.verification),
                    )));
                });
            }
        });
    }
    let parsed = normal_code(&typed);
    let search = {
        let parsed = parsed.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let (Some(c), Some(n)) = (&parsed, &navigator) {
                n.push(&Route::Verify {
                    code: quota_shared::serial::printed_code(c),
                });
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
        .filter(|(asked, _)| *asked == props.code)
        .map(|(_, r)| r);
    let body = match current {
        None => html! {},
        Some(Err(e)) => failed(lang, e, None),
        Some(Ok(v)) => html! {
            <div id="verify-result">
                { if v.audit_intact { html! {
                    <p class="notice ok" id="verify-status">{ words(lang,
                        format!("平台签发的成交确认书，审计记录完好（{} 条记录均与审计链一致）。请逐项核对纸质确认书。", v.audit_records),
                        format!("Issued by the platform; its audit records are intact ({} records agree with the chain). Check the paper against it line by line.", v.audit_records)) }</p>
                } } else { html! {
                    <p class="notice error" id="verify-status" role="alert">{ words(lang,
                        "审计记录与审计链不符：这份成交确认书的数据可能被改动过，请勿采信，并与出让县自然资源局核实。",
                        "Its audit records do not agree with the chain: the data may have been altered. Do not rely on it; check with the seller county's bureau.") }</p>
                } } }
                <table class="cert" id="verify-facts">
                    <tr><th>{ words(lang, "成交确认书编号", "Confirmation") }</th><td id="verify-no">{ v.confirmation_no.clone() }</td></tr>
                    <tr><th>{ words(lang, "出让方", "Seller") }</th><td id="verify-seller">{ party(&v.seller_organisation, &v.seller_uscc).unwrap_or_else(|| county(&v.seller_county_code)) }</td></tr>
                    { match party(&v.buyer_organisation, &v.buyer_uscc) {
                        Some(p) => html! { <tr><th>{ words(lang, "受让方", "Buyer") }</th><td id="verify-buyer">{ p }</td></tr> },
                        None => html! {},
                    } }
                    <tr><th>{ words(lang, "受让方项目", "Buyer's project") }</th><td>{ match (&v.project_name, &v.project_county_code) {
                        (Some(name), Some(c)) => format!("{name}（{}）", county(c)),
                        (Some(name), None) => name.clone(),
                        _ => words(lang, "自治区平台竞得指标（项目待定）", "Regional award (project to be named)"),
                    } }</td></tr>
                    <tr><th>{ words(lang, "成交面积", "Area") }</th><td>{ words(lang, format!("{} 亩", v.area_mu.grouped()), format!("{} mu", v.area_mu.grouped())) }</td></tr>
                    <tr><th>{ words(lang, "成交单价", "Price") }</th><td>{ words(lang, format!("{} 元/亩", v.price_per_mu.grouped()), format!("{} yuan/mu", v.price_per_mu.grouped())) }</td></tr>
                    <tr><th>{ words(lang, "成交金额", "Amount") }</th><td>{ words(lang, format!("{} 元", v.amount_yuan.grouped()), format!("{} yuan", v.amount_yuan.grouped())) }</td></tr>
                    <tr><th>{ words(lang, "成交金额（大写）", "Amount in words") }</th><td id="verify-capital">{ format!("人民币{}", v.amount_capital) }</td></tr>
                    <tr><th>{ words(lang, "结算日期", "Settled") }</th><td>{ day_of(v.settled_at).to_string() }</td></tr>
                </table>
                { if v.blocks.is_empty() { html! {} } else { html! {
                    <table class="cert serials" id="verify-serials">
                        <tr><th>{ words(lang, "来源复垦项目（备案号）", "Source project") }</th><th>{ words(lang, "指标序列号", "Serials") }</th><th>{ words(lang, "面积（亩）", "Area (mu)") }</th></tr>
                        { for v.blocks.iter().map(|b| html! {
                            <tr>
                                <td>{ format!("{}（{}）", b.project_name, b.registration_no) }</td>
                                <td class="mono serial"><a href={format!("/trace/{}", b.first_serial)}>{ b.first_serial.clone() }</a><br />{ words(lang, "至 ", "to ") }{ b.last_serial.clone() }</td>
                                <td class="num">{ b.area_mu.to_string() }</td>
                            </tr>
                        }) }
                    </table>
                } } }
            </div>
        },
    };
    html! {
        <section class="card">
            <h2>{ words(lang, "核验成交确认书", "Verify a confirmation") }</h2>
            <p class="hint">{ words(lang,
                "输入成交确认书上的核验码（或扫描确认书上的二维码），查看平台记录的成交内容，并与纸质确认书逐项核对。",
                "Enter the code printed on the confirmation (or scan its QR code) to see what the platform recorded, and compare it with the paper.") }</p>
            <form class="form" id="verify-form" onsubmit={search}>
                <label class="wide">{ words(lang, "核验码", "Code") }
                    <input id="verify-code" class="mono" placeholder="7K3Q-M9XD-2HFA" value={(*typed).clone()} oninput={on_input} /></label>
                <button type="submit" class="primary" id="verify-submit" disabled={parsed.is_none()}>{ words(lang, "核验", "Verify") }</button>
            </form>
            { body }
        </section>
    }
}

/// A party as the confirmation prints it: its full name and 统一社会信用代码.
fn party(name: &Option<String>, code: &Option<String>) -> Option<String> {
    match (name, code) {
        (Some(n), Some(c)) => Some(format!("{n}（{c}）")),
        (Some(n), None) => Some(n.clone()),
        _ => None,
    }
}

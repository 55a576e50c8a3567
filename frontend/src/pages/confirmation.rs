//! 成交确认书: a printable confirmation of a settled trade, with the amount in 大写 (R10).

use quota_shared::api::{County, Lang, Purchase, PurchaseStatus, SerialBlock};
use quota_shared::capital::to_capital;
use yew::prelude::*;

use crate::api;
use crate::components::format::county_name;
use crate::components::status::{failed, loading};
use crate::hooks::{Load, use_counties};
use crate::i18n::{Key, t};
use quota_shared::calendar::day_of;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
}

#[component]
pub fn Confirmation(props: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let purchase = use_state(|| Load::<Option<Purchase>>::Loading);
    let counties_load = use_counties();
    let counties: Vec<County> = counties_load.ready().cloned().unwrap_or_default();
    let book = crate::hooks::use_rule_book();
    let serials = use_state(|| None::<Vec<SerialBlock>>);
    let code = use_state(|| None::<String>);
    {
        let (purchase, id, serials, code) =
            (purchase.clone(), props.id, serials.clone(), code.clone());
        use_effect_with(id, move |_| {
            yew::platform::spawn_local(async move {
                // The serials print when they load; the confirmation does not wait on them.
                if let Ok(r) = crate::stock_api::purchase_serials(id).await {
                    serials.set(Some(r.blocks));
                    code.set(r.verify_code);
                }
                purchase.set(
                    api::purchases()
                        .await
                        .map(|r| r.purchases.into_iter().find(|p| p.id == id))
                        .into(),
                );
            });
        });
    }
    let print = Callback::from(|_: MouseEvent| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    });
    match &*purchase {
        Load::Loading => html! { <section class="card">{ loading(lang) }</section> },
        Load::Failed(e) => html! { <section class="card">{ failed(lang, e, None) }</section> },
        Load::Ready(None) => {
            html! { <section class="card"><p class="empty">{ t(lang, Key::NoPurchases) }</p></section> }
        }
        Load::Ready(Some(p)) if p.status != PurchaseStatus::Settled => html! {
            <section class="card"><p class="notice">{ t(lang, Key::NotSettledYet) }</p></section>
        },
        // R16: no confirmation while the trade is in its publicity or held by an objection.
        Load::Ready(Some(p)) if !p.is_final() => html! {
            <section class="card"><p class="notice" id="not-final">{ crate::components::badge::trade_status(lang, p) }{ match lang {
                Lang::Zh => " 公示期满且无未处理异议后，方可打印成交确认书。",
                Lang::En => " The confirmation prints once the publicity ends with no objection open.",
            } }</p></section>
        },
        // A confirmation names the seller: without the county names it is not printed.
        Load::Ready(Some(_)) if counties_load.ready().is_none() => html! {
            <section class="card">{ match counties_load.state() { Load::Failed(_) => counties_load.failure(lang), _ => loading(lang) } }</section>
        },
        Load::Ready(Some(p)) => html! {
            <article class="certificate" id="certificate">
                <h2>{ "增减挂钩节余指标成交确认书" }</h2>
                <p class="cert-no" id="cert-no">{ p.confirmation_no.clone().unwrap_or_default() }</p>
                <table class="cert">
                    <tr><th>{ "出让方" }</th><td id="cert-seller">{ match (&p.seller_organisation, &p.seller_uscc) {
                        (Some(name), Some(code)) => format!("{name}（统一社会信用代码 {code}）"),
                        (Some(name), None) => name.clone(),
                        _ => format!("{}人民政府（自然资源局）", county_name(Lang::Zh, &counties, &p.seller_county_code)),
                    } }</td></tr>
                    <tr><th>{ "受让方" }</th><td id="cert-buyer">{ match (&p.buyer_organisation, &p.buyer_uscc) {
                        (Some(name), Some(code)) => format!("{name}（统一社会信用代码 {code}）"),
                        (Some(name), None) => name.clone(),
                        _ => p.buyer.clone(),
                    } }</td></tr>
                    <tr><th>{ "项目" }</th><td>{ p.project.as_ref().map(|x| x.name.clone()).unwrap_or_else(|| "自治区平台竞得指标（项目待定）".into()) }</td></tr>
                    <tr><th>{ "成交面积" }</th><td>{ format!("{} 亩（{} 公顷）", p.area_mu, p.area_mu.hectares_display()) }</td></tr>
                    <tr><th>{ "其中耕地 / 水田" }</th><td>{ format!("{} 亩 / {} 亩", p.farmland_mu, p.paddy_mu) }</td></tr>
                    <tr><th>{ "成交单价" }</th><td>{ format!("{} 元/亩", p.price_per_mu.grouped()) }</td></tr>
                    <tr><th>{ "成交金额" }</th><td id="cert-amount">{ format!("{} 元（{} 万元）", p.amount_yuan.grouped(), p.amount_yuan.wan_display()) }</td></tr>
                    <tr><th>{ "成交金额（大写）" }</th><td id="cert-capital">{ format!("人民币{}", to_capital(p.amount_yuan)) }</td></tr>
                    <tr><th>{ "银行流水号" }</th><td>{ p.bank_reference.clone().unwrap_or_default() }</td></tr>
                    <tr><th>{ "结算日期" }</th><td>{ p.settled_at.map(|d| day_of(d).to_string()).unwrap_or_default() }</td></tr>
                    <tr><th>{ "规则版本" }</th><td id="cert-rules">{ p.ruleset_version.clone() }{ unconfirmed_note(&book, &p.ruleset_version) }</td></tr>
                </table>
                { sources(serials.as_deref()) }
                <p class="cert-note">{ "本确认书由增减挂钩节余指标交易平台生成，成交收益归出让县所有，用于巩固拓展脱贫攻坚成果和乡村振兴。" }</p>
                { verification((*code).as_deref()) }
                <div class="signatures"><span>{ "出让方（盖章）" }</span><span>{ "受让方（盖章）" }</span></div>
                <button class="primary no-print" onclick={print} id="print">{ t(lang, Key::PrintButton) }</button>
            </article>
        },
    }
}

/// 核验码 and its QR code: the address anyone opens to check this confirmation.
fn verification(code: Option<&str>) -> Html {
    let Some(code) = code else { return html! {} };
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let address = format!("{origin}/verify/{code}");
    let qr = qrcode::QrCode::new(address.as_bytes())
        .map(|q| {
            q.render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(112, 112)
                .quiet_zone(false)
                .build()
        })
        .unwrap_or_default();
    html! {
        <div class="cert-verify" id="cert-verify">
            // The SVG is made here, from the address alone.
            <div class="qr">{ Html::from_html_unchecked(AttrValue::from(qr)) }</div>
            <div>
                <p>{ "核验码：" }<strong class="mono" id="cert-code">{ code.to_string() }</strong></p>
                <p class="cert-note">{ format!("扫描二维码或访问 {address} 核验本确认书：平台记录的成交内容与审计状态。") }</p>
            </div>
        </div>
    }
}

/// 指标来源与序列号: the projects the trade's quota comes from, as serial blocks (each links
/// to its public trace).
fn sources(blocks: Option<&[SerialBlock]>) -> Html {
    match blocks {
        None => html! {},
        Some([]) => {
            html! { <p class="cert-note" id="cert-serials">{ "本交易的挂牌早于指标序列号登记，无序列号。" }</p> }
        }
        Some(blocks) => html! {
            <table class="cert serials" id="cert-serials">
                <tr><th>{ "来源复垦项目（备案号）" }</th><th>{ "指标序列号" }</th><th>{ "面积（亩）" }</th><th>{ "状态" }</th></tr>
                { for blocks.iter().map(|b| html! {
                    <tr>
                        <td>{ format!("{}（{}）", b.project_name, b.registration_no) }</td>
                        <td class="mono serial"><a href={format!("/trace/{}", b.first_serial)}>{ b.first_serial.clone() }</a><br />{ "至 " }{ b.last_serial.clone() }</td>
                        <td class="num">{ b.area_mu.to_string() }</td>
                        <td>{ match &b.approval_no { Some(no) => format!("已落地（{no}）"), None => "持有".to_string() } }</td>
                    </tr>
                }) }
            </table>
        },
    }
}

/// The versions on a confirmation whose source is not confirmed (未核实), said in words: a
/// legal document names what it rests on as it is.
fn unconfirmed_note(book: &quota_shared::rules::RuleBook, labels: &str) -> Html {
    let unconfirmed: Vec<String> = book
        .versions()
        .iter()
        .filter(|v| !v.confirmed)
        .map(|v| v.label())
        .filter(|l| labels.split(' ').any(|x| x == l))
        .collect();
    if unconfirmed.is_empty() {
        html! {}
    } else {
        html! { <div class="cert-note">{ format!("其中 {} 的依据未核实", unconfirmed.join("、")) }</div> }
    }
}

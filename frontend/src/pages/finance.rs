//! 财务: per county and year, received / allocated / disbursed / unallocated as a table and an
//! SVG chart, drill-down to the trades, allocation and disbursement forms whose limits are
//! checked before submitting, and the CSV/XLSX downloads.

use quota_shared::Money;
use quota_shared::api::{
    Allocation, AllocationRequest, DisbursementRequest, Lang, ProceedsRow, Purchase, PurchaseStatus,
};
use quota_shared::rules::UseCategory;
use yew::prelude::*;

use crate::api::{self, ApiFailure};
use crate::components::form::{bind, bind_select};
use crate::components::status::failed;
use crate::i18n::{Key, t};
use quota_shared::calendar::day_of;

/// Bar heights of the chart, in pixels, proportional to the largest amount (display only).
pub fn bar_height(amount: Money, max: Money, height: i64) -> i64 {
    if max.is_zero() {
        return 0;
    }
    (i128::from(amount.fen()) * i128::from(height) / i128::from(max.fen())) as i64
}

fn chart(rows: &[ProceedsRow]) -> Html {
    let shown: Vec<&ProceedsRow> = rows.iter().filter(|r| !r.proceeds_yuan.is_zero()).collect();
    let max = shown
        .iter()
        .map(|r| r.proceeds_yuan)
        .max()
        .unwrap_or(Money::ZERO);
    let (h, group, bar) = (160i64, 96i64, 18i64);
    let width = (shown.len() as i64 * group).max(group) + 20;
    let colours = [
        ("#0b5394", "收入"),
        ("#6fa8dc", "已分配"),
        ("#38761d", "已拨付"),
        ("#e69138", "未分配"),
    ];
    html! {
        <>
        <div class="legend">{ for colours.iter().map(|(c, label)| html! {
            <span><i style={format!("background:{c}")}></i>{ *label }</span>
        }) }</div>
        <svg id="proceeds-chart" width={width.to_string()} height={(h + 50).to_string()} role="img" aria-label="各县收益">
            { for shown.iter().enumerate().map(|(i, r)| {
                let x0 = 20 + i as i64 * group;
                let values = [r.proceeds_yuan, r.allocated_yuan, r.disbursed_yuan, r.unallocated_yuan];
                html! {
                    <g class="county-bars" data-code={r.county_code.to_string()}>
                        { for values.iter().zip(colours.iter()).enumerate().map(|(j, (v, (c, label)))| {
                            let bh = bar_height(*v, max, h);
                            html! { <rect x={(x0 + j as i64 * bar).to_string()} y={(h - bh + 10).to_string()} width={(bar - 2).to_string()} height={bh.to_string()} fill={*c}>
                                <title>{ format!("{} {}：{} 元", r.county_name, label, v.grouped()) }</title></rect> }
                        }) }
                        <text x={(x0 + 2 * bar).to_string()} y={(h + 28).to_string()} text-anchor="middle" font-size="12">{ r.county_name.clone() }</text>
                    </g>
                }
            }) }
        </svg>
        </>
    }
}

#[component]
pub fn Finance() -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let this_year = day_of(time::OffsetDateTime::now_utc()).year();
    let year = use_state(|| this_year);
    let rows = use_state(Vec::<ProceedsRow>::new);
    let allocations = use_state(Vec::<Allocation>::new);
    let categories = use_state(Vec::<UseCategory>::new);
    let trades = use_state(Vec::<Purchase>::new);
    let drill = use_state(|| None::<String>);
    let problem = use_state(|| None::<ApiFailure>);
    let reload = use_state(|| 0u32);
    let county = use_state(String::new);
    let use_name = use_state(String::new);
    let amount = use_state(String::new);
    let note = use_state(String::new);
    let d_alloc = use_state(String::new);
    let d_amount = use_state(String::new);
    let d_voucher = use_state(String::new);
    let d_bank = use_state(String::new);
    {
        let (rows, allocations, categories, trades, problem, y) = (
            rows.clone(),
            allocations.clone(),
            categories.clone(),
            trades.clone(),
            problem.clone(),
            *year,
        );
        use_effect_with((y, *reload), move |_| {
            yew::platform::spawn_local(async move {
                match api::proceeds(y).await {
                    Ok(p) => rows.set(p.proceeds),
                    Err(e) => problem.set(Some(e)),
                }
                if let Ok(a) = api::allocations(y).await {
                    allocations.set(a.allocations);
                }
                if let Ok(c) = api::use_categories().await {
                    categories.set(c.use_categories);
                }
                if let Ok(p) = api::purchases().await {
                    trades.set(p.purchases);
                }
            });
        });
    }
    let unallocated = rows
        .iter()
        .find(|r| r.county_code.as_str() == *county)
        .map(|r| r.unallocated_yuan);
    let alloc_check: Result<AllocationRequest, String> = (|| {
        let code = county
            .parse()
            .map_err(|_| t(lang, Key::FieldCounty).to_string())?;
        if use_name.is_empty() {
            return Err(t(lang, Key::FieldUseCategory).to_string());
        }
        let a: Money = amount
            .parse()
            .map_err(|e: quota_shared::DomainError| match lang {
                Lang::Zh => e.message_zh(),
                Lang::En => e.message_en(),
            })?;
        if let Some(left) = unallocated
            && a > left
        {
            return Err(format!("{} {} 元", t(lang, Key::AtMost), left.grouped()));
        }
        Ok(AllocationRequest {
            county_code: code,
            use_: (*use_name).clone(),
            amount_yuan: a,
            note: (*note).clone(),
            year: Some(*year),
        })
    })();
    let alloc_left = allocations
        .iter()
        .find(|a| a.id.to_string() == *d_alloc)
        .and_then(|a| a.amount_yuan.checked_sub(a.disbursed_yuan).ok());
    let disb_check: Result<DisbursementRequest, String> = (|| {
        let id: i64 = d_alloc
            .parse()
            .map_err(|_| t(lang, Key::AllocationsHeading).to_string())?;
        let a: Money = d_amount
            .parse()
            .map_err(|e: quota_shared::DomainError| match lang {
                Lang::Zh => e.message_zh(),
                Lang::En => e.message_en(),
            })?;
        if let Some(left) = alloc_left
            && a > left
        {
            return Err(format!("{} {} 元", t(lang, Key::AtMost), left.grouped()));
        }
        if d_voucher.trim().is_empty() || d_bank.trim().is_empty() {
            return Err(format!(
                "{} / {}",
                t(lang, Key::FieldVoucher),
                t(lang, Key::FieldBankRef)
            ));
        }
        Ok(DisbursementRequest {
            allocation_id: id,
            amount_yuan: a,
            voucher_no: (*d_voucher).clone(),
            bank_reference: (*d_bank).clone(),
        })
    })();
    let submit_alloc = {
        let (check, problem, reload, amount) = (
            alloc_check.clone(),
            problem.clone(),
            reload.clone(),
            amount.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(req) = check.clone() else { return };
            let (problem, reload, amount) = (problem.clone(), reload.clone(), amount.clone());
            yew::platform::spawn_local(async move {
                match api::allocate(&req).await {
                    Ok(_) => {
                        problem.set(None);
                        amount.set(String::new());
                        reload.set(*reload + 1);
                    }
                    Err(e) => problem.set(Some(e)),
                }
            });
        })
    };
    let submit_disb = {
        let (check, problem, reload, d_amount) = (
            disb_check.clone(),
            problem.clone(),
            reload.clone(),
            d_amount.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(req) = check.clone() else { return };
            let (problem, reload, d_amount) = (problem.clone(), reload.clone(), d_amount.clone());
            yew::platform::spawn_local(async move {
                match api::disburse(&req).await {
                    Ok(_) => {
                        problem.set(None);
                        d_amount.set(String::new());
                        reload.set(*reload + 1);
                    }
                    Err(e) => problem.set(Some(e)),
                }
            });
        })
    };
    let year_select = {
        let year = year.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                year.set(s.value().parse().unwrap_or(this_year));
            }
        })
    };
    let drill_to = |code: String| {
        let drill = drill.clone();
        Callback::from(move |_: MouseEvent| drill.set(Some(code.clone())))
    };
    let y = *year;
    let totals = |f: fn(&ProceedsRow) -> Money| {
        rows.iter()
            .map(f)
            .try_fold(Money::ZERO, |a, m| a.checked_add(m))
            .unwrap_or_default()
    };
    html! {
        <>
        <section class="card">
            <h2>{ t(lang, Key::FinanceHeading) }</h2>
            <div class="form">
                <label>{ t(lang, Key::Year) }
                    <select id="year" onchange={year_select}>
                        { for (this_year - 4..=this_year).rev().map(|v| html! { <option value={v.to_string()} selected={v == y}>{ v }</option> }) }
                    </select>
                </label>
                <span class="downloads">{ t(lang, Key::Downloads) }{ "：" }
                    { for ["proceeds", "allocations", "trades"].iter().flat_map(|name| ["xlsx", "csv"].map(move |ext| (name, ext))).map(|(name, ext)| html! {
                        <a class="download" id={format!("dl-{name}-{ext}")} href={format!("/api/v1/reports/{name}.{ext}?year={y}")} download="">{ format!("{name}.{ext}") }</a>
                    }) }
                </span>
            </div>
            { match &*problem { Some(e) => html! { <div id="finance-error">{ failed(lang, e, None) }</div> }, None => html! {} } }
            <h3>{ t(lang, Key::ChartHeading) }</h3>
            { if rows.iter().all(|r| r.proceeds_yuan.is_zero()) { html! { <p class="empty">{ t(lang, Key::NoProceeds) }</p> } } else { chart(&rows) } }
            <div class="table-wrap"><table class="data" id="proceeds">
                <thead><tr><th>{ t(lang, Key::ColName) }</th><th class="num">{ t(lang, Key::ColArea) }</th><th class="num">{ t(lang, Key::ColReceived) }</th>
                    <th class="num">{ t(lang, Key::ColAllocated) }</th><th class="num">{ t(lang, Key::ColDisbursed) }</th><th class="num">{ t(lang, Key::ColUnallocated) }</th></tr></thead>
                <tbody>{ for rows.iter().filter(|r| !r.proceeds_yuan.is_zero() || !r.allocated_yuan.is_zero()).map(|r| html! {
                    <tr data-code={r.county_code.to_string()} onclick={drill_to(r.county_code.to_string())} class="clickable">
                        <td>{ r.county_name.clone() }</td><td class="num">{ r.sold_mu.grouped() }</td><td class="num">{ r.proceeds_yuan.grouped() }</td>
                        <td class="num">{ r.allocated_yuan.grouped() }</td><td class="num">{ r.disbursed_yuan.grouped() }</td><td class="num">{ r.unallocated_yuan.grouped() }</td>
                    </tr>
                }) }
                <tr class="totals"><td>{ "合计" }</td><td></td><td class="num" id="total-received">{ totals(|r| r.proceeds_yuan).grouped() }</td>
                    <td class="num" id="total-allocated">{ totals(|r| r.allocated_yuan).grouped() }</td><td class="num" id="total-disbursed">{ totals(|r| r.disbursed_yuan).grouped() }</td>
                    <td class="num">{ totals(|r| r.unallocated_yuan).grouped() }</td></tr>
                </tbody>
            </table></div>
            { match &*drill { None => html! {}, Some(code) => {
                let list: Vec<&Purchase> = trades.iter().filter(|p| p.seller_county_code.as_str() == code && p.status == PurchaseStatus::Settled && p.settled_at.is_some_and(|s| day_of(s).year() == y)).collect();
                let name = rows.iter().find(|r| r.county_code.as_str() == code).map(|r| r.county_name.clone()).unwrap_or_default();
                html! { <div id="drill"><h3>{ format!("{}：{name}（{y}）", t(lang, Key::TradesOf)) }</h3>
                    <div class="table-wrap"><table class="data"><tbody>{ for list.iter().map(|p| html! {
                        <tr><td>{ p.confirmation_no.clone().unwrap_or_default() }</td><td>{ p.buyer.clone() }</td><td class="num">{ p.area_mu.grouped() }</td><td class="num">{ p.amount_yuan.grouped() }</td></tr>
                    }) }</tbody></table></div></div> }
            } } }
        </section>
        <div class="two-col">
        <section class="card">
            <h2>{ t(lang, Key::AllocateHeading) }</h2>
            <form class="form" onsubmit={submit_alloc} id="allocate-form">
                <label>{ t(lang, Key::ColName) }
                    <select id="alloc-county" onchange={bind_select(&county)}>
                        <option value="">{ "—" }</option>
                        { for rows.iter().filter(|r| !r.unallocated_yuan.is_zero()).map(|r| html! { <option value={r.county_code.to_string()}>{ r.county_name.clone() }</option> }) }
                    </select>
                </label>
                <label>{ t(lang, Key::FieldUseCategory) }
                    <select id="alloc-use" onchange={bind_select(&use_name)}>
                        <option value="">{ "—" }</option>
                        { for categories.iter().map(|c| html! { <option value={c.name.clone()}>{ c.name.clone() }</option> }) }
                    </select>
                </label>
                <label>{ t(lang, Key::FieldAmount) }<input id="alloc-amount" value={(*amount).clone()} oninput={bind(&amount)} /></label>
                <label>{ t(lang, Key::FieldNote) }<input id="alloc-note" value={(*note).clone()} oninput={bind(&note)} /></label>
                { match (&alloc_check, amount.is_empty()) { (Err(m), false) => html! { <p class="error" id="alloc-check">{ m.clone() }</p> }, _ => html! {} } }
                <button type="submit" class="primary" id="alloc-submit" disabled={alloc_check.is_err()}>{ t(lang, Key::AllocateButton) }</button>
            </form>
        </section>
        <section class="card">
            <h2>{ t(lang, Key::AllocationsHeading) }</h2>
            <div class="table-wrap"><table class="data" id="allocations">
                <thead><tr><th>{ "#" }</th><th>{ t(lang, Key::ColName) }</th><th>{ t(lang, Key::FieldUseCategory) }</th><th class="num">{ t(lang, Key::ColAllocated) }</th><th class="num">{ t(lang, Key::ColDisbursed) }</th></tr></thead>
                <tbody>{ for allocations.iter().map(|a| html! {
                    <tr data-allocation={a.id.to_string()}><td class="mono">{ a.id }</td>
                        <td>{ rows.iter().find(|r| r.county_code == a.county_code).map(|r| r.county_name.clone()).unwrap_or_default() }</td>
                        <td>{ a.use_.clone() }</td><td class="num">{ a.amount_yuan.grouped() }</td><td class="num">{ a.disbursed_yuan.grouped() }</td></tr>
                }) }</tbody>
            </table></div>
            <form class="form" onsubmit={submit_disb} id="disburse-form">
                <label>{ t(lang, Key::AllocationsHeading) }
                    <select id="disb-allocation" onchange={bind_select(&d_alloc)}>
                        <option value="">{ "—" }</option>
                        { for allocations.iter().map(|a| html! { <option value={a.id.to_string()}>{ format!("#{} {}", a.id, a.use_) }</option> }) }
                    </select>
                </label>
                <label>{ t(lang, Key::FieldAmount) }<input id="disb-amount" value={(*d_amount).clone()} oninput={bind(&d_amount)} /></label>
                <label>{ t(lang, Key::FieldVoucher) }<input id="disb-voucher" value={(*d_voucher).clone()} oninput={bind(&d_voucher)} /></label>
                <label>{ t(lang, Key::FieldBankRef) }<input id="disb-bank" value={(*d_bank).clone()} oninput={bind(&d_bank)} /></label>
                { match (&disb_check, d_amount.is_empty()) { (Err(m), false) => html! { <p class="error" id="disb-check">{ m.clone() }</p> }, _ => html! {} } }
                <button type="submit" class="primary" id="disb-submit" disabled={disb_check.is_err()}>{ t(lang, Key::Disburse) }</button>
            </form>
        </section>
        </div>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional_and_never_exceed_the_chart() {
        let max: Money = "3000000".parse().expect("m");
        assert_eq!(bar_height(max, max, 160), 160);
        assert_eq!(bar_height("1500000".parse().expect("m"), max, 160), 80);
        assert_eq!(bar_height(Money::ZERO, max, 160), 0);
        assert_eq!(bar_height(max, Money::ZERO, 160), 0);
    }
}

//! 财务: per county and year, received / allocated / disbursed / unallocated as a table and an
//! SVG chart (this year and last, side by side, with a scale and amounts), drill-down to the trades, allocation and disbursement forms whose limits are
//! checked before submitting, and the CSV/XLSX downloads.

use quota_shared::Money;
use quota_shared::api::{Allocation, Lang, ProceedsRow, Purchase, PurchaseStatus};
use quota_shared::calendar::day_of;
use quota_shared::rules::UseCategory;
use yew::prelude::*;

use crate::api;
use crate::chart::{AXIS_WIDTH, BAR_WIDTH, PLOT_HEIGHT, PLOT_TOP, ProceedsChart, SERIES, label};
use crate::components::form::{on_input, on_select};
use crate::components::status::failed;
use crate::forms::{AllocationForm, DisbursementForm};
use crate::hooks::{use_load, use_submit};
use crate::i18n::{Key, t};

/// The chart: a scale with round ticks, and for each county the years side by side, every
/// bar labelled with its amount (layout in [`crate::chart`]).
fn chart(lang: Lang, model: &ProceedsChart) -> Html {
    let base = PLOT_TOP + PLOT_HEIGHT;
    html! {
        <>
        <div class="legend">{ for SERIES.iter().map(|(c, zh, en)| html! {
            <span><i style={format!("background:{c}")}></i>{ if lang == Lang::Zh { *zh } else { *en } }</span>
        }) }</div>
        <div class="chart-wrap">
        <svg id="proceeds-chart" width={model.width.to_string()} height={(base + 48).to_string()} role="img" aria-label={t(lang, Key::ChartHeading)}>
            { for model.ticks.iter().map(|(value, h)| {
                let y = base - h;
                html! { <g class="tick">
                    <line x1={(AXIS_WIDTH - 4).to_string()} x2={model.width.to_string()} y1={y.to_string()} y2={y.to_string()} stroke="#ddd" />
                    <text x={(AXIS_WIDTH - 8).to_string()} y={(y + 4).to_string()} text-anchor="end" font-size="11">{ label(*value) }</text>
                </g> }
            }) }
            <line x1={AXIS_WIDTH.to_string()} x2={AXIS_WIDTH.to_string()} y1={PLOT_TOP.to_string()} y2={base.to_string()} stroke="#888" />
            { for model.counties.iter().map(|county| html! {
                <g class="county-bars" data-code={county.code.clone()}>
                    { for county.years.iter().map(|year| html! {
                        <g class="year-bars" data-year={year.year.to_string()}>
                            { for year.bars.iter().map(|bar| {
                                let (colour, zh, en) = SERIES[bar.series];
                                let top = base - bar.height;
                                let mid = bar.x + (BAR_WIDTH - 2) / 2;
                                html! { <>
                                    <rect x={bar.x.to_string()} y={top.to_string()} width={(BAR_WIDTH - 2).to_string()} height={bar.height.to_string()} fill={colour}>
                                        <title>{ format!("{} {} {}：{} 元", county.name, year.year, if lang == Lang::Zh { zh } else { en }, bar.value.grouped()) }</title>
                                    </rect>
                                    { if bar.value.is_zero() { html! {} } else { html! {
                                        <text class="bar-value" x={mid.to_string()} y={(top - 3).to_string()} font-size="9" text-anchor="start"
                                            transform={format!("rotate(-90 {mid} {})", top - 3)}>{ label(bar.value) }</text>
                                    } } }
                                </> }
                            }) }
                            <text x={year.label_x.to_string()} y={(base + 14).to_string()} text-anchor="middle" font-size="11">{ year.year }</text>
                        </g>
                    }) }
                    <text x={county.label_x.to_string()} y={(base + 32).to_string()} text-anchor="middle" font-size="12" font-weight="bold">{ county.name.clone() }</text>
                </g>
            }) }
        </svg>
        </div>
        </>
    }
}

#[component]
pub fn Finance() -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    // 监督 reads the same figures and downloads; the forms that write are not shown.
    let read_only = use_context::<crate::session::Session>()
        .and_then(|s| s.user.map(|u| u.role))
        .is_some_and(|r| r == quota_shared::api::Role::Supervisor);
    let this_year = day_of(time::OffsetDateTime::now_utc()).year();
    let year = use_state(|| this_year);
    let proceeds = use_load(*year, |y| async move {
        api::proceeds(y).await.map(|p| p.proceeds)
    });
    let last_year = use_load(*year - 1, |y| async move {
        api::proceeds(y).await.map(|p| p.proceeds)
    });
    let allocations_load = use_load(*year, |y| async move {
        api::allocations(y).await.map(|a| a.allocations)
    });
    let categories_load = use_load((), |()| async {
        api::use_categories().await.map(|c| c.use_categories)
    });
    let trades_load = use_load((), |()| async {
        api::purchases().await.map(|p| p.purchases)
    });
    let rows: Vec<ProceedsRow> = proceeds.ready().cloned().unwrap_or_default();
    let allocations: Vec<Allocation> = allocations_load.ready().cloned().unwrap_or_default();
    let categories: Vec<UseCategory> = categories_load.ready().cloned().unwrap_or_default();
    let trades: Vec<Purchase> = trades_load.ready().cloned().unwrap_or_default();
    let drill = use_state(|| None::<String>);
    let alloc_form = use_state(AllocationForm::default);
    let disb_form = use_state(DisbursementForm::default);
    let alloc_submit = use_submit::<()>();
    let disb_submit = use_submit::<()>();
    let alloc_check = alloc_form.check(&rows, *year, lang);
    let disb_check = disb_form.check(&allocations, lang);
    let submit_alloc = {
        let (check, submit, form) = (
            alloc_check.clone(),
            alloc_submit.clone(),
            alloc_form.clone(),
        );
        let (proceeds, allocations_load) = (proceeds.clone(), allocations_load.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(req) = check.clone() else { return };
            let (form, proceeds, allocations_load) =
                (form.clone(), proceeds.clone(), allocations_load.clone());
            submit.run(
                async move { api::allocate(&req).await.map(|_| ()) },
                move |r| {
                    if r.is_ok() {
                        form.set(AllocationForm {
                            amount: String::new(),
                            ..(*form).clone()
                        });
                        proceeds.reload();
                        allocations_load.reload();
                    }
                },
            );
        })
    };
    let submit_disb = {
        let (check, submit, form) = (disb_check.clone(), disb_submit.clone(), disb_form.clone());
        let (proceeds, allocations_load) = (proceeds.clone(), allocations_load.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(req) = check.clone() else { return };
            let (form, proceeds, allocations_load) =
                (form.clone(), proceeds.clone(), allocations_load.clone());
            submit.run(
                async move { api::disburse(&req).await.map(|_| ()) },
                move |r| {
                    if r.is_ok() {
                        form.set(DisbursementForm {
                            amount: String::new(),
                            ..(*form).clone()
                        });
                        proceeds.reload();
                        allocations_load.reload();
                    }
                },
            );
        })
    };
    let alloc_field = |apply: fn(&mut AllocationForm, String)| {
        let form = alloc_form.clone();
        Callback::from(move |value: String| {
            let mut next = (*form).clone();
            apply(&mut next, value);
            form.set(next);
        })
    };
    let disb_field = |apply: fn(&mut DisbursementForm, String)| {
        let form = disb_form.clone();
        Callback::from(move |value: String| {
            let mut next = (*form).clone();
            apply(&mut next, value);
            form.set(next);
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
        { if read_only { html! { <p class="notice" id="read-only">{ t(lang, Key::ReadOnlyNotice) }</p> } } else { html! {} } }
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
            <div id="finance-error">
                { proceeds.failure(lang) }{ last_year.failure(lang) }{ allocations_load.failure(lang) }
                { categories_load.failure(lang) }{ trades_load.failure(lang) }
                { for [alloc_submit.outcome(), disb_submit.outcome()].into_iter().flatten().filter_map(|r| r.as_ref().err()).map(|e| failed(lang, e, None)) }
            </div>
            <h3>{ t(lang, Key::ChartHeading) }</h3>
            { match (proceeds.ready(), last_year.ready()) {
                (Some(now), Some(before)) => {
                    let model = ProceedsChart::new(&[(y - 1, before.clone()), (y, now.clone())]);
                    if model.counties.is_empty() { html! { <p class="empty">{ t(lang, Key::NoProceeds) }</p> } } else { chart(lang, &model) }
                }
                _ => html! {},
            } }
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
        <div class={if read_only { "" } else { "two-col" }}>
        { if read_only { html! {} } else { html! {
        <section class="card">
            <h2>{ t(lang, Key::AllocateHeading) }</h2>
            <form class="form" onsubmit={submit_alloc} id="allocate-form">
                <label>{ t(lang, Key::ColName) }
                    <select id="alloc-county" onchange={on_select(alloc_field(|f, v| f.county = v))}>
                        <option value="">{ "—" }</option>
                        { for rows.iter().filter(|r| !r.unallocated_yuan.is_zero()).map(|r| html! { <option value={r.county_code.to_string()}>{ r.county_name.clone() }</option> }) }
                    </select>
                </label>
                <label>{ t(lang, Key::FieldUseCategory) }
                    <select id="alloc-use" onchange={on_select(alloc_field(|f, v| f.use_name = v))}>
                        <option value="">{ "—" }</option>
                        { for categories.iter().map(|c| html! { <option value={c.name.clone()}>{ c.name.clone() }</option> }) }
                    </select>
                </label>
                <label>{ t(lang, Key::FieldAmount) }<input id="alloc-amount" inputmode="decimal" value={alloc_form.amount.clone()} oninput={on_input(alloc_field(|f, v| f.amount = v))} /></label>
                <label>{ t(lang, Key::FieldNote) }<input id="alloc-note" value={alloc_form.note.clone()} oninput={on_input(alloc_field(|f, v| f.note = v))} /></label>
                { match (&alloc_check, alloc_form.amount.is_empty()) { (Err(m), false) => html! { <p class="error" id="alloc-check">{ m.clone() }</p> }, _ => html! {} } }
                <button type="submit" class="primary" id="alloc-submit" disabled={alloc_check.is_err() || alloc_submit.busy()}>{ t(lang, Key::AllocateButton) }</button>
            </form>
        </section>
        } } }
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
            { if read_only { html! {} } else { html! {
            <form class="form" onsubmit={submit_disb} id="disburse-form">
                <label>{ t(lang, Key::AllocationsHeading) }
                    <select id="disb-allocation" onchange={on_select(disb_field(|f, v| f.allocation = v))}>
                        <option value="">{ "—" }</option>
                        { for allocations.iter().map(|a| html! { <option value={a.id.to_string()}>{ format!("#{} {}", a.id, a.use_) }</option> }) }
                    </select>
                </label>
                <label>{ t(lang, Key::FieldAmount) }<input id="disb-amount" inputmode="decimal" value={disb_form.amount.clone()} oninput={on_input(disb_field(|f, v| f.amount = v))} /></label>
                <label>{ t(lang, Key::FieldVoucher) }<input id="disb-voucher" value={disb_form.voucher.clone()} oninput={on_input(disb_field(|f, v| f.voucher = v))} /></label>
                <label>{ t(lang, Key::FieldBankRef) }<input id="disb-bank" value={disb_form.bank_reference.clone()} oninput={on_input(disb_field(|f, v| f.bank_reference = v))} /></label>
                { match (&disb_check, disb_form.amount.is_empty()) { (Err(m), false) => html! { <p class="error" id="disb-check">{ m.clone() }</p> }, _ => html! {} } }
                <button type="submit" class="primary" id="disb-submit" disabled={disb_check.is_err() || disb_submit.busy()}>{ t(lang, Key::Disburse) }</button>
            </form>
            } } }
        </section>
        </div>
        </>
    }
}

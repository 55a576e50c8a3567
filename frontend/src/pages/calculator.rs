//! 测算: the buyer's quote and the county's proceeds forecast, computed in the browser by the
//! shared crate on every keystroke. Counties and listings are fetched once; after that the
//! page needs no network.

use quota_shared::AreaUnit;
use quota_shared::api::{County, Lang, Listing, Quote, TotalBasis};
use quota_shared::capital::to_capital;
use quota_shared::rules::{Channel, ProjectUse, default_use_categories};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::api::{self, ApiFailure};
use crate::calc::{CalcAction, CalcForm, ForecastForm, forecast_for, quote_for};
use crate::components::badge::unconfirmed;
use crate::components::format::{county_name, today};
use crate::components::status::{failed, loading};
use crate::i18n::{Key, t};

#[derive(Debug, Clone, PartialEq)]
struct Data {
    counties: Vec<County>,
    listings: Vec<Listing>,
    book: quota_shared::rules::RuleBook,
}

#[component]
pub fn Calculator() -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let data = use_state(|| None::<Data>);
    let error = use_state(|| None::<ApiFailure>);
    let mode_county = use_state(|| false);
    let form = use_reducer(CalcForm::default);
    let forecast = use_state(ForecastForm::default);
    {
        let (data, error) = (data.clone(), error.clone());
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                let book = api::rule_book().await;
                match (api::counties().await, api::listings().await) {
                    (Ok(c), Ok(l)) => data.set(Some(Data {
                        counties: c.counties,
                        listings: l.listings,
                        book,
                    })),
                    (Err(e), _) | (_, Err(e)) => error.set(Some(e)),
                }
            });
        });
    }
    let select = |action: fn(String) -> CalcAction| {
        let form = form.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target_dyn_into::<HtmlSelectElement>() {
                form.dispatch(action(el.value()));
            }
        })
    };
    let on_area = {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(el) = e.target_dyn_into::<HtmlInputElement>() {
                form.dispatch(CalcAction::Area(el.value()));
            }
        })
    };
    let tabs = {
        let mode_county = mode_county.clone();
        move |county: bool| {
            let mode_county = mode_county.clone();
            Callback::from(move |_: MouseEvent| mode_county.set(county))
        }
    };
    let body = match (&*data, &*error) {
        (None, None) => loading(lang),
        (None, Some(e)) => failed(lang, e, None),
        (Some(d), _) if *mode_county => county_mode(lang, &forecast),
        (Some(d), _) => {
            // How long the quote took, on the form as `data-quote-ms` (the benchmark reads it).
            let clock = web_sys::window().and_then(|w| w.performance());
            let started = clock.as_ref().map(|p| p.now());
            let answer = quote_for(&form, &d.counties, &d.listings, today(), &d.book);
            let quote_ms = clock
                .zip(started)
                .map(|(p, t)| format!("{:.3}", p.now() - t))
                .unwrap_or_default();
            let example = *form == CalcForm::default();
            html! {
                <>
                { if example { html! { <p class="notice" id="calc-example">{ t(lang, Key::CalcExample) }</p> } } else { html! {} } }
                <div class="form calc-form" data-quote-ms={quote_ms} data-listings={d.listings.len().to_string()}>
                    <label>{ t(lang, Key::FieldUse) }
                        <select id="calc-use" onchange={select(|v| CalcAction::Use(v.parse().unwrap_or(ProjectUse::Residential)))}>
                            { for ProjectUse::ALL.iter().map(|u| html! {
                                <option value={u.wire()} selected={*u == form.use_}>{ match lang { Lang::Zh => u.label_zh(), Lang::En => u.label_en() } }</option>
                            }) }
                        </select>
                    </label>
                    <label>{ t(lang, Key::FieldCounty) }
                        <select id="calc-county" onchange={select(CalcAction::County)}>
                            { for d.counties.iter().map(|c| html! {
                                <option value={c.code.to_string()} selected={c.code.as_str() == form.county}>{ county_name(lang, &d.counties, &c.code) }</option>
                            }) }
                        </select>
                    </label>
                    <label>{ t(lang, Key::FieldArea) }
                        <input id="calc-area" inputmode="decimal" value={form.area.clone()} oninput={on_area} placeholder="30" />
                    </label>
                    <label>{ t(lang, Key::FieldUnit) }
                        <select id="calc-unit" onchange={select(|v| CalcAction::Unit(v.parse().unwrap_or(AreaUnit::Mu)))}>
                            { for AreaUnit::ALL.iter().map(|u| html! {
                                <option value={u.wire()} selected={*u == form.unit}>{ match lang { Lang::Zh => u.label_zh(), Lang::En => u.label_en() } }</option>
                            }) }
                        </select>
                    </label>
                </div>
                { if error.is_some() { html! { <p class="muted">{ t(lang, Key::Offline) }</p> } } else { html! {} } }
                { match answer {
                    None => html! {},
                    Some(Err(e)) => html! { <p class="error" role="alert" id="calc-error">{ match lang { Lang::Zh => e.message_zh(), Lang::En => e.message_en() } }</p> },
                    Some(Ok(q)) => quote_view(lang, &d.counties, &q),
                } }
                </>
            }
        }
    };
    html! {
        <section class="card">
            <h2>{ t(lang, Key::CalcHeading) }</h2>
            <p class="muted">{ t(lang, Key::CalcIntro) }</p>
            <div class="tabs">
                <button class={classes!("tab", (!*mode_county).then_some("active"))} onclick={tabs(false)} id="mode-buyer">{ t(lang, Key::ModeBuyer) }</button>
                <button class={classes!("tab", (*mode_county).then_some("active"))} onclick={tabs(true)} id="mode-county">{ t(lang, Key::ModeCounty) }</button>
            </div>
            { body }
        </section>
    }
}

fn quote_view(lang: Lang, counties: &[County], q: &Quote) -> Html {
    let words = |zh: &str, en: &str| match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    };
    html! {
        <div class="quote" id="quote">
            <div class="summary">
                <div class="big"><span class="label">{ t(lang, Key::RequiredMu) }</span>
                    <span id="required-mu">{ format!("{} 亩", q.required_mu.grouped()) }</span>
                    <span class="muted">{ format!("（{} 公顷）", q.required_ha_display) }</span></div>
                <div class={classes!("verdict", q.must_buy.then_some("must"))} id="must-buy">{ t(lang, if q.must_buy { Key::MustBuy } else { Key::MayBuy }) }</div>
            </div>
            <h3>{ t(lang, Key::RulesApplied) }</h3>
            <ul class="rules" id="rules-applied">
                { for q.rules_applied.iter().map(|r| html! {
                    <li><strong>{ r.rule.to_string() }</strong>{ " " }{ words(&r.message_zh, &r.message_en) }<br/><span class="citation">{ r.citation.clone() }</span></li>
                }) }
            </ul>
            <p><strong>{ t(lang, Key::EligibleChannels) }{ "：" }</strong>
                { q.eligible_channels.iter().map(|c| match (lang, c) {
                    (Lang::Zh, c) => c.label_zh(), (Lang::En, c) => c.label_en() }).collect::<Vec<_>>().join("、") }
            </p>
            <p><strong>{ t(lang, Key::EligibleSellers) }{ "：" }</strong>
                { q.eligible_seller_counties.iter().map(|c| county_name(lang, counties, c)).collect::<Vec<_>>().join("、") }
            </p>
            { if q.eligible_channels.contains(&Channel::County) { html! {
                <>
                <h3>{ t(lang, Key::CheapestFill) }</h3>
                { if q.cheapest_fill.is_empty() { html! { <p class="empty">{ t(lang, Key::NoListings) }</p> } } else { html! {
                    <div class="table-wrap"><table class="data" id="cheapest-fill">
                        <thead><tr><th>{ t(lang, Key::ColSeller) }</th><th class="num">{ t(lang, Key::ColArea) }</th><th class="num">{ t(lang, Key::ColPrice) }</th><th class="num">{ t(lang, Key::ColAmount) }</th></tr></thead>
                        <tbody>{ for q.cheapest_fill.iter().map(|f| html! {
                            <tr><td>{ county_name(lang, counties, &f.county_code) }</td><td class="num">{ f.area_mu.grouped() }</td><td class="num">{ f.price_per_mu.grouped() }</td><td class="num">{ f.amount_yuan.grouped() }</td></tr>
                        }) }</tbody>
                    </table></div>
                } } }
                </>
            } } else { html! {} } }
            { if q.regional_lots.is_empty() { html! {} } else { html! {
                <>
                <h3>{ t(lang, Key::RegionalOptions) }</h3>
                <div class="table-wrap"><table class="data" id="regional-options">
                    <thead><tr><th>{ t(lang, Key::ColSeller) }</th><th class="num">{ t(lang, Key::ColArea) }</th><th class="num">{ t(lang, Key::ColMinNext) }</th><th class="num">{ t(lang, Key::ColDeposit) }</th><th></th></tr></thead>
                    <tbody>{ for q.regional_lots.iter().map(|l| html! {
                        <tr><td>{ county_name(lang, counties, &l.county_code) }</td><td class="num">{ l.area_mu.grouped() }</td>
                            <td class="num">{ l.min_bid_yuan.grouped() }</td><td class="num">{ l.deposit_yuan.grouped() }</td>
                            <td>{ if l.covers_need { html! { <span class="badge">{ t(lang, Key::CoversNeed) }</span> } } else { html! {} } }</td></tr>
                    }) }</tbody>
                </table></div>
                </>
            } } }
            { if q.shortfall_mu.is_zero() { html! {} } else { html! {
                <p class="warn-text" id="shortfall">{ format!("{} {} 亩", t(lang, Key::Shortfall), q.shortfall_mu.grouped()) }</p>
            } } }
            <div class="total" id="total">
                <div><span class="label">{ t(lang, Key::TotalYuan) }</span><span class="num amount" id="total-yuan">{ q.total_yuan.grouped() }</span></div>
                <div><span class="label">{ t(lang, Key::TotalWan) }</span><span class="num">{ q.total_wan.clone() }</span></div>
                <div><span class="label">{ t(lang, Key::TotalCapital) }</span><span id="total-capital">{ q.total_capital.clone() }</span></div>
                { if q.total_basis == TotalBasis::RegionalMinimumBids { html! { <p class="muted">{ t(lang, Key::TotalBasisRegional) }</p> } } else { html! {} } }
            </div>
        </div>
    }
}

fn county_mode(lang: Lang, forecast: &UseStateHandle<ForecastForm>) -> Html {
    let categories = default_use_categories();
    let on = |field: usize| {
        let forecast = forecast.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(el) = e.target_dyn_into::<HtmlInputElement>() {
                let mut next = (*forecast).clone();
                match field {
                    0 => next.area = el.value(),
                    1 => next.price = el.value(),
                    n => {
                        if let Some(s) = next.shares.get_mut(n - 2) {
                            *s = el.value();
                        }
                    }
                }
                forecast.set(next);
            }
        })
    };
    let result = forecast_for(forecast);
    html! {
        <div id="forecast">
            <div class="form calc-form">
                <label>{ t(lang, Key::ForecastArea) }<input id="forecast-area" value={forecast.area.clone()} oninput={on(0)} /></label>
                <label>{ t(lang, Key::ForecastPrice) }<input id="forecast-price" value={forecast.price.clone()} oninput={on(1)} /></label>
            </div>
            <h3>{ t(lang, Key::ForecastSplit) }</h3>
            <div class="table-wrap"><table class="data">
                <tbody>
                { for categories.iter().enumerate().map(|(i, c)| html! {
                    <tr>
                        <td>{ c.name.clone() }{ if c.confirmed { html! {} } else { unconfirmed(lang) } }</td>
                        <td><input class="pct" value={forecast.shares.get(i).cloned().unwrap_or_default()} oninput={on(i + 2)} />{ " %" }</td>
                        <td class="num">{ match &result { Ok(f) => f.parts.get(i).map(|m| m.grouped()).unwrap_or_default(), Err(_) => String::new() } }</td>
                    </tr>
                }) }
                </tbody>
            </table></div>
            { match &result {
                Ok(f) => html! { <div class="total"><div><span class="label">{ t(lang, Key::ForecastTotal) }</span><span class="num amount" id="forecast-total">{ f.total.grouped() }</span></div>
                    <div><span class="label">{ t(lang, Key::TotalCapital) }</span><span>{ to_capital(f.total) }</span></div></div> },
                Err(e) => html! { <p class="error" role="alert">{ match lang { Lang::Zh => e.message_zh(), Lang::En => e.message_en() } }</p> },
            } }
        </div>
    }
}

//! 购买: one county listing, the purchase form with the rule check shown before submitting,
//! and one idempotency key per attempt, so a double click or a retry buys once.

use quota_shared::api::{County, Lang, Listing, PurchaseProject, PurchaseRequest, Role};
use quota_shared::capital::to_capital;
use quota_shared::codes::ErrorCode;
use quota_shared::rules::{Channel, ProjectUse, validate_purchase};
use quota_shared::{Area, FieldError, PositiveArea};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiFailure};
use crate::components::format::{county_name, today};
use crate::components::status::{failed, loading};
use crate::hooks::{Load, use_counties};
use crate::i18n::{Key, t};
use crate::route::Route;
use crate::session::Session;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
}

/// What the buyer typed.
#[derive(Debug, Clone, PartialEq)]
pub struct BuyForm {
    pub area: String,
    pub project_name: String,
    pub use_: ProjectUse,
    pub county: String,
}

/// The checks shown before submitting: the area typed, then R7/R8 for the project.
pub fn precheck(
    form: &BuyForm,
    listing: &Listing,
    counties: &[County],
    lang: Lang,
    book: &quota_shared::rules::RuleBook,
) -> Result<Area, Vec<String>> {
    let words = |zh: String, en: String| match lang {
        Lang::Zh => zh,
        Lang::En => en,
    };
    let area: Area = match form.area.parse::<Area>().and_then(Area::positive) {
        Ok(a) => a,
        Err(e) => {
            let e = FieldError::new("area_mu", e);
            return Err(vec![words(e.message_zh(), e.message_en())]);
        }
    };
    let mut problems = Vec::new();
    if area > listing.remaining_mu {
        problems.push(words(
            format!("剩余仅 {} 亩", listing.remaining_mu),
            format!("Only {} mu remain", listing.remaining_mu),
        ));
    }
    let seller = counties
        .iter()
        .find(|c| c.code == listing.county_code)
        .map(County::jurisdiction);
    let project = counties
        .iter()
        .find(|c| c.code.as_str() == form.county)
        .map(County::jurisdiction);
    if let (Some(seller), Some(project)) = (seller, project)
        && let Err(violations) =
            validate_purchase(&seller, Channel::County, &project, form.use_, today(), book)
    {
        problems.extend(
            violations
                .into_iter()
                .map(|v| format!("{}：{}", v.rule, words(v.message_zh, v.message_en))),
        );
    }
    if problems.is_empty() {
        Ok(area)
    } else {
        Err(problems)
    }
}

#[component]
pub fn Buy(props: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let session = use_context::<Session>();
    let listing = use_state(|| Load::<Listing>::Loading);
    let counties_load = use_counties();
    let counties: Vec<County> = counties_load.ready().cloned().unwrap_or_default();
    let form = use_state(|| BuyForm {
        area: String::new(),
        project_name: String::new(),
        use_: ProjectUse::Commercial,
        county: "450481".into(),
    });
    // One key per purchase attempt: kept across retries and double clicks, renewed after success.
    let key = use_state(api::new_idempotency_key);
    let busy = use_state(|| false);
    let book = crate::hooks::use_rule_book();
    let outcome = use_state(|| None::<Result<String, ApiFailure>>);
    let reload = use_state(|| 0u32);
    {
        let (listing, id) = (listing.clone(), props.id);
        use_effect_with((id, *reload), move |_| {
            yew::platform::spawn_local(async move {
                listing.set(api::listing(id).await.map(|l| l.listing).into());
            });
        });
    }
    let Load::Ready(l) = &*listing else {
        return match &*listing {
            Load::Failed(e) => html! { <section class="card">{ failed(lang, e, None) }</section> },
            _ => html! { <section class="card">{ loading(lang) }</section> },
        };
    };
    let is_buyer = session
        .as_ref()
        .and_then(|s| s.user.as_ref())
        .is_some_and(|u| u.role == Role::Buyer);
    let check = precheck(&form, l, &counties, lang, &book);
    let amount = check
        .as_ref()
        .ok()
        .and_then(|a| l.price_per_mu.amount_for(*a).ok());
    let edit = |apply: fn(&mut BuyForm, String)| {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_dyn_into::<HtmlInputElement>()
                .map(|i| i.value())
                .or_else(|| e.target_dyn_into::<HtmlSelectElement>().map(|s| s.value()))
                .unwrap_or_default();
            let mut next = (*form).clone();
            apply(&mut next, value);
            form.set(next);
        })
    };
    let input = |apply: fn(&mut BuyForm, String)| {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                let mut next = (*form).clone();
                apply(&mut next, i.value());
                form.set(next);
            }
        })
    };
    let submit = {
        let (form, key, busy, outcome, reload, id) = (
            form.clone(),
            key.clone(),
            busy.clone(),
            outcome.clone(),
            reload.clone(),
            l.id,
        );
        let area = check.clone().ok();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(area) = area.and_then(|a| PositiveArea::new(a).ok()) else {
                return;
            };
            if *busy {
                return;
            }
            busy.set(true);
            let request = PurchaseRequest {
                listing_id: id,
                area_mu: area,
                project: PurchaseProject {
                    name: form.project_name.trim().to_string(),
                    use_: form.use_,
                    county_code: match form.county.parse() {
                        Ok(c) => c,
                        Err(_) => return,
                    },
                },
            };
            let (key, busy, outcome, reload) =
                (key.clone(), busy.clone(), outcome.clone(), reload.clone());
            yew::platform::spawn_local(async move {
                let result = api::buy(&request, &key).await;
                // Bought, or the listing changed under the buyer (someone bought first, it
                // ended): show the listing as it is now.
                let stale = result.as_ref().err().is_some_and(|e| {
                    e.is(ErrorCode::InsufficientRemaining) || e.is(ErrorCode::ListingClosed)
                });
                if result.is_ok() {
                    key.set(api::new_idempotency_key());
                }
                if result.is_ok() || stale {
                    reload.set(*reload + 1);
                }
                outcome.set(Some(result.map(|r| {
                    format!(
                        "#{} · {} 元",
                        r.purchase.id,
                        r.purchase.amount_yuan.grouped()
                    )
                })));
                busy.set(false);
            });
        })
    };
    html! {
        <section class="card">
            <h2>{ t(lang, Key::BuyHeading) }</h2>
            { counties_load.failure(lang) }
            <dl class="facts" id="listing-facts">
                <dt>{ t(lang, Key::ColSeller) }</dt><dd>{ county_name(lang, &counties, &l.county_code) }</dd>
                <dt>{ t(lang, Key::ColProject) }</dt><dd>{ crate::components::badge::source(lang, l) }</dd>
                <dt>{ t(lang, Key::ColRemaining) }</dt><dd class="num" id="remaining">{ l.remaining_mu.grouped() }</dd>
                <dt>{ t(lang, Key::ColPrice) }</dt><dd class="num">{ l.price_per_mu.grouped() }</dd>
            </dl>
            { if !is_buyer { html! {
                <p class="notice"><Link<Route> to={Route::Login}>{ t(lang, Key::LoginToBuy) }</Link<Route>></p>
            } } else { html! {
                <form class="form buy-form" onsubmit={submit} id="buy-form">
                    <label>{ t(lang, Key::BuyArea) }<input id="buy-area" inputmode="decimal" value={form.area.clone()} oninput={input(|f, v| f.area = v)} /></label>
                    <label>{ t(lang, Key::ProjectName) }<input id="buy-project" value={form.project_name.clone()} oninput={input(|f, v| f.project_name = v)} /></label>
                    <label>{ t(lang, Key::FieldUse) }
                        <select id="buy-use" onchange={edit(|f, v| f.use_ = v.parse().unwrap_or(ProjectUse::Commercial))}>
                            { for ProjectUse::ALL.iter().map(|u| html! { <option value={u.wire()} selected={*u == form.use_}>{ match lang { Lang::Zh => u.label_zh(), Lang::En => u.label_en() } }</option> }) }
                        </select>
                    </label>
                    <label>{ t(lang, Key::FieldCounty) }
                        <select id="buy-county" onchange={edit(|f, v| f.county = v)}>
                            { for counties.iter().map(|c| html! { <option value={c.code.to_string()} selected={c.code.as_str() == form.county}>{ county_name(lang, &counties, &c.code) }</option> }) }
                        </select>
                    </label>
                    <div class="precheck" id="precheck">
                        { match &check {
                            Ok(_) => html! { <p class="ok">{ t(lang, Key::RuleCheckOk) }</p> },
                            Err(problems) if form.area.is_empty() => { let _ = problems; html! {} },
                            Err(problems) => html! { <ul class="problems">{ for problems.iter().map(|p| html! { <li>{ p.clone() }</li> }) }</ul> },
                        } }
                        { match amount { Some(a) => html! { <p><strong>{ t(lang, Key::AmountDue) }{ "：" }</strong><span class="num amount" id="amount-due">{ format!("{} 元", a.grouped()) }</span>{ format!("（{}）", to_capital(a)) }</p> }, None => html! {} } }
                    </div>
                    <button type="submit" class="primary" id="buy-submit" disabled={*busy || check.is_err()}>{ t(lang, if *busy { Key::Submitting } else { Key::Submit }) }</button>
                    { match &*outcome {
                        Some(Ok(what)) => html! { <p class="ok" id="buy-ok">{ format!("{} {}", t(lang, Key::Bought), what) }{ " " }<Link<Route> to={Route::Mine}>{ t(lang, Key::NavMine) }</Link<Route>></p> },
                        Some(Err(e)) => html! { <div id="buy-error">{ failed(lang, e, None) }</div> },
                        None => html! {},
                    } }
                </form>
            } } }
        </section>
    }
}

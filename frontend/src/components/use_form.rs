//! 登记使用（落地）: one land-use approval filing drawing a holding down. A purchase lands on the
//! project it was bought for (shown, not typed); an award's filing names its project (name, use,
//! county). The server applies R7/R8 of the day and answers in the error banner.

use quota_shared::PositiveArea;
use quota_shared::api::{County, Holding, HoldingUse, Lang, PurchaseProject, UseRequest};
use quota_shared::jurisdiction::CountyCode;
use quota_shared::rules::ProjectUse;
use yew::prelude::*;

use crate::api::{self, ApiFailure};
use crate::components::form::{bind, bind_select};
use crate::components::format::county_name;
use crate::components::status::failed;
use crate::i18n::{Key, t, words};

#[derive(Properties, PartialEq)]
pub struct UseFormProps {
    /// The holdings the user may draw on.
    pub holdings: Vec<Holding>,
    pub counties: Vec<County>,
    /// A bureau files for projects in its own county only.
    #[prop_or_default]
    pub fixed_county: Option<CountyCode>,
    pub on_recorded: Callback<HoldingUse>,
}

#[component]
pub fn UseForm(props: &UseFormProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let purchase = use_state(String::new);
    let approval = use_state(String::new);
    let area = use_state(String::new);
    let name = use_state(String::new);
    // No use chosen until the filer picks one: R7 turns on it, so it is never assumed.
    let use_ = use_state(String::new);
    let county = use_state(String::new);
    let problem = use_state(|| None::<ApiFailure>);
    let busy = use_state(|| false);
    let chosen = purchase
        .parse::<i64>()
        .ok()
        .and_then(|id| props.holdings.iter().find(|h| h.purchase_id == id));
    let project_county = props.fixed_county.clone().or_else(|| county.parse().ok());
    let check: Result<UseRequest, String> = (|| {
        let h = chosen.ok_or_else(|| t(lang, Key::ChooseHolding).to_string())?;
        if approval.trim().is_empty() {
            return Err(t(lang, Key::Approval).to_string());
        }
        let a: PositiveArea = area
            .parse()
            .map_err(|e: quota_shared::DomainError| words(lang, e.message_zh(), e.message_en()))?;
        if a.get() > h.remaining_mu {
            return Err(format!("{} {} 亩", t(lang, Key::AtMost), h.remaining_mu));
        }
        let project = match h.project {
            Some(_) => None,
            None => {
                if name.trim().is_empty() {
                    return Err(t(lang, Key::ProjectName).to_string());
                }
                let project_use: ProjectUse = use_
                    .parse()
                    .map_err(|_| t(lang, Key::FieldUse).to_string())?;
                Some(PurchaseProject {
                    name: name.trim().to_string(),
                    use_: project_use,
                    county_code: project_county
                        .clone()
                        .ok_or_else(|| t(lang, Key::FieldCounty).to_string())?,
                })
            }
        };
        Ok(UseRequest {
            purchase_id: h.purchase_id,
            approval_no: approval.trim().to_string(),
            area_mu: a,
            project,
        })
    })();
    let submit = {
        let (check, problem, busy, area, approval) = (
            check.clone(),
            problem.clone(),
            busy.clone(),
            area.clone(),
            approval.clone(),
        );
        let on_recorded = props.on_recorded.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(req) = check.clone() else { return };
            let (problem, busy, area, approval, on_recorded) = (
                problem.clone(),
                busy.clone(),
                area.clone(),
                approval.clone(),
                on_recorded.clone(),
            );
            busy.set(true);
            yew::platform::spawn_local(async move {
                match api::record_use(&req).await {
                    Ok(u) => {
                        problem.set(None);
                        area.set(String::new());
                        approval.set(String::new());
                        on_recorded.emit(u.use_);
                    }
                    Err(e) => problem.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let use_label = |u: ProjectUse| match lang {
        Lang::Zh => u.label_zh(),
        Lang::En => u.label_en(),
    };
    html! {
        <form class="form" onsubmit={submit} id="use-form">
            { match &*problem { Some(e) => html! { <div id="use-error" class="form-note">{ failed(lang, e, None) }</div> }, None => html! {} } }
            <label>{ t(lang, Key::ConfirmationNo) }
                <select id="use-purchase" onchange={bind_select(&purchase)}>
                    <option value="">{ "—" }</option>
                    { for props.holdings.iter().filter(|h| !h.remaining_mu.is_zero()).map(|h| html! {
                        <option value={h.purchase_id.to_string()} selected={*purchase == h.purchase_id.to_string()}>
                            { format!("{} · {} {} 亩", h.confirmation_no.clone().unwrap_or_else(|| format!("#{}", h.purchase_id)), t(lang, Key::ColRemaining), h.remaining_mu.grouped()) }
                        </option>
                    }) }
                </select>
            </label>
            { match chosen.and_then(|h| h.project.as_ref()) {
                Some(p) => html! {
                    <p class="form-note" id="use-project-fixed">{ format!("{}：{}（{}，{}）", t(lang, Key::ProjectName), p.name, use_label(p.use_), county_name(lang, &props.counties, &p.county_code)) }</p>
                },
                None if chosen.is_some() => html! {
                    <>
                    <p class="form-note">{ t(lang, Key::AwardNamesProject) }</p>
                    <label>{ t(lang, Key::ProjectName) }<input id="use-project" value={(*name).clone()} oninput={bind(&name)} /></label>
                    <label>{ t(lang, Key::FieldUse) }
                        <select id="use-use" onchange={bind_select(&use_)}>
                            <option value="" selected={use_.is_empty()}>{ "—" }</option>
                            { for ProjectUse::ALL.iter().map(|u| html! { <option value={u.wire()} selected={u.wire() == use_.as_str()}>{ use_label(*u) }</option> }) }
                        </select>
                    </label>
                    { match &props.fixed_county {
                        Some(code) => html! { <p class="form-note">{ format!("{}：{}", t(lang, Key::FieldCounty), county_name(lang, &props.counties, code)) }</p> },
                        None => html! {
                            <label>{ t(lang, Key::FieldCounty) }
                                <select id="use-county" onchange={bind_select(&county)}>
                                    <option value="">{ "—" }</option>
                                    { for props.counties.iter().map(|c| html! { <option value={c.code.to_string()} selected={c.code.as_str() == county.as_str()}>{ county_name(lang, &props.counties, &c.code) }</option> }) }
                                </select>
                            </label>
                        },
                    } }
                    </>
                },
                None => html! {},
            } }
            <label>{ t(lang, Key::Approval) }<input id="use-approval" value={(*approval).clone()} oninput={bind(&approval)} /></label>
            <label>{ t(lang, Key::ColArea) }<input id="use-area" inputmode="decimal" value={(*area).clone()} oninput={bind(&area)} /></label>
            { match (&check, area.is_empty()) { (Err(m), false) => html! { <p class="error" id="use-check">{ m.clone() }</p> }, _ => html! {} } }
            <button type="submit" class="primary" id="use-submit" disabled={check.is_err() || *busy}>{ t(lang, Key::RecordUse) }</button>
        </form>
    }
}

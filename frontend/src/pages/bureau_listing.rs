//! 新建挂牌 in the bureau console: a listing draws on the county's reclamation projects (quota
//! stock, #15). The clerk picks each project and the area to list from it; the area, new
//! farmland, paddy and grain capacity follow live (pro rata, as the server computes them), and
//! a project not yet accepted is listed only as 预支 (advance quota). The server checks the
//! stock again in the listing's transaction; its refusals are shown as they come.

use quota_shared::UnitPrice;
use quota_shared::api::{LISTING_SOURCES_MAX, Lang, Project, ProjectStatus};
use quota_shared::rules::FloorVersion;
use yew::prelude::*;

use crate::api::{self, ApiFailure};
use crate::components::form::{bind, bind_select, input_value};
use crate::components::format::today;
use crate::forms::ListingForm;
use crate::i18n::{Key, t, words};

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The county's projects (all of them; those with nothing left are not offered).
    pub projects: Vec<Project>,
    pub base: Option<UnitPrice>,
    pub versions: Vec<FloorVersion>,
    /// The notice to show once the listing is created.
    pub on_created: Callback<String>,
    pub on_failed: Callback<ApiFailure>,
}

#[component]
pub fn NewListing(props: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let book = crate::hooks::use_rule_book();
    let channel = use_state(|| "county".to_string());
    // Each row with a key of its own, so removing one keeps the others' choices in place.
    let rows = use_state(|| vec![(0u32, String::new(), String::new())]);
    let next_key = use_mut_ref(|| 1u32);
    let advance = use_state(|| false);
    let price = use_state(String::new);
    let closes = use_state(String::new);
    let busy = use_state(|| false);
    let offered: Vec<&Project> = props
        .projects
        .iter()
        .filter(|p| p.available_mu > quota_shared::Area::ZERO)
        .collect();
    let form = ListingForm {
        channel: (*channel).clone(),
        sources: rows
            .iter()
            .map(|(_, p, a)| (p.clone(), a.clone()))
            .collect(),
        advance: *advance,
        price: (*price).clone(),
        closes: (*closes).clone(),
    };
    let preview = form.preview(&props.projects);
    let draft = form.check(
        &props.projects,
        props.base,
        &props.versions,
        today(),
        lang,
        &book,
    );
    let touched = rows.iter().any(|(_, p, a)| !p.is_empty() || !a.is_empty());
    let set_row = |n: usize, project: bool| {
        let rows = rows.clone();
        move |value: String| {
            let mut next = (*rows).clone();
            if let Some(row) = next.get_mut(n) {
                if project {
                    row.1 = value;
                } else {
                    row.2 = value;
                }
            }
            rows.set(next);
        }
    };
    let pick_project = |n: usize| {
        let set = set_row(n, true);
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                set(s.value());
            }
        })
    };
    let type_area = |n: usize| {
        let set = set_row(n, false);
        Callback::from(move |e: InputEvent| set(input_value(&e)))
    };
    let add_row = {
        let (rows, next_key) = (rows.clone(), next_key.clone());
        Callback::from(move |_: MouseEvent| {
            let key = {
                let mut k = next_key.borrow_mut();
                *k += 1;
                *k
            };
            let mut next = (*rows).clone();
            next.push((key, String::new(), String::new()));
            rows.set(next);
        })
    };
    let remove_row = |n: usize| {
        let rows = rows.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*rows).clone();
            next.remove(n);
            rows.set(next);
        })
    };
    let toggle_advance = {
        let advance = advance.clone();
        Callback::from(move |_: Event| advance.set(!*advance))
    };
    let publish = {
        let (draft, busy, rows, price, closes, advance) = (
            draft.clone(),
            busy.clone(),
            rows.clone(),
            price.clone(),
            closes.clone(),
            advance.clone(),
        );
        let (on_created, on_failed) = (props.on_created.clone(), props.on_failed.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(d) = draft.clone() else { return };
            if *busy {
                return;
            }
            busy.set(true);
            let (busy, rows, price, closes, advance) = (
                busy.clone(),
                rows.clone(),
                price.clone(),
                closes.clone(),
                advance.clone(),
            );
            let (on_created, on_failed) = (on_created.clone(), on_failed.clone());
            yew::platform::spawn_local(async move {
                match api::create_listing(&d).await {
                    Ok(l) => {
                        let l = l.listing;
                        on_created.emit(words(
                            lang,
                            format!(
                                "{} #{}：{} 亩，来源 {}",
                                t(lang, Key::Created),
                                l.id,
                                l.area_mu,
                                l.source_project
                            ),
                            format!(
                                "{} #{}: {} mu from {}",
                                t(lang, Key::Created),
                                l.id,
                                l.area_mu,
                                l.source_project
                            ),
                        ));
                        rows.set(vec![(0, String::new(), String::new())]);
                        price.set(String::new());
                        closes.set(String::new());
                        advance.set(false);
                    }
                    Err(e) => on_failed.emit(e),
                }
                busy.set(false);
            });
        })
    };
    let option = |p: &Project, selected: bool| {
        let label = match (lang, p.status) {
            (Lang::Zh, ProjectStatus::Registered) => format!(
                "{} {}（未验收，预支；可挂牌 {} 亩）",
                p.registration_no,
                p.name,
                p.available_mu.grouped()
            ),
            (Lang::Zh, _) => format!(
                "{} {}（可挂牌 {} 亩）",
                p.registration_no,
                p.name,
                p.available_mu.grouped()
            ),
            (Lang::En, ProjectStatus::Registered) => format!(
                "{} {} (not accepted: advance; {} mu left)",
                p.registration_no,
                p.name,
                p.available_mu.grouped()
            ),
            (Lang::En, _) => format!(
                "{} {} ({} mu left)",
                p.registration_no,
                p.name,
                p.available_mu.grouped()
            ),
        };
        html! { <option value={p.id.to_string()} selected={selected}>{ label }</option> }
    };
    html! {
        <section class="card">
            <h2>{ t(lang, Key::NewListingHeading) }</h2>
            { if offered.is_empty() { html! {
                <p class="empty" id="no-stock">{ words(lang,
                    "本县没有可挂牌的节余指标：请先在下方“复垦项目”中登记并验收项目（未验收的项目可作为预支指标挂牌）。",
                    "Nothing left to list: register and accept a reclamation project below first (a registered one may be listed as advance quota).") }</p>
            } } else { html! {} } }
            <form class="form" onsubmit={publish} id="listing-form">
                <label>{ t(lang, Key::FieldChannel) }
                    <select id="new-channel" onchange={bind_select(&channel)}>
                        <option value="county" selected={*channel == "county"}>{ t(lang, Key::ChannelCounty) }</option>
                        <option value="regional" selected={*channel == "regional"}>{ t(lang, Key::ChannelRegional) }</option>
                    </select>
                </label>
                <fieldset class="sources" id="new-sources">
                    <legend>{ words(lang, "来源复垦项目与挂牌面积", "Source projects and the area from each") }</legend>
                    { for rows.iter().enumerate().map(|(n, (key, project, area))| html! {
                        <div class="source-row" key={*key} data-row={n.to_string()}>
                            <select class="source-project" aria-label={words(lang, "复垦项目", "Project")} onchange={pick_project(n)}>
                                <option value="" selected={project.is_empty()}>{ words(lang, "请选择复垦项目", "Pick a project") }</option>
                                { for offered.iter().map(|p| option(p, *project == p.id.to_string())) }
                            </select>
                            <input class="source-area" inputmode="decimal" placeholder={words(lang, "面积（亩）", "Area (mu)")} aria-label={words(lang, "挂牌面积（亩）", "Area (mu)")} value={area.clone()} oninput={type_area(n)} />
                            { if rows.len() > 1 { html! {
                                <button type="button" class="link remove-source" onclick={remove_row(n)}>{ words(lang, "移除", "Remove") }</button>
                            } } else { html! {} } }
                        </div>
                    }) }
                    { if rows.len() < LISTING_SOURCES_MAX && offered.len() > rows.len() { html! {
                        <button type="button" class="link" id="add-source" onclick={add_row}>{ words(lang, "＋ 再加一个项目", "+ Another project") }</button>
                    } } else { html! {} } }
                </fieldset>
                { if preview.advance { html! {
                    <label class="check"><input type="checkbox" id="new-advance" checked={*advance} onchange={toggle_advance} />
                        { words(lang, "预支指标：项目尚未验收，验收后转为正式指标；验收少于已售的将提示县局和自治区", "Advance quota: the project is not accepted yet; acceptance turns it ordinary, and one below what was sold is flagged") }</label>
                } } else { html! {} } }
                <dl class="facts" id="listing-preview">
                    <dt>{ t(lang, Key::FieldArea2) }</dt><dd id="preview-area">{ preview.area.grouped() }</dd>
                    <dt>{ t(lang, Key::FieldFarmland) }</dt><dd id="preview-farmland">{ preview.share.farmland_mu.grouped() }</dd>
                    <dt>{ t(lang, Key::FieldPaddy) }</dt><dd>{ preview.share.paddy_mu.grouped() }</dd>
                    <dt>{ t(lang, Key::FieldCapacity) }</dt><dd>{ preview.share.grain_capacity_kg }</dd>
                </dl>
                <p class="hint">{ words(lang, "耕地、水田、粮食产能按复垦面积比例由项目数据计算，无需填写。", "Farmland, paddy and capacity follow from the projects, pro rata to the reclaimed area.") }</p>
                <label>{ t(lang, Key::FieldPrice) }<input id="new-price" inputmode="decimal" value={(*price).clone()} oninput={bind(&price)} /></label>
                <label>{ t(lang, Key::FieldCloses) }<input id="new-closes" type="text" inputmode="numeric" placeholder="2026-12-31 17:00" value={(*closes).clone()} oninput={bind(&closes)} /><span class="hint">{ t(lang, Key::BeijingTime) }</span></label>
                { match (&draft, touched) { (Err(m), true) => html! { <p class="error" id="listing-check">{ m.clone() }</p> }, _ => html! {} } }
                <button type="submit" class="primary" id="listing-submit" disabled={draft.is_err() || *busy}>{ if *busy { words(lang, "发布中…", "Publishing…") } else { t(lang, Key::CreateListing).to_string() } }</button>
            </form>
        </section>
    }
}

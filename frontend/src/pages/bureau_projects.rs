//! 复垦项目 (quota stock, #15), in the bureau console: the county's reclamation projects with
//! their surplus, a form to register one, and the acceptance (验收) of a registered one, which
//! locks it. The server checks everything again and its refusals are shown as they come.

use quota_shared::api::{AcceptanceRequest, Lang, Project, ProjectRequest, ProjectStatus};
use quota_shared::{DomainError, FieldError};
use yew::prelude::*;

use crate::api::ApiFailure;
use crate::components::form::input_value;
use crate::components::format::today;
use crate::components::status::failed;
use crate::i18n::words;
use crate::stock_api;

/// The text fields of both forms, as typed.
#[derive(Clone, Default, PartialEq)]
struct Fields {
    name: String,
    registration_no: String,
    township: String,
    village: String,
    reclaimed: String,
    farmland: String,
    paddy: String,
    capacity: String,
    local_use: String,
    accepted_on: String,
    acceptance_doc: String,
}

fn parse<T: std::str::FromStr<Err = DomainError>>(
    lang: Lang,
    field: &str,
    text: &str,
) -> Result<T, String> {
    text.trim().parse().map_err(|e| {
        let e = FieldError::new(field, e);
        match lang {
            Lang::Zh => e.message_zh(),
            Lang::En => e.message_en(),
        }
    })
}

impl Fields {
    fn of(p: &Project) -> Self {
        Self {
            reclaimed: p.reclaimed_mu.to_string(),
            farmland: p.farmland_mu.to_string(),
            paddy: p.paddy_mu.to_string(),
            capacity: p.grain_capacity_kg.to_string(),
            local_use: p.local_use_mu.to_string(),
            accepted_on: today().to_string(),
            ..Self::default()
        }
    }

    /// Everything of a registered project, to edit it.
    fn all(p: &Project) -> Self {
        Self {
            name: p.name.clone(),
            registration_no: p.registration_no.clone(),
            township: p.township.clone(),
            village: p.village.clone(),
            ..Self::of(p)
        }
    }

    fn capacity(&self, lang: Lang) -> Result<i64, String> {
        self.capacity.trim().parse().map_err(|_| {
            words(
                lang,
                "粮食产能：请填写整数公斤",
                "Grain capacity: whole kilograms",
            )
        })
    }

    fn registration(&self, lang: Lang) -> Result<ProjectRequest, String> {
        Ok(ProjectRequest {
            name: self.name.clone(),
            registration_no: self.registration_no.clone(),
            township: self.township.clone(),
            village: self.village.clone(),
            reclaimed_mu: parse(lang, "reclaimed_mu", &self.reclaimed)?,
            farmland_mu: parse(lang, "farmland_mu", &self.farmland)?,
            paddy_mu: parse(lang, "paddy_mu", &self.paddy)?,
            grain_capacity_kg: self.capacity(lang)?,
            local_use_mu: parse(lang, "local_use_mu", &self.local_use)?,
        })
    }

    fn acceptance(&self, lang: Lang) -> Result<AcceptanceRequest, String> {
        let accepted_on = time::Date::parse(
            self.accepted_on.trim(),
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|_| {
            words(
                lang,
                "验收日期：格式为 2026-12-05",
                "Acceptance date: e.g. 2026-12-05",
            )
        })?;
        Ok(AcceptanceRequest {
            accepted_on,
            acceptance_doc: self.acceptance_doc.clone(),
            reclaimed_mu: parse(lang, "reclaimed_mu", &self.reclaimed)?,
            farmland_mu: parse(lang, "farmland_mu", &self.farmland)?,
            paddy_mu: parse(lang, "paddy_mu", &self.paddy)?,
            grain_capacity_kg: self.capacity(lang)?,
            local_use_mu: parse(lang, "local_use_mu", &self.local_use)?,
        })
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The console's reload count: the list is read again when it changes (a listing drew
    /// on a project).
    pub reload: u32,
    /// A project was registered, edited or accepted: the console reads its stock again.
    pub on_changed: Callback<()>,
}

#[component]
pub fn Projects(props: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let list = use_state(|| None::<Result<Vec<Project>, ApiFailure>>);
    let fields = use_state(Fields::default);
    let accepting = use_state(|| None::<i64>);
    let editing = use_state(|| None::<i64>);
    let showing = use_state(|| None::<i64>);
    let acceptance = use_state(Fields::default);
    let problem = use_state(|| None::<String>);
    let busy = use_state(|| false);
    {
        let list = list.clone();
        use_effect_with(props.reload, move |_| {
            yew::platform::spawn_local(async move {
                list.set(Some(stock_api::projects().await.map(|r| r.projects)));
            });
        });
    }
    let edit = |state: &UseStateHandle<Fields>, set: fn(&mut Fields, String)| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*state).clone();
            set(&mut next, input_value(&e));
            state.set(next);
        })
    };
    let register = {
        let editing = editing.clone();
        let (fields, problem, changed, busy) = (
            fields.clone(),
            problem.clone(),
            props.on_changed.clone(),
            busy.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = match fields.registration(lang) {
                Ok(r) => r,
                Err(m) => return problem.set(Some(m)),
            };
            let (fields, problem, changed, busy) = (
                fields.clone(),
                problem.clone(),
                changed.clone(),
                busy.clone(),
            );
            busy.set(true);
            let editing = editing.clone();
            yew::platform::spawn_local(async move {
                let saved = match *editing {
                    Some(id) => stock_api::edit_project(id, &request).await,
                    None => stock_api::register_project(&request).await,
                };
                match saved {
                    Ok(_) => {
                        problem.set(None);
                        fields.set(Fields::default());
                        editing.set(None);
                        changed.emit(());
                    }
                    Err(e) => problem.set(Some(e.message(lang).to_string())),
                }
                busy.set(false);
            });
        })
    };
    let open_acceptance = |p: &Project| {
        let (accepting, acceptance, id, start) =
            (accepting.clone(), acceptance.clone(), p.id, Fields::of(p));
        Callback::from(move |_: MouseEvent| {
            acceptance.set(start.clone());
            accepting.set(Some(id));
        })
    };
    let open_edit = |p: &Project| {
        let (editing, fields, id, start) = (editing.clone(), fields.clone(), p.id, Fields::all(p));
        Callback::from(move |_: MouseEvent| {
            fields.set(start.clone());
            editing.set(Some(id));
        })
    };
    let show = |p: &Project| {
        let (showing, id) = (showing.clone(), p.id);
        Callback::from(move |_: MouseEvent| showing.set(Some(id)))
    };
    let accept = {
        let (acceptance, accepting, problem, changed) = (
            acceptance.clone(),
            accepting.clone(),
            problem.clone(),
            props.on_changed.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(id) = *accepting else { return };
            let request = match acceptance.acceptance(lang) {
                Ok(r) => r,
                Err(m) => return problem.set(Some(m)),
            };
            let (accepting, problem, changed) =
                (accepting.clone(), problem.clone(), changed.clone());
            yew::platform::spawn_local(async move {
                match stock_api::accept_project(id, &request).await {
                    Ok(_) => {
                        problem.set(None);
                        accepting.set(None);
                        changed.emit(());
                    }
                    Err(e) => problem.set(Some(e.message(lang).to_string())),
                }
            });
        })
    };
    let figures = |state: &UseStateHandle<Fields>| {
        html! { <>
            <label>{ words(lang, "复垦面积（亩）", "Reclaimed (mu)") }<input class="p-reclaimed" value={state.reclaimed.clone()} oninput={edit(state, |f, v| f.reclaimed = v)} /></label>
            <label>{ words(lang, "新增耕地（亩）", "New farmland (mu)") }<input class="p-farmland" value={state.farmland.clone()} oninput={edit(state, |f, v| f.farmland = v)} /></label>
            <label>{ words(lang, "其中水田（亩）", "Of it paddy (mu)") }<input class="p-paddy" value={state.paddy.clone()} oninput={edit(state, |f, v| f.paddy = v)} /></label>
            <label>{ words(lang, "新增粮食产能（公斤）", "Grain capacity (kg)") }<input class="p-capacity" inputmode="numeric" value={state.capacity.clone()} oninput={edit(state, |f, v| f.capacity = v)} /></label>
            <label>{ words(lang, "本地使用（建新、安置，亩）", "Used locally (mu)") }<input class="p-local" value={state.local_use.clone()} oninput={edit(state, |f, v| f.local_use = v)} /></label>
        </> }
    };
    let table = match &*list {
        None => html! { <p class="muted">{ words(lang, "加载中…", "Loading…") }</p> },
        Some(Err(e)) => failed(lang, e, None),
        Some(Ok(all)) if all.is_empty() => {
            html! { <p class="empty">{ words(lang, "本县尚未登记复垦项目", "No reclamation projects yet") }</p> }
        }
        Some(Ok(all)) => html! {
            <div class="table-wrap"><table class="data" id="projects">
                <thead><tr>
                    <th>{ words(lang, "项目名称／备案号", "Project / registration") }</th>
                    <th class="num">{ words(lang, "复垦（亩）", "Reclaimed") }</th>
                    <th class="num">{ words(lang, "耕地／水田（亩）", "Farmland / paddy") }</th>
                    <th class="num">{ words(lang, "本地使用（亩）", "Used locally") }</th>
                    <th class="num">{ words(lang, "节余指标（亩）", "Surplus (mu)") }</th>
                    <th class="num">{ words(lang, "已挂牌／可挂牌（亩）", "Listed / left (mu)") }</th>
                    <th class="num">{ words(lang, "地块（亩）", "Plots (mu)") }</th>
                    <th>{ words(lang, "状态", "Status") }</th>
                    <th></th>
                </tr></thead>
                <tbody>{ for all.iter().map(|p| html! {
                    <tr data-project={p.id.to_string()}>
                        <td>{ p.name.clone() }<br /><span class="muted"><span class="mono">{ p.registration_no.clone() }</span>{ format!(" · {}{}", p.township, p.village) }</span></td>
                        <td class="num">{ p.reclaimed_mu.grouped() }</td>
                        <td class="num">{ format!("{} / {}", p.farmland_mu.grouped(), p.paddy_mu.grouped()) }</td>
                        <td class="num">{ p.local_use_mu.grouped() }</td>
                        <td class="num"><strong>{ p.surplus_mu.grouped() }</strong></td>
                        <td class="num stock">{ format!("{} / {}", p.committed_mu.grouped(), p.available_mu.grouped()) }
                            { if p.shortfall_mu > quota_shared::Area::ZERO { html! {
                                <><br /><span class="badge danger shortfall" title={words(lang, "验收面积少于预支已挂牌、已售的面积：请撤回挂牌或与自治区核对", "Accepted below what was drawn in advance: withdraw listings or settle it with the region")}>
                                    { words(lang, format!("验收少于预支 {} 亩", p.shortfall_mu.grouped()), format!("{} mu short", p.shortfall_mu.grouped())) }
                                </span></>
                            } } else { html! {} } }</td>
                        <td class="num plots-mu">{ match p.plots_mu {
                            Some(a) => html! { <>{ a.grouped() }{ if p.plots_flagged { html! {
                                <><br /><span class="badge danger plots-flagged">{ words(lang, "与复垦面积不符", "off the area") }</span></>
                            } } else { html! {} } }</> },
                            None => html! { <span class="muted">{ words(lang, "未上传", "none") }</span> },
                        } }</td>
                        <td>{ match (lang, p.status) {
                            (Lang::Zh, s) => s.label_zh().to_string(),
                            (Lang::En, s) => s.wire().to_string(),
                        } }{ match (&p.accepted_on, &p.acceptance_doc) {
                            (Some(d), Some(doc)) => html! { <><br /><span class="muted nowrap">{ d.to_string() }</span><br /><span class="muted nowrap">{ doc.clone() }</span></> },
                            _ => html! {},
                        } }</td>
                        <td class="actions">
                            <button class="link show" onclick={show(p)}>{ words(lang, "地块与挂牌", "Plots, listings") }</button>
                            { if p.status == ProjectStatus::Registered {
                            html! { <>
                                <button class="link edit" onclick={open_edit(p)}>{ words(lang, "修改", "Edit") }</button>
                                <button class="link accept" onclick={open_acceptance(p)}>{ words(lang, "验收", "Accept") }</button>
                            </> }
                        } else { html! {} } }</td>
                    </tr>
                }) }</tbody>
            </table></div>
        },
    };
    html! {
        <section class="card">
            <h2>{ words(lang, "复垦项目（指标来源）", "Reclamation projects (where quota comes from)") }</h2>
            { if let Some(m) = &*problem { html! { <p class="notice error" role="alert" id="project-problem">{ m.clone() }</p> } } else { html! {} } }
            { table }
            { match *showing { Some(id) => {
                let close = { let showing = showing.clone(); Callback::from(move |_: MouseEvent| showing.set(None)) };
                let changed = props.on_changed.clone();
                html! { <super::bureau_project::ProjectDetail id={id} on_changed={changed} on_close={close} /> }
            }, None => html! {} } }
            { match *accepting { Some(id) => html! {
                <form class="form" id="acceptance-form" onsubmit={accept}>
                    <h3>{ words(lang, format!("验收复垦项目 #{id}（验收后锁定，不能再修改）"), format!("Accept project #{id} (locked afterwards)")) }</h3>
                    <label>{ words(lang, "验收日期", "Accepted on") }<input id="accepted-on" value={acceptance.accepted_on.clone()} oninput={edit(&acceptance, |f, v| f.accepted_on = v)} /></label>
                    <label>{ words(lang, "验收文号", "Acceptance document") }<input id="acceptance-doc" value={acceptance.acceptance_doc.clone()} oninput={edit(&acceptance, |f, v| f.acceptance_doc = v)} /></label>
                    { figures(&acceptance) }
                    <button type="submit" class="primary" id="acceptance-submit">{ words(lang, "确认验收", "Accept") }</button>
                </form>
            }, None => html! {} } }
            <super::bureau_import::ProjectImport on_imported={props.on_changed.clone()} />
            <form class="form" id="project-form" onsubmit={register}>
                <h3>{ match *editing {
                    Some(id) => words(lang, format!("修改复垦项目 #{id}（验收前可修改）"), format!("Edit project #{id} (until accepted)")),
                    None => words(lang, "登记复垦项目（备案）", "Register a project"),
                } }</h3>
                <label>{ words(lang, "项目名称", "Name") }<input id="project-name" value={fields.name.clone()} oninput={edit(&fields, |f, v| f.name = v)} /></label>
                <label>{ words(lang, "备案号", "Registration number") }<input id="project-registration" value={fields.registration_no.clone()} oninput={edit(&fields, |f, v| f.registration_no = v)} /></label>
                <label>{ words(lang, "乡镇", "Township") }<input id="project-township" value={fields.township.clone()} oninput={edit(&fields, |f, v| f.township = v)} /></label>
                <label>{ words(lang, "村", "Village") }<input id="project-village" value={fields.village.clone()} oninput={edit(&fields, |f, v| f.village = v)} /></label>
                { figures(&fields) }
                <button type="submit" class="primary" id="project-submit" disabled={*busy}>{ if editing.is_some() { words(lang, "保存修改", "Save") } else { words(lang, "登记", "Register") } }</button>
            </form>
        </section>
    }
}

//! The approved organisations in the administrator's console (#16): each with its people, its
//! documents and its regional-bidder authorisation (R11); the administrator adds a person to
//! one, or corrects its fields — an organisation moved from an earlier account gets its
//! 统一社会信用代码 here.

use quota_shared::api::{Lang, Organisation};
use yew::prelude::*;

use super::organisation_form::{Fields, OrganisationForm, Submission};
use crate::api::{self, ApiFailure};
use crate::components::form::input_value;
use crate::components::party::{bidding, documents_list};
use crate::components::status::failed;
use crate::i18n::words;
use crate::party_api;

/// What the administrator is doing to one organisation.
#[derive(Clone, PartialEq)]
enum Open {
    Member(i64),
    Edit(i64),
}

/// A reload counter.
#[derive(Default, PartialEq)]
struct Tick(u32);

impl Reducible for Tick {
    type Action = ();

    fn reduce(self: std::rc::Rc<Self>, _: ()) -> std::rc::Rc<Self> {
        std::rc::Rc::new(Tick(self.0.wrapping_add(1)))
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Changes when a registration above is reviewed: the list is read again.
    pub refresh: u32,
}

#[component]
pub fn ApprovedOrganisations(props: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let list = use_state(|| None::<Result<Vec<Organisation>, ApiFailure>>);
    // Counted by a reducer: a reload asked for while another is under way still counts.
    let reload = use_reducer(Tick::default);
    let open = use_state(|| None::<Open>);
    let username = use_state(String::new);
    let password = use_state(String::new);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<ApiFailure>);
    let said = use_state(|| None::<String>);
    {
        let list = list.clone();
        use_effect_with((reload.0, props.refresh), move |_| {
            yew::platform::spawn_local(async move {
                list.set(Some(
                    api::organisations("approved")
                        .await
                        .map(|r| r.organisations),
                ));
            });
        });
    }
    let toggle = |what: Open| {
        let (open, problem) = (open.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| {
            problem.set(None);
            open.set((open.as_ref() != Some(&what)).then(|| what.clone()));
        })
    };
    let done = {
        let (open, problem, said, busy, reload) = (
            open.clone(),
            problem.clone(),
            said.clone(),
            busy.clone(),
            reload.clone(),
        );
        let (username, password) = (username.clone(), password.clone());
        move |outcome: Result<String, ApiFailure>| {
            match outcome {
                Ok(text) => {
                    username.set(String::new());
                    password.set(String::new());
                    problem.set(None);
                    said.set(Some(text));
                    open.set(None);
                    reload.dispatch(());
                }
                Err(e) => problem.set(Some(e)),
            }
            busy.set(false);
        }
    };
    let add_member = |id: i64| {
        let (username, password, busy, done) = (
            username.clone(),
            password.clone(),
            busy.clone(),
            done.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (u, p, done) = ((*username).clone(), (*password).clone(), done.clone());
            busy.set(true);
            yew::platform::spawn_local(async move {
                let outcome = party_api::add_member(id, &u, &p).await.map(|r| {
                    words(
                        lang,
                        format!("已为{}新增人员 {u}", r.organisation.name),
                        format!("{u} added to {}", r.organisation.name),
                    )
                });
                done(outcome);
            });
        })
    };
    let edit = |id: i64| {
        let (busy, done) = (busy.clone(), done.clone());
        Callback::from(move |s: Submission| {
            let done = done.clone();
            busy.set(true);
            yew::platform::spawn_local(async move {
                let outcome = party_api::edit_organisation(id, &s.fields.organisation())
                    .await
                    .map(|r| {
                        words(
                            lang,
                            format!("已修改{}", r.organisation.name),
                            format!("{} changed", r.organisation.name),
                        )
                    });
                done(outcome);
            });
        })
    };
    let rows = match &*list {
        None => html! { <p class="muted">{ words(lang, "加载中…", "Loading…") }</p> },
        Some(Err(e)) => failed(lang, e, None),
        Some(Ok(all)) if all.is_empty() => {
            html! { <p class="empty">{ words(lang, "还没有已通过的单位", "No approved organisations yet") }</p> }
        }
        Some(Ok(all)) => html! {
            <div class="table-wrap"><table class="data" id="approved-organisations">
                <thead><tr>
                    <th>{ words(lang, "单位／统一社会信用代码", "Organisation / code") }</th>
                    <th>{ words(lang, "人员", "People") }</th>
                    <th>{ words(lang, "材料／竞买资格", "Documents / regional bidding") }</th>
                    <th></th>
                </tr></thead>
                <tbody>{ for all.iter().map(|o| html! { <>
                    <tr data-organisation={o.id.to_string()}>
                        <td>{ o.name.clone() }<br />{ match &o.uscc {
                            Some(c) => html! { <span class="mono muted">{ c.to_string() }</span> },
                            None => html! { <span class="badge warn">{ words(lang, "代码待补充", "code to complete") }</span> },
                        } }</td>
                        <td class="members">{ o.members.join("、") }</td>
                        <td>{ documents_list(lang, o, None) }{ bidding(lang, o) }</td>
                        <td class="nowrap">
                            <button class="add-member" onclick={toggle(Open::Member(o.id))}>{ words(lang, "新增人员", "Add a person") }</button>
                            <button class="edit-organisation" onclick={toggle(Open::Edit(o.id))}>{ words(lang, "修改信息", "Edit") }</button>
                        </td>
                    </tr>
                    { match &*open {
                        Some(Open::Member(id)) if *id == o.id => html! { <tr><td colspan="4">
                            <form class="form inline" id="member-form" onsubmit={add_member(o.id)}>
                                <label>{ words(lang, "登录用户名", "Username") }
                                    <input id="member-username" maxlength="32" value={(*username).clone()} oninput={{ let u = username.clone(); Callback::from(move |e: InputEvent| u.set(input_value(&e))) }} /></label>
                                <label>{ words(lang, "初始密码（至少 8 位）", "First password (8+ characters)") }
                                    <input id="member-password" type="password" autocomplete="new-password" value={(*password).clone()} oninput={{ let p = password.clone(); Callback::from(move |e: InputEvent| p.set(input_value(&e))) }} /></label>
                                <button type="submit" class="primary" disabled={*busy}>{ words(lang, "新增", "Add") }</button>
                            </form>
                        </td></tr> },
                        Some(Open::Edit(id)) if *id == o.id => html! { <tr><td colspan="4">
                            <OrganisationForm initial={Fields::of(o)} new=false busy={*busy} problem={(*problem).clone()}
                                submit_zh="保存修改" submit_en="Save" on_submit={edit(o.id)} admin=true />
                        </td></tr> },
                        _ => html! {},
                    } }
                </> }) }</tbody>
            </table></div>
        },
    };
    html! {
        <details class="approved" id="approved-card" ontoggle={{
            // Read afresh each time it is opened: an approval a moment ago is listed.
            let reload = reload.clone();
            Callback::from(move |e: Event| {
                let opened = e
                    .target_dyn_into::<web_sys::HtmlDetailsElement>()
                    .is_some_and(|d| d.open());
                if opened {
                    reload.dispatch(());
                }
            })
        }}>
            <summary>{ words(lang, "已通过的单位（人员、材料与信息）", "Approved organisations (people, documents, fields)") }</summary>
            { match &*said { Some(s) => html! { <p class="notice ok" id="approved-said">{ s.clone() }</p> }, None => html! {} } }
            { match (&*problem, &*open) { (Some(e), Some(Open::Member(_)) | None) => html! { <div id="approved-problem">{ failed(lang, e, None) }</div> }, _ => html! {} } }
            { rows }
        </details>
    }
}

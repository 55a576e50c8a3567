//! 异议处理 (R16), in the bureau console: objections to the county's trades in their publicity,
//! newest first, each with the objector's contact (staff only) and, while open, the decision —
//! 异议成立 (the trade is annulled and its area returns) or 异议不成立 (it goes on to its number).

use std::collections::HashMap;

use quota_shared::api::{
    Lang, Objection, ObjectionDecision, ObjectionStatus, ResolveObjectionRequest,
};
use quota_shared::calendar::format_local;
use yew::prelude::*;

use crate::api::{self, ApiFailure};
use crate::components::form::input_value;
use crate::components::status::failed;
use crate::i18n::words;

#[derive(Properties, PartialEq)]
pub struct ObjectionsProps {
    /// Called after a decision: an upheld objection returns area, a dismissal may number a trade.
    pub on_resolved: Callback<()>,
}

#[component]
pub fn Objections(props: &ObjectionsProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let list = use_state(|| None::<Result<Vec<Objection>, ApiFailure>>);
    let reload = use_state(|| 0u32);
    let texts = use_state(HashMap::<i64, String>::new);
    let problem = use_state(|| None::<ApiFailure>);
    {
        let list = list.clone();
        use_effect_with(*reload, move |_| {
            yew::platform::spawn_local(async move {
                list.set(Some(api::objections().await.map(|r| r.objections)));
            });
        });
    }
    let resolve = |id: i64, decision: ObjectionDecision| {
        let (texts, problem, reload, done) = (
            texts.clone(),
            problem.clone(),
            reload.clone(),
            props.on_resolved.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let request = ResolveObjectionRequest {
                decision,
                resolution: texts.get(&id).cloned().unwrap_or_default(),
            };
            let (problem, reload, done) = (problem.clone(), reload.clone(), done.clone());
            yew::platform::spawn_local(async move {
                match api::resolve_objection(id, &request).await {
                    Ok(_) => {
                        problem.set(None);
                        done.emit(());
                    }
                    Err(e) => problem.set(Some(e)),
                }
                reload.set(*reload + 1);
            });
        })
    };
    let edit = |id: i64| {
        let texts = texts.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*texts).clone();
            next.insert(id, input_value(&e));
            texts.set(next);
        })
    };
    let body = match &*list {
        None => html! { <p class="muted">{ words(lang, "加载中…", "Loading…") }</p> },
        Some(Err(e)) => failed(lang, e, None),
        Some(Ok(all)) if all.is_empty() => {
            html! { <p class="empty">{ words(lang, "暂无异议", "No objections") }</p> }
        }
        Some(Ok(all)) => html! {
            <div class="table-wrap"><table class="data" id="objections">
                <thead><tr>
                    <th>{ "#" }</th>
                    <th>{ words(lang, "交易", "Trade") }</th>
                    <th>{ words(lang, "异议人 / 联系方式", "Objector / contact") }</th>
                    <th>{ words(lang, "理由", "Reason") }</th>
                    <th>{ words(lang, "状态", "Status") }</th>
                    <th>{ words(lang, "处理意见", "Resolution") }</th>
                </tr></thead>
                <tbody>{ for all.iter().map(|o| html! {
                    <tr data-objection={o.id.to_string()}>
                        <td class="mono">{ o.id }</td>
                        <td class="mono">{ format!("#{}", o.purchase_id) }</td>
                        <td>{ o.name.clone() }<br /><span class="muted">{ o.contact.clone() }</span></td>
                        <td class="prewrap">{ o.reason.clone() }<br /><span class="muted">{ format_local(o.lodged_at) }</span></td>
                        <td class="nowrap">{ match lang { Lang::Zh => o.status.label_zh().to_string(), Lang::En => o.status.wire().replace('_', " ") } }</td>
                        <td>{ if o.status == ObjectionStatus::Open { html! {
                            <div class="resolve">
                                <textarea class="resolution" rows="2" maxlength="2000"
                                    placeholder={words(lang, "核实情况与处理意见（必填）", "What was checked and decided (required)")}
                                    oninput={edit(o.id)} />
                                <button class="danger uphold" onclick={resolve(o.id, ObjectionDecision::Upheld)}>{ words(lang, "异议成立（撤销交易）", "Uphold (annul the trade)") }</button>
                                <button class="dismiss" onclick={resolve(o.id, ObjectionDecision::Dismissed)}>{ words(lang, "异议不成立", "Dismiss") }</button>
                            </div>
                        } } else { html! {
                            <span>{ o.resolution.clone().unwrap_or_default() }<br /><span class="muted">{ o.resolved_by.clone().unwrap_or_default() }{ " " }{ o.resolved_at.map(format_local).unwrap_or_default() }</span></span>
                        } } }</td>
                    </tr>
                }) }</tbody>
            </table></div>
        },
    };
    html! {
        <section class="card">
            <h2>{ words(lang, "异议处理（成交公示期内）", "Objections (during publicity)") }</h2>
            { if let Some(e) = &*problem { html! { <p class="notice error" role="alert" id="objection-problem">{ e.message(lang).to_string() }</p> } } else { html! {} } }
            { body }
        </section>
    }
}

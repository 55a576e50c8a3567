//! 提出异议 (R16): anyone — no login — objects to a trade in its publicity (成交公示): name,
//! contact (never published) and reason; the server checks and answers. Reached from the
//! results on the home page; it lives in the second bundle with the staff consoles, so the
//! many visitors who never object do not download it (`boot.js` loads that bundle here).

use quota_shared::api::{Lang, ObjectionRequest};
use quota_shared::calendar::format_local;
use yew::prelude::*;

use crate::api;
use crate::i18n::words;

#[derive(Properties, PartialEq)]
pub struct ObjectionFormProps {
    pub purchase_id: i64,
}

/// 异议: name, contact (never published) and reason; the server checks and answers.
#[component]
pub fn ObjectionForm(props: &ObjectionFormProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let fields = use_state(|| ObjectionRequest {
        name: String::new(),
        contact: String::new(),
        reason: String::new(),
    });
    let outcome = use_state(|| None::<Result<String, String>>);
    let busy = use_state(|| false);
    let edit = |set: fn(&mut ObjectionRequest, String)| {
        let fields = fields.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*fields).clone();
            set(&mut next, crate::components::form::input_value(&e));
            fields.set(next);
        })
    };
    let submit = {
        let (fields, outcome, busy, id) = (
            fields.clone(),
            outcome.clone(),
            busy.clone(),
            props.purchase_id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (request, outcome, busy) = ((*fields).clone(), outcome.clone(), busy.clone());
            busy.set(true);
            yew::platform::spawn_local(async move {
                outcome.set(Some(match api::object(id, &request).await {
                    Ok(r) => Ok(words(lang, format!("异议已受理（第 {} 号）。公示期至 {}，自然资源局处理前该交易不予最终确认。", r.objection.id, format_local(r.objection.publicity_ends_at)), format!("Objection no. {} lodged. The publicity runs to {}; the trade is not final until the bureau resolves it.", r.objection.id, format_local(r.objection.publicity_ends_at)),
                    )),
                    Err(e) => Err(e.message(lang).to_string()),
                }));
                busy.set(false);
            });
        })
    };
    if let Some(Ok(done)) = &*outcome {
        return html! { <p class="notice ok" id="objection-done">{ done.clone() }</p> };
    }
    html! {
        <form class="objection" id="objection-form" onsubmit={submit}>
            <label>{ words(lang, "异议人（姓名或单位）", "Your name or organisation") }
                <input id="objection-name" maxlength="50" value={fields.name.clone()} oninput={edit(|f, v| f.name = v)} /></label>
            <label>{ words(lang, "联系方式（不公开）", "Contact (never published)") }
                <input id="objection-contact" maxlength="100" value={fields.contact.clone()} oninput={edit(|f, v| f.contact = v)} /></label>
            <label>{ words(lang, "异议理由", "Reason") }
                <textarea id="objection-reason" maxlength="2000" value={fields.reason.clone()} oninput={edit(|f, v| f.reason = v)} /></label>
            { if let Some(Err(e)) = &*outcome { html! { <p class="notice error" role="alert">{ e.clone() }</p> } } else { html! {} } }
            <button class="primary" id="objection-submit" disabled={*busy}>{ words(lang, if *busy { "提交中…" } else { "提交异议" }, if *busy { "Sending…" } else { "Lodge objection" }) }</button>
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct ObjectionPageProps {
    pub id: i64,
}

#[component]
pub fn ObjectionPage(props: &ObjectionPageProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    html! {
        <section class="card">
            <h2>{ words(lang, format!("对成交公示的交易 #{} 提出异议", props.id), format!("Object to published trade #{}", props.id)) }</h2>
            <p class="muted">{ words(lang,
                "公示期内任何单位或个人均可提出异议；自然资源局处理前，该交易不发成交确认书编号、不得落地。联系方式仅供自然资源局核实，不予公开。",
                "Anyone may object while the trade is published; until the bureau resolves the objection the trade gets no confirmation number and cannot be used. The contact is for the bureau only and never published.") }</p>
            <ObjectionForm purchase_id={props.id} />
        </section>
    }
}

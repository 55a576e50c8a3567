//! 单位注册审核 in the administrator's console (#16): the registrations waiting for review, each
//! with its 统一社会信用代码 and contact data, approved or rejected with a reason the applicant
//! reads; rejected ones stay listed so that a mended one can be checked again.

use quota_shared::api::{Lang, Organisation, OrganisationStatus};
use yew::prelude::*;

use crate::api::{self, ApiFailure};
use crate::components::form::input_value;
use crate::components::party::{bidding, documents_list};
use crate::components::status::failed;
use crate::i18n::words;

#[component]
pub fn Registrations() -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let list = use_state(|| None::<Result<Vec<Organisation>, ApiFailure>>);
    let reload = use_state(|| 0u32);
    let notes = use_state(std::collections::HashMap::<i64, String>::new);
    let problem = use_state(|| None::<ApiFailure>);
    {
        let list = list.clone();
        use_effect_with(*reload, move |_| {
            yew::platform::spawn_local(async move {
                let pending = api::organisations("pending").await;
                let rejected = api::organisations("rejected").await;
                list.set(Some(pending.and_then(|p| {
                    rejected.map(|r| p.organisations.into_iter().chain(r.organisations).collect())
                })));
            });
        });
    }
    let review = |id: i64, verdict: &'static str| {
        let (notes, problem, reload) = (notes.clone(), problem.clone(), reload.clone());
        Callback::from(move |_: MouseEvent| {
            let note = notes.get(&id).cloned().unwrap_or_default();
            let (problem, reload) = (problem.clone(), reload.clone());
            yew::platform::spawn_local(async move {
                match api::review_organisation(id, verdict, &note).await {
                    Ok(_) => {
                        problem.set(None);
                        reload.set(*reload + 1);
                    }
                    Err(e) => problem.set(Some(e)),
                }
            });
        })
    };
    let note_of = |id: i64| {
        let notes = notes.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*notes).clone();
            next.insert(id, input_value(&e));
            notes.set(next);
        })
    };
    let body = match &*list {
        None => html! { <p class="muted">{ words(lang, "加载中…", "Loading…") }</p> },
        Some(Err(e)) => failed(lang, e, None),
        Some(Ok(all)) if all.is_empty() => {
            html! { <p class="empty">{ words(lang, "没有待审核的单位注册", "No registrations waiting") }</p> }
        }
        Some(Ok(all)) => html! {
            <div class="table-wrap"><table class="data" id="registrations">
                <thead><tr>
                    <th>{ words(lang, "单位／统一社会信用代码", "Organisation / code") }</th>
                    <th>{ words(lang, "类别", "Kind") }</th>
                    <th>{ words(lang, "法定代表人／联系人", "Representative / contact") }</th>
                    <th>{ words(lang, "材料／竞买资格", "Documents / regional bidding") }</th>
                    <th>{ words(lang, "状态", "Status") }</th>
                    <th>{ words(lang, "审核意见", "Review") }</th>
                </tr></thead>
                <tbody>{ for all.iter().map(|o| html! {
                    <tr data-organisation={o.id.to_string()}>
                        <td>{ o.name.clone() }<br /><span class="mono muted">{ o.uscc.as_ref().map(ToString::to_string).unwrap_or_else(|| words(lang, "（待补充）", "(to complete)")) }</span></td>
                        <td>{ match lang { Lang::Zh => o.kind.label_zh(), Lang::En => o.kind.wire() } }</td>
                        <td>{ format!("{} / {}", o.legal_representative, o.contact_name) }<br />
                            <span class="muted">{ format!("{} · {}", o.contact_phone, o.address) }</span></td>
                        <td>{ documents_list(lang, o, None) }{ bidding(lang, o) }</td>
                        <td class="nowrap">{ match o.status {
                            OrganisationStatus::Rejected => html! { <><span class="badge danger">{ words(lang, "未通过", "rejected") }</span><br /><span class="muted">{ o.review_note.clone().unwrap_or_default() }</span></> },
                            s => html! { <span class="badge warn">{ match lang { Lang::Zh => s.label_zh(), Lang::En => s.wire() } }</span> },
                        } }</td>
                        <td class="resolve">
                            <textarea class="review-note" maxlength="500" placeholder={words(lang, "不通过须写明原因（申请人可见）", "A rejection states its reason (the applicant sees it)")}
                                value={notes.get(&o.id).cloned().unwrap_or_default()} oninput={note_of(o.id)} />
                            <button class="primary approve" onclick={review(o.id, "approve")}>{ words(lang, "审核通过", "Approve") }</button>
                            <button class="reject" onclick={review(o.id, "reject")}>{ words(lang, "不通过", "Reject") }</button>
                        </td>
                    </tr>
                }) }</tbody>
            </table></div>
        },
    };
    html! {
        <section class="card" id="registrations-card">
            <h2>{ words(lang, "单位注册审核", "Registrations to review") }</h2>
            <p class="hint">{ words(lang,
                "核对营业执照上的单位全称、统一社会信用代码和法定代表人后审核；审核通过前，该单位不能购买或竞价。",
                "Check the licence's name, code and legal representative; until approved, the organisation neither buys nor bids.") }</p>
            { match &*problem { Some(e) => html! { <div id="registrations-problem">{ failed(lang, e, None) }</div> }, None => html! {} } }
            { body }
            <super::admin_parties::ApprovedOrganisations refresh={*reload} />
        </section>
    }
}

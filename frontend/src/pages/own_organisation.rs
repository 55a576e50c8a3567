//! The member's own organisation (#16), on the 单位注册 page once logged in: its code, review
//! status and the reviewer's reason; its documents, each viewable and — until approved —
//! uploaded again; and, until approved, its fields mended and sent back to review.

use quota_shared::api::{DocumentKind, Lang, OrganisationResponse, OrganisationStatus};
use yew::prelude::*;

use super::organisation_form::{Fields, OrganisationForm, Submission};
use crate::api::{self, ApiFailure};
use crate::components::party::documents_list;
use crate::components::status::failed;
use crate::i18n::words;
use crate::party_api;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: i64,
}

#[component]
pub fn OwnOrganisation(props: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let own = use_state(|| None::<Result<OrganisationResponse, ApiFailure>>);
    let mending = use_state(|| false);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<ApiFailure>);
    let said = use_state(|| None::<String>);
    {
        let own = own.clone();
        use_effect_with(props.id, move |id| {
            let id = *id;
            yew::platform::spawn_local(async move {
                own.set(Some(api::organisation(id).await));
            });
        });
    }
    let o = match &*own {
        None => return html! { <p class="muted">{ words(lang, "加载中…", "Loading…") }</p> },
        Some(Err(e)) => return failed(lang, e, None),
        Some(Ok(r)) => r.organisation.clone(),
    };
    let open = o.status != OrganisationStatus::Approved;
    let id = o.id;
    let upload_of = |kind: DocumentKind| {
        let (own, problem, said, busy) = (own.clone(), problem.clone(), said.clone(), busy.clone());
        Callback::from(move |e: Event| {
            let input = e.target_dyn_into::<web_sys::HtmlInputElement>();
            let Some(file) = input
                .as_ref()
                .and_then(|i| i.files())
                .and_then(|f| f.get(0))
            else {
                return;
            };
            if let Some(i) = input {
                i.set_value("");
            }
            let (own, problem, said, busy) =
                (own.clone(), problem.clone(), said.clone(), busy.clone());
            busy.set(true);
            yew::platform::spawn_local(async move {
                match party_api::upload_document(id, kind, &file).await {
                    Ok(r) => {
                        problem.set(None);
                        said.set(Some(words(
                            lang,
                            format!("已上传{}", kind.label_zh()),
                            format!("{} uploaded", kind.wire()),
                        )));
                        own.set(Some(Ok(r)));
                    }
                    Err(e) => {
                        said.set(None);
                        problem.set(Some(e));
                    }
                }
                busy.set(false);
            });
        })
    };
    let upload = |kind: DocumentKind| -> Html {
        if !open {
            return html! {};
        }
        html! {
            <label class="file inline">{ words(lang, "上传／更换：", "Upload / replace: ") }
                <input type="file" id={format!("own-upload-{}", kind.wire())} accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
                    onchange={upload_of(kind)} disabled={*busy} /></label>
        }
    };
    let mend = {
        let (own, problem, said, busy, mending) = (
            own.clone(),
            problem.clone(),
            said.clone(),
            busy.clone(),
            mending.clone(),
        );
        Callback::from(move |s: Submission| {
            let (own, problem, said, busy, mending) = (
                own.clone(),
                problem.clone(),
                said.clone(),
                busy.clone(),
                mending.clone(),
            );
            busy.set(true);
            yew::platform::spawn_local(async move {
                match party_api::edit_organisation(id, &s.fields.organisation()).await {
                    Ok(r) => {
                        problem.set(None);
                        mending.set(false);
                        said.set(Some(words(
                            lang,
                            "已修改并重新提交审核",
                            "Mended and sent back to review",
                        )));
                        own.set(Some(Ok(r)));
                    }
                    Err(e) => problem.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let status = match lang {
        Lang::Zh => o.status.label_zh(),
        Lang::En => o.status.wire(),
    };
    html! {
        <section class="card" id="own-organisation">
            <h2>{ o.name.clone() }</h2>
            <p>{ words(lang, "统一社会信用代码：", "Code: ") }<span class="mono">{ o.uscc.as_ref().map(ToString::to_string).unwrap_or_else(|| words(lang, "（待补充）", "(to complete)")) }</span></p>
            <p id="own-status">{ words(lang, format!("审核状态：{status}"), format!("Review: {status}")) }</p>
            { match (&o.review_note, o.status) {
                (Some(note), OrganisationStatus::Rejected) => html! {
                    <p class="notice error" id="own-note">{ words(lang, format!("未通过原因：{}。请按意见修改信息或重新上传材料，提交后重新审核。", note.trim_end_matches(['。', '.', '；', ';'])), format!("Reason: {note}. Mend the fields or upload the documents again; it is then checked again.")) }</p>
                },
                (_, OrganisationStatus::Pending) => html! {
                    <p class="hint">{ words(lang, "审核通过前不能购买或竞价。", "Buying and bidding open once approved.") }</p>
                },
                _ => html! {},
            } }
            { match (&o.authorisation, o.regional_bidder) {
                (Some(a), true) => html! { <p id="own-authorisation">{ words(lang,
                    format!("自治区平台竞买人：授权文件 {}，有效期 {} 至 {}", a.number, a.valid_from, a.valid_until),
                    format!("Regional bidder: authorisation {}, valid {} to {}", a.number, a.valid_from, a.valid_until)) }</p> },
                (None, true) => html! { <p id="own-authorisation">{ words(lang, "自治区平台竞买人（人民政府）", "Regional bidder (a people's government)") }</p> },
                _ => html! {},
            } }
            <h3>{ words(lang, "材料", "Documents") }</h3>
            { documents_list(lang, &o, Some(&upload)) }
            { match &*said { Some(s) => html! { <p class="notice ok" id="own-said">{ s.clone() }</p> }, None => html! {} } }
            { match (&*problem, *mending) { (Some(e), false) => html! { <div id="own-problem">{ failed(lang, e, None) }</div> }, _ => html! {} } }
            { if open && !*mending {
                let mending = mending.clone();
                html! { <button id="own-mend" onclick={Callback::from(move |_| mending.set(true))}>{ words(lang, "修改注册信息", "Mend the registration") }</button> }
            } else { html! {} } }
            { if *mending {
                let (mending, problem) = (mending.clone(), problem.clone());
                html! { <>
                    <OrganisationForm initial={Fields::of(&o)} new=false busy={*busy} problem={(*problem).clone()}
                        submit_zh="修改并重新提交审核" submit_en="Mend and send to review" on_submit={mend} />
                    <button id="own-mend-cancel" onclick={Callback::from(move |_| { problem.set(None); mending.set(false); })}>{ words(lang, "取消修改", "Cancel") }</button>
                </> }
            } else { html! {} } }
        </section>
    }
}

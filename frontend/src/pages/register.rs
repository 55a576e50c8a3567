//! 单位注册 (#16, no login): a company — or a land-reserve centre or a government body — registers
//! itself and its first user, with its business licence and, to bid on the regional platform,
//! the government's authorisation (R11). The form checks what it can as it is typed; the server
//! checks everything again. On success the new user is logged in and the documents uploaded;
//! the page then shows the organisation's review ([`OwnOrganisation`]), where a document that
//! failed can be sent again and a rejected registration mended. In the second bundle, like the
//! other rarely used forms.

use quota_shared::api::{DocumentKind, Lang};
use yew::prelude::*;

use super::organisation_form::{Fields, OrganisationForm, Submission};
use super::own_organisation::OwnOrganisation;
use crate::api::{self, ApiFailure};
use crate::i18n::words;
use crate::party_api;

#[component]
pub fn Register() -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let session = use_context::<crate::session::Session>();
    let busy = use_state(|| false);
    let problem = use_state(|| None::<ApiFailure>);
    // What became of the documents sent with the registration, shown above the review.
    let notice = use_state(|| None::<Result<String, String>>);
    // Registered, but the automatic login failed: what to do next, instead of the form.
    let stranded = use_state(|| None::<String>);
    let member_of = session
        .as_ref()
        .and_then(|s| s.user.as_ref())
        .and_then(|u| u.organisation_id);
    if let Some(id) = member_of {
        return html! {
            <>
                { match &*notice {
                    Some(Ok(text)) => html! { <p class="notice ok" id="registered">{ text.clone() }</p> },
                    Some(Err(text)) => html! { <p class="notice error" id="registered">{ text.clone() }</p> },
                    None => html! {},
                } }
                <OwnOrganisation {id} />
            </>
        };
    }
    let submit = {
        let (busy, problem, notice, session, stranded) = (
            busy.clone(),
            problem.clone(),
            notice.clone(),
            session.clone(),
            stranded.clone(),
        );
        Callback::from(move |s: Submission| {
            let (busy, problem, notice, session, stranded) = (
                busy.clone(),
                problem.clone(),
                notice.clone(),
                session.clone(),
                stranded.clone(),
            );
            problem.set(None);
            let request = serde_json::json!({
                "organisation": s.fields.organisation(),
                "username": s.fields.username, "password": s.fields.password,
            });
            busy.set(true);
            yew::platform::spawn_local(async move {
                let registered = match api::register(&request).await {
                    Ok(r) => r.organisation,
                    Err(e) => {
                        problem.set(Some(e));
                        busy.set(false);
                        return;
                    }
                };
                let user = match api::login(s.fields.username.clone(), s.fields.password.clone())
                    .await
                {
                    Ok(r) => r.user,
                    Err(e) => {
                        let code = registered
                            .uscc
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_default();
                        stranded.set(Some(words(
                            lang,
                            format!("{}（{code}）已注册，待审核；但自动登录未成功（{}）。请登录后回到本页上传营业执照等材料，否则无法审核通过。", registered.name, e.message(lang)),
                            format!("{} ({code}) is registered and awaits review, but logging in failed ({}). Log in and come back to this page to upload the documents: the review needs them.", registered.name, e.message(lang)),
                        )));
                        busy.set(false);
                        return;
                    }
                };
                let mut failures = Vec::new();
                for (kind, file) in [
                    (DocumentKind::Licence, s.licence),
                    (DocumentKind::Authorisation, s.authorisation),
                ] {
                    if let Some(file) = file
                        && let Err(e) = party_api::upload_document(registered.id, kind, &file).await
                    {
                        let what = match lang {
                            Lang::Zh => kind.label_zh(),
                            Lang::En => kind.wire(),
                        };
                        failures.push(format!("{what}：{}", e.message(lang)));
                    }
                }
                let code = registered
                    .uscc
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                notice.set(Some(if failures.is_empty() {
                    Ok(words(
                        lang,
                        format!("{}（{code}）已提交注册和材料，等待自治区管理员审核；审核通过前不能购买或竞价。", registered.name),
                        format!("{} ({code}) is registered with its documents and awaits the regional administrator's review; it buys and bids nothing until approved.", registered.name),
                    ))
                } else {
                    Err(words(
                        lang,
                        format!("注册已提交，但材料未能上传（{}）。请在下方重新上传，否则无法审核通过。", failures.join("；")),
                        format!("Registered, but documents failed to upload ({}). Upload them again below: the review needs them.", failures.join("; ")),
                    ))
                }));
                busy.set(false);
                if let Some(s) = session {
                    s.set.emit(Some(user));
                }
            });
        })
    };
    if let Some(text) = &*stranded {
        return html! {
            <section class="card narrow" id="registered-stranded">
                <h2>{ words(lang, "注册已提交", "Registered") }</h2>
                <p class="notice error">{ text.clone() }</p>
                <a href="/login?next=/register">{ words(lang, "去登录", "Log in") }</a>
            </section>
        };
    }
    html! {
        <section class="card">
            <h2>{ words(lang, "单位注册", "Register an organisation") }</h2>
            <p class="hint">{ words(lang,
                "企业、土地储备中心或政府机关在此注册单位和第一个账号，并上传营业执照；申请自治区平台竞买人资格的，另需人民政府的书面授权。审核通过后方可购买指标或参与竞价；联系方式和材料只供管理员审核使用，不会公开。",
                "Companies, land-reserve centres and government bodies register here with a first account and their business licence; to bid on the regional platform, also the government's written authorisation. Buying and bidding open once approved; contact data and documents are for the review only and never published.") }</p>
            <OrganisationForm initial={Fields::new()} new=true busy={*busy} problem={(*problem).clone()}
                submit_zh="提交注册" submit_en="Register" on_submit={submit} />
        </section>
    }
}

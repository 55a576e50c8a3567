//! 单位注册 (#16, no login): a company — or a land-reserve centre or a government body — registers
//! itself and its first user. The 统一社会信用代码 is checked here as it is typed (the same
//! GB 32100-2015 check the server makes); the server checks everything again. The registration
//! stays 待审核 until the regional administrator approves it; until then the organisation
//! neither buys nor bids. In the second bundle, like the other rarely used forms.

use quota_shared::api::{County, Lang, OrganisationKind, OrganisationResponse};
use quota_shared::uscc::Uscc;
use yew::prelude::*;
use yew_router::prelude::Link;

use crate::api::{self, ApiFailure};
use crate::components::form::input_value;
use crate::components::status::failed;
use crate::hooks::use_counties;
use crate::i18n::words;
use crate::route::Route;

#[derive(Clone, Default, PartialEq)]
struct Fields {
    name: String,
    uscc: String,
    kind: String,
    county: String,
    legal: String,
    contact: String,
    phone: String,
    address: String,
    username: String,
    password: String,
}

const KINDS: [OrganisationKind; 6] = [
    OrganisationKind::Enterprise,
    OrganisationKind::LandReserve,
    OrganisationKind::Government,
    OrganisationKind::NaturalResources,
    OrganisationKind::Finance,
    OrganisationKind::Other,
];

#[component]
pub fn Register() -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let fields = use_state(|| Fields {
        kind: OrganisationKind::Enterprise.wire().to_string(),
        ..Fields::default()
    });
    let outcome = use_state(|| None::<Result<OrganisationResponse, ApiFailure>>);
    let busy = use_state(|| false);
    let counties: Vec<County> = use_counties().ready().cloned().unwrap_or_default();
    // A member of a registered organisation sees its review here.
    let own = use_state(|| None::<Result<OrganisationResponse, ApiFailure>>);
    let member_of = use_context::<crate::session::Session>()
        .and_then(|s| s.user)
        .and_then(|u| u.organisation_id);
    {
        let own = own.clone();
        use_effect_with(member_of, move |id| {
            if let Some(id) = *id {
                yew::platform::spawn_local(async move {
                    own.set(Some(api::organisation(id).await));
                });
            }
        });
    }
    let edit = |set: fn(&mut Fields, String)| {
        let fields = fields.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*fields).clone();
            set(&mut next, input_value(&e));
            fields.set(next);
        })
    };
    let pick = |set: fn(&mut Fields, String)| {
        let fields = fields.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            let mut next = (*fields).clone();
            set(&mut next, select.value());
            fields.set(next);
        })
    };
    let kind = fields
        .kind
        .parse::<OrganisationKind>()
        .unwrap_or(OrganisationKind::Enterprise);
    let uscc_check = (!fields.uscc.trim().is_empty()).then(|| Uscc::parse(&fields.uscc));
    let submit = {
        let (fields, outcome, busy) = (fields.clone(), outcome.clone(), busy.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let f = (*fields).clone();
            let county = (kind.is_government_body() && !f.county.is_empty()).then_some(f.county);
            let request = serde_json::json!({
                "organisation": {
                    "name": f.name, "uscc": f.uscc.trim(), "kind": f.kind, "county_code": county,
                    "legal_representative": f.legal, "contact_name": f.contact,
                    "contact_phone": f.phone, "address": f.address,
                },
                "username": f.username, "password": f.password,
            });
            let (outcome, busy) = (outcome.clone(), busy.clone());
            busy.set(true);
            yew::platform::spawn_local(async move {
                outcome.set(Some(api::register(&request).await));
                busy.set(false);
            });
        })
    };
    if let Some(Ok(r)) = &*own {
        let o = &r.organisation;
        let status = match lang {
            Lang::Zh => o.status.label_zh(),
            Lang::En => o.status.wire(),
        };
        return html! {
            <section class="card narrow" id="own-organisation">
                <h2>{ o.name.clone() }</h2>
                <p>{ words(lang, "统一社会信用代码：", "Code: ") }<span class="mono">{ o.uscc.as_ref().map(ToString::to_string).unwrap_or_else(|| words(lang, "（待补充）", "(to complete)")) }</span></p>
                <p id="own-status">{ words(lang, format!("审核状态：{status}"), format!("Review: {status}")) }</p>
                { match (&o.review_note, o.status) {
                    (Some(note), quota_shared::api::OrganisationStatus::Rejected) => html! {
                        <p class="notice error" id="own-note">{ words(lang, format!("未通过原因：{note}。请联系自治区管理员补正后重新审核。"), format!("Reason: {note}. Contact the regional administrator to mend it and be checked again.")) }</p>
                    },
                    (_, quota_shared::api::OrganisationStatus::Pending) => html! {
                        <p class="hint">{ words(lang, "审核通过前不能购买或竞价。", "Buying and bidding open once approved.") }</p>
                    },
                    _ => html! {},
                } }
            </section>
        };
    }
    if let Some(Ok(r)) = &*outcome {
        let o = &r.organisation;
        return html! {
            <section class="card narrow" id="registered">
                <h2>{ words(lang, "注册已提交，等待审核", "Registered: awaiting review") }</h2>
                <p class="notice ok">{ words(lang,
                    format!("{}（{}）已提交注册，状态：待审核。自治区管理员核对统一社会信用代码和材料后审核；审核通过前不能购买或竞价。登录后在本页查看审核结果。", o.name, o.uscc.as_ref().map(ToString::to_string).unwrap_or_default()),
                    format!("{} ({}) is registered and awaits review. The regional administrator checks the code and documents; until approved it neither buys nor bids. Log in and open this page to see the outcome.", o.name, o.uscc.as_ref().map(ToString::to_string).unwrap_or_default())) }</p>
                <Link<Route> to={Route::Login}>{ words(lang, "去登录", "Log in") }</Link<Route>>
            </section>
        };
    }
    html! {
        <section class="card">
            <h2>{ words(lang, "单位注册", "Register an organisation") }</h2>
            <p class="hint">{ words(lang,
                "企业、土地储备中心或政府机关在此注册单位和第一个账号。审核通过后方可购买指标或参与竞价；联系方式只供管理员审核使用，不会公开。",
                "Companies, land-reserve centres and government bodies register here with a first account. Buying and bidding open once approved; contact data is for the review only and never published.") }</p>
            <form class="form" id="register-form" onsubmit={submit}>
                <label class="wide">{ words(lang, "单位全称（与营业执照一致）", "Full legal name (as on the licence)") }
                    <input id="reg-name" maxlength="100" value={fields.name.clone()} oninput={edit(|f, v| f.name = v)} /></label>
                <label>{ words(lang, "统一社会信用代码", "Unified social credit code") }
                    <input id="reg-uscc" class="mono" maxlength="20" placeholder="91450400MA5N0EXA30" value={fields.uscc.clone()} oninput={edit(|f, v| f.uscc = v)} /></label>
                <label>{ words(lang, "单位类别", "Kind") }
                    <select id="reg-kind" onchange={pick(|f, v| f.kind = v)}>
                        { for KINDS.iter().map(|k| html! {
                            <option value={k.wire()} selected={k.wire() == fields.kind}>{ match lang { Lang::Zh => k.label_zh(), Lang::En => k.wire() } }</option>
                        }) }
                    </select></label>
                { if kind.is_government_body() { html! {
                    <label>{ words(lang, "所属县（市、区）", "County / district") }
                        <select id="reg-county" onchange={pick(|f, v| f.county = v)}>
                            <option value="" selected={fields.county.is_empty()}>{ words(lang, "请选择", "Choose") }</option>
                            { for counties.iter().map(|c| html! {
                                <option value={c.code.to_string()} selected={c.code.as_str() == fields.county}>{ c.name.clone() }</option>
                            }) }
                        </select></label>
                } } else { html! {} } }
                <label>{ words(lang, "法定代表人", "Legal representative") }
                    <input id="reg-legal" maxlength="40" value={fields.legal.clone()} oninput={edit(|f, v| f.legal = v)} /></label>
                <label>{ words(lang, "联系人", "Contact person") }
                    <input id="reg-contact" maxlength="40" value={fields.contact.clone()} oninput={edit(|f, v| f.contact = v)} /></label>
                <label>{ words(lang, "联系电话", "Phone") }
                    <input id="reg-phone" inputmode="tel" maxlength="25" value={fields.phone.clone()} oninput={edit(|f, v| f.phone = v)} /></label>
                <label class="wide">{ words(lang, "地址", "Address") }
                    <input id="reg-address" maxlength="200" value={fields.address.clone()} oninput={edit(|f, v| f.address = v)} /></label>
                <label>{ words(lang, "登录用户名", "Username") }
                    <input id="reg-username" autocomplete="username" maxlength="32" value={fields.username.clone()} oninput={edit(|f, v| f.username = v)} /></label>
                <label>{ words(lang, "密码（至少 8 位）", "Password (8+ characters)") }
                    <input id="reg-password" type="password" autocomplete="new-password" value={fields.password.clone()} oninput={edit(|f, v| f.password = v)} /></label>
                { match &uscc_check {
                    Some(Err(e)) => html! { <p class="error" id="reg-uscc-check">{ match lang { Lang::Zh => e.message_zh(), Lang::En => e.message_en() } }</p> },
                    Some(Ok(_)) => html! { <p class="ok" id="reg-uscc-check">{ words(lang, "统一社会信用代码校验通过", "The code checks") }</p> },
                    None => html! {},
                } }
                { match &*outcome { Some(Err(e)) => html! { <div id="reg-problem">{ failed(lang, e, None) }</div> }, _ => html! {} } }
                <button type="submit" class="primary" id="reg-submit" disabled={*busy || matches!(uscc_check, Some(Err(_)))}>
                    { words(lang, if *busy { "提交中…" } else { "提交注册" }, if *busy { "Sending…" } else { "Register" }) }</button>
            </form>
        </section>
    }
}

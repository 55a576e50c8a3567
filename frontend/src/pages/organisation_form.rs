//! The organisation's form (#16), shared by 单位注册 and by the mending of a registration: the
//! organisation's fields with its 统一社会信用代码 checked as it is typed (the same GB 32100-2015
//! check the server makes), the regional-bidder request with its authorisation (R11), the
//! documents to upload and, for a new registration, the first user's login.

use quota_shared::api::{County, Lang, Organisation, OrganisationKind};
use quota_shared::uscc::Uscc;
use yew::prelude::*;

use crate::api::ApiFailure;
use crate::components::form::input_value;
use crate::components::status::failed;
use crate::hooks::use_counties;
use crate::i18n::words;

/// What the form holds, as typed.
#[derive(Clone, Default, PartialEq)]
pub struct Fields {
    pub name: String,
    pub uscc: String,
    pub kind: String,
    pub county: String,
    pub legal: String,
    pub contact: String,
    pub phone: String,
    pub address: String,
    pub regional: bool,
    pub auth_number: String,
    pub auth_from: String,
    pub auth_until: String,
    pub username: String,
    pub password: String,
}

impl Fields {
    pub fn new() -> Self {
        Self {
            kind: OrganisationKind::Enterprise.wire().to_string(),
            ..Self::default()
        }
    }

    /// The form filled with an organisation as stored (to mend it).
    pub fn of(o: &Organisation) -> Self {
        let auth = o.authorisation.as_ref();
        Self {
            name: o.name.clone(),
            uscc: o.uscc.as_ref().map(ToString::to_string).unwrap_or_default(),
            kind: o.kind.wire().to_string(),
            county: o
                .county_code
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            legal: o.legal_representative.clone(),
            contact: o.contact_name.clone(),
            phone: o.contact_phone.clone(),
            address: o.address.clone(),
            regional: o.regional_bidder,
            auth_number: auth.map(|a| a.number.clone()).unwrap_or_default(),
            auth_from: auth.map(|a| a.valid_from.to_string()).unwrap_or_default(),
            auth_until: auth.map(|a| a.valid_until.to_string()).unwrap_or_default(),
            ..Self::default()
        }
    }

    fn kind(&self) -> OrganisationKind {
        self.kind.parse().unwrap_or(OrganisationKind::Enterprise)
    }

    /// Whether the regional bidder must show a government's authorisation (R11).
    pub fn needs_authorisation(&self) -> bool {
        self.regional && self.kind() != OrganisationKind::Government
    }

    /// The organisation's fields as the API takes them.
    pub fn organisation(&self) -> serde_json::Value {
        let county =
            (self.kind().is_government_body() && !self.county.is_empty()).then_some(&self.county);
        let authorisation = self.needs_authorisation().then(|| {
            serde_json::json!({
                "number": self.auth_number, "valid_from": self.auth_from, "valid_until": self.auth_until,
            })
        });
        serde_json::json!({
            "name": self.name, "uscc": self.uscc.trim(), "kind": self.kind, "county_code": county,
            "legal_representative": self.legal, "contact_name": self.contact,
            "contact_phone": self.phone, "address": self.address,
            "regional_bidder": self.regional, "authorisation": authorisation,
        })
    }
}

/// What the form sends: its fields, and the files chosen.
#[derive(Clone, PartialEq)]
pub struct Submission {
    pub fields: Fields,
    pub licence: Option<web_sys::File>,
    pub authorisation: Option<web_sys::File>,
}

const KINDS: [OrganisationKind; 6] = [
    OrganisationKind::Enterprise,
    OrganisationKind::LandReserve,
    OrganisationKind::Government,
    OrganisationKind::NaturalResources,
    OrganisationKind::Finance,
    OrganisationKind::Other,
];

/// Largest document the server takes.
const MAX_DOCUMENT_BYTES: f64 = 5.0 * 1024.0 * 1024.0;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub initial: Fields,
    /// A new registration: the first user's login and the documents are asked for.
    pub new: bool,
    pub busy: bool,
    pub problem: Option<ApiFailure>,
    pub submit_zh: AttrValue,
    pub submit_en: AttrValue,
    pub on_submit: Callback<Submission>,
    /// The administrator's form: a county's 自然资源局 may be chosen (nobody registers one).
    #[prop_or_default]
    pub admin: bool,
}

#[component]
pub fn OrganisationForm(props: &Props) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let fields = use_state(|| props.initial.clone());
    let licence = use_state(|| None::<web_sys::File>);
    let authorisation = use_state(|| None::<web_sys::File>);
    let counties: Vec<County> = use_counties().ready().cloned().unwrap_or_default();
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
    let toggle_regional = {
        let fields = fields.clone();
        Callback::from(move |e: Event| {
            let checked = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .is_some_and(|i| i.checked());
            let mut next = (*fields).clone();
            next.regional = checked;
            fields.set(next);
        })
    };
    let choose = |slot: UseStateHandle<Option<web_sys::File>>| {
        Callback::from(move |e: Event| {
            let file = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .and_then(|i| i.files())
                .and_then(|f| f.get(0));
            slot.set(file);
        })
    };
    // A file chosen for an authorisation no longer asked for is dropped, not sent unseen later.
    {
        let authorisation = authorisation.clone();
        use_effect_with(fields.needs_authorisation(), move |needed| {
            if !*needed {
                authorisation.set(None);
            }
        });
    }
    let kind = fields.kind();
    let uscc_check = (!fields.uscc.trim().is_empty()).then(|| Uscc::parse(&fields.uscc));
    // What the browser can say before sending: a missing or oversized file.
    let file_problem = |file: &Option<web_sys::File>, wanted: bool, zh: &str, en: &str| match file {
        None if wanted && props.new => Some(words(
            lang,
            format!("请选择{zh}"),
            format!("Choose the {en}"),
        )),
        Some(f) if f.size() > MAX_DOCUMENT_BYTES => Some(words(
            lang,
            format!("{zh}超过 5 MB，请压缩或降低扫描分辨率后再选"),
            format!("The {en} is over 5 MB: compress it or scan at a lower resolution"),
        )),
        _ => None,
    };
    let problems: Vec<String> = [
        file_problem(
            &licence,
            true,
            "营业执照或统一社会信用代码证书",
            "business licence (or code certificate)",
        ),
        file_problem(
            &authorisation,
            fields.needs_authorisation(),
            "授权文件",
            "authorisation",
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    let submit = {
        let (fields, licence, authorisation, on_submit) = (
            fields.clone(),
            licence.clone(),
            authorisation.clone(),
            props.on_submit.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_submit.emit(Submission {
                fields: (*fields).clone(),
                licence: (*licence).clone(),
                authorisation: (*authorisation)
                    .clone()
                    .filter(|_| fields.needs_authorisation()),
            });
        })
    };
    let blocked = props.busy || matches!(uscc_check, Some(Err(_))) || !problems.is_empty();
    html! {
        <form class="form" id="register-form" onsubmit={submit}>
            <label class="wide">{ words(lang, "单位全称（与营业执照一致）", "Full legal name (as on the licence)") }
                <input id="reg-name" maxlength="100" value={fields.name.clone()} oninput={edit(|f, v| f.name = v)} /></label>
            <label>{ words(lang, "统一社会信用代码", "Unified social credit code") }
                <input id="reg-uscc" class="mono" maxlength="20" placeholder="91450400MA5N0EXA30" value={fields.uscc.clone()} oninput={edit(|f, v| f.uscc = v)} /></label>
            <label>{ words(lang, "单位类别", "Kind") }
                <select id="reg-kind" onchange={pick(|f, v| f.kind = v)}>
                    { for KINDS.iter().filter(|k| props.admin || **k != OrganisationKind::NaturalResources || fields.kind == k.wire()).map(|k| html! {
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
            <label class="wide check">
                <input type="checkbox" id="reg-regional" checked={fields.regional} onchange={toggle_regional} />
                { words(lang, "申请自治区平台竞买人资格（区内各级人民政府或其书面授权的单位）", "Ask to bid on the regional platform (governments in Guangxi or bodies they authorise in writing, R11)") }
            </label>
            { if fields.needs_authorisation() { html! { <>
                <label>{ words(lang, "授权文件文号", "Authorisation number") }
                    <input id="reg-auth-number" maxlength="60" placeholder="长政函〔2026〕8号" value={fields.auth_number.clone()} oninput={edit(|f, v| f.auth_number = v)} /></label>
                <label>{ words(lang, "授权有效期自", "Valid from") }
                    <input id="reg-auth-from" type="date" value={fields.auth_from.clone()} oninput={edit(|f, v| f.auth_from = v)} /></label>
                <label>{ words(lang, "授权有效期至", "Valid until") }
                    <input id="reg-auth-until" type="date" value={fields.auth_until.clone()} oninput={edit(|f, v| f.auth_until = v)} /></label>
            </> } } else { html! {} } }
            { if props.new { html! { <>
                <label class="file">{ words(lang, "营业执照（或统一社会信用代码证书）扫描件：PDF、JPEG 或 PNG，不超过 5 MB", "Business licence (or code certificate): PDF, JPEG or PNG, at most 5 MB") }
                    <input type="file" id="reg-licence" accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" onchange={choose(licence.clone())} /></label>
                { if fields.needs_authorisation() { html! {
                    <label class="file">{ words(lang, "人民政府竞买授权文件扫描件：PDF、JPEG 或 PNG，不超过 5 MB", "The government's authorisation: PDF, JPEG or PNG, at most 5 MB") }
                        <input type="file" id="reg-authorisation" accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" onchange={choose(authorisation.clone())} /></label>
                } } else { html! {} } }
                <label>{ words(lang, "登录用户名", "Username") }
                    <input id="reg-username" autocomplete="username" maxlength="32" value={fields.username.clone()} oninput={edit(|f, v| f.username = v)} /></label>
                <label>{ words(lang, "密码（至少 8 位）", "Password (8+ characters)") }
                    <input id="reg-password" type="password" autocomplete="new-password" value={fields.password.clone()} oninput={edit(|f, v| f.password = v)} /></label>
            </> } } else { html! {} } }
            { match &uscc_check {
                Some(Err(e)) => html! { <p class="error" id="reg-uscc-check">{ match lang { Lang::Zh => e.message_zh(), Lang::En => e.message_en() } }</p> },
                Some(Ok(_)) => html! { <p class="ok" id="reg-uscc-check">{ words(lang, "统一社会信用代码校验通过", "The code checks") }</p> },
                None => html! {},
            } }
            // In a box of their own: a list that grows or shrinks among the form's fields
            // would make the browser forget the files chosen.
            <div class="file-checks">{ for problems.iter().map(|p| html! { <p class="hint reg-file-check">{ p.clone() }</p> }) }</div>
            { match &props.problem { Some(e) => html! { <div id="reg-problem">{ failed(lang, e, None) }</div> }, None => html! {} } }
            <button type="submit" class="primary" id="reg-submit" disabled={blocked}>
                { if props.busy { words(lang, "提交中…", "Sending…") } else { words(lang, props.submit_zh.to_string(), props.submit_en.to_string()) } }</button>
        </form>
    }
}

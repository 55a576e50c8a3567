//! How an organisation's documents and its regional-bidder authorisation (R11) read, on the
//! member's own page and in the administrator's lists (#16).

use quota_shared::api::{DocumentKind, Lang, Organisation, OrganisationStatus};
use yew::prelude::*;

use crate::i18n::words;
use crate::party_api;

/// "1.2 MB", "830 KB": a file's size as people read it.
pub fn file_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!(
            "{}.{} MB",
            bytes / (1024 * 1024),
            bytes % (1024 * 1024) * 10 / (1024 * 1024)
        )
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// The organisation's documents: each kind it needs, uploaded or not, with a link to view it.
pub fn documents_list(
    lang: Lang,
    o: &Organisation,
    upload: Option<&dyn Fn(DocumentKind) -> Html>,
) -> Html {
    let needed: Vec<DocumentKind> = [DocumentKind::Licence, DocumentKind::Authorisation]
        .into_iter()
        .filter(|k| {
            *k == DocumentKind::Licence
                || o.regional_bidder && o.kind != quota_shared::api::OrganisationKind::Government
                || o.document(*k).is_some()
        })
        .collect();
    html! {
        <ul class="documents">
            { for needed.into_iter().map(|kind| html! {
                <li data-document={kind.wire()}>
                    <span>{ match lang { Lang::Zh => kind.label_zh(), Lang::En => kind.wire() } }</span>{ " " }
                    { match o.document(kind) {
                        Some(d) => html! { <>
                            <a href={party_api::document_url(o.id, kind)} target="_blank" rel="noopener">{ words(lang, "查看", "View") }</a>
                            <span class="muted">{ format!(" {} · {} · {}", d.content_type.trim_start_matches("application/").trim_start_matches("image/").to_uppercase(), file_size(d.size_bytes), quota_shared::calendar::format_local(d.uploaded_at)) }</span>
                        </> },
                        None => html! { <span class="badge warn">{ words(lang, "未上传", "missing") }</span> },
                    } }
                    { upload.map(|u| u(kind)).unwrap_or_default() }
                </li>
            }) }
        </ul>
    }
}

/// The regional-bidder request and its authorisation (R11), when asked for.
pub fn bidding(lang: Lang, o: &Organisation) -> Html {
    let what = if o.status == OrganisationStatus::Approved {
        "自治区平台竞买人"
    } else {
        "申请竞买人资格"
    };
    match (&o.authorisation, o.regional_bidder) {
        (Some(a), true) => html! { <p class="muted">{ words(lang,
        format!("{what}：授权文件 {}，有效期 {} 至 {}", a.number, a.valid_from, a.valid_until),
        format!("Regional bidder: {}, {} to {}", a.number, a.valid_from, a.valid_until)) }</p> },
        (None, true) => {
            html! { <p class="muted">{ words(lang, format!("{what}（人民政府，无需授权文件）"), "Regional bidder (a government: no authorisation needed)".to_string()) }</p> }
        }
        _ => html! {},
    }
}

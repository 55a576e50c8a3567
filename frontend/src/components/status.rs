//! The states of a fetch as the user sees them: loading, failed (with the server's words and a
//! retry), and empty.

use quota_shared::api::Lang;
use yew::prelude::*;

use crate::api::ApiFailure;
use crate::i18n::{Key, t};

pub fn loading(lang: Lang) -> Html {
    html! { <p class="loading" aria-busy="true">{ t(lang, Key::Loading) }</p> }
}

pub fn failed(lang: Lang, e: &ApiFailure, retry: Option<Callback<MouseEvent>>) -> Html {
    html! {
        <div class="error" role="alert">
            <span>{ e.message(lang).to_string() }</span>
            { match retry { Some(r) => html! { <button onclick={r}>{ t(lang, Key::Retry) }</button> }, None => html! {} } }
        </div>
    }
}

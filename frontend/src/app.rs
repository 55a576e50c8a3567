//! The shell: language (persisted in local storage), header, the page.

use gloo::storage::{LocalStorage, Storage};
use quota_shared::api::Lang;
use yew::prelude::*;

use crate::i18n::{Key, t};
use crate::pages::home::Home;

const LANG_KEY: &str = "qx.lang";

fn stored_lang() -> Lang {
    match LocalStorage::get::<String>(LANG_KEY).ok().as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    }
}

#[component]
pub fn App() -> Html {
    let lang = use_state(stored_lang);
    let toggle = {
        let lang = lang.clone();
        Callback::from(move |_| {
            let next = if *lang == Lang::Zh {
                Lang::En
            } else {
                Lang::Zh
            };
            let _ = LocalStorage::set(LANG_KEY, if next == Lang::En { "en" } else { "zh" });
            lang.set(next);
        })
    };
    let l = *lang;
    html! {
        <ContextProvider<Lang> context={l}>
            <header class="top">
                <div>
                    <h1>{ t(l, Key::AppTitle) }</h1>
                    <p class="subtitle">{ t(l, Key::AppSubtitle) }</p>
                </div>
                <button class="lang" onclick={toggle} id="lang-switch">{ t(l, Key::SwitchLanguage) }</button>
            </header>
            <main>
                <Home />
            </main>
            <footer>{ t(l, Key::Footer) }</footer>
        </ContextProvider<Lang>>
    }
}

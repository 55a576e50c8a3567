//! In the public bundle, the place of the staff consoles (county bureau, finance,
//! administrator) and of the pages few visitors open (the objection form, the printed
//! confirmation): they are a second bundle, so visitors and buyers never download them unasked. Reached
//! by a link inside the app, this loads the page afresh, and `boot.js` starts the staff bundle
//! for its address. Should the public bundle have been started for this address itself (the
//! two lists of staff addresses disagree), it says so instead of reloading for ever.

use quota_shared::api::Lang;
use yew::prelude::*;

use crate::components::status::loading;
use crate::i18n::{Key, t};

/// Whether this bundle was started for the address now shown (`boot.js` records it).
fn started_here() -> bool {
    let Some(window) = web_sys::window() else {
        return true;
    };
    let booted = window
        .document()
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("data-boot-path"));
    booted.is_some() && booted == window.location().pathname().ok()
}

#[component]
pub fn StaffConsole() -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let stuck = started_here();
    use_effect_with((), move |_| {
        if !stuck && let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
    if stuck {
        html! { <div class="error" role="alert">{ t(lang, Key::ConsoleNotLoaded) }</div> }
    } else {
        loading(lang)
    }
}

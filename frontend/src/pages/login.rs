//! 登录: after logging in, back to the page that asked (`?next=`).

use quota_shared::api::Lang;
use serde::Deserialize;
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiFailure};
use crate::components::status::failed;
use crate::i18n::{Key, t};
use crate::route::Route;
use crate::session::Session;

#[derive(Debug, Deserialize)]
struct Next {
    next: Option<String>,
}

#[component]
pub fn Login() -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let session = use_context::<Session>();
    let location = use_location();
    let navigator = use_navigator();
    let username = use_node_ref();
    let password = use_node_ref();
    let error = use_state(|| None::<ApiFailure>);
    let busy = use_state(|| false);
    let next = location
        .and_then(|l| l.query::<Next>().ok())
        .and_then(|n| n.next)
        .filter(|n| n.starts_with('/') && !n.starts_with("//"))
        .unwrap_or_else(|| "/".into());
    let onsubmit = {
        let (username, password, error, busy) = (
            username.clone(),
            password.clone(),
            error.clone(),
            busy.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let u = username
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let p = password
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let (error, busy, session, navigator, next) = (
                error.clone(),
                busy.clone(),
                session.clone(),
                navigator.clone(),
                next.clone(),
            );
            busy.set(true);
            yew::platform::spawn_local(async move {
                match api::login(u, p).await {
                    Ok(r) => {
                        let must_change = r.user.must_change_password;
                        if let Some(s) = session {
                            s.set.emit(Some(r.user));
                        }
                        match (Route::recognize(&next), navigator) {
                            (_, Some(nav)) if must_change => nav.push(&Route::Account),
                            (Some(route), Some(nav)) => nav.push(&route),
                            (_, Some(nav)) => nav.push(&Route::Home),
                            _ => {}
                        }
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    html! {
        <section class="card narrow">
            <h2>{ t(lang, Key::LoginHeading) }</h2>
            <form {onsubmit} class="form" id="login-form">
                <label>{ t(lang, Key::Username) }<input ref={username} id="username" autocomplete="username" /></label>
                <label>{ t(lang, Key::Password) }<input ref={password} id="password" type="password" autocomplete="current-password" /></label>
                { match &*error { Some(e) => failed(lang, e, None), None => html! {} } }
                <button type="submit" class="primary" disabled={*busy}>{ t(lang, Key::LoginButton) }</button>
            </form>
            <p class="hint"><a href="/register" id="register-link">{ crate::i18n::words(lang, "还没有账号？单位注册", "No account? Register your organisation") }</a></p>
        </section>
    }
}

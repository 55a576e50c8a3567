//! The shell: language (persisted), the logged-in user, header, navigation by role, and the
//! page for each [`Route`].

use gloo::storage::{LocalStorage, Storage};
use quota_shared::api::{Lang, Role, User};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::i18n::{Key, role_label, t};
use crate::pages;
use crate::route::Route;
use crate::session::Session;

const LANG_KEY: &str = "qx.lang";

fn stored_lang() -> Lang {
    match LocalStorage::get::<String>(LANG_KEY).ok().as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    }
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <pages::home::Home /> },
        Route::Calculator => html! { <pages::calculator::Calculator /> },
        Route::Market => html! { <pages::market::Market /> },
        Route::Buy { id } => html! { <pages::buy::Buy id={id} /> },
        Route::Lot { id } => html! { <pages::lot::Lot id={id} /> },
        Route::Mine => html! { <pages::mine::Mine /> },
        Route::Login => html! { <pages::login::Login /> },
        #[cfg(feature = "staff")]
        Route::Bureau => html! { <pages::bureau::Bureau /> },
        #[cfg(feature = "staff")]
        Route::Finance => html! { <pages::finance::Finance /> },
        #[cfg(feature = "staff")]
        Route::Admin => html! { <pages::admin::Admin /> },
        #[cfg(feature = "staff")]
        Route::Objection { id } => html! { <pages::objection::ObjectionPage id={id} /> },
        #[cfg(feature = "staff")]
        Route::Confirmation { id } => html! { <pages::confirmation::Confirmation id={id} /> },
        #[cfg(feature = "staff")]
        Route::TraceHome => html! { <pages::trace::TracePage serial={String::new()} /> },
        #[cfg(feature = "staff")]
        Route::Trace { serial } => html! { <pages::trace::TracePage serial={serial} /> },
        #[cfg(feature = "staff")]
        Route::Register => html! { <pages::register::Register /> },
        #[cfg(feature = "staff")]
        Route::VerifyHome => html! { <pages::verify::VerifyPage code={String::new()} /> },
        #[cfg(feature = "staff")]
        Route::Verify { code } => html! { <pages::verify::VerifyPage code={code} /> },
        #[cfg(not(feature = "staff"))]
        Route::Bureau
        | Route::Finance
        | Route::Admin
        | Route::Objection { .. }
        | Route::Confirmation { .. }
        | Route::TraceHome
        | Route::Trace { .. }
        | Route::VerifyHome
        | Route::Register
        | Route::Verify { .. } => {
            html! { <pages::staff_console::StaffConsole /> }
        }
        Route::Account => html! { <pages::account::Account /> },
        Route::NotFound => html! { <pages::home::Home /> },
    }
}

#[component]
pub fn App() -> Html {
    let lang = use_state(stored_lang);
    let user = use_state(|| None::<User>);
    let known = use_state(|| false);
    {
        let user = user.clone();
        let known = known.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                user.set(api::me().await.map(|r| r.user));
                known.set(true);
            });
        });
    }
    let session = Session {
        user: (*user).clone(),
        known: *known,
        set: {
            let user = user.clone();
            Callback::from(move |u| user.set(u))
        },
    };
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
        <ContextProvider<Session> context={session.clone()}>
            <BrowserRouter>
                <header class="top no-print">
                    <div>
                        <h1>{ t(l, Key::AppTitle) }</h1>
                        <p class="subtitle">{ t(l, Key::AppSubtitle) }</p>
                    </div>
                    <button class="lang" onclick={toggle} id="lang-switch">{ t(l, Key::SwitchLanguage) }</button>
                </header>
                <Nav />
                <main>
                    <Switch<Route> render={switch} />
                </main>
                <footer class="no-print">{ t(l, Key::Footer) }</footer>
            </BrowserRouter>
        </ContextProvider<Session>>
        </ContextProvider<Lang>>
    }
}

#[component]
fn Nav() -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let session = use_context::<Session>();
    let route = use_route::<Route>().unwrap_or(Route::Home);
    let user = session.as_ref().and_then(|s| s.user.clone());
    let logout = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| {
            let session = session.clone();
            yew::platform::spawn_local(async move {
                api::logout().await;
                if let Some(s) = session {
                    s.set.emit(None);
                }
            });
        })
    };
    let link = |to: Route, key: Key| {
        let active = route == to;
        html! { <Link<Route> to={to} classes={classes!("nav-link", active.then_some("active"))}>{ t(lang, key) }</Link<Route>> }
    };
    let role = user.as_ref().map(|u| u.role);
    let is_buyer = role == Some(Role::Buyer);
    html! {
        <nav class="main-nav no-print">
            { link(Route::Home, Key::NavHome) }
            { link(Route::Calculator, Key::NavCalculator) }
            { link(Route::Market, Key::NavMarket) }
            { link(Route::TraceHome, Key::NavTrace) }
            { if is_buyer { link(Route::Mine, Key::NavMine) } else { html! {} } }
            { if role == Some(Role::CountyBureau) { link(Route::Bureau, Key::NavBureau) } else { html! {} } }
            { if matches!(role, Some(Role::Finance | Role::Admin | Role::Supervisor)) { link(Route::Finance, Key::NavFinance) } else { html! {} } }
            { if role == Some(Role::Admin) { link(Route::Admin, Key::NavAdmin) } else { html! {} } }
            <span class="spacer"></span>
            { match user {
                Some(u) => html! {
                    <>
                        <Link<Route> to={Route::Account} classes={classes!("who", (route == Route::Account).then_some("active"))}>
                            <span id="who">{ format!("{}：{}（{}）", t(lang, Key::LoggedInAs), u.username, role_label(lang, u.role)) }</span>
                        </Link<Route>>
                        <button class="link" onclick={logout} id="logout">{ t(lang, Key::NavLogout) }</button>
                    </>
                },
                None => link(Route::Login, Key::NavLogin),
            } }
        </nav>
    }
}

//! 账号与密码: one's own password, changed with the current one. Every other session of the
//! account ends; this one stays.

use quota_shared::api::{Lang, MIN_PASSWORD_CHARS};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api;
use crate::components::status::loading;
use crate::i18n::{Key, role_label, t};
use crate::session::Session;

/// What the form says after a try: done, or what to fix.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Changed,
    Refused(String),
}

/// The new password as typed twice, or what to fix before sending it.
fn check_new(lang: Lang, new: &str, again: &str) -> Result<(), String> {
    if new.chars().count() < MIN_PASSWORD_CHARS {
        return Err(t(lang, Key::PasswordTooShort).to_string());
    }
    if new != again {
        return Err(t(lang, Key::PasswordsDiffer).to_string());
    }
    Ok(())
}

#[component]
pub fn Account() -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let session = use_context::<Session>();
    let current = use_node_ref();
    let new = use_node_ref();
    let again = use_node_ref();
    let outcome = use_state(|| None::<Outcome>);
    let busy = use_state(|| false);
    if !session.as_ref().is_some_and(|s| s.known) {
        return loading(lang);
    }
    let Some(user) = session.as_ref().and_then(|s| s.user.clone()) else {
        return html! {
            <section class="card narrow">
                <p class="notice">{ t(lang, Key::LoginFirst) }</p>
                <a href="/login?next=/account">{ t(lang, Key::NavLogin) }</a>
            </section>
        };
    };
    let onsubmit = {
        let (current, new, again, outcome, busy, session) = (
            current.clone(),
            new.clone(),
            again.clone(),
            outcome.clone(),
            busy.clone(),
            session.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let value = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default()
            };
            let (c, n, a) = (value(&current), value(&new), value(&again));
            if let Err(problem) = check_new(lang, &n, &a) {
                outcome.set(Some(Outcome::Refused(problem)));
                return;
            }
            let (outcome, busy, session, fields) = (
                outcome.clone(),
                busy.clone(),
                session.clone(),
                [current.clone(), new.clone(), again.clone()],
            );
            busy.set(true);
            yew::platform::spawn_local(async move {
                match api::change_password(c, n).await {
                    Ok(changed) => {
                        // The server's answer clears a reset's "must change" mark.
                        if let Some(s) = &session {
                            s.set.emit(Some(changed.user));
                        }
                        for f in &fields {
                            if let Some(i) = f.cast::<HtmlInputElement>() {
                                i.set_value("");
                            }
                        }
                        outcome.set(Some(Outcome::Changed));
                    }
                    Err(e) => outcome.set(Some(Outcome::Refused(e.message(lang).to_string()))),
                }
                busy.set(false);
            });
        })
    };
    html! {
        <section class="card narrow">
            <h2>{ t(lang, Key::AccountHeading) }</h2>
            <p class="muted" id="account-who">{ format!("{}：{}（{}）", t(lang, Key::LoggedInAs), user.username, role_label(lang, user.role)) }</p>
            { if user.must_change_password {
                html! { <p class="notice" role="alert" id="must-change">{ t(lang, Key::MustChangePassword) }</p> }
            } else { html! {} } }
            <h3>{ t(lang, Key::ChangePassword) }</h3>
            <form {onsubmit} class="form" id="password-form">
                <label>{ t(lang, Key::CurrentPassword) }<input ref={current} id="current-password" type="password" autocomplete="current-password" /></label>
                <label>{ t(lang, Key::NewPassword) }<input ref={new} id="new-password" type="password" autocomplete="new-password" minlength="8" /></label>
                <label>{ t(lang, Key::NewPasswordAgain) }<input ref={again} id="new-password-again" type="password" autocomplete="new-password" minlength="8" /></label>
                <p class="hint">{ t(lang, Key::PasswordRules) }</p>
                { match &*outcome {
                    Some(Outcome::Changed) => html! { <p class="ok" id="password-status">{ t(lang, Key::PasswordChanged) }</p> },
                    Some(Outcome::Refused(why)) => html! { <div class="error" role="alert" id="password-status"><span>{ why.clone() }</span></div> },
                    None => html! {},
                } }
                <button type="submit" class="primary" disabled={*busy}>{ if *busy { t(lang, Key::Saving) } else { t(lang, Key::ChangePassword) } }</button>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_new_password_is_checked_before_it_is_sent() {
        assert!(check_new(Lang::Zh, "short", "short").is_err());
        assert_eq!(
            check_new(Lang::Zh, "long enough 1", "long enough 2"),
            Err("两次输入的新密码不一致".to_string())
        );
        assert_eq!(check_new(Lang::Zh, "long enough", "long enough"), Ok(()));
        assert_eq!(
            check_new(Lang::Zh, "八个汉字的密码呀", "八个汉字的密码呀"),
            Ok(())
        );
    }
}

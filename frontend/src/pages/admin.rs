//! 管理 (administrator): floor versions, accounts and roles, the rule versions
//! ([`super::admin_rules`]), and the
//! audit chain's status with an object's history.

use quota_shared::api::{Account, AuditAction, AuditEntry, FloorPrice, Lang, NewAccount, Role};
use yew::prelude::*;

use crate::api::{self, ApiFailure};
use crate::components::form::{bind, bind_select};
use crate::components::format::{beijing_time, county_name};
use crate::components::status::failed;
use crate::hooks::use_counties;
use crate::i18n::{Key, role_label, t};

#[component]
pub fn Admin() -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let floors = use_state(Vec::<FloorPrice>::new);
    let users = use_state(Vec::<Account>::new);
    let verification = use_state(|| None::<(bool, u64, Option<String>)>);
    let history = use_state(Vec::<AuditEntry>::new);
    let problem = use_state(|| None::<ApiFailure>);
    let counties_load = use_counties();
    let counties: Vec<quota_shared::api::County> =
        counties_load.ready().cloned().unwrap_or_default();
    let reload = use_state(|| 0u32);
    let floor_price = use_state(String::new);
    let floor_date = use_state(String::new);
    let new_user = use_state(String::new);
    let new_password = use_state(String::new);
    let new_role = use_state(|| Role::Buyer.wire().to_string());
    let new_county = use_state(String::new);
    let object = use_state(String::new);
    let reset_user = use_state(String::new);
    let reset_password = use_state(String::new);
    let reset_done = use_state(|| None::<(String, String)>);
    {
        let (floors, users, verification, problem) = (
            floors.clone(),
            users.clone(),
            verification.clone(),
            problem.clone(),
        );
        use_effect_with(*reload, move |_| {
            yew::platform::spawn_local(async move {
                // Every load that fails is shown; the others still fill the page.
                let mut failure = None;
                match api::floor_prices().await {
                    Ok(f) => floors.set(f.floor_prices),
                    Err(e) => failure = Some(e),
                }
                match api::users().await {
                    Ok(u) => users.set(u.users),
                    Err(e) => failure = Some(e),
                }
                match api::audit_verify().await {
                    Ok(v) => verification.set(Some((
                        v.verification.intact,
                        v.verification.records,
                        v.verification.broken,
                    ))),
                    Err(e) => failure = Some(e),
                }
                // A load that succeeds again clears an earlier failure.
                problem.set(failure);
            });
        });
    }
    let floor_check = floor_request(&floor_price, &floor_date, lang);
    let add_floor = {
        let (check, problem, reload) = (floor_check.clone(), problem.clone(), reload.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok((p, d)) = check.clone() else {
                return;
            };
            let (problem, reload) = (problem.clone(), reload.clone());
            yew::platform::spawn_local(async move {
                match api::add_floor(&FloorPrice {
                    price_per_mu: p,
                    effective_from: d,
                })
                .await
                {
                    Ok(_) => {
                        problem.set(None);
                        reload.set(*reload + 1);
                    }
                    Err(e) => problem.set(Some(e)),
                }
            });
        })
    };
    let create = {
        let (u, p, r, c, problem, reload) = (
            new_user.clone(),
            new_password.clone(),
            new_role.clone(),
            new_county.clone(),
            problem.clone(),
            reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let role = r.parse().unwrap_or(Role::Buyer);
            let request = NewAccount {
                username: (*u).clone(),
                password: (*p).clone(),
                role,
                county_code: c.parse().ok(),
                regional_bidder: false,
            };
            let (problem, reload) = (problem.clone(), reload.clone());
            yew::platform::spawn_local(async move {
                match api::create_user(&request).await {
                    Ok(_) => {
                        problem.set(None);
                        reload.set(*reload + 1);
                    }
                    Err(e) => problem.set(Some(e)),
                }
            });
        })
    };
    let reset = {
        let (who, password, done, problem, reload) = (
            reset_user.clone(),
            reset_password.clone(),
            reset_done.clone(),
            problem.clone(),
            reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (username, temporary) = ((*who).clone(), (*password).clone());
            let (password, done, problem, reload) = (
                password.clone(),
                done.clone(),
                problem.clone(),
                reload.clone(),
            );
            yew::platform::spawn_local(async move {
                match api::reset_password(&username, temporary.clone()).await {
                    Ok(_) => {
                        problem.set(None);
                        password.set(String::new());
                        done.set(Some((username, temporary)));
                        reload.set(*reload + 1);
                    }
                    Err(e) => {
                        done.set(None);
                        problem.set(Some(e));
                    }
                }
            });
        })
    };
    let toggle = |username: String, disabled: bool| {
        let (problem, reload) = (problem.clone(), reload.clone());
        Callback::from(move |_: MouseEvent| {
            let (problem, reload, username) = (problem.clone(), reload.clone(), username.clone());
            yew::platform::spawn_local(async move {
                if let Err(e) = api::set_disabled(&username, disabled).await {
                    problem.set(Some(e));
                }
                reload.set(*reload + 1);
            });
        })
    };
    let lookup = {
        let (object, history, problem) = (object.clone(), history.clone(), problem.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (o, history, problem) = ((*object).clone(), history.clone(), problem.clone());
            yew::platform::spawn_local(async move {
                match api::audit_of(&o).await {
                    Ok(h) => history.set(h.audit),
                    Err(e) => problem.set(Some(e)),
                }
            });
        })
    };
    html! {
        <>
        { match &*problem { Some(e) => html! { <div id="admin-error">{ failed(lang, e, None) }</div> }, None => html! {} } }
        <super::admin_organisations::Registrations />
        <div class="two-col">
        <section class="card">
            <h2>{ t(lang, Key::FloorsAdmin) }</h2>
            <div class="table-wrap"><table class="data" id="admin-floors"><tbody>
                { for floors.iter().map(|f| html! { <tr><td>{ f.effective_from.to_string() }</td><td class="num">{ f.price_per_mu.grouped() }</td></tr> }) }
            </tbody></table></div>
            <form class="form" onsubmit={add_floor} id="floor-form">
                <label>{ t(lang, Key::FloorPrice) }<input id="floor-price" value={(*floor_price).clone()} oninput={bind(&floor_price)} /></label>
                <label>{ t(lang, Key::FloorFrom) }<input id="floor-date" type="text" inputmode="numeric" placeholder="2027-01-01" value={(*floor_date).clone()} oninput={bind(&floor_date)} /></label>
                { match (&floor_check, floor_price.is_empty() && floor_date.is_empty()) { (Err(m), false) => html! { <p class="error" id="floor-check">{ m.clone() }</p> }, _ => html! {} } }
                <button type="submit" class="primary" id="floor-submit" disabled={floor_check.is_err()}>{ t(lang, Key::AddFloor) }</button>
            </form>
        </section>
        <section class="card">
            <h2>{ t(lang, Key::AuditHeading) }</h2>
            { match &*verification {
                Some((true, n, _)) => html! { <p class="ok" id="audit-status">{ format!("{} · {n}", t(lang, Key::AuditIntact)) }</p> },
                Some((false, _, broken)) => html! { <p class="error" id="audit-status">{ format!("{}：{}", t(lang, Key::AuditBroken), broken.clone().unwrap_or_default()) }</p> },
                None => html! {},
            } }
            <form class="form" onsubmit={lookup} id="audit-form">
                <label>{ t(lang, Key::AuditLookup) }<input id="audit-object" value={(*object).clone()} oninput={bind(&object)} /></label>
                <button type="submit">{ t(lang, Key::Search) }</button>
            </form>
            <ul class="news" id="audit-history">{ for history.iter().map(|h| html! {
                <li><span class="date">{ beijing_time(h.at) }</span><span>{ format!("{} · {} · {}", h.actor, action_label(lang, &h.action), h.after.as_ref().map(|v| v.to_string()).unwrap_or_default()) }</span></li>
            }) }</ul>
        </section>
        </div>
        <section class="card">
            <h2>{ t(lang, Key::UsersHeading) }</h2>
            { counties_load.failure(lang) }
            <div class="table-wrap"><table class="data" id="users">
                <thead><tr><th>{ t(lang, Key::Username) }</th><th>{ t(lang, Key::FieldRole) }</th><th>{ t(lang, Key::ColAccountCounty) }</th>
                    <th>{ t(lang, Key::ColRegionalBidder) }</th><th>{ t(lang, Key::ColStatus) }</th><th>{ t(lang, Key::ColAction) }</th></tr></thead>
                <tbody>
                { for users.iter().map(|u| html! {
                    <tr data-user={u.username.clone()}>
                        <td>{ u.username.clone() }</td><td>{ role_label(lang, u.role) }</td>
                        <td class="county">{ u.county_code.as_ref().map(|c| county_name(lang, &counties, c)).unwrap_or_default() }</td>
                        <td class="bidder">{ if u.regional_bidder { html! { <span class="badge ok">{ t(lang, Key::RegionalBidderMark) }</span> } } else { html! {} } }</td>
                        <td class="nowrap">{ if u.disabled { html! { <span class="badge warn">{ t(lang, Key::Disabled) }</span> } } else { html! { t(lang, Key::Active) } } }
                            { if u.must_change_password { html! { <> { " " }<span class="badge warn must-change">{ t(lang, Key::MustChangeMark) }</span></> } } else { html! {} } }</td>
                        <td><button class="link" onclick={toggle(u.username.clone(), !u.disabled)}>{ t(lang, if u.disabled { Key::Enable } else { Key::Disable }) }</button></td>
                    </tr>
                }) }
            </tbody></table></div>
            <form class="form" onsubmit={create} id="user-form">
                <label>{ t(lang, Key::Username) }<input id="new-username" value={(*new_user).clone()} oninput={bind(&new_user)} /></label>
                <label>{ t(lang, Key::Password) }<input id="new-password" type="password" value={(*new_password).clone()} oninput={bind(&new_password)} /></label>
                <label>{ t(lang, Key::FieldRole) }
                    <select id="new-role" onchange={bind_select(&new_role)}>
                        { for [Role::Buyer, Role::CountyBureau, Role::Finance, Role::Admin].iter().map(|r| {
                            html! { <option value={r.wire()}>{ role_label(lang, *r) }</option> }
                        }) }
                    </select>
                </label>
                <label>{ t(lang, Key::ColCode) }<input id="new-county" value={(*new_county).clone()} oninput={bind(&new_county)} placeholder="450422" /></label>
                <button type="submit" class="primary" id="user-submit">{ t(lang, Key::CreateUser) }</button>
            </form>
            <h3>{ t(lang, Key::ResetPasswordHeading) }</h3>
            <p class="hint">{ t(lang, Key::ResetPasswordHint) }</p>
            <form class="form" onsubmit={reset} id="reset-form">
                <label>{ t(lang, Key::Username) }
                    <select id="reset-user" onchange={bind_select(&reset_user)}>
                        <option value="" selected={reset_user.is_empty()}>{ "—" }</option>
                        { for users.iter().filter(|u| !u.disabled).map(|u| html! {
                            <option value={u.username.clone()} selected={*reset_user == u.username}>{ u.username.clone() }</option>
                        }) }
                    </select>
                </label>
                <label>{ t(lang, Key::TemporaryPassword) }<input id="reset-password" type="text" autocomplete="off" value={(*reset_password).clone()} oninput={bind(&reset_password)} /></label>
                <button type="submit" class="primary" id="reset-submit" disabled={reset_user.is_empty() || reset_password.chars().count() < quota_shared::api::MIN_PASSWORD_CHARS}>{ t(lang, Key::ResetPasswordButton) }</button>
            </form>
            { match &*reset_done {
                Some((who, temporary)) => html! { <p class="ok" id="reset-status">{ format!("{}{who} / {temporary}", t(lang, Key::PasswordResetDone)) }</p> },
                None => html! {},
            } }
        </section>
        <crate::pages::admin_rules::RuleVersions counties={counties.clone()} />
        </>
    }
}

/// An audit action in the interface language; a name this build does not know is shown as is.
fn action_label(lang: Lang, action: &str) -> String {
    match (lang, action.parse::<AuditAction>()) {
        (Lang::Zh, Ok(a)) => a.label_zh().to_string(),
        _ => action.to_string(),
    }
}

/// A new floor version from what the administrator typed: a price (元/亩) and the day it
/// applies from (`2027-01-01`), or what to fix.
fn floor_request(
    price: &str,
    date: &str,
    lang: Lang,
) -> Result<(quota_shared::UnitPrice, time::Date), String> {
    let price = price
        .parse::<quota_shared::UnitPrice>()
        .map_err(|e| match lang {
            Lang::Zh => e.message_zh(),
            Lang::En => e.message_en(),
        })?;
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(date.trim(), &fmt)
        .map_err(|_| t(lang, Key::FloorDateFormat).to_string())?;
    Ok((price, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_floor_needs_a_valid_price_and_a_day_written_year_first() {
        assert!(floor_request("260000", "2027-01-01", Lang::Zh).is_ok());
        assert_eq!(
            floor_request("260000", "01/01/2027", Lang::Zh),
            Err("起始日期请写成 2027-01-01".into())
        );
        assert!(floor_request("26万", "2027-01-01", Lang::Zh).is_err());
    }
}

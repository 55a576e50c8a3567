//! One module per page, and the bits every page shares.

pub mod admin;
pub mod bureau;
pub mod buy;
pub mod calculator;
pub mod confirmation;
pub mod finance;
pub mod home;
pub mod login;
pub mod lot;
pub mod market;
pub mod mine;

use quota_shared::api::{Lang, Listing};
use yew::prelude::*;

use crate::api::ApiFailure;
use crate::i18n::{Key, t};

/// The state of one fetch.
#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    Loading,
    Ready(T),
    Failed(ApiFailure),
}

impl<T> From<Result<T, ApiFailure>> for Load<T> {
    fn from(r: Result<T, ApiFailure>) -> Self {
        match r {
            Ok(v) => Load::Ready(v),
            Err(e) => Load::Failed(e),
        }
    }
}

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

pub fn today_shanghai() -> time::Date {
    time::OffsetDateTime::now_utc()
        .to_offset(time::macros::offset!(+8))
        .date()
}

/// "3天04:05:06" until `closes_at`, or "已截止".
pub fn countdown(lang: Lang, listing: &Listing) -> String {
    let Some(closes) = listing.closes_at else {
        return String::new();
    };
    let left = closes - time::OffsetDateTime::now_utc();
    if left.is_negative() {
        return t(lang, Key::Closed).to_string();
    }
    let s = left.whole_seconds();
    let (d, h, m, sec) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60, s % 60);
    match lang {
        Lang::Zh => format!("{d}天 {h:02}:{m:02}:{sec:02}"),
        Lang::En => format!("{d}d {h:02}:{m:02}:{sec:02}"),
    }
}

/// Re-renders the component every second (for countdowns).
#[hook]
pub fn use_ticker() {
    let update = use_force_update();
    use_effect_with((), move |_| {
        let interval = gloo::timers::callback::Interval::new(1_000, move || update.force_update());
        move || drop(interval)
    });
}

pub fn county_name(
    lang: Lang,
    counties: &[quota_shared::api::County],
    code: &quota_shared::jurisdiction::CountyCode,
) -> String {
    counties
        .iter()
        .find(|c| &c.code == code)
        .map(|c| match lang {
            Lang::Zh => c.name.clone(),
            Lang::En => c.name_en.clone(),
        })
        .unwrap_or_else(|| code.to_string())
}

/// The calendar day of an instant in Asia/Shanghai.
pub fn today_of(t: time::OffsetDateTime) -> time::Date {
    t.to_offset(time::macros::offset!(+8)).date()
}

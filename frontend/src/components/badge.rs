//! Status badges: a listing's or a purchase's state, and the 未核实 mark on unconfirmed data,
//! each coloured by what it means for the user (live, done, waiting, ended).

use quota_shared::api::{Lang, ListingStatus, PurchaseStatus};
use yew::prelude::*;

use crate::i18n::{Key, t};

/// How a state reads at a glance.
fn tone_of_listing(s: ListingStatus) -> &'static str {
    match s {
        ListingStatus::Open | ListingStatus::Bidding | ListingStatus::Scheduled => "ok",
        ListingStatus::SoldOut | ListingStatus::Awarded => "done",
        ListingStatus::Withdrawn | ListingStatus::Expired | ListingStatus::Unsold => "ended",
    }
}

/// A listing's state: 挂牌中, 竞价中, 已成交, 流拍 …
pub fn listing_status(lang: Lang, s: ListingStatus) -> Html {
    let label = match lang {
        Lang::Zh => s.label_zh(),
        Lang::En => s.label_en(),
    };
    html! { <span class={classes!("badge", tone_of_listing(s), format!("status-{}", s.wire()))}>{ label }</span> }
}

/// A listing's source projects, with 预支 marked when any is drawn before its acceptance.
pub fn source(lang: Lang, l: &quota_shared::api::Listing) -> Html {
    html! { <>{ l.source_project.clone() }{ if l.advance { html! {
        <span class="badge warn advance" title={crate::i18n::words(lang, "项目尚未验收，预支节余指标", "Advance quota: the project is not accepted yet")}>{ crate::i18n::words(lang, "预支", "advance") }</span>
    } } else { html! {} } }</> }
}

/// A purchase's state in the interface language.
pub fn purchase_status_label(lang: Lang, s: PurchaseStatus) -> &'static str {
    match (lang, s) {
        (Lang::Zh, s) => s.label_zh(),
        (Lang::En, PurchaseStatus::Reserved) => "awaiting payment",
        (Lang::En, PurchaseStatus::Settled) => "settled",
        (Lang::En, PurchaseStatus::Expired) => "expired",
        (Lang::En, PurchaseStatus::Cancelled) => "cancelled",
        (Lang::En, PurchaseStatus::Annulled) => "annulled (objection upheld)",
    }
}

/// A purchase's state: 待付款, 已成交, 已过期, 已取消.
pub fn purchase_status(lang: Lang, s: PurchaseStatus) -> Html {
    let tone = match s {
        PurchaseStatus::Reserved => "warn",
        PurchaseStatus::Settled => "done",
        PurchaseStatus::Expired | PurchaseStatus::Cancelled | PurchaseStatus::Annulled => "ended",
    };
    html! { <span class={classes!("badge", tone, format!("status-{}", s.wire()))}>{ purchase_status_label(lang, s) }</span> }
}

/// A trade's state, with its publicity (R16): a settled trade not yet numbered reads 成交公示中
/// with the end of the period, and the objections that hold it.
pub fn trade_status(lang: Lang, p: &quota_shared::api::Purchase) -> Html {
    if !p.in_publicity() {
        return purchase_status(lang, p.status);
    }
    let ends = p
        .publicity_ends_at
        .map(quota_shared::calendar::format_local)
        .unwrap_or_default();
    let label = match (lang, p.open_objections) {
        (Lang::Zh, 0) => format!("成交公示中，至 {ends}"),
        (Lang::Zh, n) => format!("成交公示中，{n} 件异议待处理"),
        (Lang::En, 0) => format!("in publicity until {ends}"),
        (Lang::En, n) => format!("in publicity, {n} open objection(s)"),
    };
    html! { <span class="badge warn status-publicity">{ label }</span> }
}

/// 未核实: data whose source was not confirmed (a 脱贫县 flag, a rule, a use category).
pub fn unconfirmed(lang: Lang) -> Html {
    html! { <span class="badge warn">{ t(lang, Key::Unconfirmed) }</span> }
}

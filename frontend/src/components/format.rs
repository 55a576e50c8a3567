//! How the pages show names, days and countdowns.

use quota_shared::api::{County, Lang, Listing};
use quota_shared::calendar;
use quota_shared::jurisdiction::CountyCode;
use time::{Date, OffsetDateTime};

use crate::i18n::{Key, t};

/// Today in Asia/Shanghai, the day rules are applied on.
pub fn today() -> Date {
    calendar::day_of(OffsetDateTime::now_utc())
}

/// An instant as a Beijing date and time, "2026-11-30 09:05:32".
pub fn beijing_time(t: OffsetDateTime) -> String {
    let local = t.to_offset(calendar::SHANGHAI);
    format!(
        "{} {:02}:{:02}:{:02}",
        local.date(),
        local.hour(),
        local.minute(),
        local.second()
    )
}

/// "3天 04:05:06" until `closes_at`, or "已截止".
pub fn countdown(lang: Lang, listing: &Listing) -> String {
    let Some(closes) = listing.closes_at else {
        return String::new();
    };
    let left = closes - OffsetDateTime::now_utc();
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

/// A county's name in the interface language, or its code when unknown.
pub fn county_name(lang: Lang, counties: &[County], code: &CountyCode) -> String {
    counties
        .iter()
        .find(|c| &c.code == code)
        .map(|c| match lang {
            Lang::Zh => c.name.clone(),
            Lang::En => c.name_en.clone(),
        })
        .unwrap_or_else(|| code.to_string())
}

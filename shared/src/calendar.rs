//! The Asia/Shanghai calendar: the one place the product turns instants into the days and years
//! rules and accounts are kept in (docs/DOMAIN.md, "Rules in time"). Rules apply by calendar
//! day in Wuzhou; proceeds belong to the calendar year of their settlement; confirmation
//! numbers count per year. China has kept UTC+8 all year since 1991, so a fixed offset is exact.

use time::{Date, Month, OffsetDateTime, UtcOffset, macros::offset};

/// UTC+8, the offset of Asia/Shanghai.
pub const SHANGHAI: UtcOffset = offset!(+8);

/// First and last year a request may name (proceeds, exports): the platform's plausible life.
pub const YEARS: core::ops::RangeInclusive<i32> = 2000..=2999;

/// The calendar day of an instant in Asia/Shanghai, on which rules are applied.
pub fn day_of(t: OffsetDateTime) -> Date {
    t.to_offset(SHANGHAI).date()
}

/// The calendar year of an instant in Asia/Shanghai.
pub fn year_of(t: OffsetDateTime) -> i32 {
    t.to_offset(SHANGHAI).year()
}

/// The Asia/Shanghai calendar year `year` as UTC instants `[from, to)`; `None` outside [`YEARS`].
pub fn year_bounds(year: i32) -> Option<(OffsetDateTime, OffsetDateTime)> {
    if !YEARS.contains(&year) {
        return None;
    }
    let start = |y: i32| {
        Date::from_calendar_date(y, Month::January, 1)
            .ok()
            .map(|d| {
                d.midnight()
                    .assume_offset(SHANGHAI)
                    .to_offset(UtcOffset::UTC)
            })
    };
    Some((start(year)?, start(year + 1)?))
}

/// A wall-clock date and time in Asia/Shanghai, as an instant.
pub fn local_to_instant(date: Date, time: time::Time) -> OffsetDateTime {
    date.with_time(time).assume_offset(SHANGHAI)
}

/// An instant as Beijing wall-clock time, `2026-12-31 17:00` (the form [`parse_local`] reads).
pub fn format_local(t: OffsetDateTime) -> String {
    let l = t.to_offset(SHANGHAI);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        l.year(),
        u8::from(l.month()),
        l.day(),
        l.hour(),
        l.minute()
    )
}

/// A Beijing date and time as a clerk types it — `2026-12-31 17:00` (also with `T`, seconds,
/// full-width digits or `／` and `：`) — as an instant; `None` when it is not one. The web app
/// uses a text field for this, so the format reads the same whatever the browser's locale.
pub fn parse_local(text: &str) -> Option<OffsetDateTime> {
    let normal: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '：' => ':',
            '－' => '-',
            '／' | '/' | '.' => '-',
            'T' | '\u{3000}' => ' ',
            other => other,
        })
        .collect();
    let (day, clock) = normal.split_once(' ')?;
    let mut ymd = day.split('-').map(|p| p.parse::<u16>().ok());
    let (year, month, dom) = (ymd.next()??, ymd.next()??, ymd.next()??);
    if ymd.next().is_some() {
        return None;
    }
    let mut hms = clock.trim().split(':').map(|p| p.parse::<u8>().ok());
    let (hour, minute) = (hms.next()??, hms.next()??);
    let second = match hms.next() {
        None => 0,
        Some(s) => s?,
    };
    if hms.next().is_some() || !YEARS.contains(&i32::from(year)) {
        return None;
    }
    let date = Date::from_calendar_date(
        i32::from(year),
        Month::try_from(u8::try_from(month).ok()?).ok()?,
        u8::try_from(dom).ok()?,
    )
    .ok()?;
    let time = time::Time::from_hms(hour, minute, second).ok()?;
    Some(local_to_instant(date, time))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime, time};

    #[test]
    fn a_year_is_the_calendar_year_in_asia_shanghai() {
        assert_eq!(
            year_bounds(2026),
            Some((
                datetime!(2025-12-31 16:00 UTC),
                datetime!(2026-12-31 16:00 UTC)
            ))
        );
        // 00:30 on New Year's Day in Wuzhou is already the new year, and that day.
        assert_eq!(year_of(datetime!(2025-12-31 16:30 UTC)), 2026);
        assert_eq!(
            day_of(datetime!(2025-12-31 16:30 UTC)),
            date!(2026 - 01 - 01)
        );
        assert_eq!(year_of(datetime!(2025-12-31 15:59 UTC)), 2025);
        assert_eq!(year_bounds(1999), None);
        assert_eq!(year_bounds(3000), None);
    }

    #[test]
    fn a_typed_beijing_time_reads_the_same_in_every_spelling() {
        let expected = Some(datetime!(2026-12-31 09:00 UTC));
        for typed in [
            "2026-12-31 17:00",
            "2026-12-31T17:00",
            " 2026-12-31 17:00:00 ",
            "２０２６－１２－３１ １７：００",
            "2026/12/31 17:00",
        ] {
            assert_eq!(parse_local(typed), expected, "{typed:?}");
        }
        for bad in [
            "",
            "2026-12-31",
            "2026-13-01 10:00",
            "2026-02-30 10:00",
            "2026-12-31 24:00",
            "26-12-31 17:00",
            "2026-12-31 17:00:xx",
            "2026-12-31 17:00:00:99",
            "明天",
        ] {
            assert_eq!(parse_local(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn local_wall_clock_times_are_read_in_asia_shanghai() {
        assert_eq!(
            local_to_instant(date!(2026 - 03 - 01), time!(09:30)),
            datetime!(2026-03-01 01:30 UTC)
        );
    }
}

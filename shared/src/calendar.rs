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

/// A wall-clock date and time typed in Asia/Shanghai (a `datetime-local` input), as an instant.
pub fn local_to_instant(date: Date, time: time::Time) -> OffsetDateTime {
    date.with_time(time).assume_offset(SHANGHAI)
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
    fn local_wall_clock_times_are_read_in_asia_shanghai() {
        assert_eq!(
            local_to_instant(date!(2026 - 03 - 01), time!(09:30)),
            datetime!(2026-03-01 01:30 UTC)
        );
    }
}

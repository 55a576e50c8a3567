//! The finance chart as data: for each county, the years side by side, each year four bars —
//! received, allocated, disbursed, unallocated — on one scale with round ticks, every bar
//! labelled with its amount in 万元. Plain data and functions, tested natively; the page draws
//! what [`ProceedsChart::new`] lays out. Amounts stay exact [`Money`]; only pixel positions are
//! computed from them, in integers.

use quota_shared::Money;
use quota_shared::api::ProceedsRow;

/// The four measures of a year, in drawing order: (colour, Chinese label, English label).
pub const SERIES: [(&str, &str, &str); 4] = [
    ("#0b5394", "收入", "received"),
    ("#6fa8dc", "已分配", "allocated"),
    ("#38761d", "已拨付", "disbursed"),
    ("#e69138", "未分配", "unallocated"),
];

/// Drawing area: the plot's height and where it starts, in pixels.
pub const PLOT_HEIGHT: i64 = 180;
pub const PLOT_TOP: i64 = 16;
pub const AXIS_WIDTH: i64 = 64;
pub const BAR_WIDTH: i64 = 16;
/// Space between the years of a county, and between counties.
pub const YEAR_GAP: i64 = 8;
pub const COUNTY_GAP: i64 = 28;

/// One bar: where it stands and what it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub series: usize,
    pub x: i64,
    pub height: i64,
    pub value: Money,
}

/// One year of one county: its bars and where its year label goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearGroup {
    pub year: i32,
    pub label_x: i64,
    pub bars: Vec<Bar>,
}

/// One county: its name, its years, and where its name goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountyGroup {
    pub code: String,
    pub name: String,
    pub label_x: i64,
    pub years: Vec<YearGroup>,
}

/// The whole chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProceedsChart {
    pub width: i64,
    /// Axis ticks: the amount and its height above the baseline.
    pub ticks: Vec<(Money, i64)>,
    pub counties: Vec<CountyGroup>,
}

/// A round step for about four ticks up to `max`: 1, 2 or 5 × a power of ten 元.
pub fn tick_step(max: Money) -> Money {
    let target = (max.fen() / 4).max(100);
    let mut power: i64 = 100;
    loop {
        for m in [1, 2, 5] {
            let step = power.saturating_mul(m);
            if step >= target {
                return Money::from_fen(step).unwrap_or(max);
            }
        }
        match power.checked_mul(10) {
            Some(p) => power = p,
            None => return max,
        }
    }
}

/// Pixels for `value` on a scale whose top is `top` (display only).
pub fn scaled(value: Money, top: Money, height: i64) -> i64 {
    if top.is_zero() {
        return 0;
    }
    (i128::from(value.fen()) * i128::from(height) / i128::from(top.fen())) as i64
}

fn values(r: &ProceedsRow) -> [Money; 4] {
    [
        r.proceeds_yuan,
        r.allocated_yuan,
        r.disbursed_yuan,
        r.unallocated_yuan,
    ]
}

impl ProceedsChart {
    /// Lays out `years` (oldest first), each the proceeds table of that year. A county shows
    /// when it received or allocated anything in any of the years.
    pub fn new(years: &[(i32, Vec<ProceedsRow>)]) -> Self {
        let max = years
            .iter()
            .flat_map(|(_, rows)| rows.iter().flat_map(values))
            .max()
            .unwrap_or(Money::ZERO);
        let step = tick_step(max);
        let steps = if step.is_zero() {
            1
        } else {
            ((max.fen() + step.fen() - 1) / step.fen()).max(1)
        };
        let top = Money::from_fen(step.fen().saturating_mul(steps)).unwrap_or(max);
        let ticks = (0..=steps)
            .filter_map(|k| Money::from_fen(step.fen() * k).ok())
            .map(|m| (m, scaled(m, top, PLOT_HEIGHT)))
            .collect();
        let mut codes: Vec<(String, String)> = Vec::new();
        for (_, rows) in years {
            for r in rows {
                let shown = values(r).iter().any(|v| !v.is_zero());
                let code = r.county_code.to_string();
                if shown && !codes.iter().any(|(c, _)| *c == code) {
                    codes.push((code, r.county_name.clone()));
                }
            }
        }
        let year_width = BAR_WIDTH * 4;
        let mut x = AXIS_WIDTH + COUNTY_GAP / 2;
        let mut counties = Vec::new();
        for (code, name) in codes {
            let start = x;
            let mut groups = Vec::new();
            for (year, rows) in years {
                let row = rows.iter().find(|r| r.county_code.as_str() == code);
                let bars = row
                    .map(values)
                    .unwrap_or([Money::ZERO; 4])
                    .into_iter()
                    .enumerate()
                    .map(|(i, value)| Bar {
                        series: i,
                        x: x + i as i64 * BAR_WIDTH,
                        height: scaled(value, top, PLOT_HEIGHT),
                        value,
                    })
                    .collect();
                groups.push(YearGroup {
                    year: *year,
                    label_x: x + year_width / 2,
                    bars,
                });
                x += year_width + YEAR_GAP;
            }
            let end = x - YEAR_GAP;
            counties.push(CountyGroup {
                code,
                name,
                label_x: (start + end) / 2,
                years: groups,
            });
            x = end + COUNTY_GAP;
        }
        Self {
            width: x.max(AXIS_WIDTH + 200),
            ticks,
            counties,
        }
    }
}

/// An amount as the chart labels it: 万元, to two decimals unless it is whole ("438.34万",
/// "1,010万"), or 元 below one 万.
pub fn label(value: Money) -> String {
    let fen = value.fen();
    if fen < 1_000_000 {
        return value.grouped();
    }
    // 1 万元 = 1,000,000 分; round half-up to 0.01 万元 = 10,000 分.
    let hundredths = (fen + 5_000) / 10_000;
    let whole = quota_shared::quantity::group_thousands(&(hundredths / 100).to_string());
    match hundredths % 100 {
        0 => format!("{whole}万"),
        cents => format!("{whole}.{cents:02}万"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        s.parse().expect("money")
    }

    fn row(code: &str, name: &str, received: &str, allocated: &str) -> ProceedsRow {
        let (r, a) = (m(received), m(allocated));
        ProceedsRow {
            county_code: code.parse().expect("code"),
            county_name: name.into(),
            sold_mu: "1".parse().expect("area"),
            proceeds_yuan: r,
            allocated_yuan: a,
            disbursed_yuan: Money::ZERO,
            unallocated_yuan: r.checked_sub(a).expect("left"),
        }
    }

    #[test]
    fn ticks_are_round_and_cover_the_largest_amount() {
        assert_eq!(tick_step(m("1400000")), m("500000"));
        assert_eq!(tick_step(m("18815100")), m("5000000"));
        assert_eq!(tick_step(m("0.30")), m("1"));
        let chart =
            ProceedsChart::new(&[(2026, vec![row("450422", "藤县", "1400000", "1000000")])]);
        let ticks: Vec<String> = chart.ticks.iter().map(|(v, _)| v.to_string()).collect();
        assert_eq!(ticks, ["0.00", "500000.00", "1000000.00", "1500000.00"]);
        assert_eq!(chart.ticks.last().map(|t| t.1), Some(PLOT_HEIGHT));
        // 1,400,000 of a 1,500,000 scale: 168 of 180 pixels.
        assert_eq!(chart.counties[0].years[0].bars[0].height, 168);
    }

    #[test]
    fn the_years_stand_side_by_side_for_every_county_with_money_in_either() {
        let chart = ProceedsChart::new(&[
            (
                2025,
                vec![
                    row("450423", "蒙山县", "800000", "0"),
                    row("450422", "藤县", "0", "0"),
                ],
            ),
            (
                2026,
                vec![
                    row("450422", "藤县", "1400000", "1000000"),
                    row("450423", "蒙山县", "0", "0"),
                ],
            ),
        ]);
        let names: Vec<&str> = chart.counties.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["蒙山县", "藤县"]);
        for county in &chart.counties {
            let years: Vec<i32> = county.years.iter().map(|y| y.year).collect();
            assert_eq!(years, [2025, 2026], "{}", county.name);
            assert!(
                county.years[0].bars[3].x < county.years[1].bars[0].x,
                "side by side"
            );
        }
        assert_eq!(
            chart.counties[1].years[0].bars[0].height, 0,
            "藤县 had nothing in 2025"
        );
        assert!(chart.counties[1].years[0].label_x > chart.counties[0].years[1].label_x);
    }

    #[test]
    fn labels_read_in_wan_yuan_exactly_rounded() {
        assert_eq!(label(m("4383375.00")), "438.34万");
        assert_eq!(label(m("1000000")), "100万");
        assert_eq!(label(m("10100000")), "1,010万");
        assert_eq!(label(m("9999.99")), "9,999.99");
        assert_eq!(label(m("15000")), "1.50万");
    }
}

//! Tests of `quantity`.

use super::*;

fn area(s: &str) -> Area {
    s.parse().expect("valid area")
}

#[test]
fn the_two_guangxi_notices_are_reproduced_to_the_fen() {
    let price = UnitPrice::from_yuan(250_000).expect("price");
    let xincheng = price.amount_for(area("17.5335")).expect("amount");
    assert_eq!(xincheng.to_string(), "4383375.00");
    assert_eq!(xincheng.wan_display(), "438.3375");
    let jingxi = price.amount_for(area("75.2604")).expect("amount");
    assert_eq!(jingxi.to_string(), "18815100.00");
    assert_eq!(jingxi.wan_display(), "1881.5100");
    assert_eq!(area("75.2604").hectares_display(), "5.0174");
}

#[test]
fn hectares_convert_exactly_when_they_fit_four_decimals_of_mu() {
    assert_eq!(Area::parse_in("5.01736", AreaUnit::Ha), Ok(area("75.2604")));
    assert_eq!(Area::parse_in("1", AreaUnit::Ha), Ok(area("15")));
    assert_eq!(Area::parse_in("10000", AreaUnit::M2), Ok(area("15")));
    assert_eq!(Area::parse_in("2", AreaUnit::M2), Ok(area("0.003")));
}

#[test]
fn inputs_needing_a_fifth_decimal_are_refused_with_the_nearest_values() {
    let err = Area::parse_in("17.53351", AreaUnit::Mu).expect_err("5 dp");
    assert_eq!(
        err,
        DomainError::ScaleExceeded {
            max_dp: 4,
            unit: "mu",
            below: "17.5335".into(),
            above: "17.5336".into()
        }
    );
    let err = Area::parse_in("5.017361", AreaUnit::Ha).expect_err("6 dp ha");
    assert!(
        matches!(err, DomainError::ScaleExceeded { ref below, ref above, .. }
        if below == "75.2604" && above == "75.2605")
    );
    let err = Area::parse_in("666.6667", AreaUnit::M2).expect_err("m2");
    assert!(matches!(err, DomainError::ScaleExceeded { ref below, .. } if below == "1.0000"));
    // Trailing zeros do not count as decimals.
    assert_eq!(Area::parse_in("1.50000000", AreaUnit::Mu), Ok(area("1.5")));
}

#[test]
fn bad_input_gets_a_typed_error() {
    let cases: &[(&str, DomainError)] = &[
        ("", DomainError::Empty),
        ("   ", DomainError::Empty),
        ("-1", DomainError::Negative),
        (
            "NaN",
            DomainError::NotANumber {
                input: "NaN".into(),
            },
        ),
        (
            "1e30",
            DomainError::NotANumber {
                input: "1e30".into(),
            },
        ),
        (
            "1.2.3",
            DomainError::NotANumber {
                input: "1.2.3".into(),
            },
        ),
        (".5", DomainError::NotANumber { input: ".5".into() }),
        ("5.", DomainError::NotANumber { input: "5.".into() }),
        (
            "1,00",
            DomainError::BadGrouping {
                input: "1,00".into(),
            },
        ),
        ("+1", DomainError::NotANumber { input: "+1".into() }),
    ];
    for (input, expected) in cases {
        assert_eq!(
            &input.parse::<Area>().expect_err(input),
            expected,
            "{input}"
        );
    }
    assert!(matches!(
        "1000000000000000000000000000000".parse::<Area>(),
        Err(DomainError::TooLarge { .. })
    ));
    assert!(matches!(
        "10000000.0001".parse::<Area>(),
        Err(DomainError::TooLarge { .. })
    ));
    assert_eq!("10000000".parse::<Area>().map(Area::e4), Ok(MAX_AREA_E4));
}

#[test]
fn full_width_digits_and_thousands_separators_are_accepted() {
    assert_eq!("１７．５３３５".parse::<Area>(), Ok(area("17.5335")));
    assert_eq!(Money::parse("4,383,375.00"), Money::from_fen(438_337_500));
    assert_eq!(Money::parse("1，000"), Money::from_yuan(1000));
    assert_eq!(Money::parse(" 12 "), Money::from_yuan(12));
}

#[test]
fn amounts_round_half_up_once() {
    let price = UnitPrice::parse("0.03").expect("price");
    // 0.5 亩 × 0.03 = 0.015 元 → 0.02 (half-up).
    assert_eq!(
        price.amount_for(area("0.5")).map(|m| m.to_string()),
        Ok("0.02".into())
    );
    // 0.4999 × 0.03 = 0.014997 → 0.01.
    assert_eq!(
        price.amount_for(area("0.4999")).map(|m| m.to_string()),
        Ok("0.01".into())
    );
    let huge = UnitPrice::from_fen(MAX_PRICE_FEN).expect("max price");
    assert_eq!(
        huge.amount_for(Area::from_e4(MAX_AREA_E4).expect("max")),
        Err(DomainError::Overflow)
    );
}

#[test]
fn deposits_ceil_to_a_multiple_of_one_hundred_thousand() {
    let step = Money::from_yuan(100_000).expect("step");
    let ceil = |yuan_fen: i64| Money::from_fen(yuan_fen).and_then(|m| m.ceil_to_multiple(step));
    assert_eq!(ceil(43_833_750), Money::from_yuan(500_000));
    assert_eq!(ceil(188_151_000), Money::from_yuan(1_900_000));
    assert_eq!(ceil(10_000_000), Money::from_yuan(100_000));
    assert_eq!(ceil(10_000_001), Money::from_yuan(200_000));
}

#[test]
fn percent_splits_add_up_and_the_last_takes_the_remainder() {
    let total = Money::parse("100.00").expect("total");
    let thirds = [
        Percent::parse("33.33"),
        Percent::parse("33.33"),
        Percent::parse("33.34"),
    ]
    .map(|p| p.expect("pct"));
    let parts = total.split_by_percent(&thirds).expect("split");
    assert_eq!(
        parts.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["33.33", "33.33", "33.34"]
    );
    let tiny = Money::from_fen(1).expect("1 fen");
    let halves = [
        Percent::parse("50"),
        Percent::parse("50"),
        Percent::parse("0"),
    ]
    .map(|p| p.expect("pct"));
    let parts = tiny.split_by_percent(&halves).expect("split");
    assert_eq!(parts.iter().map(|m| m.fen()).sum::<i64>(), 1);
    assert!(parts.iter().all(|m| m.fen() >= 0));
    assert!(matches!(
        total.split_by_percent(&[Percent::parse("60").expect("pct")]),
        Err(DomainError::PercentagesNot100 { .. })
    ));
}

#[test]
fn pro_rata_gives_the_last_take_the_remainder() {
    let farmland = area("14.3805");
    let whole = area("17.5335");
    let first = farmland.pro_rata(area("10"), whole);
    let rest = farmland.checked_sub(first).expect("rest");
    assert_eq!(rest.pro_rata(area("7.5335"), area("7.5335")), rest);
    assert_eq!(first.to_string(), "8.2017");
}

#[test]
fn display_forms() {
    let m = Money::from_fen(1_881_510_000).expect("m");
    assert_eq!(m.grouped(), "18,815,100.00");
    assert_eq!(Money::from_fen(5).expect("m").to_string(), "0.05");
    assert_eq!(area("1234.5").grouped(), "1,234.5000");
    assert_eq!(group_thousands("123"), "123");
    assert_eq!(group_thousands("1234567"), "1,234,567");
}

#[test]
fn serde_uses_strings_and_rejects_invalid_values() {
    let json = serde_json::to_string(&area("17.5335")).expect("ser");
    assert_eq!(json, "\"17.5335\"");
    assert!(serde_json::from_str::<Area>("\"17.53351\"").is_err());
    assert!(
        serde_json::from_str::<Area>("17.5").is_err(),
        "numbers are not accepted, only strings"
    );
    assert!(serde_json::from_str::<UnitPrice>("\"0\"").is_err());
}

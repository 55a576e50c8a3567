//! Property tests of the domain: parse∘display round trips, splits sum to the whole, amounts
//! stay exact, and no input string makes a parser panic.

use proptest::prelude::*;
use quota_shared::quantity::{MAX_AREA_E4, MAX_MONEY_FEN, MAX_PRICE_FEN};
use quota_shared::{Area, AreaUnit, Money, Percent, UnitPrice};

proptest! {
    #[test]
    fn area_display_parses_back_to_the_same_area(e4 in 0..=MAX_AREA_E4) {
        let a = Area::from_e4(e4).expect("in range");
        prop_assert_eq!(a.to_string().parse::<Area>(), Ok(a));
        prop_assert_eq!(a.grouped().parse::<Area>(), Ok(a));
    }

    #[test]
    fn money_display_parses_back_to_the_same_money(fen in 0..=MAX_MONEY_FEN) {
        let m = Money::from_fen(fen).expect("in range");
        prop_assert_eq!(m.to_string().parse::<Money>(), Ok(m));
        prop_assert_eq!(m.grouped().parse::<Money>(), Ok(m));
    }

    #[test]
    fn hectares_times_fifteen_is_the_area_in_mu(e4 in 0..=(MAX_AREA_E4 / 15)) {
        // Any area in 亩 that is a multiple of 15 e4-units is exactly representable in 公顷.
        let mu = Area::from_e4(e4 * 15).expect("in range");
        let ha = format!("{}.{:08}", e4 / 10_000, (e4 % 10_000) * 10_000);
        prop_assert_eq!(Area::parse_in(&ha, AreaUnit::Ha), Ok(mu));
    }

    #[test]
    fn percent_splits_add_up_to_the_whole(
        fen in 0..=MAX_MONEY_FEN,
        raw in proptest::collection::vec(0i64..=10_000, 1..6),
    ) {
        // Scale arbitrary weights into hundredths of a percent that add up to 100.00.
        let sum: i64 = raw.iter().sum::<i64>().max(1);
        let mut shares: Vec<i64> = raw.iter().map(|w| w * 10_000 / sum).collect();
        let assigned: i64 = shares.iter().sum();
        if let Some(last) = shares.last_mut() { *last += 10_000 - assigned; }
        let percents: Vec<Percent> = shares.iter().map(|h| Percent::from_hundredths(*h).expect("pct")).collect();
        let total = Money::from_fen(fen).expect("money");
        let parts = total.split_by_percent(&percents).expect("split");
        prop_assert_eq!(parts.iter().map(|m| m.fen()).sum::<i64>(), fen);
        for (part, share) in parts.iter().zip(&shares) {
            let exact = i128::from(fen) * i128::from(*share);
            let diff = (i128::from(part.fen()) * 10_000 - exact).abs();
            prop_assert!(diff <= 10_000, "part {} off its share by more than one fen", part);
        }
    }

    #[test]
    fn purchase_amounts_are_within_half_a_fen_of_the_exact_product(
        e4 in 1..=1_000_000_000i64,
        price in 1..=MAX_PRICE_FEN / 1000,
    ) {
        let area = Area::from_e4(e4).expect("area");
        let price = UnitPrice::from_fen(price).expect("price");
        if let Ok(amount) = price.amount_for(area) {
            let exact = i128::from(e4) * i128::from(price.fen());
            let diff = i128::from(amount.fen()) * 10_000 - exact;
            // Half-up: an exact half rounds up, so the error lies in (-0.5 分, +0.5 分].
            prop_assert!((-4_999..=5_000).contains(&diff), "half-up rounding");
        }
    }

    #[test]
    fn no_input_string_panics_a_parser(s in "\\PC*") {
        let _ = s.parse::<Area>();
        let _ = Area::parse_in(&s, AreaUnit::Ha);
        let _ = Area::parse_in(&s, AreaUnit::M2);
        let _ = s.parse::<Money>();
        let _ = s.parse::<UnitPrice>();
        let _ = s.parse::<Percent>();
    }

    #[test]
    fn numeric_looking_strings_never_panic_and_never_round(s in "[-+0-9.,，０-９．]{0,40}") {
        if let Ok(a) = s.parse::<Area>() {
            // Whatever was accepted must display as the same value when re-parsed.
            prop_assert_eq!(a.to_string().parse::<Area>(), Ok(a));
        }
        let _ = Area::parse_in(&s, AreaUnit::M2);
    }

    #[test]
    fn capital_amounts_never_panic(fen in 0..=MAX_MONEY_FEN) {
        let text = quota_shared::capital::to_capital(Money::from_fen(fen).expect("money"));
        prop_assert!(text.ends_with('整') || text.ends_with('角') || text.ends_with('分'));
    }
}

/// The case proptest found: area × price ends in exactly half a 分, which rounds up.
#[test]
fn an_exact_half_fen_rounds_up() {
    let area = Area::from_e4(147_017_720).expect("area");
    let price = UnitPrice::from_fen(3_192_625).expect("price");
    // 14701.7720 亩 × 31,926.25 元/亩 = 469,372,448.315 元 → 469,372,448.32 元.
    assert_eq!(
        price.amount_for(area).map(|m| m.to_string()),
        Ok("469372448.32".into())
    );
}

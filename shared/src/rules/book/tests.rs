//! Tests of `rules::book`.
use super::*;
use crate::rules::{ProjectUse, must_buy};

fn code(c: &str) -> CountyCode {
    c.parse().expect("code")
}

#[test]
fn the_transition_period_splits_r6_to_r8_into_a_confirmed_and_an_unconfirmed_version() {
    let book = RuleBook::builtin();
    let last = TRANSITION_ENDS;
    let first_after = date!(2026 - 01 - 01);
    for rule in [RuleId::R6, RuleId::R7, RuleId::R8] {
        let before = book.on(rule, last).expect("in force");
        let after = book.on(rule, first_after).expect("in force");
        assert_eq!((before.version, before.confirmed), (1, true), "{rule}");
        assert_eq!((after.version, after.confirmed), (2, false), "{rule}");
        assert!(after.citation.contains("未核实"), "{}", after.citation);
        assert!(
            !book.applies(rule, date!(2021 - 06 - 29)),
            "{rule} before the measures"
        );
    }
    assert!(book.labels_on(first_after).contains("R6.2 R7.2 R8.2"));
    assert!(book.labels_on(last).contains("R6.1 R7.1 R8.1"));
    assert!(book.labels_on(first_after).ends_with("R15.1 R16.1"));
}

#[test]
fn lists_and_marks_come_from_the_version_in_force() {
    let mut versions = RuleBook::builtin().versions().to_vec();
    // From 2027-03-01 R6 also covers 藤县; R14 marks 苍梧县 a confirmed 脱贫县.
    let mut r6 = versions
        .iter()
        .find(|v| v.rule == RuleId::R6 && v.version == 2)
        .cloned()
        .expect("R6.2");
    r6.version = 3;
    r6.effective_from = date!(2027 - 03 - 01);
    r6.params
        .units
        .get_or_insert_with(Vec::new)
        .push(code("450422"));
    let mut r14 = versions
        .iter()
        .find(|v| v.rule == RuleId::R14)
        .cloned()
        .expect("R14");
    r14.version = 2;
    r14.effective_from = date!(2027 - 03 - 01);
    for m in r14.params.counties.iter_mut().flatten() {
        if m.code == code("450421") {
            (m.poverty_alleviated, m.confirmed) = (true, true);
        }
    }
    versions.extend([r6, r14]);
    let book = RuleBook::new(versions);
    let units = wuzhou_default();
    let teng = units
        .iter()
        .find(|u| u.code == code("450422"))
        .expect("藤县");
    let cangwu = units
        .iter()
        .find(|u| u.code == code("450421"))
        .expect("苍梧县");
    let (eve, day) = (date!(2027 - 02 - 28), date!(2027 - 03 - 01));
    assert!(!must_buy(teng, ProjectUse::Residential, eve, &book));
    assert!(must_buy(teng, ProjectUse::Residential, day, &book));
    assert!(!book.is_poverty(cangwu, eve));
    assert!(book.is_poverty(cangwu, day));
    let seen = book.units_on(&units, day);
    let c = seen.iter().find(|u| u.code == cangwu.code).expect("苍梧县");
    assert!(c.poverty_alleviated && c.poverty_status_confirmed);
    let t = seen.iter().find(|u| u.code == teng.code).expect("藤县");
    assert_eq!(t.project_rule, ProjectQuotaRule::MustBuy);
}

#[test]
fn parameters_on_the_day_and_their_checks() {
    let mut versions = RuleBook::builtin().versions().to_vec();
    versions.push(RuleVersion {
        rule: RuleId::R4,
        version: 2,
        effective_from: date!(2027 - 01 - 01),
        effective_to: None,
        confirmed: true,
        citation: "test".into(),
        params: RuleParams {
            bid_step_yuan: Some("100000".parse().expect("money")),
            ..RuleParams::default()
        },
    });
    let book = RuleBook::new(versions);
    let base = crate::auction::AuctionParams::default();
    assert_eq!(
        base.as_on(&book, date!(2026 - 12 - 31)).bid_step,
        base.bid_step
    );
    assert_eq!(
        base.as_on(&book, date!(2027 - 01 - 01))
            .bid_step
            .to_string(),
        "100000.00"
    );
    let known = [code("450422")];
    let step = |s: &str| RuleParams {
        bid_step_yuan: Some(s.parse().expect("money")),
        ..RuleParams::default()
    };
    assert!(step("1").check_for(RuleId::R4, &known).is_ok());
    assert_eq!(
        step("0").check_for(RuleId::R4, &known).map_err(|e| e.field),
        Err("params.bid_step_yuan".to_string())
    );
    assert_eq!(
        step("1").check_for(RuleId::R6, &known).map_err(|e| e.field),
        Err("params".to_string()),
        "R6 takes units, not a step"
    );
    let units = |codes: &[&str]| RuleParams {
        units: Some(codes.iter().map(|c| code(c)).collect()),
        ..RuleParams::default()
    };
    assert!(units(&["450422"]).check_for(RuleId::R7, &known).is_ok());
    assert!(units(&["450499"]).check_for(RuleId::R7, &known).is_err());
    assert!(
        units(&["450422", "450422"])
            .check_for(RuleId::R7, &known)
            .is_err()
    );
    let days = |d| RuleParams {
        reservation_days: Some(d),
        ..RuleParams::default()
    };
    assert!(days(90).check_for(RuleId::R15, &known).is_ok());
    assert!(days(0).check_for(RuleId::R15, &known).is_err());
    assert!(days(91).check_for(RuleId::R15, &known).is_err());
}

#[test]
fn r16_periods_come_from_the_version_in_force_and_zero_is_allowed() {
    let book = RuleBook::builtin();
    let p = book.periods_on(date!(2026 - 12 - 05));
    assert_eq!((p.announce_days, p.publicity_days), (20, 3));
    // Before any version: no period.
    assert_eq!(
        book.periods_on(date!(2017 - 12 - 31)),
        crate::rules::Periods::default()
    );
    let known: Vec<CountyCode> = Vec::new();
    let params = |a, p| RuleParams {
        announce_days: a,
        publicity_days: p,
        ..RuleParams::default()
    };
    assert!(
        params(Some(0), Some(0))
            .check_for(RuleId::R16, &known)
            .is_ok()
    );
    assert!(
        params(Some(90), Some(90))
            .check_for(RuleId::R16, &known)
            .is_ok()
    );
    assert!(
        params(Some(91), Some(3))
            .check_for(RuleId::R16, &known)
            .is_err()
    );
    assert!(
        params(Some(3), None)
            .check_for(RuleId::R16, &known)
            .is_err()
    );
    // R16's fields belong to R16 only.
    assert!(
        params(Some(3), Some(3))
            .check_for(RuleId::R15, &known)
            .is_err()
    );
}

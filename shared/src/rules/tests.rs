//! Tests of `rules`.

use super::*;
use crate::jurisdiction::wuzhou_default;

fn unit(name: &str) -> Jurisdiction {
    wuzhou_default()
        .into_iter()
        .find(|u| u.name == name)
        .expect("unit in default table")
}
fn price(s: &str) -> UnitPrice {
    s.parse().expect("price")
}
const TODAY: Date = date!(2026 - 11 - 29);

fn book() -> RuleBook {
    RuleBook::builtin()
}

#[test]
fn the_catalog_is_indexed_by_rule_id_and_cited() {
    for &id in RuleId::ALL {
        assert_eq!(id.def().id, id);
        assert!(!id.def().citation.is_empty());
        assert_eq!(id.wire().parse::<RuleId>(), Ok(id));
    }
}

#[test]
fn r1_base_price_exactly_at_the_floor_passes_and_one_fen_below_fails() {
    let floors = default_floors();
    assert_eq!(
        check_base_price(price("250000.00"), TODAY, &floors, &book()),
        Ok(())
    );
    let v = check_base_price(price("249999.99"), TODAY, &floors, &book()).expect_err("below floor");
    assert_eq!(v.rule, RuleId::R1);
    assert!(v.message_zh.contains("250,000.00"), "{}", v.message_zh);
}

#[test]
fn r1_uses_the_floor_version_in_force_on_the_day() {
    let floors = default_floors();
    let day_2019 = date!(2019 - 06 - 01);
    assert_eq!(
        floor_on(&floors, day_2019).map(|f| f.price_per_mu),
        Some(price("100000"))
    );
    // R1 itself only applies from the Wuzhou measures of 2021-06-30.
    assert_eq!(
        check_base_price(price("150000"), day_2019, &floors, &book()),
        Ok(())
    );
    assert!(check_base_price(price("150000"), date!(2021 - 06 - 30), &floors, &book()).is_err());
    assert!(floor_on(&floors, date!(2017 - 12 - 31)).is_none());
}

#[test]
fn a_county_listing_is_held_to_the_floor_in_force_even_above_an_old_base_price() {
    // A base price of 200,000 set while the floor was 100,000; the floor rose to 250,000.
    let floors = default_floors();
    let base = Some(price("200000"));
    // R1 applies from the Wuzhou measures of 2021-06-30: the day before only R2 counts.
    assert_eq!(
        check_listing_price(
            Channel::County,
            price("200000"),
            base,
            date!(2021 - 06 - 29),
            &floors,
            &book()
        ),
        Ok(())
    );
    let on = check_listing_price(
        Channel::County,
        price("200000"),
        base,
        date!(2021 - 06 - 30),
        &floors,
        &book(),
    );
    assert_eq!(on.map_err(|v| v.rule), Err(RuleId::R1));
    let v = check_listing_price(
        Channel::County,
        price("249999.99"),
        base,
        TODAY,
        &floors,
        &book(),
    )
    .expect_err("below the floor in force");
    assert_eq!(v.rule, RuleId::R1);
    assert!(v.message_zh.contains("250,000.00"), "{}", v.message_zh);
    assert!(v.message_zh.contains("基准指导价"), "{}", v.message_zh);
    assert_eq!(
        check_listing_price(
            Channel::County,
            price("250000"),
            base,
            TODAY,
            &floors,
            &book()
        ),
        Ok(())
    );
    // R2 still comes first: below the base price is an R2 refusal.
    let v = check_listing_price(
        Channel::County,
        price("199999.99"),
        base,
        TODAY,
        &floors,
        &book(),
    )
    .expect_err("below base");
    assert_eq!(v.rule, RuleId::R2);
}

#[test]
fn r2_needs_a_base_price_and_a_listing_at_or_above_it() {
    let floors = default_floors();
    let v = check_listing_price(
        Channel::County,
        price("300000"),
        None,
        TODAY,
        &floors,
        &book(),
    )
    .expect_err("no base price");
    assert_eq!(v.rule, RuleId::R2);
    assert!(v.message_zh.contains("先设定基准指导价"));
    let base = Some(price("300000"));
    assert_eq!(
        check_listing_price(
            Channel::County,
            price("300000"),
            base,
            TODAY,
            &floors,
            &book()
        ),
        Ok(())
    );
    let v = check_listing_price(
        Channel::County,
        price("299999.99"),
        base,
        TODAY,
        &floors,
        &book(),
    )
    .expect_err("below base");
    assert_eq!(v.rule, RuleId::R2);
}

#[test]
fn r3_start_price_at_floor_passes_one_fen_below_fails() {
    let floors = default_floors();
    assert_eq!(
        check_listing_price(
            Channel::Regional,
            price("250000"),
            None,
            TODAY,
            &floors,
            &book()
        ),
        Ok(())
    );
    let v = check_listing_price(
        Channel::Regional,
        price("249999.99"),
        None,
        TODAY,
        &floors,
        &book(),
    )
    .expect_err("below");
    assert_eq!(v.rule, RuleId::R3);
}

#[test]
fn r6_commercial_and_housing_in_districts_and_cenxi_must_buy() {
    assert!(must_buy(
        &unit("长洲区"),
        ProjectUse::Residential,
        TODAY,
        &book()
    ));
    assert!(must_buy(
        &unit("岑溪市"),
        ProjectUse::Commercial,
        TODAY,
        &book()
    ));
    assert!(!must_buy(
        &unit("长洲区"),
        ProjectUse::Industrial,
        TODAY,
        &book()
    ));
    assert!(!must_buy(
        &unit("长洲区"),
        ProjectUse::Public,
        TODAY,
        &book()
    ));
    assert!(!must_buy(
        &unit("藤县"),
        ProjectUse::Commercial,
        TODAY,
        &book()
    ));
    assert!(!must_buy(
        &unit("长洲区"),
        ProjectUse::Commercial,
        date!(2021 - 06 - 29),
        &book()
    ));
}

#[test]
fn r7_district_projects_take_only_regional_poverty_county_quota() {
    let district = unit("长洲区");
    let teng = unit("藤县");
    let cangwu = unit("苍梧县");
    let v = check_quota_eligibility(
        &teng,
        Channel::County,
        &district,
        ProjectUse::Residential,
        TODAY,
        &book(),
    );
    assert_eq!(v.iter().map(|v| v.rule).collect::<Vec<_>>(), [RuleId::R7]);
    assert!(v[0].message_zh.contains("自治区交易平台"));
    assert!(
        check_quota_eligibility(
            &teng,
            Channel::Regional,
            &district,
            ProjectUse::Residential,
            TODAY,
            &book()
        )
        .is_empty()
    );
    assert_eq!(
        check_quota_eligibility(
            &cangwu,
            Channel::Regional,
            &district,
            ProjectUse::Commercial,
            TODAY,
            &book()
        )
        .len(),
        1
    );
    // Cenxi must buy (R6) but may buy on either channel.
    assert!(
        check_quota_eligibility(
            &teng,
            Channel::County,
            &unit("岑溪市"),
            ProjectUse::Commercial,
            TODAY,
            &book()
        )
        .is_empty()
    );
    // An industrial project in a district may buy county quota.
    assert!(
        check_quota_eligibility(
            &teng,
            Channel::County,
            &district,
            ProjectUse::Industrial,
            TODAY,
            &book()
        )
        .is_empty()
    );
}

#[test]
fn r8_poverty_county_quota_stays_in_guangxi() {
    let mut outside = unit("岑溪市");
    outside.code = "440103".parse().expect("code");
    outside.name = "广州市荔湾区".into();
    let v = check_quota_eligibility(
        &unit("藤县"),
        Channel::County,
        &outside,
        ProjectUse::Industrial,
        TODAY,
        &book(),
    );
    assert_eq!(v.iter().map(|v| v.rule).collect::<Vec<_>>(), [RuleId::R8]);
    assert!(
        check_quota_eligibility(
            &unit("苍梧县"),
            Channel::County,
            &outside,
            ProjectUse::Industrial,
            TODAY,
            &book()
        )
        .is_empty()
    );
}

#[test]
fn listing_quantities_nest_area_farmland_paddy() {
    let a = |s: &str| s.parse::<Area>().expect("area");
    assert_eq!(
        check_listing_quantities(a("17.5335"), a("14.3805"), a("14.3805"), 0),
        Ok(())
    );
    let e = check_listing_quantities(a("0"), a("0"), a("0"), 0).expect_err("zero area");
    assert_eq!((e.field.as_str(), e.error), ("area_mu", DomainError::Zero));
    let e = check_listing_quantities(a("10"), a("10.0001"), a("0"), 0).expect_err("farmland");
    assert_eq!(e.field, "farmland_mu");
    assert!(e.message_zh().contains("耕地面积"), "{}", e.message_zh());
    let e = check_listing_quantities(a("10"), a("5"), a("5.0001"), 0).expect_err("paddy");
    assert_eq!(e.field, "paddy_mu");
    let e = check_listing_quantities(a("10"), a("5"), a("5"), -1).expect_err("capacity");
    assert_eq!(e.field, "grain_capacity_kg");
}

#[test]
fn validate_purchase_and_listing_return_every_violation() {
    let mut outside = unit("长洲区");
    outside.code = "440103".parse().expect("code");
    outside.name = "广州市荔湾区".into();
    // A unit outside Guangxi on R7's list (a version that names it) buying 藤县 county quota:
    // R7 and R8 together.
    let mut versions = book().versions().to_vec();
    for v in versions.iter_mut().filter(|v| v.rule == RuleId::R7) {
        v.params
            .units
            .get_or_insert_with(Vec::new)
            .push(outside.code.clone());
    }
    let found = validate_purchase(
        &unit("藤县"),
        Channel::County,
        &outside,
        ProjectUse::Commercial,
        TODAY,
        &RuleBook::new(versions),
    )
    .expect_err("two rules");
    assert_eq!(
        found.iter().map(|v| v.rule).collect::<Vec<_>>(),
        [RuleId::R7, RuleId::R8]
    );
    let floors = default_floors();
    assert_eq!(
        validate_listing(
            Channel::Regional,
            price("250000"),
            None,
            TODAY,
            &floors,
            &book()
        ),
        Ok(())
    );
    assert!(
        validate_listing(
            Channel::County,
            price("250000"),
            None,
            TODAY,
            &floors,
            &book()
        )
        .is_err()
    );
}

#[test]
fn r12_allocations_go_only_to_configured_uses() {
    let cats = default_use_categories();
    assert_eq!(check_allocation_use("乡村振兴项目建设", &cats), Ok(()));
    let v = check_allocation_use("城市道路", &cats).expect_err("not configured");
    assert_eq!(v.rule, RuleId::R12);
    assert!(v.message_zh.contains("巩固拓展脱贫攻坚成果"));
    assert!(
        cats.iter().any(|c| !c.confirmed),
        "复垦主体补偿 is marked unconfirmed"
    );
}

#[test]
fn r11_only_regional_bidders_bid() {
    assert!(check_regional_bidder(true).is_ok());
    assert_eq!(
        check_regional_bidder(false).map_err(|v| v.rule),
        Err(RuleId::R11)
    );
}

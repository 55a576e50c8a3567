//! The policy rules R1–R14 as effective-dated data ([`catalog`]) plus pure check functions.
//! The browser's calculator and the server call the same functions and get the same
//! [`RuleViolation`]s, in Chinese and English, each with its citation.
//!
//! Sources: the Wuzhou 2021 implementing measures (中共梧州市委 梧州市人民政府《关于实现巩固拓展
//! 脱贫攻坚成果同乡村振兴有效衔接的实施办法》, 2021-06-30, clause 三(三)5 on land), the Guangxi
//! listing notices 桂节指告字〔2020〕31号 and 〔2021〕28号, the 2018 Guangxi 暂行细则 as reported
//! (domain.md §2), and the PBoC 支付结算办法 for 大写. The Wuzhou measures set a five-year
//! transition period (一(二), 2021–2025); whether the land clause continues after 2025-12-31 is
//! not confirmed, so the rules carry no end date and the administrator can set one (R13).

use serde::{Deserialize, Serialize};
use time::{Date, macros::date};

use crate::error::{DomainError, FieldError};
use crate::jurisdiction::{Jurisdiction, ProjectQuotaRule};
use crate::quantity::{Area, Money, UnitPrice};
use crate::wire::wire_enum;

wire_enum! {
    /// The identifier of a policy rule.
    #[derive(PartialOrd, Ord)]
    pub enum RuleId {
        R1 = "R1",
        R2 = "R2",
        R3 = "R3",
        R4 = "R4",
        R5 = "R5",
        R6 = "R6",
        R7 = "R7",
        R8 = "R8",
        R9 = "R9",
        R10 = "R10",
        R11 = "R11",
        R12 = "R12",
        R13 = "R13",
        R14 = "R14",
    }
}

impl RuleId {
    /// This rule's definition in the built-in catalog.
    pub fn def(self) -> &'static RuleDef {
        &CATALOG[self as usize]
    }
}

/// One rule: what it says, where it comes from, from when it applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDef {
    pub id: RuleId,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    /// Document and clause, as a reader would look it up.
    pub citation: &'static str,
    /// Whether the citation was read in the primary text (true) or inferred / observed.
    pub confirmed: bool,
    pub effective_from: Date,
    pub effective_to: Option<Date>,
}

impl RuleDef {
    pub fn in_force_on(&self, day: Date) -> bool {
        day >= self.effective_from && self.effective_to.is_none_or(|end| day <= end)
    }
}

const SEED: &str =
    "梧州市《关于实现巩固拓展脱贫攻坚成果同乡村振兴有效衔接的实施办法》(2021-06-30) 三(三)5";
const NOTICES: &str = "桂节指告字〔2020〕31号、〔2021〕28号 挂牌出让公告";
const WUZHOU_2021: Date = date!(2021 - 06 - 30);

/// The built-in catalog, indexed by `RuleId as usize`. Version label: [`RULESET_VERSION`].
static CATALOG: [RuleDef; 14] = [
    RuleDef {
        id: RuleId::R1,
        title_zh: "县级基准指导价不低于自治区流转基准指导价（最低价）",
        title_en: "A county base price is not below the regional floor in force",
        citation: SEED,
        confirmed: true,
        effective_from: WUZHOU_2021,
        effective_to: None,
    },
    RuleDef {
        id: RuleId::R2,
        title_zh: "县级平台挂牌单价不低于本县基准指导价（须先设定基准指导价）",
        title_en: "A county-channel listing price is not below the county's base price (which must be set first)",
        citation: SEED,
        confirmed: true,
        effective_from: WUZHOU_2021,
        effective_to: None,
    },
    RuleDef {
        id: RuleId::R3,
        title_zh: "自治区平台起始价不低于最低价",
        title_en: "A regional start price is not below the regional floor",
        citation: "广西《城乡建设用地增减挂钩节余指标交易暂行细则》(2018) 起始价不低于10万元/亩",
        confirmed: true,
        effective_from: date!(2018 - 01 - 01),
        effective_to: None,
    },
    RuleDef {
        id: RuleId::R4,
        title_zh: "竞价按起始价加5万元整数倍递增，须高于当前最高价至少一个增价幅度，价高者得",
        title_en: "Bids are the start plus whole steps of 50,000 yuan, beat the high bid by a step; highest wins",
        citation: NOTICES,
        confirmed: true,
        effective_from: date!(2020 - 01 - 01),
        effective_to: None,
    },
    RuleDef {
        id: RuleId::R5,
        title_zh: "竞买保证金为起始价的10%，向上取整到10万元（观察所得，可配置）",
        title_en: "The deposit is 10 % of the start total, rounded up to 100,000 yuan (observed; configurable)",
        citation: NOTICES,
        confirmed: false,
        effective_from: date!(2020 - 01 - 01),
        effective_to: None,
    },
    RuleDef {
        id: RuleId::R6,
        title_zh: "市辖区、岑溪市商服、商品住宅项目不安排计划指标，须购买节余指标",
        title_en: "Commercial and housing projects in the city districts and Cenxi get no plan quota and must buy",
        citation: SEED,
        confirmed: true,
        effective_from: WUZHOU_2021,
        effective_to: None,
    },
    RuleDef {
        id: RuleId::R7,
        title_zh: "市辖区商服、商品住宅项目须通过自治区交易平台购买脱贫县节余指标",
        title_en: "City-district commercial and housing projects buy only 脱贫县 quota on the regional platform",
        citation: SEED,
        confirmed: true,
        effective_from: WUZHOU_2021,
        effective_to: None,
    },
    RuleDef {
        id: RuleId::R8,
        title_zh: "脱贫县节余指标仅在区内交易",
        title_en: "Quota of a 脱贫县 is traded only within Guangxi",
        citation: SEED,
        confirmed: true,
        effective_from: WUZHOU_2021,
        effective_to: None,
    },
    RuleDef {
        id: RuleId::R9,
        title_zh: "面积以亩计保留4位小数，金额以元计保留2位小数，成交金额四舍五入一次",
        title_en: "Area in mu to 4 decimals, money in yuan to 2; a purchase amount is rounded half-up once",
        citation: "桂节指告字〔2021〕28号（面积精确到0.0001亩）",
        confirmed: true,
        effective_from: date!(2018 - 01 - 01),
        effective_to: None,
    },
    RuleDef {
        id: RuleId::R10,
        title_zh: "成交确认书金额用中文大写",
        title_en: "Confirmations state the amount in capital Chinese numerals",
        citation: "中国人民银行《支付结算办法》附一《正确填写票据和结算凭证的基本规定》",
        confirmed: true,
        effective_from: date!(2018 - 01 - 01),
        effective_to: None,
    },
    RuleDef {
        id: RuleId::R11,
        title_zh: "自治区平台竞买人为区内各级人民政府或其授权的独立法人",
        title_en: "Regional bidders are governments in Guangxi or entities they authorise",
        citation: NOTICES,
        confirmed: true,
        effective_from: date!(2020 - 01 - 01),
        effective_to: None,
    },
    RuleDef {
        id: RuleId::R12,
        title_zh: "交易收益归出让县所有，仅用于配置的用途（巩固脱贫成果、乡村振兴等）",
        title_en: "Proceeds belong to the selling county and go only to the configured uses",
        citation: "梧州市实施办法 三(三)5、三(三)1",
        confirmed: true,
        effective_from: WUZHOU_2021,
        effective_to: None,
    },
    RuleDef {
        id: RuleId::R13,
        title_zh: "规则有生效日期，每笔挂牌和交易记录所依据的规则版本",
        title_en: "Rules carry effective dates; each listing and trade records the versions checked",
        citation: "本平台规则管理",
        confirmed: true,
        effective_from: date!(2018 - 01 - 01),
        effective_to: None,
    },
    RuleDef {
        id: RuleId::R14,
        title_zh: "脱贫县标识为数据，并标明是否已核实",
        title_en: "The 脱贫县 flag is data with a confirmed/unconfirmed mark",
        citation: "本平台规则管理",
        confirmed: true,
        effective_from: date!(2018 - 01 - 01),
        effective_to: None,
    },
];

/// The label of the built-in rule set; recorded with each listing and trade (R13).
pub const RULESET_VERSION: &str = "wuzhou-2021.1";

/// Every rule definition, R1 to R14.
pub fn catalog() -> &'static [RuleDef] {
    &CATALOG
}

/// A rule that refuses an action, with messages for the user and the rule's citation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleViolation {
    pub rule: RuleId,
    pub message_zh: String,
    pub message_en: String,
    pub citation: String,
}

impl RuleViolation {
    fn new(rule: RuleId, message_zh: String, message_en: String) -> Self {
        Self {
            rule,
            message_zh,
            message_en,
            citation: rule.def().citation.to_string(),
        }
    }
}

/// A rule that shaped a calculator answer (same shape as a violation: rule, words, citation).
pub type RuleApplied = RuleViolation;

/// A version of the regional floor price (最低价 / 基准指导价), in force from a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FloorVersion {
    pub price_per_mu: UnitPrice,
    pub effective_from: Date,
}

/// The default floor versions (product.md §3): 100,000 元/亩 from 2018-01-01 (the 2018 rules,
/// confirmed) and 250,000 元/亩 from 2020-01-01 (the start price observed in both notices; the
/// date is an assumption).
pub fn default_floors() -> Vec<FloorVersion> {
    let price = |yuan: i64| UnitPrice::from_fen(yuan * 100).unwrap_or_else(|_| unreachable!());
    vec![
        FloorVersion {
            price_per_mu: price(100_000),
            effective_from: date!(2018 - 01 - 01),
        },
        FloorVersion {
            price_per_mu: price(250_000),
            effective_from: date!(2020 - 01 - 01),
        },
    ]
}

/// The floor in force on `day`: the version with the latest `effective_from` not after it.
pub fn floor_on(floors: &[FloorVersion], day: Date) -> Option<&FloorVersion> {
    floors
        .iter()
        .filter(|f| f.effective_from <= day)
        .max_by_key(|f| f.effective_from)
}

wire_enum! {
    /// How a project will use the land; R6/R7 concern `commercial` (商服) and `residential`
    /// (商品住宅; affordable housing is `public`).
    pub enum ProjectUse {
        Commercial = "commercial",
        Residential = "residential",
        Industrial = "industrial",
        Public = "public",
    }
}

impl ProjectUse {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Commercial => "商服",
            Self::Residential => "商品住宅",
            Self::Industrial => "工业",
            Self::Public => "公共设施及保障性住房",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Commercial => "commercial / services",
            Self::Residential => "commercial housing",
            Self::Industrial => "industrial",
            Self::Public => "public / affordable housing",
        }
    }
    /// 商服 or 商品住宅: the uses the Wuzhou clause restricts.
    pub fn is_commercial_or_housing(self) -> bool {
        matches!(self, Self::Commercial | Self::Residential)
    }
}

wire_enum! {
    /// The trading channel of a listing.
    pub enum Channel {
        /// 县级交易平台: fixed price, partial purchases.
        County = "county",
        /// 自治区交易平台: open bidding, sold whole.
        Regional = "regional",
    }
}

impl Channel {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::County => "县级平台",
            Self::Regional => "自治区平台",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::County => "county platform",
            Self::Regional => "regional platform",
        }
    }
}

/// R1: a county base price must not be below the regional floor in force on `day`.
pub fn check_base_price(
    price: UnitPrice,
    day: Date,
    floors: &[FloorVersion],
) -> Result<(), RuleViolation> {
    if !RuleId::R1.def().in_force_on(day) {
        return Ok(());
    }
    match floor_on(floors, day) {
        Some(floor) if price < floor.price_per_mu => Err(RuleViolation::new(
            RuleId::R1,
            format!(
                "县级基准指导价 {} 元/亩 低于自治区最低价 {} 元/亩（{} 起执行），请设为不低于 {} 元/亩",
                price.grouped(),
                floor.price_per_mu.grouped(),
                floor.effective_from,
                floor.price_per_mu.grouped()
            ),
            format!(
                "The base price {} yuan/mu is below the regional floor of {} yuan/mu (in force since {}); set at least {}",
                price.grouped(),
                floor.price_per_mu.grouped(),
                floor.effective_from,
                floor.price_per_mu.grouped()
            ),
        )),
        _ => Ok(()),
    }
}

/// R2 (county channel) or R3 (regional channel): the listing price against the county's
/// base price or the regional floor.
pub fn check_listing_price(
    channel: Channel,
    price: UnitPrice,
    county_base_price: Option<UnitPrice>,
    day: Date,
    floors: &[FloorVersion],
) -> Result<(), RuleViolation> {
    match channel {
        Channel::County => match county_base_price {
            None => Err(RuleViolation::new(
                RuleId::R2,
                "本县尚未设定基准指导价，请先设定基准指导价再挂牌".into(),
                "This county has no base price yet: set the base price before listing".into(),
            )),
            Some(base) if price < base => Err(RuleViolation::new(
                RuleId::R2,
                format!(
                    "挂牌单价 {} 元/亩 低于本县基准指导价 {} 元/亩，请设为不低于 {} 元/亩",
                    price.grouped(),
                    base.grouped(),
                    base.grouped()
                ),
                format!(
                    "The listing price {} yuan/mu is below the county base price {} yuan/mu; set at least {}",
                    price.grouped(),
                    base.grouped(),
                    base.grouped()
                ),
            )),
            Some(_) => Ok(()),
        },
        Channel::Regional => match floor_on(floors, day) {
            Some(floor) if price < floor.price_per_mu => Err(RuleViolation::new(
                RuleId::R3,
                format!(
                    "起始价 {} 元/亩 低于自治区最低价 {} 元/亩，请设为不低于 {} 元/亩",
                    price.grouped(),
                    floor.price_per_mu.grouped(),
                    floor.price_per_mu.grouped()
                ),
                format!(
                    "The start price {} yuan/mu is below the regional floor of {} yuan/mu; set at least {}",
                    price.grouped(),
                    floor.price_per_mu.grouped(),
                    floor.price_per_mu.grouped()
                ),
            )),
            _ => Ok(()),
        },
    }
}

/// R6: whether a project must be covered by bought quota, with the rule that says so.
pub fn must_buy(project_unit: &Jurisdiction, use_: ProjectUse, day: Date) -> bool {
    RuleId::R6.def().in_force_on(day)
        && use_.is_commercial_or_housing()
        && project_unit.project_rule != ProjectQuotaRule::None
}

/// Whether R7 restricts this project to 脱贫县 quota on the regional platform.
pub fn regional_poverty_only(project_unit: &Jurisdiction, use_: ProjectUse, day: Date) -> bool {
    RuleId::R7.def().in_force_on(day)
        && use_.is_commercial_or_housing()
        && project_unit.project_rule == ProjectQuotaRule::MustBuyRegionalPoverty
}

/// R7 and R8 for quota of `seller` on `channel` going to a project in `project_unit`.
/// Returns every violation found (empty: allowed).
pub fn check_quota_eligibility(
    seller: &Jurisdiction,
    channel: Channel,
    project_unit: &Jurisdiction,
    use_: ProjectUse,
    day: Date,
) -> Vec<RuleViolation> {
    let mut found = Vec::new();
    if regional_poverty_only(project_unit, use_, day)
        && (channel != Channel::Regional || !seller.poverty_alleviated)
    {
        found.push(RuleViolation::new(
            RuleId::R7,
            format!(
                "{}的{}项目只能通过自治区交易平台购买脱贫县节余指标，不能购买{}{}的指标",
                project_unit.name,
                use_.label_zh(),
                seller.name,
                channel.label_zh()
            ),
            format!(
                "A {} project in {} may only buy 脱贫县 quota on the regional platform, not {} quota on the {}",
                use_.label_en(),
                project_unit.name_en,
                seller.name_en,
                channel.label_en()
            ),
        ));
    }
    if RuleId::R8.def().in_force_on(day)
        && seller.poverty_alleviated
        && seller.in_guangxi()
        && !project_unit.in_guangxi()
    {
        found.push(RuleViolation::new(
            RuleId::R8,
            format!("{}为脱贫县，其节余指标只能在区内交易，项目所在地不在广西", seller.name),
            format!(
                "{} is a 脱贫县: its quota is traded only within Guangxi, and the project is outside Guangxi",
                seller.name_en
            ),
        ));
    }
    found
}

/// R11: only accounts marked `regional_bidder` may bid on regional lots.
pub fn check_regional_bidder(regional_bidder: bool) -> Result<(), RuleViolation> {
    if regional_bidder {
        Ok(())
    } else {
        Err(RuleViolation::new(
            RuleId::R11,
            "只有区内各级人民政府或其授权的独立法人（竞买人资格）可以在自治区平台竞价".into(),
            "Only governments in Guangxi or entities they authorise (regional bidders) may bid on the regional platform".into(),
        ))
    }
}

/// The quantities of a listing (product.md §6): `area_mu` > 0, `paddy_mu` ≤ `farmland_mu` ≤
/// `area_mu`, capacity ≥ 0. The first problem, tied to its field.
pub fn check_listing_quantities(
    area: Area,
    farmland: Area,
    paddy: Area,
    grain_capacity_kg: i64,
) -> Result<(), FieldError> {
    area.positive().map_err(|e| FieldError::new("area_mu", e))?;
    if farmland > area {
        return Err(FieldError::new(
            "farmland_mu",
            DomainError::PartExceedsWhole {
                part: "farmland_mu",
                part_value: farmland.to_string(),
                whole: "area_mu",
                whole_value: area.to_string(),
            },
        ));
    }
    if paddy > farmland {
        return Err(FieldError::new(
            "paddy_mu",
            DomainError::PartExceedsWhole {
                part: "paddy_mu",
                part_value: paddy.to_string(),
                whole: "farmland_mu",
                whole_value: farmland.to_string(),
            },
        ));
    }
    if grain_capacity_kg < 0 {
        return Err(FieldError::new("grain_capacity_kg", DomainError::Negative));
    }
    Ok(())
}

/// Everything about a new listing's price: R2 for the county channel, R3 for the regional one.
/// Returns every violation found (today at most one; the shape leaves room for more rules).
pub fn validate_listing(
    channel: Channel,
    price: UnitPrice,
    county_base_price: Option<UnitPrice>,
    day: Date,
    floors: &[FloorVersion],
) -> Result<(), Vec<RuleViolation>> {
    let found: Vec<RuleViolation> =
        check_listing_price(channel, price, county_base_price, day, floors)
            .err()
            .into_iter()
            .collect();
    if found.is_empty() { Ok(()) } else { Err(found) }
}

/// A purchase of county-channel quota for a project: R7 and R8, every violation found.
pub fn validate_purchase(
    seller: &Jurisdiction,
    channel: Channel,
    project_unit: &Jurisdiction,
    use_: ProjectUse,
    day: Date,
) -> Result<(), Vec<RuleViolation>> {
    let found = check_quota_eligibility(seller, channel, project_unit, use_, day);
    if found.is_empty() { Ok(()) } else { Err(found) }
}

/// A permitted use of a county's proceeds (R12). Data: the administrator may edit the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UseCategory {
    pub name: String,
    pub source: String,
    /// Whether the source names this use for Guangxi (false: practice elsewhere).
    pub confirmed: bool,
}

/// The default use categories of product.md §4.
pub fn default_use_categories() -> Vec<UseCategory> {
    let cat = |name: &str, source: &str, confirmed| UseCategory {
        name: name.into(),
        source: source.into(),
        confirmed,
    };
    vec![
        cat("巩固拓展脱贫攻坚成果", "梧州市实施办法 三(三)5", true),
        cat("乡村振兴项目建设", "梧州市实施办法 三(三)5", true),
        cat("易地扶贫搬迁融资资金偿还", "梧州市实施办法 三(三)1", true),
        cat(
            "复垦主体补偿",
            "实践（如重庆地票 85/15），广西未核实",
            false,
        ),
    ]
}

/// R12: proceeds may be allocated only to a configured use.
pub fn check_allocation_use(
    use_name: &str,
    categories: &[UseCategory],
) -> Result<(), RuleViolation> {
    if categories.iter().any(|c| c.name == use_name) {
        return Ok(());
    }
    let allowed: Vec<&str> = categories.iter().map(|c| c.name.as_str()).collect();
    Err(RuleViolation::new(
        RuleId::R12,
        format!(
            "“{use_name}”不是配置的收益用途，请选择：{}",
            allowed.join("、")
        ),
        format!(
            "\"{use_name}\" is not a configured use of proceeds; choose one of: {}",
            allowed.join(", ")
        ),
    ))
}

/// R4 message for a bid that is off the ladder or too low.
pub fn bid_violation(
    amount: Money,
    min_next: Money,
    step: Money,
    off_ladder: bool,
) -> RuleViolation {
    if off_ladder {
        RuleViolation::new(
            RuleId::R4,
            format!(
                "出价 {} 元 不符合增价幅度：须为起始价加 {} 元的整数倍，最低可出 {} 元",
                amount.grouped(),
                step.grouped(),
                min_next.grouped()
            ),
            format!(
                "The bid {} yuan is off the ladder: bids are the start plus whole steps of {} yuan; the lowest valid bid is {}",
                amount.grouped(),
                step.grouped(),
                min_next.grouped()
            ),
        )
    } else {
        RuleViolation::new(
            RuleId::R4,
            format!(
                "出价 {} 元 过低：须不低于 {} 元（当前最高价加一个增价幅度 {} 元）",
                amount.grouped(),
                min_next.grouped(),
                step.grouped()
            ),
            format!(
                "The bid {} yuan is too low: the minimum is {} (the high bid plus one step of {})",
                amount.grouped(),
                min_next.grouped(),
                step.grouped()
            ),
        )
    }
}

#[cfg(test)]
mod tests {
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
        assert_eq!(check_base_price(price("250000.00"), TODAY, &floors), Ok(()));
        let v = check_base_price(price("249999.99"), TODAY, &floors).expect_err("below floor");
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
        assert_eq!(check_base_price(price("150000"), day_2019, &floors), Ok(()));
        assert!(check_base_price(price("150000"), date!(2021 - 06 - 30), &floors).is_err());
        assert!(floor_on(&floors, date!(2017 - 12 - 31)).is_none());
    }

    #[test]
    fn r2_needs_a_base_price_and_a_listing_at_or_above_it() {
        let floors = default_floors();
        let v = check_listing_price(Channel::County, price("300000"), None, TODAY, &floors)
            .expect_err("no base price");
        assert_eq!(v.rule, RuleId::R2);
        assert!(v.message_zh.contains("先设定基准指导价"));
        let base = Some(price("300000"));
        assert_eq!(
            check_listing_price(Channel::County, price("300000"), base, TODAY, &floors),
            Ok(())
        );
        let v = check_listing_price(Channel::County, price("299999.99"), base, TODAY, &floors)
            .expect_err("below base");
        assert_eq!(v.rule, RuleId::R2);
    }

    #[test]
    fn r3_start_price_at_floor_passes_one_fen_below_fails() {
        let floors = default_floors();
        assert_eq!(
            check_listing_price(Channel::Regional, price("250000"), None, TODAY, &floors),
            Ok(())
        );
        let v = check_listing_price(Channel::Regional, price("249999.99"), None, TODAY, &floors)
            .expect_err("below");
        assert_eq!(v.rule, RuleId::R3);
    }

    #[test]
    fn r6_commercial_and_housing_in_districts_and_cenxi_must_buy() {
        assert!(must_buy(&unit("长洲区"), ProjectUse::Residential, TODAY));
        assert!(must_buy(&unit("岑溪市"), ProjectUse::Commercial, TODAY));
        assert!(!must_buy(&unit("长洲区"), ProjectUse::Industrial, TODAY));
        assert!(!must_buy(&unit("长洲区"), ProjectUse::Public, TODAY));
        assert!(!must_buy(&unit("藤县"), ProjectUse::Commercial, TODAY));
        assert!(!must_buy(
            &unit("长洲区"),
            ProjectUse::Commercial,
            date!(2021 - 06 - 29)
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
        );
        assert_eq!(v.iter().map(|v| v.rule).collect::<Vec<_>>(), [RuleId::R7]);
        assert!(v[0].message_zh.contains("自治区交易平台"));
        assert!(
            check_quota_eligibility(
                &teng,
                Channel::Regional,
                &district,
                ProjectUse::Residential,
                TODAY
            )
            .is_empty()
        );
        assert_eq!(
            check_quota_eligibility(
                &cangwu,
                Channel::Regional,
                &district,
                ProjectUse::Commercial,
                TODAY
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
                TODAY
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
                TODAY
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
        );
        assert_eq!(v.iter().map(|v| v.rule).collect::<Vec<_>>(), [RuleId::R8]);
        assert!(
            check_quota_eligibility(
                &unit("苍梧县"),
                Channel::County,
                &outside,
                ProjectUse::Industrial,
                TODAY
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
        // A district-kind unit outside Guangxi buying 藤县 county quota: R7 and R8 together.
        let found = validate_purchase(
            &unit("藤县"),
            Channel::County,
            &outside,
            ProjectUse::Commercial,
            TODAY,
        )
        .expect_err("two rules");
        assert_eq!(
            found.iter().map(|v| v.rule).collect::<Vec<_>>(),
            [RuleId::R7, RuleId::R8]
        );
        let floors = default_floors();
        assert_eq!(
            validate_listing(Channel::Regional, price("250000"), None, TODAY, &floors),
            Ok(())
        );
        assert!(validate_listing(Channel::County, price("250000"), None, TODAY, &floors).is_err());
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
}

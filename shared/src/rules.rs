//! The policy rules R1–R14 as effective-dated data ([`catalog`]) plus pure check functions.
//! The browser's calculator and the server call the same functions and get the same
//! [`RuleViolation`]s, in Chinese and English, each with its citation.
//!
//! Sources: the Wuzhou 2021 implementing measures (中共梧州市委 梧州市人民政府《关于实现巩固拓展
//! 脱贫攻坚成果同乡村振兴有效衔接的实施办法》, 2021-06-30, clause 三(三)5 on land), the Guangxi
//! listing notices 桂节指告字〔2020〕31号 and 〔2021〕28号, the 2018 Guangxi 暂行细则 as reported
//! (docs/DOMAIN.md, "Sources"), and the PBoC 支付结算办法 for 大写. The Wuzhou measures set a five-year
//! transition period (一(二), 2021–2025); whether the land clause continues after 2025-12-31 is
//! not confirmed, so the rules carry no end date and the administrator can set one (R13).

use serde::{Deserialize, Serialize};
use time::{Date, macros::date};

use crate::error::{DomainError, FieldError};
use crate::jurisdiction::Jurisdiction;
use crate::quantity::{Area, Money, UnitPrice};
use crate::wire::wire_enum;

mod book;
mod catalog;

pub use book::{CountyMark, Periods, RuleBook, RuleParams, RuleVersion, TRANSITION_ENDS};
pub use catalog::{
    DEFAULT_BID_STEP_FEN, DEFAULT_DEPOSIT_HUNDREDTHS, DEFAULT_DEPOSIT_ROUNDING_FEN,
    DEFAULT_RESERVATION_DAYS, RULESET_VERSION, RuleDef, RuleId, UseCategory, catalog,
    default_use_categories,
};

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
    pub fn new(rule: RuleId, message_zh: String, message_en: String) -> Self {
        Self {
            rule,
            message_zh,
            message_en,
            citation: rule.def().citation.to_string(),
        }
    }
    /// A violation citing the version of `rule` in force on `day`.
    pub fn cited(
        book: &RuleBook,
        day: Date,
        rule: RuleId,
        message_zh: String,
        message_en: String,
    ) -> Self {
        Self {
            citation: book.citation(rule, day),
            ..Self::new(rule, message_zh, message_en)
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

/// The default floor versions (docs/DOMAIN.md, "Default data"): 100,000 元/亩 from 2018-01-01 (the 2018 rules,
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
    book: &RuleBook,
) -> Result<(), RuleViolation> {
    if !book.applies(RuleId::R1, day) {
        return Ok(());
    }
    match floor_on(floors, day) {
        Some(floor) if price < floor.price_per_mu => Err(RuleViolation::cited(
            book,
            day,
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
/// base price or the regional floor. A county listing is also held to the floor in force on
/// `day` (R1), whatever floor its base price was set under.
pub fn check_listing_price(
    channel: Channel,
    price: UnitPrice,
    county_base_price: Option<UnitPrice>,
    day: Date,
    floors: &[FloorVersion],
    book: &RuleBook,
) -> Result<(), RuleViolation> {
    match channel {
        Channel::County => match county_base_price {
            None if !book.applies(RuleId::R2, day) => Ok(()),
            None => Err(RuleViolation::cited(
                book,
                day,
                RuleId::R2,
                "本县尚未设定基准指导价，请先设定基准指导价再挂牌".into(),
                "This county has no base price yet: set the base price before listing".into(),
            )),
            Some(base) if book.applies(RuleId::R2, day) && price < base => {
                // What to type: the base price, or the floor in force when that is higher (R1).
                let least = floor_on(floors, day)
                    .filter(|_| book.applies(RuleId::R1, day))
                    .map_or(base, |f| f.price_per_mu.max(base));
                Err(RuleViolation::cited(
                    book,
                    day,
                    RuleId::R2,
                    format!(
                        "挂牌单价 {} 元/亩 低于本县基准指导价 {} 元/亩，请设为不低于 {} 元/亩",
                        price.grouped(),
                        base.grouped(),
                        least.grouped()
                    ),
                    format!(
                        "The listing price {} yuan/mu is below the county base price {} yuan/mu; set at least {}",
                        price.grouped(),
                        base.grouped(),
                        least.grouped()
                    ),
                ))
            }
            // R1 and R2 together: a base price set under an older, lower floor does not let a
            // listing below the floor in force today.
            Some(base) => match floor_on(floors, day) {
                Some(floor) if book.applies(RuleId::R1, day) && price < floor.price_per_mu => {
                    Err(RuleViolation::cited(
                        book,
                        day,
                        RuleId::R1,
                        format!(
                            "挂牌单价 {} 元/亩 低于现行自治区最低价 {} 元/亩（{} 起执行）；本县基准指导价 {} 元/亩 已低于最低价，请把挂牌单价设为不低于 {} 元/亩，并更新基准指导价",
                            price.grouped(),
                            floor.price_per_mu.grouped(),
                            floor.effective_from,
                            base.grouped(),
                            floor.price_per_mu.grouped()
                        ),
                        format!(
                            "The listing price {} yuan/mu is below the regional floor of {} yuan/mu in force since {}; the county base price {} is below that floor: list at {} or more and update the base price",
                            price.grouped(),
                            floor.price_per_mu.grouped(),
                            floor.effective_from,
                            base.grouped(),
                            floor.price_per_mu.grouped()
                        ),
                    ))
                }
                _ => Ok(()),
            },
        },
        Channel::Regional => match floor_on(floors, day) {
            Some(floor) if book.applies(RuleId::R3, day) && price < floor.price_per_mu => {
                Err(RuleViolation::cited(
                    book,
                    day,
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
                ))
            }
            _ => Ok(()),
        },
    }
}

/// R6: whether a project must be covered by bought quota: a 商服/商品住宅 project in a unit on
/// the list of the R6 version in force.
pub fn must_buy(project_unit: &Jurisdiction, use_: ProjectUse, day: Date, book: &RuleBook) -> bool {
    use_.is_commercial_or_housing() && book.lists(RuleId::R6, day, &project_unit.code)
}

/// Whether R7 restricts this project to 脱贫县 quota on the regional platform: a 商服/商品住宅
/// project in a unit on the list of the R7 version in force.
pub fn regional_poverty_only(
    project_unit: &Jurisdiction,
    use_: ProjectUse,
    day: Date,
    book: &RuleBook,
) -> bool {
    use_.is_commercial_or_housing() && book.lists(RuleId::R7, day, &project_unit.code)
}

/// R7 and R8 for quota of `seller` on `channel` going to a project in `project_unit`.
/// Returns every violation found (empty: allowed).
pub fn check_quota_eligibility(
    seller: &Jurisdiction,
    channel: Channel,
    project_unit: &Jurisdiction,
    use_: ProjectUse,
    day: Date,
    book: &RuleBook,
) -> Vec<RuleViolation> {
    let mut found = Vec::new();
    let seller_poverty = book.is_poverty(seller, day);
    if regional_poverty_only(project_unit, use_, day, book)
        && (channel != Channel::Regional || !seller_poverty)
    {
        found.push(RuleViolation::cited(
            book,
            day,
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
    if book.applies(RuleId::R8, day)
        && seller_poverty
        && seller.in_guangxi()
        && !project_unit.in_guangxi()
    {
        found.push(RuleViolation::cited(
            book,
            day,
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

/// The quantities of a listing (docs/API-DESIGN.md, "Format"): `area_mu` > 0, `paddy_mu` ≤ `farmland_mu` ≤
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
    book: &RuleBook,
) -> Result<(), Vec<RuleViolation>> {
    let found: Vec<RuleViolation> =
        check_listing_price(channel, price, county_base_price, day, floors, book)
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
    book: &RuleBook,
) -> Result<(), Vec<RuleViolation>> {
    let found = check_quota_eligibility(seller, channel, project_unit, use_, day, book);
    if found.is_empty() { Ok(()) } else { Err(found) }
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

/// R4: a bid above the ceiling that keeps a lot's figures inside the money range.
pub fn bid_above_ceiling(amount: Money, ceiling: Money, per_mu: UnitPrice) -> RuleViolation {
    RuleViolation::new(
        RuleId::R4,
        format!(
            "出价 {} 元 超过本标的的上限 {} 元（成交单价不得超过 {} 元/亩），请核对金额",
            amount.grouped(),
            ceiling.grouped(),
            per_mu.grouped()
        ),
        format!(
            "The bid {} yuan is above this lot's ceiling of {} yuan (at most {} yuan per mu); check the amount",
            amount.grouped(),
            ceiling.grouped(),
            per_mu.grouped()
        ),
    )
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
mod tests;

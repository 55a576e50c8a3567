//! The built-in catalogue of the policy rules: each rule's id, what it says in both languages,
//! its citation (docs/DOMAIN.md, "Sources"), whether that was read in the primary text, and
//! from when to when it applies (R13).

use serde::{Deserialize, Serialize};
use time::{Date, macros::date};

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
        R15 = "R15",
        R16 = "R16",
    }
}

impl RuleId {
    /// This rule's definition in the built-in catalog.
    pub fn def(self) -> &'static RuleDef {
        &CATALOG[self as usize]
    }

    /// Whether the rule can stop applying (its versions can be ended): the checks R1–R3,
    /// R6–R8 and R11. The others — units and rounding, 大写, the bookkeeping rules and the
    /// parameters — are replaced by a new version, never ended.
    pub fn can_end(self) -> bool {
        matches!(
            self,
            Self::R1 | Self::R2 | Self::R3 | Self::R6 | Self::R7 | Self::R8 | Self::R11
        )
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
static CATALOG: [RuleDef; 16] = [
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
    RuleDef {
        id: RuleId::R15,
        title_zh: "成交后须在付款期限内付款，逾期未付的预留失效、面积退回（期限为假设，可配置）",
        title_en: "A reservation is paid within the payment period or lapses and its area returns (the period is an assumption)",
        citation: "假设：预留 15 日（docs/DOMAIN.md “Default data”；未找到广西来源）",
        confirmed: false,
        effective_from: date!(2018 - 01 - 01),
        effective_to: None,
    },
    RuleDef {
        id: RuleId::R16,
        title_zh: "县级挂牌先公告后购买；成交后公示，期内可提出异议（期限为假设）",
        title_en: "County listings are announced before sale; trades are published for objections (periods assumed)",
        citation: "假设：公告 20 日、公示 3 日（docs/DOMAIN.md “Publicity periods”）",
        confirmed: false,
        effective_from: date!(2018 - 01 - 01),
        effective_to: None,
    },
];

/// The label of the built-in rule set; recorded with each listing and trade (R13).
pub const RULESET_VERSION: &str = "wuzhou-2021.1";

/// Every rule definition, R1 to R16.
pub fn catalog() -> &'static [RuleDef] {
    &CATALOG
}

/// R4: the bid step on a lot's total, 50,000 元 (both notices, confirmed).
pub const DEFAULT_BID_STEP_FEN: i64 = 5_000_000;
/// R5: the deposit, 10 % of the start total (fits both notices; unconfirmed)…
pub const DEFAULT_DEPOSIT_HUNDREDTHS: i64 = 1_000;
/// …rounded up to 100,000 元.
pub const DEFAULT_DEPOSIT_ROUNDING_FEN: i64 = 10_000_000;
/// R15: days a reservation waits for payment (an assumption).
pub const DEFAULT_RESERVATION_DAYS: u32 = 15;
/// R16: days a county listing is announced before buying opens (an assumption).
pub const DEFAULT_ANNOUNCE_DAYS: u32 = 20;
/// R16: days a settled trade is published for objections (an assumption).
pub const DEFAULT_PUBLICITY_DAYS: u32 = 3;

/// A permitted use of a county's proceeds (R12). Data: the administrator may edit the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UseCategory {
    pub name: String,
    pub source: String,
    /// Whether the source names this use for Guangxi (false: practice elsewhere).
    pub confirmed: bool,
}

/// The default use categories of docs/DOMAIN.md ("Default data").
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

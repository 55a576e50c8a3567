//! Every text of the web app, in one table: Chinese (default) and English. Keys are an enum,
//! so a missing text is a compile error.

use quota_shared::api::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    AppTitle,
    AppSubtitle,
    SwitchLanguage,
    Loading,
    Retry,
    FloorHeading,
    FloorInForce,
    FloorFrom,
    FloorPrice,
    CountiesHeading,
    CountiesEmpty,
    ColCode,
    ColName,
    ColKind,
    ColCity,
    ColPoverty,
    ColBasePrice,
    Yes,
    No,
    Unconfirmed,
    NotSet,
    Footer,
}

/// The text of `key` in `lang`.
pub fn t(lang: Lang, key: Key) -> &'static str {
    use Key::*;
    match (lang, key) {
        (Lang::Zh, AppTitle) => "增减挂钩节余指标交易平台",
        (Lang::En, AppTitle) => "Linkage Quota Exchange",
        (Lang::Zh, AppSubtitle) => "梧州市 · 县级平台与自治区平台的节余指标挂牌、购买与收益管理",
        (Lang::En, AppSubtitle) => {
            "Wuzhou · listing, buying and proceeds of surplus construction-land quota"
        }
        (Lang::Zh, SwitchLanguage) => "English",
        (Lang::En, SwitchLanguage) => "中文",
        (Lang::Zh, Loading) => "正在加载…",
        (Lang::En, Loading) => "Loading…",
        (Lang::Zh, Retry) => "重试",
        (Lang::En, Retry) => "Retry",
        (Lang::Zh, FloorHeading) => "自治区流转基准指导价（最低价）",
        (Lang::En, FloorHeading) => "Regional floor price",
        (Lang::Zh, FloorInForce) => "现行",
        (Lang::En, FloorInForce) => "in force",
        (Lang::Zh, FloorFrom) => "起始日期",
        (Lang::En, FloorFrom) => "Effective from",
        (Lang::Zh, FloorPrice) => "单价（元/亩）",
        (Lang::En, FloorPrice) => "Price (yuan/mu)",
        (Lang::Zh, CountiesHeading) => "各县（市、区）基准指导价",
        (Lang::En, CountiesHeading) => "County base prices",
        (Lang::Zh, CountiesEmpty) => "尚无县（市、区）数据，请管理员运行 migrate 载入参考数据。",
        (Lang::En, CountiesEmpty) => {
            "No counties yet; the administrator should run migrate to load the reference data."
        }
        (Lang::Zh, ColCode) => "区划代码",
        (Lang::En, ColCode) => "Code",
        (Lang::Zh, ColName) => "县（市、区）",
        (Lang::En, ColName) => "County",
        (Lang::Zh, ColKind) => "类型",
        (Lang::En, ColKind) => "Kind",
        (Lang::Zh, ColCity) => "所属市",
        (Lang::En, ColCity) => "City",
        (Lang::Zh, ColPoverty) => "脱贫县",
        (Lang::En, ColPoverty) => "Former poverty county",
        (Lang::Zh, ColBasePrice) => "基准指导价（元/亩）",
        (Lang::En, ColBasePrice) => "Base price (yuan/mu)",
        (Lang::Zh, Yes) => "是",
        (Lang::En, Yes) => "yes",
        (Lang::Zh, No) => "否",
        (Lang::En, No) => "no",
        (Lang::Zh, Unconfirmed) => "未核实",
        (Lang::En, Unconfirmed) => "unconfirmed",
        (Lang::Zh, NotSet) => "未设定",
        (Lang::En, NotSet) => "not set",
        (Lang::Zh, Footer) => {
            "依据：梧州市《关于实现巩固拓展脱贫攻坚成果同乡村振兴有效衔接的实施办法》三(三)5"
        }
        (Lang::En, Footer) => "Source: Wuzhou 2021 implementing measures, clause 3(3)5",
    }
}

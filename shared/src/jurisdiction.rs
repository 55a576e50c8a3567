//! Jurisdictions as data (R14): region → city → county-level units with their GB/T 2260 codes,
//! kind, the 脱贫县 flag with its confirmed/unconfirmed mark, and which Wuzhou policy clauses
//! apply to projects located there. [`wuzhou_default`] is the data set `migrate` loads
//! (docs/DOMAIN.md, "Default data"); the administrator may edit it afterwards.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::wire::wire_enum;

/// A six-digit GB/T 2260 administrative division code, e.g. `450422` (藤县).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountyCode(String);

impl CountyCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The province-level prefix (`45` = 广西). R8 compares these.
    pub fn province_prefix(&self) -> &str {
        &self.0[..2]
    }
}

impl FromStr for CountyCode {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) && !s.ends_with("00") {
            Ok(Self(s.to_string()))
        } else {
            Err(DomainError::UnknownCounty {
                input: s.to_string(),
            })
        }
    }
}

impl TryFrom<String> for CountyCode {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<CountyCode> for String {
    fn from(c: CountyCode) -> String {
        c.0
    }
}

impl fmt::Display for CountyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The province-level prefix of Guangxi (广西壮族自治区, 450000).
pub const GUANGXI_PREFIX: &str = "45";
/// The region of every default unit: code and name.
pub const GUANGXI: (&str, &str) = ("450000", "广西壮族自治区");

wire_enum! {
    /// What kind of county-level unit this is; R7 treats 市辖区 differently.
    pub enum UnitKind {
        /// 市辖区
        District = "district",
        /// 县
        County = "county",
        /// 县级市
        CountyCity = "county_city",
    }
}

impl UnitKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::District => "市辖区",
            Self::County => "县",
            Self::CountyCity => "县级市",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::District => "district",
            Self::County => "county",
            Self::CountyCity => "county-level city",
        }
    }
}

wire_enum! {
    /// How the Wuzhou land clause (seed 三(三)5) treats commercial and housing projects located in
    /// a unit: R6 "must buy" and R7 "only 脱贫县 quota on the regional platform".
    pub enum ProjectQuotaRule {
        /// No plan-quota restriction: buying is voluntary.
        None = "none",
        /// R6: 商服/商品住宅 projects get no plan quota and must buy (岑溪市).
        MustBuy = "must_buy",
        /// R6 + R7: must buy, and only 脱贫县 quota through the regional platform (市辖区).
        MustBuyRegionalPoverty = "must_buy_regional_poverty",
    }
}

/// A county-level unit (县级单位) that can sell quota or host a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Jurisdiction {
    pub code: CountyCode,
    pub name: String,
    pub name_en: String,
    pub kind: UnitKind,
    pub city_code: String,
    pub city_name: String,
    /// 脱贫县 (former poverty county). R8 restricts where its quota may go.
    pub poverty_alleviated: bool,
    /// Whether the flag above comes from a retrieved source (R14); the UI shows 未核实 if not.
    pub poverty_status_confirmed: bool,
    pub project_rule: ProjectQuotaRule,
}

impl Jurisdiction {
    pub fn in_guangxi(&self) -> bool {
        self.code.province_prefix() == GUANGXI_PREFIX
    }
}

fn unit(
    code: &str,
    name: &str,
    name_en: &str,
    kind: UnitKind,
    city: (&str, &str),
    poverty: (bool, bool),
    project_rule: ProjectQuotaRule,
) -> Jurisdiction {
    Jurisdiction {
        code: CountyCode(code.to_string()),
        name: name.to_string(),
        name_en: name_en.to_string(),
        kind,
        city_code: city.0.to_string(),
        city_name: city.1.to_string(),
        poverty_alleviated: poverty.0,
        poverty_status_confirmed: poverty.1,
        project_rule,
    }
}

/// The default units (docs/DOMAIN.md, "Default data"): Wuzhou's seven, and the two regional sellers seen in
/// 桂节指告字〔2020〕31号 and 〔2021〕28号.
///
/// 脱贫县: 藤县 (exit approved 2020-05-09) and 蒙山县 (exit noticed 2018-02) are confirmed
/// (docs/DOMAIN.md, "Default data"); 苍梧县 is in no retrieved list, so "not 脱贫县, unconfirmed";
/// 忻城县 and 靖西市 appear as sellers of 脱贫县 quota in the notices but their status was not
/// confirmed from a list.
pub fn wuzhou_default() -> Vec<Jurisdiction> {
    use ProjectQuotaRule::*;
    use UnitKind::*;
    let wuzhou = ("450400", "梧州市");
    vec![
        unit(
            "450403",
            "万秀区",
            "Wanxiu District",
            District,
            wuzhou,
            (false, true),
            MustBuyRegionalPoverty,
        ),
        unit(
            "450405",
            "长洲区",
            "Changzhou District",
            District,
            wuzhou,
            (false, true),
            MustBuyRegionalPoverty,
        ),
        unit(
            "450406",
            "龙圩区",
            "Longxu District",
            District,
            wuzhou,
            (false, true),
            MustBuyRegionalPoverty,
        ),
        unit(
            "450421",
            "苍梧县",
            "Cangwu County",
            County,
            wuzhou,
            (false, false),
            None,
        ),
        unit(
            "450422",
            "藤县",
            "Teng County",
            County,
            wuzhou,
            (true, true),
            None,
        ),
        unit(
            "450423",
            "蒙山县",
            "Mengshan County",
            County,
            wuzhou,
            (true, true),
            None,
        ),
        unit(
            "450481",
            "岑溪市",
            "Cenxi City",
            CountyCity,
            wuzhou,
            (false, true),
            MustBuy,
        ),
        unit(
            "451321",
            "忻城县",
            "Xincheng County",
            County,
            ("451300", "来宾市"),
            (true, false),
            None,
        ),
        unit(
            "451081",
            "靖西市",
            "Jingxi City",
            CountyCity,
            ("451000", "百色市"),
            (true, false),
            None,
        ),
    ]
}

/// Finds a unit by code in a table.
pub fn find<'a>(units: &'a [Jurisdiction], code: &CountyCode) -> Option<&'a Jurisdiction> {
    units.iter().find(|u| &u.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_table_has_the_units_of_product_section_3() {
        let units = wuzhou_default();
        assert_eq!(units.len(), 9);
        let teng = units.iter().find(|u| u.name == "藤县").expect("藤县");
        assert!(teng.poverty_alleviated && teng.poverty_status_confirmed);
        let cangwu = units.iter().find(|u| u.name == "苍梧县").expect("苍梧县");
        assert!(!cangwu.poverty_alleviated && !cangwu.poverty_status_confirmed);
        assert!(units.iter().all(Jurisdiction::in_guangxi));
    }

    #[test]
    fn county_codes_are_six_digit_county_level_codes() {
        assert!("450422".parse::<CountyCode>().is_ok());
        assert!(
            "450400".parse::<CountyCode>().is_err(),
            "a city is not a county-level unit"
        );
        assert!("45042".parse::<CountyCode>().is_err());
        assert!("45042x".parse::<CountyCode>().is_err());
    }
}

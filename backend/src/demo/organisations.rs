//! The demo's parties (单位, #16): each county bureau account is its county's 自然资源局, the demo
//! developer a company and the regional bidder 长洲区's land-reserve centre, each with a
//! 统一社会信用代码 that checks (GB 32100-2015) and approved, as an administrator would have.

use quota_shared::api::{OrganisationFields, OrganisationKind};
use time::OffsetDateTime;

use super::values::{bad, code};
use crate::store::{Store, StoreError};

/// (member account, name, first 17 characters of the code, kind, county, representative,
/// contact, phone, address)
type Party = (
    &'static str,
    &'static str,
    &'static str,
    OrganisationKind,
    Option<&'static str>,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const PARTIES: [Party; 7] = [
    (
        "tengxian",
        "藤县自然资源局",
        "11450422MB1A7253",
        OrganisationKind::NaturalResources,
        Some("450422"),
        "覃建国",
        "梁晓燕",
        "0774-7282017",
        "藤县藤州镇登俊路 18 号",
    ),
    (
        "mengshan",
        "蒙山县自然资源局",
        "11450423MB0D2746",
        OrganisationKind::NaturalResources,
        Some("450423"),
        "莫志强",
        "黄丽君",
        "0774-6282133",
        "蒙山县蒙山镇湄江路 9 号",
    ),
    (
        "cangwu",
        "苍梧县自然资源局",
        "11450421MB1C0468",
        OrganisationKind::NaturalResources,
        Some("450421"),
        "李永福",
        "陈静",
        "0774-2681055",
        "苍梧县龙圩镇新兴大道 2 号",
    ),
    (
        "xincheng",
        "忻城县自然资源局",
        "11451321MB1E3371",
        OrganisationKind::NaturalResources,
        Some("451321"),
        "韦荣华",
        "蓝春梅",
        "0772-5512306",
        "忻城县城关镇芝州路 5 号",
    ),
    (
        "jingxi",
        "靖西市自然资源局",
        "11451081MB1F5526",
        OrganisationKind::NaturalResources,
        Some("451081"),
        "黄志勇",
        "农秀英",
        "0776-6212480",
        "靖西市新靖镇城南路 21 号",
    ),
    (
        "developer",
        "梧州市富民置业有限公司",
        "91450400MA5KQ7T2",
        OrganisationKind::Enterprise,
        None,
        "周伟",
        "何敏",
        "0774-3823366",
        "梧州市万秀区西江四路 66 号",
    ),
    (
        "changzhou",
        "梧州市长洲区土地储备中心",
        "12450405MB1B8893",
        OrganisationKind::LandReserve,
        Some("450405"),
        "谢文斌",
        "吴芳",
        "0774-2028190",
        "梧州市长洲区新兴二路 137 号",
    ),
];

/// Adds the demo's organisations with their member accounts.
pub(super) async fn load<S: Store>(store: &S, now: OffsetDateTime) -> Result<(), StoreError> {
    for (member, name, first, kind, county, legal, contact, phone, address) in PARTIES {
        // The 17 characters above and a serial digit; the check character computed.
        let first17 = format!("{first}0");
        let check = quota_shared::uscc::check_character(first17.as_bytes())
            .ok_or_else(|| bad(format!("code of {name}")))?;
        let fields = OrganisationFields {
            name: name.into(),
            uscc: format!("{first17}{check}").parse().map_err(bad)?,
            kind,
            county_code: county.map(code).transpose()?,
            legal_representative: legal.into(),
            contact_name: contact.into(),
            contact_phone: phone.into(),
            address: address.into(),
            // R11: 长洲区's land-reserve centre bids on the regional platform by the district
            // government's written authorisation, valid this year and the next.
            regional_bidder: member == "changzhou",
            authorisation: (member == "changzhou").then(|| {
                let year = quota_shared::calendar::year_of(now);
                quota_shared::api::Authorisation {
                    number: format!("长政函〔{year}〕8号"),
                    valid_from: time::Date::from_ordinal_date(year, 1).unwrap_or(time::Date::MIN),
                    valid_until: time::Date::from_calendar_date(
                        year + 1,
                        time::Month::December,
                        31,
                    )
                    .unwrap_or(time::Date::MAX),
                }
            }),
        };
        if store
            .add_organisation(&fields, &[member.to_string()], "demo", now)
            .await?
            .is_none()
        {
            return Err(bad(format!("organisation {name}")));
        }
    }
    Ok(())
}

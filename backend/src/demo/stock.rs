//! The demo's reclamation projects (复垦项目): the source project of every demo listing, accepted
//! with its acceptance data, and one more still registered (planned figures, not yet accepted).
//! Each goes through the same checks and audit as a bureau's request.

use quota_shared::api::{Project, ProjectFigures, ProjectStatus, Share};
use quota_shared::positive::PositiveArea;
use time::{Date, OffsetDateTime, macros::date};

use super::values::{area, bad, code};
use crate::store::types::{
    AcceptanceDraft, ListingInsert, ProjectDraft, ProjectOutcome, SourceDraft,
};
use crate::store::{Store, StoreError};

/// (bureau, county, name, 备案号, township, village, reclaimed, farmland, paddy, kg, local use,
/// acceptance: date and document, or none while registered)
type Demo = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    &'static str,
    Option<(Date, &'static str)>,
);

const PROJECTS: [Demo; 7] = [
    (
        "tengxian",
        "450422",
        "藤县太平镇城乡建设用地增减挂钩项目",
        "450422-2021-0007",
        "太平镇",
        "太平村",
        "32",
        "26",
        "12",
        19_500,
        "8",
        Some((date!(2021 - 11 - 18), "藤自然资验〔2021〕7号")),
    ),
    (
        "tengxian",
        "450422",
        "藤县古龙镇拆旧复垦项目",
        "450422-2025-0003",
        "古龙镇",
        "古龙村",
        "10",
        "8",
        "2.5",
        4_800,
        "1.5",
        None,
    ),
    (
        "mengshan",
        "450423",
        "蒙山县西河镇拆旧复垦项目",
        "450423-2022-0012",
        "西河镇",
        "西河村",
        "18",
        "14",
        "7",
        10_800,
        "2.5",
        Some((date!(2022 - 09 - 06), "蒙自然资验〔2022〕12号")),
    ),
    (
        "mengshan",
        "450423",
        "蒙山县文圩镇城乡建设用地增减挂钩项目",
        "450423-2020-0031",
        "文圩镇",
        "文圩村",
        "45",
        "36",
        "11",
        20_000,
        "4",
        Some((date!(2020 - 12 - 02), "蒙自然资验〔2020〕31号")),
    ),
    (
        "cangwu",
        "450421",
        "苍梧县石桥镇拆旧复垦项目",
        "450421-2023-0004",
        "石桥镇",
        "石桥村",
        "14",
        "11.5",
        "0",
        7_400,
        "1.5",
        Some((date!(2023 - 05 - 22), "苍自然资验〔2023〕4号")),
    ),
    (
        "xincheng",
        "451321",
        "忻城县城乡建设用地增减挂钩项目",
        "451321-2020-0031",
        "大塘镇",
        "",
        "17.5335",
        "14.3805",
        "0",
        8_600,
        "0",
        Some((date!(2020 - 06 - 30), "忻自然资验〔2020〕31号")),
    ),
    (
        "jingxi",
        "451081",
        "靖西市城乡建设用地增减挂钩项目",
        "451081-2021-0028",
        "新靖镇",
        "",
        "75.2604",
        "60",
        "0",
        36_000,
        "0",
        Some((date!(2021 - 03 - 26), "靖自然资验〔2021〕28号")),
    ),
];

/// Registers (and where the demo says so, accepts) every demo project; answers them.
pub(super) async fn load<S: Store>(
    store: &S,
    now: OffsetDateTime,
) -> Result<Vec<Project>, StoreError> {
    let mut saved = Vec::new();
    for (
        bureau,
        county,
        name,
        number,
        township,
        village,
        reclaimed,
        farmland,
        paddy,
        kg,
        local,
        accepted,
    ) in PROJECTS
    {
        let figures = ProjectFigures {
            reclaimed_mu: PositiveArea::new(area(reclaimed)?).map_err(bad)?,
            farmland_mu: area(farmland)?,
            paddy_mu: area(paddy)?,
            grain_capacity_kg: kg,
            local_use_mu: area(local)?,
        };
        figures.check().map_err(bad)?;
        let draft = ProjectDraft {
            county_code: code(county)?,
            name: name.into(),
            registration_no: number.into(),
            township: township.into(),
            village: village.into(),
            figures,
            actor: bureau.into(),
            now,
        };
        let ProjectOutcome::Saved(p) = store.register_project(&draft).await? else {
            return Err(bad(format!("demo project {number}")));
        };
        let Some((accepted_on, doc)) = accepted else {
            saved.push(*p);
            continue;
        };
        {
            let acceptance = AcceptanceDraft {
                accepted_on,
                acceptance_doc: doc.into(),
                figures,
                actor: bureau.into(),
                now,
            };
            match store.accept_project(p.id, &acceptance).await? {
                ProjectOutcome::Saved(p) if p.status == ProjectStatus::Accepted => saved.push(*p),
                _ => return Err(bad(format!("demo acceptance {number}"))),
            }
        }
    }
    Ok(saved)
}

/// A demo listing's draw on the project with 备案号 `number`.
pub(super) struct Drawn {
    pub source: SourceDraft,
    pub share: Share,
    pub name: String,
    pub township: String,
}

/// Draws `take` 亩 on the demo project `number` (the store checks the stock again).
pub(super) fn draw(projects: &[Project], number: &str, take: &str) -> Result<Drawn, StoreError> {
    let p = projects
        .iter()
        .find(|p| p.registration_no == number)
        .ok_or_else(|| bad(format!("no demo project {number}")))?;
    let take = area(take)?;
    Ok(Drawn {
        source: SourceDraft {
            project_id: p.id,
            area: take,
            advance: p.status == ProjectStatus::Registered,
        },
        share: p.share_of(take),
        name: p.name.clone(),
        township: p.township.clone(),
    })
}

/// The id of a demo listing inserted, or the demo's error when its project was short.
pub(super) fn inserted(outcome: ListingInsert) -> Result<i64, StoreError> {
    match outcome {
        ListingInsert::Inserted(id) => Ok(id),
        ListingInsert::Short { project_id, .. } => {
            Err(bad(format!("demo project {project_id} is short")))
        }
    }
}

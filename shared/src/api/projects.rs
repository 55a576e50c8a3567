//! Reclamation projects (复垦项目): where a county's quota comes from (docs/DOMAIN.md, "Quota
//! stock"). A project is registered by its county's bureau, edited while registered, and
//! accepted (验收) with its acceptance data, which locks it. Its surplus (节余指标) is the
//! accepted reclaimed area minus the area used locally (建新/安置).

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::error::{DomainError, FieldError};
use crate::jurisdiction::CountyCode;
use crate::positive::PositiveArea;
use crate::quantity::Area;
use crate::wire::wire_enum;

/// Longest project name, township or village, in characters.
pub const PROJECT_TEXT_MAX: usize = 100;
/// Longest registration or acceptance document number, in characters.
pub const PROJECT_NUMBER_MAX: usize = 50;

wire_enum! {
    /// Where a project stands.
    pub enum ProjectStatus {
        /// 已备案: registered, figures planned, still editable.
        Registered = "registered",
        /// 已验收: accepted with its acceptance data, locked.
        Accepted = "accepted",
    }
}

impl ProjectStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Registered => "已备案（未验收）",
            Self::Accepted => "已验收",
        }
    }
}

/// The figures of a project: planned while registered, accepted at acceptance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProjectFigures {
    /// 复垦面积（亩）.
    pub reclaimed_mu: PositiveArea,
    /// 新增耕地（亩）, at most the reclaimed area.
    pub farmland_mu: Area,
    /// 其中水田（亩）, at most the new farmland.
    pub paddy_mu: Area,
    /// 新增粮食产能（公斤）.
    pub grain_capacity_kg: i64,
    /// 本地使用（建新、安置，亩）, at most the reclaimed area.
    pub local_use_mu: Area,
}

impl ProjectFigures {
    /// The parts within their wholes, the capacity not negative; the first problem.
    pub fn check(&self) -> Result<(), FieldError> {
        let reclaimed = self.reclaimed_mu.get();
        let within = |field: &'static str, part: Area, whole_field: &'static str, whole: Area| {
            if part > whole {
                Err(FieldError::new(
                    field,
                    DomainError::PartExceedsWhole {
                        part: field,
                        part_value: part.to_string(),
                        whole: whole_field,
                        whole_value: whole.to_string(),
                    },
                ))
            } else {
                Ok(())
            }
        };
        within("farmland_mu", self.farmland_mu, "reclaimed_mu", reclaimed)?;
        within("paddy_mu", self.paddy_mu, "farmland_mu", self.farmland_mu)?;
        within("local_use_mu", self.local_use_mu, "reclaimed_mu", reclaimed)?;
        if self.grain_capacity_kg < 0 {
            return Err(FieldError::new("grain_capacity_kg", DomainError::Negative));
        }
        Ok(())
    }

    /// 节余指标: the reclaimed area less local use (never negative once checked).
    pub fn surplus(&self) -> Area {
        self.reclaimed_mu
            .get()
            .checked_sub(self.local_use_mu)
            .unwrap_or(Area::ZERO)
    }
}

/// `POST /api/v1/projects` and `PUT /api/v1/projects/{id}` (the county's bureau).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProjectRequest {
    /// 项目名称.
    pub name: String,
    /// 备案号 (registration number), unique.
    pub registration_no: String,
    /// 乡镇.
    pub township: String,
    /// 村.
    #[serde(default)]
    pub village: String,
    /// 复垦面积（亩）.
    pub reclaimed_mu: PositiveArea,
    /// 新增耕地（亩）, at most the reclaimed area.
    pub farmland_mu: Area,
    /// 其中水田（亩）, at most the new farmland.
    pub paddy_mu: Area,
    /// 新增粮食产能（公斤）.
    pub grain_capacity_kg: i64,
    /// 本地使用（建新、安置，亩）, at most the reclaimed area.
    pub local_use_mu: Area,
}

impl ProjectRequest {
    pub fn figures(&self) -> ProjectFigures {
        ProjectFigures {
            reclaimed_mu: self.reclaimed_mu,
            farmland_mu: self.farmland_mu,
            paddy_mu: self.paddy_mu,
            grain_capacity_kg: self.grain_capacity_kg,
            local_use_mu: self.local_use_mu,
        }
    }
}

/// `POST /api/v1/projects/{id}/accept`: the acceptance (验收) and the accepted figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AcceptanceRequest {
    /// 验收日期 (YYYY-MM-DD), not after today.
    pub accepted_on: Date,
    /// 验收文号.
    pub acceptance_doc: String,
    /// 复垦面积（亩）.
    pub reclaimed_mu: PositiveArea,
    /// 新增耕地（亩）, at most the reclaimed area.
    pub farmland_mu: Area,
    /// 其中水田（亩）, at most the new farmland.
    pub paddy_mu: Area,
    /// 新增粮食产能（公斤）.
    pub grain_capacity_kg: i64,
    /// 本地使用（建新、安置，亩）, at most the reclaimed area.
    pub local_use_mu: Area,
}

impl AcceptanceRequest {
    pub fn figures(&self) -> ProjectFigures {
        ProjectFigures {
            reclaimed_mu: self.reclaimed_mu,
            farmland_mu: self.farmland_mu,
            paddy_mu: self.paddy_mu,
            grain_capacity_kg: self.grain_capacity_kg,
            local_use_mu: self.local_use_mu,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Project {
    pub id: i64,
    pub county_code: CountyCode,
    pub name: String,
    pub registration_no: String,
    pub township: String,
    pub village: String,
    pub reclaimed_mu: Area,
    pub farmland_mu: Area,
    pub paddy_mu: Area,
    pub grain_capacity_kg: i64,
    pub local_use_mu: Area,
    /// 节余指标 = reclaimed − local use.
    pub surplus_mu: Area,
    pub status: ProjectStatus,
    pub accepted_on: Option<Date>,
    pub acceptance_doc: Option<String>,
    /// What its listings hold: listed + sold + landed (docs/DOMAIN.md, "Quota stock").
    #[serde(default)]
    pub committed_mu: Area,
    /// What may still be listed: the surplus less what is committed (never negative).
    #[serde(default)]
    pub available_mu: Area,
    /// An acceptance below what its listings had already drawn in advance (预支): the area
    /// committed beyond the accepted surplus, for the bureau and the regional administrator to
    /// settle. Zero when the stock covers every draw.
    #[serde(default)]
    pub shortfall_mu: Area,
    /// The plots' geodesic area added up, once boundaries are uploaded.
    #[serde(default)]
    pub plots_mu: Option<Area>,
    /// Whether the plots add up to more than the tolerance (5 %) away from the reclaimed area.
    #[serde(default)]
    pub plots_flagged: bool,
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl Project {
    /// What `take` of this project's surplus carries of its new farmland, paddy and grain
    /// capacity: each pro rata to the reclaimed area (every 亩 reclaimed yields the same
    /// share), rounded down to 0.0001 亩 and to the kilogram, so the shares of the listings
    /// drawn on a project never add up to more than the project has.
    pub fn share_of(&self, take: Area) -> Share {
        let reclaimed = i128::from(self.reclaimed_mu.e4().max(1));
        let part = |whole: i64| -> i64 {
            let v = i128::from(whole) * i128::from(take.e4()) / reclaimed;
            i64::try_from(v).unwrap_or(i64::MAX)
        };
        let area = |e4: i64| Area::from_e4(part(e4)).unwrap_or(Area::ZERO);
        Share {
            farmland_mu: area(self.farmland_mu.e4()),
            paddy_mu: area(self.paddy_mu.e4()),
            grain_capacity_kg: part(self.grain_capacity_kg),
        }
    }
}

/// A listing's share of a project's figures (see [`Project::share_of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Share {
    pub farmland_mu: Area,
    pub paddy_mu: Area,
    pub grain_capacity_kg: i64,
}

impl Share {
    /// The sum of two shares; `None` past the largest area.
    pub fn plus(self, other: Share) -> Option<Share> {
        Some(Share {
            farmland_mu: self.farmland_mu.checked_add(other.farmland_mu).ok()?,
            paddy_mu: self.paddy_mu.checked_add(other.paddy_mu).ok()?,
            grain_capacity_kg: self
                .grain_capacity_kg
                .checked_add(other.grain_capacity_kg)?,
        })
    }
}

/// A listing drawn on the project (GET /api/v1/projects/{id}): what it took and still holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectDraw {
    pub listing_id: i64,
    pub status: crate::api::listings::ListingStatus,
    /// What the listing took of the project.
    pub area_mu: Area,
    /// What it holds now (taken less what came back when it ended unsold).
    pub held_mu: Area,
    /// Drawn before the project's acceptance (预支).
    pub advance: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub listed_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectResponse {
    pub project: Project,
    /// The listings drawn on it, newest first (on `GET /api/v1/projects/{id}`; empty on
    /// writes' answers).
    #[serde(default)]
    pub draws: Vec<ProjectDraw>,
    /// Its plots' boundaries (on `GET /api/v1/projects/{id}` and after an upload).
    #[serde(default)]
    pub plots: Vec<Plot>,
}

/// How far (in percent of the reclaimed area) the plots may add up from it before the project
/// is flagged.
pub const PLOTS_TOLERANCE_PERCENT: i64 = 5;

/// One reclaimed plot (复垦地块): its name, geodesic area, and boundary as GeoJSON polygons
/// (longitude, latitude in WGS 84 / CGCS2000 degrees: outer ring first, then holes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plot {
    pub name: String,
    pub area_mu: Area,
    pub polygons: Vec<Vec<Vec<Vec<f64>>>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectsResponse {
    pub projects: Vec<Project>,
}

/// Most rows one import may hold.
pub const IMPORT_ROWS_MAX: usize = 1000;

/// The columns of an import, in the template's order: (header, the field it fills, required).
/// A header is matched without its unit and with either kind of brackets, so `复垦面积(亩)`
/// and `复垦面积` read as `复垦面积（亩）`; the wire name (`reclaimed_mu`) reads too.
pub const IMPORT_COLUMNS: [(&str, &str, bool); 11] = [
    ("项目名称", "name", true),
    ("备案号", "registration_no", true),
    ("乡镇", "township", true),
    ("村", "village", false),
    ("复垦面积（亩）", "reclaimed_mu", true),
    ("新增耕地（亩）", "farmland_mu", true),
    ("其中水田（亩）", "paddy_mu", true),
    ("新增粮食产能（公斤）", "grain_capacity_kg", true),
    ("本地使用（亩）", "local_use_mu", true),
    ("验收日期", "accepted_on", false),
    ("验收文号", "acceptance_doc", false),
];

/// What is wrong with one field of an imported row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportIssue {
    pub field: String,
    pub message_zh: String,
    pub message_en: String,
}

/// One row of an import as read: the project it makes and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRow {
    /// The row's number in the file (the header is row 1).
    pub row: u32,
    pub name: String,
    pub registration_no: String,
    /// 节余指标, when the figures read.
    #[serde(default)]
    pub surplus_mu: Option<Area>,
    /// Whether the row carries its acceptance (验收日期 and 验收文号): it is imported accepted.
    pub accepted: bool,
    /// Empty when the row is good.
    pub issues: Vec<ImportIssue>,
}

/// `POST /api/v1/projects/import`: the preview, or (with `commit=true` and no row wrong) the
/// projects made — all of them in one transaction, or none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportResponse {
    pub rows: Vec<ImportRow>,
    /// Rows without issues.
    pub valid: u32,
    /// Rows with issues: the import commits nothing while there are any.
    pub invalid: u32,
    /// Whether the projects were made.
    pub committed: bool,
    #[serde(default)]
    pub projects: Vec<Project>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(reclaimed: &str, farmland: &str, paddy: &str, local: &str) -> ProjectFigures {
        ProjectFigures {
            reclaimed_mu: reclaimed.parse().expect("area"),
            farmland_mu: farmland.parse().expect("area"),
            paddy_mu: paddy.parse().expect("area"),
            grain_capacity_kg: 100,
            local_use_mu: local.parse().expect("area"),
        }
    }

    #[test]
    fn parts_stay_within_their_wholes_and_the_surplus_is_what_local_use_leaves() {
        let f = figures("30", "25", "10", "4.5");
        assert_eq!(f.check(), Ok(()));
        assert_eq!(f.surplus().to_string(), "25.5000");
        assert_eq!(
            figures("30", "30.0001", "0", "0")
                .check()
                .map_err(|e| e.field),
            Err("farmland_mu".into())
        );
        assert_eq!(
            figures("30", "20", "20.0001", "0")
                .check()
                .map_err(|e| e.field),
            Err("paddy_mu".into())
        );
        assert_eq!(
            figures("30", "20", "0", "30.0001")
                .check()
                .map_err(|e| e.field),
            Err("local_use_mu".into())
        );
        // All of it used locally: nothing to sell.
        assert_eq!(figures("30", "20", "0", "30").surplus(), Area::ZERO);
    }

    fn project(reclaimed: &str, farmland: &str, paddy: &str, kg: i64) -> Project {
        let area = |s: &str| s.parse::<Area>().expect("area");
        Project {
            id: 1,
            county_code: "450422".parse().expect("county"),
            name: "太平镇项目".into(),
            registration_no: "450422-2021-0007".into(),
            township: "太平镇".into(),
            village: String::new(),
            reclaimed_mu: area(reclaimed),
            farmland_mu: area(farmland),
            paddy_mu: area(paddy),
            grain_capacity_kg: kg,
            local_use_mu: Area::ZERO,
            surplus_mu: area(reclaimed),
            status: ProjectStatus::Accepted,
            accepted_on: None,
            acceptance_doc: None,
            committed_mu: Area::ZERO,
            available_mu: area(reclaimed),
            shortfall_mu: Area::ZERO,
            plots_mu: None,
            plots_flagged: false,
            created_by: "teng".into(),
            created_at: OffsetDateTime::UNIX_EPOCH,
            updated_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_share_follows_the_reclaimed_area_and_rounds_down() {
        let p = project("30", "24", "9", 18_000);
        let share = p.share_of("10".parse().expect("area"));
        assert_eq!(share.farmland_mu.to_string(), "8.0000");
        assert_eq!(share.paddy_mu.to_string(), "3.0000");
        assert_eq!(share.grain_capacity_kg, 6_000);
        // All of it: exactly the project's figures.
        assert_eq!(
            p.share_of("30".parse().expect("area")),
            Share {
                farmland_mu: p.farmland_mu,
                paddy_mu: p.paddy_mu,
                grain_capacity_kg: 18_000
            }
        );
        // Thirds of 10 亩 farmland over 3 亩 reclaimed: rounded down, so three listings of
        // 1 亩 never carry more than the project's farmland.
        let p = project("3", "1", "1", 10);
        let third = p.share_of("1".parse().expect("area"));
        assert_eq!(third.farmland_mu.to_string(), "0.3333");
        assert_eq!(third.grain_capacity_kg, 3);
        let sum = third.plus(third).and_then(|s| s.plus(third)).expect("sum");
        assert!(sum.farmland_mu <= p.farmland_mu && sum.grain_capacity_kg <= 10);
    }
}

//! Rows of reclamation projects (复垦项目).

use time::OffsetDateTime;

use super::{corrupt, parse_stored};
use crate::store::error::StoreError;
use quota_shared::Area;
use quota_shared::api::{ListingSource, Project, ProjectDraw, ProjectStatus};

pub(crate) const PROJECT_COLUMNS: &str = "id, county_code, name, registration_no, township, village, \
     reclaimed_e4_mu, farmland_e4_mu, paddy_e4_mu, grain_capacity_kg, local_use_e4_mu, status, \
     CAST(accepted_on AS TEXT) AS accepted_on, acceptance_doc, committed_e4_mu, plots_e4_mu, created_by, created_at, updated_at";

/// A project row; decodes on both databases (the acceptance date read as text).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ProjectRow {
    pub id: i64,
    pub county_code: String,
    pub name: String,
    pub registration_no: String,
    pub township: String,
    pub village: String,
    pub reclaimed_e4_mu: i64,
    pub farmland_e4_mu: i64,
    pub paddy_e4_mu: i64,
    pub grain_capacity_kg: i64,
    pub local_use_e4_mu: i64,
    pub status: String,
    pub accepted_on: Option<String>,
    pub acceptance_doc: Option<String>,
    pub committed_e4_mu: i64,
    pub plots_e4_mu: Option<i64>,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl ProjectRow {
    pub fn into_project(self) -> Result<Project, StoreError> {
        let id = self.id;
        let area = |e4| Area::from_e4(e4).map_err(|_| corrupt(format!("area of project {id}")));
        let reclaimed = area(self.reclaimed_e4_mu)?;
        let local_use = area(self.local_use_e4_mu)?;
        let surplus = reclaimed
            .checked_sub(local_use)
            .map_err(|_| corrupt(format!("surplus of project {id}")))?;
        let committed = area(self.committed_e4_mu)?;
        let minus = |a: Area, b: Area| a.checked_sub(b).unwrap_or(Area::ZERO);
        Ok(Project {
            id,
            county_code: self
                .county_code
                .parse()
                .map_err(|_| corrupt(format!("county of project {id}")))?,
            name: self.name,
            registration_no: self.registration_no,
            township: self.township,
            village: self.village,
            reclaimed_mu: reclaimed,
            farmland_mu: area(self.farmland_e4_mu)?,
            paddy_mu: area(self.paddy_e4_mu)?,
            grain_capacity_kg: self.grain_capacity_kg,
            local_use_mu: local_use,
            surplus_mu: surplus,
            committed_mu: committed,
            available_mu: minus(surplus, committed),
            shortfall_mu: minus(committed, surplus),
            // An unreadable sum reads as none: the project stays readable, and re-uploadable.
            plots_mu: self.plots_e4_mu.and_then(|p| Area::from_e4(p).ok()),
            plots_flagged: self.plots_e4_mu.is_some_and(|p| {
                crate::plots::off_by_more_than_tolerance(
                    Area::from_e4(p).unwrap_or(Area::ZERO),
                    reclaimed,
                )
            }),
            status: parse_stored("project status", &self.status)?,
            accepted_on: self
                .accepted_on
                .as_deref()
                .map(super::rules::stored_date)
                .transpose()?,
            acceptance_doc: self.acceptance_doc,
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// One source of a listing, with its project's name and number.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SourceRow {
    pub listing_id: i64,
    pub project_id: i64,
    pub name: String,
    pub registration_no: String,
    pub area_e4_mu: i64,
    pub held_e4_mu: i64,
    pub advance: bool,
    pub status: String,
}

impl SourceRow {
    pub fn into_source(self) -> Result<ListingSource, StoreError> {
        let listing = self.listing_id;
        let area =
            |e4| Area::from_e4(e4).map_err(|_| corrupt(format!("source of listing {listing}")));
        Ok(ListingSource {
            project_id: self.project_id,
            project_name: self.name,
            registration_no: self.registration_no,
            area_mu: area(self.area_e4_mu)?,
            held_mu: area(self.held_e4_mu)?,
            advance: self.advance,
            project_accepted: parse_stored::<ProjectStatus>("project status", &self.status)?
                == ProjectStatus::Accepted,
        })
    }
}

/// One listing drawn on a project.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct DrawRow {
    pub listing_id: i64,
    pub status: String,
    pub area_e4_mu: i64,
    pub held_e4_mu: i64,
    pub advance: bool,
    pub listed_at: OffsetDateTime,
}

impl DrawRow {
    pub fn into_draw(self) -> Result<ProjectDraw, StoreError> {
        let listing = self.listing_id;
        let area =
            |e4| Area::from_e4(e4).map_err(|_| corrupt(format!("draw of listing {listing}")));
        Ok(ProjectDraw {
            listing_id: listing,
            status: parse_stored("listing status", &self.status)?,
            area_mu: area(self.area_e4_mu)?,
            held_mu: area(self.held_e4_mu)?,
            advance: self.advance,
            listed_at: self.listed_at,
        })
    }
}

/// One plot as stored.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PlotRow {
    pub name: String,
    pub area_e4_mu: i64,
    pub geometry: String,
}

impl PlotRow {
    pub fn into_plot(self) -> Result<quota_shared::api::Plot, StoreError> {
        Ok(quota_shared::api::Plot {
            area_mu: Area::from_e4(self.area_e4_mu).map_err(|_| corrupt("plot area"))?,
            polygons: serde_json::from_str(&self.geometry)
                .map_err(|_| corrupt(format!("plot {}", self.name)))?,
            name: self.name,
        })
    }
}

//! Rows of serial runs and the blocks they read as (docs/DOMAIN.md, "Serial numbers").

use time::OffsetDateTime;

use super::corrupt;
use crate::store::error::StoreError;
use quota_shared::Area;
use quota_shared::api::SerialBlock;
use quota_shared::serial::{Landing, Run, Serial, split};

/// A run issued to a trade, with its project's name, number and serial prefix parts.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct RunRow {
    pub project_id: i64,
    pub first_unit: i64,
    pub last_unit: i64,
    pub name: String,
    pub registration_no: String,
    pub county_code: String,
    pub created_at: OffsetDateTime,
}

/// A use of the holding: where it starts among the holding's units and how many.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct LandingRow {
    pub id: i64,
    pub approval_no: String,
    pub used_before_e4_mu: i64,
    pub area_e4_mu: i64,
}

/// A project's serial of `unit`.
pub(crate) fn serial_of(run: &RunRow, unit: i64) -> Result<Serial, StoreError> {
    Ok(Serial {
        county: run
            .county_code
            .parse()
            .map_err(|_| corrupt(format!("county of project {}", run.project_id)))?,
        year: quota_shared::calendar::year_of(run.created_at),
        project_id: run.project_id,
        unit,
    })
}

/// A holding's runs, cut where its uses begin and end, as blocks in order.
pub(crate) fn blocks(runs: &[RunRow], uses: &[LandingRow]) -> Result<Vec<SerialBlock>, StoreError> {
    let plain: Vec<Run> = runs
        .iter()
        .map(|r| Run {
            project_id: r.project_id,
            first: r.first_unit,
            last: r.last_unit,
        })
        .collect();
    let landings: Vec<Landing> = uses
        .iter()
        .map(|u| Landing {
            offset: u.used_before_e4_mu,
            len: u.area_e4_mu,
        })
        .collect();
    split(&plain, &landings)
        .into_iter()
        .map(|(piece, used)| {
            let run = runs
                .iter()
                .find(|r| {
                    r.project_id == piece.project_id
                        && r.first_unit <= piece.first
                        && piece.last <= r.last_unit
                })
                .ok_or_else(|| corrupt(format!("serial run of project {}", piece.project_id)))?;
            let used = used.and_then(|n| uses.get(n));
            Ok(SerialBlock {
                project_id: run.project_id,
                project_name: run.name.clone(),
                registration_no: run.registration_no.clone(),
                first_serial: serial_of(run, piece.first)?.to_string(),
                last_serial: serial_of(run, piece.last)?.to_string(),
                area_mu: Area::from_e4(piece.len()).map_err(|_| corrupt("serial block area"))?,
                use_id: used.map(|u| u.id),
                approval_no: used.map(|u| u.approval_no.clone()),
            })
        })
        .collect()
}

//! What a new listing draws on (docs/DOMAIN.md, "Quota stock"): its projects checked against
//! the bureau's county and their stock, its area their sum, its new farmland, paddy and grain
//! capacity their shares. The store draws again in the listing's transaction, which decides.

use std::collections::HashSet;

use quota_shared::api::{LISTING_SOURCES_MAX, NewListing, ProjectStatus, Share};
use quota_shared::codes::ErrorCode;
use quota_shared::jurisdiction::CountyCode;
use quota_shared::{Area, DomainError, FieldError};

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::Store;
use crate::store::types::SourceDraft;

/// A listing's draw on its projects, checked.
pub(super) struct Plan {
    pub sources: Vec<SourceDraft>,
    pub area: Area,
    pub share: Share,
    /// The projects' names, joined: the listing's `source_project`.
    pub names: String,
    /// Their townships, each once.
    pub townships: String,
    /// Whether any project is not accepted yet (预支).
    pub advance: bool,
}

/// Checks `l.sources` against the projects of `county` as they are now.
pub(super) async fn plan<S: Store>(
    state: &AppState<S>,
    county: &CountyCode,
    l: &NewListing,
) -> Result<Plan, ApiError> {
    if l.sources.is_empty() {
        return Err(ApiError::invalid(
            "sources",
            ErrorCode::Required,
            "请选择至少一个已验收（或预支的已备案）复垦项目，并填写从中挂牌的面积",
            "Name at least one accepted (or, for advance quota, registered) reclamation project and the area to list from it",
        ));
    }
    if l.sources.len() > LISTING_SOURCES_MAX {
        return Err(ApiError::invalid(
            "sources",
            ErrorCode::TooLarge,
            format!("一次挂牌最多来自 {LISTING_SOURCES_MAX} 个复垦项目，请分成几次挂牌"),
            format!("A listing draws on at most {LISTING_SOURCES_MAX} projects: list in parts"),
        ));
    }
    let mut seen = HashSet::new();
    let mut plan = Plan {
        sources: Vec::with_capacity(l.sources.len()),
        area: Area::ZERO,
        share: Share::default(),
        names: String::new(),
        townships: String::new(),
        advance: false,
    };
    let mut names = Vec::new();
    let mut townships: Vec<String> = Vec::new();
    for (n, s) in l.sources.iter().enumerate() {
        let field = format!("sources[{n}].project_id");
        if !seen.insert(s.project_id) {
            return Err(ApiError::invalid(
                &field,
                ErrorCode::InvalidValue,
                format!(
                    "复垦项目 #{} 重复，同一项目在一次挂牌中只填一次",
                    s.project_id
                ),
                format!(
                    "Project #{} is named twice: name each project once",
                    s.project_id
                ),
            ));
        }
        let project = match state.store.project(s.project_id).await? {
            Some(p) if &p.county_code == county => p,
            // Another county's project reads as no project at all.
            _ => {
                return Err(ApiError::invalid(
                    &field,
                    ErrorCode::UnknownProject,
                    format!(
                        "本县没有编号为 #{} 的复垦项目，请在“复垦项目”中选择",
                        s.project_id
                    ),
                    format!(
                        "Your county has no reclamation project #{}: pick one from the project register",
                        s.project_id
                    ),
                ));
            }
        };
        let take = s.area_mu.get();
        if project.status == ProjectStatus::Registered {
            if !l.advance {
                return Err(ApiError::invalid(
                    &field,
                    ErrorCode::AdvanceRequired,
                    format!(
                        "复垦项目“{}”尚未验收：须勾选“预支指标”才能挂牌，或待验收后再挂牌",
                        project.name
                    ),
                    format!(
                        "Project “{}” is not accepted yet: list it as advance quota, or wait for its acceptance",
                        project.name
                    ),
                ));
            }
            plan.advance = true;
        }
        if take > project.available_mu {
            return Err(exceeds(n, &project.name, project.available_mu));
        }
        plan.area = plan
            .area
            .checked_add(take)
            .map_err(|e| FieldError::new("sources", e))?;
        plan.share = plan
            .share
            .plus(project.share_of(take))
            .ok_or_else(|| FieldError::new("sources", DomainError::Overflow))?;
        plan.sources.push(SourceDraft {
            project_id: project.id,
            area: take,
            advance: project.status == ProjectStatus::Registered,
        });
        names.push(project.name);
        if !townships.contains(&project.township) {
            townships.push(project.township);
        }
    }
    plan.names = names.join("、");
    plan.townships = townships.join("、");
    Ok(plan)
}

/// 409: the `n`th source asks more than its project has left to list.
pub(super) fn exceeds(n: usize, project: &str, available: Area) -> ApiError {
    ApiError::invalid(
        &format!("sources[{n}].area_mu"),
        ErrorCode::ExceedsStock,
        format!(
            "复垦项目“{project}”可挂牌的节余指标只剩 {available} 亩（节余指标减去已挂牌、已售、已落地的），请减少挂牌面积"
        ),
        format!(
            "Project “{project}” has {available} mu left to list (its surplus less what is listed, sold or landed): list less"
        ),
    )
}

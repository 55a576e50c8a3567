//! Audit payloads of reclamation projects (复垦项目): registered or edited (with what it was),
//! and accepted (the planned figures against the accepted ones).

use quota_shared::api::{AuditAction, Project, ProjectFigures};
use serde_json::{Value, json};

use crate::audit::{Entry, county_stream};
use crate::store::types::{AcceptanceDraft, ProjectDraft};

fn figures(f: &ProjectFigures) -> Value {
    json!({
        "reclaimed_mu": f.reclaimed_mu.get().to_string(),
        "farmland_mu": f.farmland_mu.to_string(),
        "paddy_mu": f.paddy_mu.to_string(),
        "grain_capacity_kg": f.grain_capacity_kg,
        "local_use_mu": f.local_use_mu.to_string(),
        "surplus_mu": f.surplus().to_string(),
    })
}

fn stored(p: &Project) -> Value {
    json!({
        "name": p.name,
        "registration_no": p.registration_no,
        "township": p.township,
        "village": p.village,
        "reclaimed_mu": p.reclaimed_mu.to_string(),
        "farmland_mu": p.farmland_mu.to_string(),
        "paddy_mu": p.paddy_mu.to_string(),
        "grain_capacity_kg": p.grain_capacity_kg,
        "local_use_mu": p.local_use_mu.to_string(),
        "surplus_mu": p.surplus_mu.to_string(),
        "status": p.status.wire(),
    })
}

/// A registered project as its draft describes it.
fn registered(d: &ProjectDraft) -> Value {
    let mut after = figures(&d.figures);
    after["name"] = json!(d.name);
    after["registration_no"] = json!(d.registration_no);
    after["township"] = json!(d.township);
    after["village"] = json!(d.village);
    after["status"] = json!("registered");
    after
}

/// A project registered (`before` is `None`) or edited.
pub(crate) fn project_saved(id: i64, d: &ProjectDraft, before: Option<&Project>) -> Entry {
    let after = registered(d);
    let action = if before.is_some() {
        AuditAction::ProjectEdited
    } else {
        AuditAction::ProjectRegistered
    };
    let entry = Entry::new(
        county_stream(d.county_code.as_str()),
        format!("project:{id}"),
        &d.actor,
        action,
        d.now,
    );
    match before {
        Some(p) => entry.before(stored(p)),
        None => entry,
    }
    .after(after)
}

/// A project accepted (验收) with its accepted figures; locked from now on.
/// `committed_e4` is what the project's listings hold at the acceptance, read in its
/// transaction.
pub(crate) fn project_accepted(before: &Project, a: &AcceptanceDraft, committed_e4: i64) -> Entry {
    accepted(
        &before.county_code,
        before.id,
        stored(before),
        a,
        committed_e4,
    )
}

/// A project imported with its acceptance: accepted right after its registration.
pub(crate) fn project_imported_accepted(
    id: i64,
    d: &ProjectDraft,
    a: &AcceptanceDraft,
    committed_e4: i64,
) -> Entry {
    accepted(&d.county_code, id, registered(d), a, committed_e4)
}

fn accepted(
    county: &quota_shared::jurisdiction::CountyCode,
    id: i64,
    before: Value,
    a: &AcceptanceDraft,
    committed_e4: i64,
) -> Entry {
    let mut after = figures(&a.figures);
    after["status"] = json!("accepted");
    after["accepted_on"] = json!(a.accepted_on.to_string());
    after["acceptance_doc"] = json!(a.acceptance_doc);
    // Accepted below what its listings had drawn in advance: recorded, and flagged on the project.
    let short = committed_e4 - a.figures.surplus().e4();
    if short > 0 {
        after["shortfall_mu"] = json!(
            quota_shared::Area::from_e4(short)
                .map(|a| a.to_string())
                .unwrap_or_default()
        );
    }
    Entry::new(
        county_stream(county.as_str()),
        format!("project:{id}"),
        &a.actor,
        AuditAction::ProjectAccepted,
        a.now,
    )
    .before(before)
    .after(after)
}

/// A project's plot boundaries replaced by an upload: how many, and their area.
pub(crate) fn project_plots(
    county: &str,
    id: i64,
    plots: &[crate::plots::Plot],
    actor: &str,
    now: time::OffsetDateTime,
) -> Entry {
    let total: i64 = plots.iter().map(|p| p.area.e4()).sum();
    Entry::new(
        county_stream(county),
        format!("project:{id}"),
        actor,
        AuditAction::ProjectPlots,
        now,
    )
    .after(json!({
        "plots": plots.iter().map(|p| json!({"name": p.name, "area_mu": p.area.to_string()})).collect::<Vec<_>>(),
        "plots_mu": quota_shared::Area::from_e4(total).map(|a| a.to_string()).unwrap_or_default(),
    }))
}

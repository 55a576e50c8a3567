//! Reclamation projects (复垦项目): registered by the county's bureau, edited while registered,
//! accepted once and then locked; one project per registration number; other counties' projects
//! do not exist for a bureau; every change is on the project's audit record.

use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb, error_of, on_both_databases};

on_both_databases!(
    a_bureau_registers_edits_and_accepts_a_project_which_then_locks,
    projects_are_checked_scoped_and_decided_once_under_concurrency,
);

pub(crate) fn project(number: &str) -> Value {
    json!({"name": "藤县太平镇拆旧复垦项目", "registration_no": number, "township": "太平镇",
           "village": "太平村", "reclaimed_mu": "30", "farmland_mu": "25", "paddy_mu": "10",
           "grain_capacity_kg": 12000, "local_use_mu": "4.5"})
}

fn acceptance(day: &str) -> Value {
    json!({"accepted_on": day, "acceptance_doc": "藤自然资验〔2026〕3号", "reclaimed_mu": "29.5",
           "farmland_mu": "24", "paddy_mu": "10", "grain_capacity_kg": 11800, "local_use_mu": "4.5"})
}

fn today(app: &TestApp) -> String {
    quota_shared::calendar::day_of(app.clock.now()).to_string()
}

async fn a_bureau_registers_edits_and_accepts_a_project_which_then_locks(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let teng = app
        .login_as("teng", Role::CountyBureau, Some("450422"))
        .await;
    let (status, body) = teng
        .post("/api/v1/projects", &project("450422-2026-0001"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let p = &body["project"];
    assert_eq!(
        (
            p["status"].as_str(),
            p["surplus_mu"].as_str(),
            p["county_code"].as_str()
        ),
        (Some("registered"), Some("25.5000"), Some("450422")),
        "{p}"
    );
    let id = p["id"].as_i64().expect("id");
    // Edited while registered: the planned figures change.
    let mut edited = project("450422-2026-0001");
    edited["local_use_mu"] = json!("6");
    let (status, body) = teng.put(&format!("/api/v1/projects/{id}"), &edited).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["project"]["surplus_mu"], "24.0000");
    // Accepted: the accepted figures replace the planned ones, and it locks.
    let path = format!("/api/v1/projects/{id}/accept");
    let (status, body) = teng.post(&path, &acceptance(&today(&app))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let p = &body["project"];
    assert_eq!(
        (
            p["status"].as_str(),
            p["surplus_mu"].as_str(),
            p["accepted_on"].as_str(),
            p["acceptance_doc"].as_str()
        ),
        (
            Some("accepted"),
            Some("25.0000"),
            Some(today(&app).as_str()),
            Some("藤自然资验〔2026〕3号")
        ),
        "{p}"
    );
    let (status, body) = teng.put(&format!("/api/v1/projects/{id}"), &edited).await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::CONFLICT, "project_accepted"),
        "{body}"
    );
    let (status, body) = teng.post(&path, &acceptance(&today(&app))).await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::CONFLICT, "project_accepted"),
        "{body}"
    );
    // Its record: registered, edited (with what it was), accepted.
    let audit = app.login_as("jijian", Role::Supervisor, None).await;
    let (_, record) = audit
        .get(&format!("/api/v1/audit?object=project:{id}"))
        .await;
    let actions: Vec<&str> = record["audit"]
        .as_array()
        .map(|e| e.iter().filter_map(|e| e["action"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(actions.len(), 3, "{record}");
    for wanted in ["project_registered", "project_edited", "project_accepted"] {
        assert!(actions.contains(&wanted), "{wanted} in {actions:?}");
    }
    let (_, v) = audit.get("/api/v1/audit/verify").await;
    assert_eq!(v["verification"]["intact"], true, "{v}");
}

async fn projects_are_checked_scoped_and_decided_once_under_concurrency(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let teng = app
        .login_as("teng", Role::CountyBureau, Some("450422"))
        .await;
    let meng = app
        .login_as("meng", Role::CountyBureau, Some("450423"))
        .await;
    // Parts within their wholes, text within bounds, a date not in the future.
    for (change, field) in [
        (json!({"farmland_mu": "30.0001"}), "farmland_mu"),
        (json!({"paddy_mu": "25.0001"}), "paddy_mu"),
        (json!({"local_use_mu": "31"}), "local_use_mu"),
        (json!({"reclaimed_mu": "0"}), "reclaimed_mu"),
        (json!({"grain_capacity_kg": -1}), "grain_capacity_kg"),
        (json!({"registration_no": "  "}), "registration_no"),
        (json!({"name": "长".repeat(101)}), "name"),
    ] {
        let mut body = project("X-1");
        for (k, v) in change.as_object().expect("change") {
            body[k] = v.clone();
        }
        let (status, answer) = teng.post("/api/v1/projects", &body).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {answer}"
        );
        assert_eq!(answer["error"]["field"], field, "{answer}");
    }
    let (_, body) = teng
        .post("/api/v1/projects", &project("450422-2026-0002"))
        .await;
    let id = body["project"]["id"].as_i64().expect("id");
    let tomorrow =
        (quota_shared::calendar::day_of(app.clock.now()) + time::Duration::days(1)).to_string();
    let (status, body) = teng
        .post(
            &format!("/api/v1/projects/{id}/accept"),
            &acceptance(&tomorrow),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "accepted_on");
    // One project per registration number, whichever county asks.
    let (status, body) = meng
        .post("/api/v1/projects", &project("450422-2026-0002"))
        .await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::CONFLICT, "registration_taken"),
        "{body}"
    );
    // Another county's project does not exist for a bureau; buyers see none; staff see all.
    assert_eq!(
        meng.get(&format!("/api/v1/projects/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        meng.put(
            &format!("/api/v1/projects/{id}"),
            &project("450422-2026-0002")
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let (_, mine) = meng.get("/api/v1/projects").await;
    assert!(
        mine["projects"].as_array().is_some_and(Vec::is_empty),
        "{mine}"
    );
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    assert_eq!(buyer.get("/api/v1/projects").await.0, StatusCode::FORBIDDEN);
    let supervisor = app.login_as("jijian", Role::Supervisor, None).await;
    let (_, all) = supervisor.get("/api/v1/projects").await;
    assert_eq!(all["projects"].as_array().map(Vec::len), Some(1), "{all}");

    // Eight acceptances at once: one wins, the others are told it is locked.
    let path = format!("/api/v1/projects/{id}/accept");
    let day = today(&app);
    let answers = futures_util::future::join_all((0..8).map(|_| {
        let (teng, path, body) = (teng.clone(), path.clone(), acceptance(&day));
        async move { teng.post(&path, &body).await }
    }))
    .await;
    let ok = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!(ok, 1, "{answers:?}");
    assert!(
        answers
            .iter()
            .all(|(s, b)| *s == StatusCode::OK || error_of(b).0 == "project_accepted")
    );
    // Eight registrations of one new number at once: one project.
    let answers = futures_util::future::join_all((0..8).map(|_| {
        let teng = teng.clone();
        async move {
            teng.post("/api/v1/projects", &project("450422-2026-0099"))
                .await
        }
    }))
    .await;
    let created = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "{answers:?}");
    assert!(
        answers
            .iter()
            .all(|(s, b)| *s == StatusCode::CREATED || error_of(b).0 == "registration_taken")
    );
}

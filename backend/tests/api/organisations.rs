//! Parties (单位, #16): a company registers itself (organisation + first user) and stays
//! pending; mistakes in its 统一社会信用代码 and contact data are named; one code registers once,
//! even when sent many times at once; a pending or rejected organisation's user logs in but
//! neither buys nor bids; the administrator rejects with a reason the applicant sees, then
//! approves, and the company buys; every step is on the organisation's record.

use quota_backend::with_store;
use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, TestDb, error_of, on_both_databases, purchase, registration, teng_listing, uscc,
};

on_both_databases!(
    a_company_registers_is_reviewed_and_buys_only_once_approved,
    one_code_registers_once_however_many_send_it,
);

async fn a_company_registers_is_reviewed_and_buys_only_once_approved(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (_, listing) = teng_listing(&app, "10").await;
    let anon = app.anonymous();
    // Mistakes are named, field by field, and nothing is written.
    let mistake = |mut body: Value, path: &[&str], value: Value| {
        let mut at = &mut body;
        for p in &path[..path.len() - 1] {
            at = &mut at[*p];
        }
        at[path[path.len() - 1]] = value;
        body
    };
    let good = registration(1, "zhixin");
    let mut wrong_check = uscc(1);
    wrong_check.pop();
    wrong_check.push(if uscc(1).ends_with('0') { '1' } else { '0' });
    for (body, field, words) in [
        (
            mistake(good.clone(), &["organisation", "uscc"], json!(wrong_check)),
            "organisation.uscc",
            "校验位",
        ),
        (
            mistake(
                good.clone(),
                &["organisation", "uscc"],
                json!("91450400MA5N0EXA3"),
            ),
            "organisation.uscc",
            "18 位",
        ),
        (
            mistake(
                good.clone(),
                &["organisation", "contact_phone"],
                json!("=HYPERLINK(1)"),
            ),
            "organisation.contact_phone",
            "电话",
        ),
        (
            mistake(
                good.clone(),
                &["organisation", "kind"],
                json!("land_reserve"),
            ),
            "organisation.county_code",
            "所属县",
        ),
        (
            mistake(
                good.clone(),
                &["organisation", "name"],
                json!("某公司\n第二行"),
            ),
            "organisation.name",
            "单位全称",
        ),
        (
            mistake(good.clone(), &["password"], json!("short")),
            "password",
            "密码",
        ),
    ] {
        let (status, answer) = anon.post("/api/v1/registrations", &body).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {answer}"
        );
        assert_eq!(answer["error"]["field"], field, "{answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains(words)),
            "{answer}"
        );
    }
    let admin = app.login_as("root", Role::Admin, None).await;
    let (_, none) = admin.get("/api/v1/organisations").await;
    assert_eq!(
        none["organisations"].as_array().map(Vec::len),
        Some(0),
        "{none}"
    );
    // Registered: pending.
    let (status, body) = anon.post("/api/v1/registrations", &good).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let org = &body["organisation"];
    assert_eq!(org["status"], "pending");
    assert_eq!(org["uscc"], uscc(1));
    let id = org["id"].as_i64().expect("id");
    // The same code again, or the same username for another code: refused, nothing half-made.
    let (status, again) = anon
        .post("/api/v1/registrations", &registration(1, "other"))
        .await;
    assert_eq!(
        (status, error_of(&again).0.as_str()),
        (StatusCode::CONFLICT, "uscc_taken"),
        "{again}"
    );
    let (status, taken) = anon
        .post("/api/v1/registrations", &registration(2, "zhixin"))
        .await;
    assert_eq!(
        (status, error_of(&taken).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "account_refused"),
        "{taken}"
    );
    let (_, all) = admin.get("/api/v1/organisations").await;
    assert_eq!(
        all["organisations"].as_array().map(Vec::len),
        Some(1),
        "{all}"
    );
    // The applicant logs in and sees its organisation pending; it neither buys nor bids.
    let applicant = app.login_with("zhixin", "secret-2026").await;
    let (_, me) = applicant.get("/api/v1/me").await;
    assert_eq!(me["user"]["organisation_id"], id, "{me}");
    let (status, own) = applicant.get(&format!("/api/v1/organisations/{id}")).await;
    assert_eq!(
        (status, own["organisation"]["status"].as_str()),
        (StatusCode::OK, Some("pending"))
    );
    let buy = || {
        let applicant = applicant.clone();
        async move {
            applicant
                .buy(
                    &format!("k-{}", crate::helpers::next_key()),
                    &purchase(listing, "1", "industrial", "450481"),
                )
                .await
        }
    };
    let (status, refused) = buy().await;
    assert_eq!(
        (status, error_of(&refused).0.as_str()),
        (StatusCode::FORBIDDEN, "organisation_not_approved"),
        "{refused}"
    );
    // Another buyer does not see it; only the administrator reviews.
    let other = app.login_as("dev2", Role::Buyer, None).await;
    let (status, _) = other.get(&format!("/api/v1/organisations/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = applicant
        .post(&format!("/api/v1/organisations/{id}/approve"), &json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Rejected, with a reason the applicant reads; a rejection without one is refused.
    let (status, bare) = admin
        .post(
            &format!("/api/v1/organisations/{id}/reject"),
            &json!({"note": " "}),
        )
        .await;
    assert_eq!(
        (status, error_of(&bare).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "required"),
        "{bare}"
    );
    let (_, pending) = admin.get("/api/v1/organisations?status=pending").await;
    assert_eq!(pending["organisations"][0]["id"], id, "{pending}");
    let (status, rejected) = admin
        .post(
            &format!("/api/v1/organisations/{id}/reject"),
            &json!({"note": "营业执照上的名称与填写的单位全称不符"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rejected}");
    assert_eq!(rejected["organisation"]["status"], "rejected");
    let (_, own) = applicant.get(&format!("/api/v1/organisations/{id}")).await;
    assert_eq!(
        own["organisation"]["review_note"],
        "营业执照上的名称与填写的单位全称不符"
    );
    let (status, refused) = buy().await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        refused["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("名称与填写的单位全称不符")),
        "{refused}"
    );
    // Nothing is approved unchecked: without its licence the approval is refused by name.
    let (status, unchecked) = admin
        .post(&format!("/api/v1/organisations/{id}/approve"), &json!({}))
        .await;
    assert_eq!(
        (status, error_of(&unchecked).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "document_missing"),
        "{unchecked}"
    );
    assert!(unchecked.to_string().contains("营业执照"), "{unchecked}");
    applicant.upload_licence(id).await;
    // Mended and checked again: approved; it buys; an approval is not reviewed again.
    let (status, approved) = admin
        .post(&format!("/api/v1/organisations/{id}/approve"), &json!({}))
        .await;
    assert_eq!(
        (status, approved["organisation"]["status"].as_str()),
        (StatusCode::OK, Some("approved")),
        "{approved}"
    );
    assert_eq!(approved["organisation"]["reviewed_by"], "root");
    let (status, bought) = buy().await;
    assert_eq!(status, StatusCode::CREATED, "{bought}");
    // The trade names the organisation and its code, as the confirmation prints them.
    let trade = bought["purchase"]["id"].as_i64().expect("id");
    let (_, read) = applicant.get("/api/v1/purchases").await;
    let mine = &read["purchases"][0];
    assert_eq!(mine["id"], trade, "{read}");
    assert_eq!(
        mine["buyer_organisation"], "梧州市某置业有限公司1",
        "{read}"
    );
    assert_eq!(mine["buyer_uscc"], uscc(1), "{read}");
    let (status, twice) = admin
        .post(
            &format!("/api/v1/organisations/{id}/reject"),
            &json!({"note": "再审"}),
        )
        .await;
    assert_eq!(
        (status, error_of(&twice).0.as_str()),
        (StatusCode::CONFLICT, "organisation_approved"),
        "{twice}"
    );
    // Its record: registered, rejected, approved; the log verifies.
    let (_, record) = admin
        .get(&format!("/api/v1/audit?object=organisation:{id}"))
        .await;
    let actions: Vec<&str> = record["audit"]
        .as_array()
        .expect("audit")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "organisation_registered",
            "organisation_rejected",
            "organisation_document",
            "organisation_approved"
        ],
        "{record}"
    );
    let (_, v) = admin.get("/api/v1/audit/verify").await;
    assert_eq!(v["verification"]["intact"], true, "{v}");
    // A registration approved behind the application's back is named by audit verify.
    let sneaky = app.pending_organisation().await;
    let statement = format!("UPDATE organisations SET status = 'approved' WHERE id = {sneaky}");
    with_store!(&app.db, s => sqlx::query(sqlx::AssertSqlSafe(statement)).execute(s.pool()).await.map(|_| ()))
        .expect("tampering");
    let (_, v) = admin.get("/api/v1/audit/verify").await;
    assert_eq!(v["verification"]["intact"], false, "{v}");
    assert!(
        v.to_string().contains(&format!("organisation:{sneaky}")),
        "{v}"
    );
}

async fn one_code_registers_once_however_many_send_it(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let sends = (0..20).map(|n| {
        let anon = app.anonymous();
        async move {
            let mut body = registration(7, &format!("racer{n}"));
            body["organisation"]["name"] = json!(format!("同一家公司{n}"));
            anon.post("/api/v1/registrations", &body).await.0
        }
    });
    let handles: Vec<_> = sends.map(tokio::spawn).collect();
    let mut statuses = Vec::new();
    for h in handles {
        statuses.push(h.await.expect("task"));
    }
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count(),
        19,
        "{statuses:?}"
    );
    // The losers' usernames were not kept either.
    let admin = app.login_as("root", Role::Admin, None).await;
    let (_, users) = admin.get("/api/v1/users").await;
    let racers = users["users"]
        .as_array()
        .expect("users")
        .iter()
        .filter(|u| {
            u["username"]
                .as_str()
                .is_some_and(|n| n.starts_with("racer"))
        })
        .count();
    assert_eq!(racers, 1, "{users}");
}

//! Listings draw from stock (docs/DOMAIN.md, "Quota stock"): a listing names its projects and
//! how much of each; its farmland, paddy and capacity follow pro rata; listed + sold + landed
//! never passes a project's surplus, on both databases and under concurrency; what a listing
//! does not sell goes back; an advance listing draws on a registered project, and an
//! acceptance below what was drawn is flagged.

use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Client, TestApp, TestDb, error_of, on_both_databases, purchase};

on_both_databases!(
    listings_draw_from_stock_and_give_back_what_they_do_not_sell,
    advance_listings_draw_on_registered_projects_and_acceptance_flags_a_shortfall,
    clerks_drawing_on_one_project_at_once_never_pass_its_surplus,
);

/// 藤县's bureau, with its base price set (R2).
async fn teng(app: &TestApp) -> Client {
    let bureau = app
        .login_as("teng", Role::CountyBureau, Some("450422"))
        .await;
    let (status, body) = bureau
        .put(
            "/api/v1/counties/450422/base-price",
            &json!({"price_per_mu": "280000"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    bureau
}

/// Registers a project of the bureau's county (30 亩 reclaimed, 24 farmland, 9 paddy,
/// 18,000 kg, `local` used locally) and, unless `registered_only`, accepts it as registered.
async fn project(bureau: &Client, number: &str, local: &str, registered_only: bool) -> i64 {
    let figures = json!({"reclaimed_mu": "30", "farmland_mu": "24", "paddy_mu": "9",
                         "grain_capacity_kg": 18000, "local_use_mu": local});
    let mut body = json!({"name": format!("项目{number}"), "registration_no": number,
                          "township": "太平镇", "village": "太平村"});
    body.as_object_mut()
        .expect("object")
        .extend(figures.as_object().expect("object").clone());
    let (status, created) = bureau.post("/api/v1/projects", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["project"]["id"].as_i64().expect("id");
    if !registered_only {
        let mut acceptance = figures.clone();
        acceptance["accepted_on"] = json!("2026-01-05");
        acceptance["acceptance_doc"] = json!(format!("验〔2026〕{number}"));
        let (status, body) = bureau
            .post(&format!("/api/v1/projects/{id}/accept"), &acceptance)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    id
}

fn listing(sources: &[(i64, &str)], advance: bool) -> Value {
    json!({
        "channel": "county", "price_per_mu": "300000", "advance": advance,
        "sources": sources.iter().map(|(p, a)| json!({"project_id": p, "area_mu": a})).collect::<Vec<_>>(),
    })
}

async fn stock_of(bureau: &Client, id: i64) -> (String, String, String) {
    let (status, body) = bureau.get(&format!("/api/v1/projects/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let p = &body["project"];
    let text = |v: &Value| v.as_str().expect("area").to_string();
    (
        text(&p["committed_mu"]),
        text(&p["available_mu"]),
        text(&p["shortfall_mu"]),
    )
}

async fn create(bureau: &Client, body: &Value) -> i64 {
    let (status, created) = bureau.post("/api/v1/listings", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["listing"]["id"].as_i64().expect("id")
}

async fn listings_draw_from_stock_and_give_back_what_they_do_not_sell(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let teng = teng(&app).await;
    // 30 亩 reclaimed, 6 used locally: 24 亩 of surplus.
    let a = project(&teng, "450422-2026-0101", "6", false).await;
    let first = create(&teng, &listing(&[(a, "10")], false)).await;
    let (_, body) = teng.get(&format!("/api/v1/listings/{first}")).await;
    let l = &body["listing"];
    // Pro rata to the reclaimed area: 10/30 of 24 farmland, 9 paddy, 18,000 kg.
    assert_eq!(
        (
            &l["area_mu"],
            &l["farmland_mu"],
            &l["paddy_mu"],
            &l["grain_capacity_kg"]
        ),
        (
            &json!("10.0000"),
            &json!("8.0000"),
            &json!("3.0000"),
            &json!(6000)
        ),
        "{body}"
    );
    assert_eq!(l["sources"][0]["project_id"], a, "{body}");
    assert_eq!(l["sources"][0]["registration_no"], "450422-2026-0101");
    assert_eq!(l["source_project"], "项目450422-2026-0101");
    assert_eq!(
        stock_of(&teng, a).await,
        ("10.0000".into(), "14.0000".into(), "0.0000".into())
    );
    // More than is left: refused, naming what is.
    let (status, body) = teng
        .post("/api/v1/listings", &listing(&[(a, "14.0001")], false))
        .await;
    assert_eq!(
        (
            status,
            error_of(&body).0.as_str(),
            body["error"]["field"].as_str()
        ),
        (
            StatusCode::CONFLICT,
            "exceeds_stock",
            Some("sources[0].area_mu")
        ),
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("14.0000")),
        "{body}"
    );
    // Inputs a careless client sends: none, twice the same, the old typed fields.
    for (bad, code) in [
        (
            json!({"channel": "county", "price_per_mu": "300000", "sources": []}),
            "required",
        ),
        (listing(&[(a, "1"), (a, "1")], false), "invalid_value"),
        (listing(&[(a, "0")], false), "zero"),
        (
            json!({"channel": "county", "price_per_mu": "300000", "sources": [{"project_id": a, "area_mu": "1"}],
                "farmland_mu": "1"}),
            "unknown_field",
        ),
    ] {
        let (status, body) = teng.post("/api/v1/listings", &bad).await;
        assert_eq!(
            (status, error_of(&body).0.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, code),
            "{bad}: {body}"
        );
    }
    let eleven: Vec<(i64, &str)> = (0..11).map(|n| (a + n, "1")).collect();
    let (status, body) = teng
        .post("/api/v1/listings", &listing(&eleven, false))
        .await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "too_large"),
        "{body}"
    );

    // Two projects in one listing: the area is their sum; a sale takes from the first named.
    let b = project(&teng, "450422-2026-0102", "0", false).await;
    let both = create(&teng, &listing(&[(a, "4"), (b, "6")], false)).await;
    let (_, body) = teng.get(&format!("/api/v1/listings/{both}")).await;
    assert_eq!(body["listing"]["area_mu"], "10.0000", "{body}");
    assert_eq!(body["listing"]["farmland_mu"], "8.0000", "{body}");
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let (status, bought) = buyer
        .buy("s1", &purchase(both, "5", "commercial", "450481"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{bought}");
    // A reservation of 1 亩 more, still unpaid when the listing is withdrawn.
    let (status, reserved) = buyer
        .buy("s2", &purchase(both, "1", "commercial", "450481"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{reserved}");
    let (status, body) = teng
        .post_empty(&format!("/api/v1/listings/{both}/withdraw"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // 6 亩 are spoken for: 4 of A (all it gave), 2 of B; B's other 4 are back.
    let (_, body) = teng.get(&format!("/api/v1/listings/{both}")).await;
    let held: Vec<&str> = body["listing"]["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| s["held_mu"].as_str().expect("held"))
        .collect();
    assert_eq!(held, ["4.0000", "2.0000"], "{body}");
    assert_eq!(stock_of(&teng, a).await.0, "14.0000");
    assert_eq!(stock_of(&teng, b).await.0, "2.0000");
    // The unpaid reservation is cancelled: its 1 亩 goes back to B as well.
    let reserved = reserved["purchase"]["id"].as_i64().expect("id");
    let (status, body) = buyer
        .post_empty(&format!("/api/v1/purchases/{reserved}/cancel"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(stock_of(&teng, b).await.0, "1.0000");

    // A listing that expires unsold gives all of it back when the scheduler ends it.
    let mut closing = listing(&[(b, "20")], false);
    closing["closes_at"] = json!(
        (app.clock.now() + time::Duration::hours(1))
            .format(&time::format_description::well_known::Rfc3339)
            .expect("time")
    );
    let expiring = create(&teng, &closing).await;
    assert_eq!(
        stock_of(&teng, b).await,
        ("21.0000".into(), "9.0000".into(), "0.0000".into())
    );
    app.clock.advance(time::Duration::hours(2));
    let teng = app.login("teng").await;
    // A read shows it expired and never writes: the stock is unchanged until the scheduler runs.
    let (_, body) = teng.get(&format!("/api/v1/listings/{expiring}")).await;
    assert_eq!(body["listing"]["status"], "expired");
    assert_eq!(stock_of(&teng, b).await.0, "21.0000");
    app.tick().await;
    assert_eq!(stock_of(&teng, b).await.0, "1.0000");
    // The project lists its draws, newest first, with what each holds.
    let (_, body) = teng.get(&format!("/api/v1/projects/{b}")).await;
    let draws: Vec<(i64, &str)> = body["draws"]
        .as_array()
        .expect("draws")
        .iter()
        .map(|d| {
            (
                d["listing_id"].as_i64().expect("id"),
                d["held_mu"].as_str().expect("held"),
            )
        })
        .collect();
    assert_eq!(draws, [(expiring, "0.0000"), (both, "1.0000")], "{body}");
    let (_, v) = app
        .login_as("auditor", Role::Supervisor, None)
        .await
        .get("/api/v1/audit/verify")
        .await;
    assert_eq!(v["verification"]["intact"], true, "{v}");
}

async fn advance_listings_draw_on_registered_projects_and_acceptance_flags_a_shortfall(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let teng = teng(&app).await;
    // Registered, not accepted: 30 亩 planned, none used locally.
    let c = project(&teng, "450422-2026-0201", "0", true).await;
    let (status, body) = teng
        .post("/api/v1/listings", &listing(&[(c, "20")], false))
        .await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "advance_required"),
        "{body}"
    );
    let id = create(&teng, &listing(&[(c, "20")], true)).await;
    let (_, body) = teng.get(&format!("/api/v1/listings/{id}")).await;
    assert_eq!(body["listing"]["advance"], true, "{body}");
    assert_eq!(body["listing"]["sources"][0]["advance"], true, "{body}");
    assert_eq!(
        body["listing"]["sources"][0]["project_accepted"], false,
        "{body}"
    );
    // Its planned figures cannot now drop below what is listed.
    let edit = json!({"name": "项目C", "registration_no": "450422-2026-0201", "township": "太平镇",
        "village": "", "reclaimed_mu": "30", "farmland_mu": "24", "paddy_mu": "9",
        "grain_capacity_kg": 18000, "local_use_mu": "10.0001"});
    let (status, body) = teng.put(&format!("/api/v1/projects/{c}"), &edit).await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::CONFLICT, "project_committed"),
        "{body}"
    );
    // Accepted at 18 亩 of surplus (12 used locally): 2 亩 short of the 20 drawn in advance.
    // The acceptance stands; the shortfall is flagged on the project and on its record.
    let (status, body) = teng
        .post(
            &format!("/api/v1/projects/{c}/accept"),
            &json!({"accepted_on": "2026-01-05", "acceptance_doc": "验〔2026〕C", "reclaimed_mu": "30",
                    "farmland_mu": "24", "paddy_mu": "9", "grain_capacity_kg": 18000, "local_use_mu": "12"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        stock_of(&teng, c).await,
        ("20.0000".into(), "0.0000".into(), "2.0000".into())
    );
    let admin = app.login_as("root", Role::Admin, None).await;
    let (_, all) = admin.get("/api/v1/projects").await;
    assert!(
        all["projects"]
            .as_array()
            .expect("projects")
            .iter()
            .any(|p| p["id"] == c && p["shortfall_mu"] == "2.0000"),
        "the administrator sees the shortfall: {all}"
    );
    let (_, record) = admin
        .get(&format!("/api/v1/audit?object=project:{c}"))
        .await;
    assert!(
        record.to_string().contains("\"shortfall_mu\":\"2.0000\""),
        "{record}"
    );
    // Acceptance turned the listing's quota ordinary; its source still says it was advance.
    let (_, body) = teng.get(&format!("/api/v1/listings/{id}")).await;
    assert_eq!(body["listing"]["advance"], false, "{body}");
    assert_eq!(body["listing"]["sources"][0]["advance"], true, "{body}");
    assert_eq!(
        body["listing"]["sources"][0]["project_accepted"], true,
        "{body}"
    );
    // Nothing more can be drawn; withdrawing gives the 20 back and clears the shortfall.
    let (status, _) = teng
        .post("/api/v1/listings", &listing(&[(c, "0.0001")], false))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = teng
        .post_empty(&format!("/api/v1/listings/{id}/withdraw"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        stock_of(&teng, c).await,
        ("0.0000".into(), "18.0000".into(), "0.0000".into())
    );
}

async fn clerks_drawing_on_one_project_at_once_never_pass_its_surplus(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let first = teng(&app).await;
    app.add_user("teng2", Role::CountyBureau, Some("450422"), false)
        .await;
    let second = app.login("teng2").await;
    // 24 亩 of surplus; 16 requests of 3 亩 from two clerks at once: exactly 8 can succeed.
    let a = project(&first, "450422-2026-0301", "6", false).await;
    let body = listing(&[(a, "3")], false);
    let answers = at_once((0..16).map(|n| {
        let clerk = if n % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        let body = body.clone();
        async move { clerk.post("/api/v1/listings", &body).await }
    }))
    .await;
    let created = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    let short = answers
        .iter()
        .filter(|(s, b)| *s == StatusCode::CONFLICT && error_of(b).0 == "exceeds_stock")
        .count();
    assert_eq!((created, short), (8, 8), "{answers:?}");
    assert_eq!(
        stock_of(&first, a).await,
        ("24.0000".into(), "0.0000".into(), "0.0000".into())
    );
    // Two listings on two projects each, named in opposite orders, at once: no deadlock,
    // and each project's stock holds.
    let b = project(&first, "450422-2026-0302", "0", false).await;
    let c = project(&first, "450422-2026-0303", "0", false).await;
    let answers = at_once((0..12).map(|n| {
        let clerk = if n % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        let body = if n % 2 == 0 {
            listing(&[(b, "5"), (c, "5")], false)
        } else {
            listing(&[(c, "5"), (b, "5")], false)
        };
        async move { clerk.post("/api/v1/listings", &body).await }
    }))
    .await;
    let created = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 6, "{answers:?}");
    assert!(
        answers
            .iter()
            .all(|(s, _)| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT),
        "{answers:?}"
    );
    assert_eq!(stock_of(&first, b).await.0, "30.0000");
    assert_eq!(stock_of(&first, c).await.0, "30.0000");
}

/// Runs the requests at once, each on its own task, and answers their outputs in order.
async fn at_once<F>(requests: impl Iterator<Item = F>) -> Vec<(StatusCode, Value)>
where
    F: std::future::Future<Output = (StatusCode, Value)> + Send + 'static,
{
    let handles: Vec<_> = requests.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}

//! 复垦地块边界: a bureau uploads its project's plots as GeoJSON; each plot's area is computed
//! on the ellipsoid in 亩; a project whose plots add up to more than 5 % away from its reclaimed
//! area is flagged; mistakes (projected metres, open rings) are named; an upload replaces the
//! plots and is audited; another county's bureau cannot.

use quota_backend::with_store;
use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb, error_of, on_both_databases};

on_both_databases!(plots_are_measured_on_the_ellipsoid_and_a_project_off_its_area_is_flagged);

/// A rectangle of about `east` × `north` metres at (lon, lat), as GeoJSON coordinates.
fn rectangle(lon: f64, lat: f64, east: f64, north: f64) -> Value {
    let dlat = north / 110_574.0;
    let dlon = east / (111_320.0 * lat.to_radians().cos());
    json!([[
        [lon, lat],
        [lon + dlon, lat],
        [lon + dlon, lat + dlat],
        [lon, lat + dlat],
        [lon, lat]
    ]])
}

async fn plots_are_measured_on_the_ellipsoid_and_a_project_off_its_area_is_flagged(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let teng = app
        .login_as("teng", Role::CountyBureau, Some("450422"))
        .await;
    // 30 亩 reclaimed: two plots of 100 m × 100 m (15 亩 each) match it.
    let project = app.project("450422", "30", "24", "9", 18_000).await;
    let upload = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "太平村一号地块"}, "geometry": {"type": "Polygon", "coordinates": rectangle(110.9, 23.4, 100.0, 100.0)}},
        {"type": "Feature", "properties": {"name": "太平村二号地块"}, "geometry": {"type": "Polygon", "coordinates": rectangle(110.91, 23.4, 100.0, 100.0)}},
    ]});
    let (status, body) = teng
        .put(&format!("/api/v1/projects/{project}/plots"), &upload)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let plots = body["plots"].as_array().expect("plots");
    assert_eq!(plots.len(), 2);
    assert_eq!(plots[0]["name"], "太平村一号地块");
    let mu = |v: &Value| v.as_str().expect("area").parse::<f64>().expect("number");
    assert!((mu(&plots[0]["area_mu"]) - 15.0).abs() < 0.1, "{body}");
    assert!(
        (mu(&body["project"]["plots_mu"]) - 30.0).abs() < 0.2,
        "{body}"
    );
    assert_eq!(body["project"]["plots_flagged"], false, "{body}");
    // The project's page carries them, boundaries included.
    let (_, read) = teng.get(&format!("/api/v1/projects/{project}")).await;
    assert_eq!(
        read["plots"][1]["polygons"][0][0].as_array().map(Vec::len),
        Some(5),
        "{read}"
    );
    // A new upload replaces them: one plot of 15 亩 is half the claimed area, and flagged.
    let half = json!({"type": "Polygon", "coordinates": rectangle(110.9, 23.4, 100.0, 100.0)});
    let (_, body) = teng
        .put(&format!("/api/v1/projects/{project}/plots"), &half)
        .await;
    assert_eq!(body["plots"].as_array().map(Vec::len), Some(1), "{body}");
    assert_eq!(body["project"]["plots_flagged"], true, "{body}");
    let (_, list) = teng.get("/api/v1/projects").await;
    assert!(
        list["projects"]
            .as_array()
            .expect("projects")
            .iter()
            .any(|p| p["id"] == project && p["plots_flagged"] == true),
        "{list}"
    );
    // Mistakes are named, and change nothing: metres of a projected grid, an open ring.
    for (bad, words) in [
        (
            json!({"type": "Polygon", "coordinates": [[[37_500_000.0, 2_590_000.0], [37_500_100.0, 2_590_000.0], [37_500_100.0, 2_590_100.0], [37_500_000.0, 2_590_000.0]]]}),
            "投影坐标",
        ),
        (
            json!({"type": "Polygon", "coordinates": [[[110.9, 23.4], [110.91, 23.4], [110.91, 23.41], [110.9, 23.41]]]}),
            "未闭合",
        ),
        (
            json!({"type": "LineString", "coordinates": [[110.9, 23.4], [110.91, 23.4]]}),
            "GeoJSON",
        ),
    ] {
        let (status, body) = teng
            .put(&format!("/api/v1/projects/{project}/plots"), &bad)
            .await;
        assert_eq!(
            (status, error_of(&body).0.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_value"),
            "{body}"
        );
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains(words)),
            "{body}"
        );
    }
    let (_, read) = teng.get(&format!("/api/v1/projects/{project}")).await;
    assert_eq!(read["plots"].as_array().map(Vec::len), Some(1));
    // A file as GIS software on Windows saves it: a byte-order mark, a GeoJSON content type.
    let mut file = b"\xEF\xBB\xBF".to_vec();
    file.extend(serde_json::to_vec(&upload).expect("json"));
    let sent = |bytes: Vec<u8>| {
        teng.http
            .put(format!("{}/api/v1/projects/{project}/plots", teng.base))
            .header("Content-Type", "application/geo+json")
            .body(bytes)
            .send()
    };
    let answer = sent(file).await.expect("upload");
    assert_eq!(answer.status(), StatusCode::OK);
    // Not JSON at all: 400, said plainly; the plots stay.
    let answer = sent(b"<kml></kml>".to_vec()).await.expect("upload");
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let body: Value = answer.json().await.expect("envelope");
    assert!(body.to_string().contains("GeoJSON"), "{body}");
    let (_, read) = teng.get(&format!("/api/v1/projects/{project}")).await;
    assert_eq!(read["plots"].as_array().map(Vec::len), Some(2));
    let (_, _) = teng
        .put(&format!("/api/v1/projects/{project}/plots"), &half)
        .await;
    // Another county's bureau: the project does not exist for it.
    let mengshan = app
        .login_as("mengshan", Role::CountyBureau, Some("450423"))
        .await;
    let (status, _) = mengshan
        .put(&format!("/api/v1/projects/{project}/plots"), &half)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Each upload is on the project's record.
    let admin = app.login_as("root", Role::Admin, None).await;
    let (_, record) = admin
        .get(&format!("/api/v1/audit?object=project:{project}"))
        .await;
    let uploads = record["audit"]
        .as_array()
        .expect("audit")
        .iter()
        .filter(|e| e["action"] == "project_plots")
        .count();
    assert_eq!(uploads, 4, "{record}");
    let (_, v) = admin.get("/api/v1/audit/verify").await;
    assert_eq!(v["verification"]["intact"], true, "{v}");
    // A plot's area changed behind the application no longer adds up to the project's.
    let statement = format!(
        "UPDATE project_plots SET area_e4_mu = area_e4_mu + 1 WHERE project_id = {project}"
    );
    with_store!(&app.db, s => sqlx::query(sqlx::AssertSqlSafe(statement)).execute(s.pool()).await.map(|_| ()))
        .expect("tampering");
    let (_, v) = admin.get("/api/v1/audit/verify").await;
    assert_eq!(v["verification"]["intact"], false, "{v}");
    assert!(v.to_string().contains("plots_mu"), "{v}");
}

//! API stories, each run on SQLite and on the harness's throwaway PostgreSQL.

use quota_backend::app::Application;
use quota_backend::config::{DatabaseUrl, Settings};
use quota_backend::demo::{self, DemoOutcome};
use quota_backend::store::Database;
use quota_backend::with_store;
use serde_json::Value;

/// A database for one test: a SQLite file in a temp dir, or a fresh PostgreSQL database.
struct TestDb {
    url: DatabaseUrl,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("qx.db").display());
        Self {
            url: DatabaseUrl::parse(&url).expect("url"),
            _dir: Some(dir),
        }
    }
    fn postgres() -> Self {
        let url = quota_tests::pg::cluster().fresh_database();
        Self {
            url: DatabaseUrl::parse(&url).expect("url"),
            _dir: None,
        }
    }
}

/// The application running in this process on a free port.
struct TestApp {
    base: String,
    client: reqwest::Client,
    db: Database,
    _db_dir: TestDb,
}

impl TestApp {
    async fn spawn(db: TestDb) -> Self {
        let settings = Settings {
            database: db.url.clone(),
            addr: "127.0.0.1:0".parse().expect("addr"),
            static_dir: "/nonexistent".into(),
        };
        let app = Application::build(&settings)
            .await
            .expect("application starts");
        let base = format!("http://{}", app.addr());
        let database = app.database().clone();
        tokio::spawn(app.run_until_stopped());
        Self {
            base,
            client: reqwest::Client::new(),
            db: database,
            _db_dir: db,
        }
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request");
        let status = r.status().as_u16();
        (status, r.json().await.expect("JSON body"))
    }
}

macro_rules! on_both_databases {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $story() { super::$story(super::TestDb::sqlite()).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $story() { super::$story(super::TestDb::postgres()).await })*
        }
    };
}

on_both_databases!(
    health_names_the_database,
    counties_come_from_the_reference_data,
    floor_versions_are_listed_in_date_order,
    demo_sets_base_prices_once,
    migrating_again_changes_nothing,
    unknown_routes_answer_in_the_error_envelope_in_the_asked_language,
);

async fn health_names_the_database(db: TestDb) {
    let kind = db.url.kind();
    let app = TestApp::spawn(db).await;
    let (status, body) = app.get("/healthz").await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], kind);
}

async fn counties_come_from_the_reference_data(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (status, body) = app.get("/api/v1/counties").await;
    assert_eq!(status, 200);
    let counties = body["counties"].as_array().expect("counties list");
    assert_eq!(counties.len(), 9);
    let find = |name: &str| {
        counties
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    let teng = find("藤县");
    assert_eq!(teng["code"], "450422");
    assert_eq!(teng["kind"], "county");
    assert_eq!(teng["poverty_alleviated"], true);
    assert_eq!(teng["poverty_status_confirmed"], true);
    assert!(
        teng["base_price_per_mu"].is_null(),
        "base prices start empty"
    );
    let cangwu = find("苍梧县");
    assert_eq!(cangwu["poverty_alleviated"], false);
    assert_eq!(cangwu["poverty_status_confirmed"], false);
    assert_eq!(find("岑溪市")["kind"], "county_city");
    assert_eq!(find("长洲区")["kind"], "district");
}

async fn floor_versions_are_listed_in_date_order(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (status, body) = app.get("/api/v1/floor-prices").await;
    assert_eq!(status, 200);
    assert_eq!(
        body["floor_prices"],
        serde_json::json!([
            {"price_per_mu": "100000.00", "effective_from": "2018-01-01"},
            {"price_per_mu": "250000.00", "effective_from": "2020-01-01"},
        ])
    );
}

async fn demo_sets_base_prices_once(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let first = with_store!(&app.db, s => demo::load(s).await).expect("demo");
    assert_eq!(first, DemoOutcome::Loaded);
    let second = with_store!(&app.db, s => demo::load(s).await).expect("demo again");
    assert_eq!(second, DemoOutcome::AlreadyPresent);
    let (_, body) = app.get("/api/v1/counties").await;
    let price_of = |code: &str| {
        body["counties"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["code"] == code))
            .map(|c| c["base_price_per_mu"].clone())
            .expect("county")
    };
    assert_eq!(price_of("450422"), "280000.00");
    assert!(
        price_of("450406").is_null(),
        "龙圩区 is left without a base price"
    );
}

async fn migrating_again_changes_nothing(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (_, before) = app.get("/api/v1/counties").await;
    app.db.migrate().await.expect("second migrate");
    let (_, after) = app.get("/api/v1/counties").await;
    assert_eq!(before, after);
    let (_, floors) = app.get("/api/v1/floor-prices").await;
    assert_eq!(floors["floor_prices"].as_array().map(Vec::len), Some(2));
}

async fn unknown_routes_answer_in_the_error_envelope_in_the_asked_language(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (status, zh) = app.get("/api/v1/no-such-thing").await;
    assert_eq!(status, 404);
    assert_eq!(zh["error"]["code"], "not_found");
    assert_eq!(zh["error"]["message"], zh["error"]["message_zh"]);
    assert!(
        zh["error"]["message_zh"]
            .as_str()
            .is_some_and(|m| m.contains("/api/v1/no-such-thing"))
    );
    let en = app
        .client
        .get(format!("{}/api/v1/no-such-thing", app.base))
        .header("Accept-Language", "en-US,en;q=0.9")
        .send()
        .await
        .expect("request");
    assert_eq!(en.status().as_u16(), 404);
    let en: Value = en.json().await.expect("json");
    assert_eq!(en["error"]["message"], en["error"]["message_en"]);
    assert_eq!(
        en["error"]["message_en"],
        "Route /api/v1/no-such-thing not found"
    );
}

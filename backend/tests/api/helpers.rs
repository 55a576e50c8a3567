//! The application in this process on a free port, with a fresh database, and clients that
//! keep their session cookie like a browser.

use quota_backend::accounts::{AccountSpec, add_user};
use quota_backend::app::Application;
use quota_backend::clock::Clock;
use quota_backend::config::{DatabaseUrl, Settings};
use quota_backend::scheduler::{Report, Scheduler};
use quota_backend::store::Database;
use quota_backend::with_store;
use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A database for one test: a SQLite file in a temp dir, or a fresh PostgreSQL database.
pub struct TestDb {
    pub url: DatabaseUrl,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("qx.db").display());
        Self {
            url: DatabaseUrl::parse(&url).expect("url"),
            _dir: Some(dir),
        }
    }
    pub fn postgres() -> Self {
        let url = quota_tests::pg::cluster().fresh_database();
        Self {
            url: DatabaseUrl::parse(&url).expect("url"),
            _dir: None,
        }
    }
}

/// Runs each named story on both databases: `sqlite::story` and `postgres::story`.
macro_rules! on_both_databases {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $story() { super::$story($crate::helpers::TestDb::sqlite()).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $story() { super::$story($crate::helpers::TestDb::postgres()).await })*
        }
    };
}
pub(crate) use on_both_databases;

/// The application running in this process.
pub struct TestApp {
    pub base: String,
    pub db: Database,
    pub clock: Clock,
    pub db_handle: TestDb,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    /// Each county's stock project for tests that are not about stock (see [`TestApp::stock`]).
    stock: tokio::sync::Mutex<std::collections::HashMap<String, i64>>,
}

/// A minimal PDF, as a scanner would start one.
pub const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// The password of every test account.
pub const PASSWORD: &str = "correct horse battery";

impl TestApp {
    pub async fn spawn(db: TestDb) -> Self {
        Self::spawn_with_clock(db, Clock::default()).await
    }

    /// The application without its background scheduler: the test runs the scheduler's
    /// turns itself ([`TestApp::tick`]), so it sees the state both before and after.
    pub async fn spawn_with_clock(db: TestDb, clock: Clock) -> Self {
        Self::start(db, clock, false, false).await
    }

    /// The application as the binary runs it, background scheduler included.
    pub async fn spawn_with_scheduler(db: TestDb) -> Self {
        Self::start(db, Clock::default(), true, false).await
    }

    /// As [`TestApp::spawn_with_clock`], with R16's seeded periods (a listing announced, a
    /// trade published) instead of zero days: for the tests of R16 itself.
    pub async fn spawn_with_periods(db: TestDb, clock: Clock) -> Self {
        Self::start(db, clock, false, true).await
    }

    async fn start(db: TestDb, clock: Clock, scheduler: bool, periods: bool) -> Self {
        if !periods {
            // Every other test buys what it lists and uses what it settles at once: R16 at
            // zero days, set before the application first reads its rules.
            let database = Database::connect(&db.url).await.expect("connect");
            database.migrate().await.expect("migrate");
            drop(database);
            let (DatabaseUrl::Sqlite(url) | DatabaseUrl::Postgres(url)) = &db.url;
            quota_tests::periods::zero(url).await;
        }
        let settings = Settings {
            database: db.url.clone(),
            addr: "127.0.0.1:0".parse().expect("addr"),
            static_dir: "/nonexistent".into(),
            clock: clock.clone(),
            scheduler,
            sessions: Default::default(),
            auction: Default::default(),
        };
        let app = Application::build(&settings)
            .await
            .expect("application starts");
        let base = format!("http://{}", app.addr());
        let database = app.database().clone();
        let server = tokio::spawn(app.run_until_stopped());
        Self {
            base,
            db: database,
            clock,
            db_handle: db,
            server,
            stock: Default::default(),
        }
    }

    /// An accepted reclamation project of `county` with these figures (no local use), made
    /// through the store as a bureau's request is: the source of a test's listing whose
    /// farmland, paddy or capacity matter.
    pub async fn project(
        &self,
        county: &str,
        reclaimed: &str,
        farmland: &str,
        paddy: &str,
        kg: i64,
    ) -> i64 {
        use quota_backend::store::Store;
        use quota_backend::store::types::{AcceptanceDraft, ProjectDraft, ProjectOutcome};
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let area = |s: &str| s.parse::<quota_shared::Area>().expect("area");
        let figures = quota_shared::api::ProjectFigures {
            reclaimed_mu: quota_shared::positive::PositiveArea::new(area(reclaimed)).expect("area"),
            farmland_mu: area(farmland),
            paddy_mu: area(paddy),
            grain_capacity_kg: kg,
            local_use_mu: quota_shared::Area::ZERO,
        };
        let now = self.clock.now();
        let draft = ProjectDraft {
            county_code: county.parse().expect("county"),
            name: format!("测试复垦项目{n}"),
            registration_no: format!("{county}-TEST-{n:04}"),
            township: "太平镇".into(),
            village: String::new(),
            figures,
            actor: "test".into(),
            now,
        };
        let acceptance = AcceptanceDraft {
            accepted_on: quota_shared::calendar::day_of(now),
            acceptance_doc: format!("测验〔2026〕{n}号"),
            figures,
            actor: "test".into(),
            now,
        };
        with_store!(&self.db, s => {
            let Ok(ProjectOutcome::Saved(p)) = s.register_project(&draft).await else {
                panic!("test project registered");
            };
            let Ok(ProjectOutcome::Saved(p)) = s.accept_project(p.id, &acceptance).await else {
                panic!("test project accepted");
            };
            p.id
        })
    }

    /// The county's stock project for tests that are not about stock: 1,000,000 亩 accepted,
    /// no farmland (made on first use).
    /// A company registered online and waiting for review; its id.
    pub async fn pending_organisation(&self) -> i64 {
        let k = next_key();
        let (status, body) = self
            .anonymous()
            .post(
                "/api/v1/registrations",
                &registration(500_000 + k, &format!("pending-{k}")),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["organisation"]["id"].as_i64().expect("id")
    }

    /// A pending registration with its licence uploaded, ready to review: the applicant
    /// logged in, and the organisation's id.
    pub async fn checkable_organisation(&self) -> (Client, i64) {
        let k = next_key();
        let username = format!("applicant-{k}");
        let (status, body) = self
            .anonymous()
            .post(
                "/api/v1/registrations",
                &registration(600_000 + k, &username),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let id = body["organisation"]["id"].as_i64().expect("id");
        let applicant = self.login_with(&username, "secret-2026").await;
        applicant.upload_licence(id).await;
        (applicant, id)
    }

    pub async fn stock(&self, county: &str) -> i64 {
        let mut stock = self.stock.lock().await;
        if let Some(id) = stock.get(county) {
            return *id;
        }
        let id = self.project(county, "1000000", "0", "0", 0).await;
        stock.insert(county.to_string(), id);
        id
    }

    /// One turn of the scheduler at the application's current time.
    pub async fn tick(&self) -> Report {
        let now = self.clock.now();
        let params = quota_shared::auction::AuctionParams::default();
        with_store!(&self.db, s => Scheduler::new(s.clone(), params).turn(now).await)
            .expect("scheduler turn")
    }

    /// Stops the server and returns its database, as a restart would.
    pub fn stop(self) -> (TestDb, Clock) {
        self.server.abort();
        (self.db_handle, self.clock)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client without a session.
    pub fn anonymous(&self) -> Client {
        Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .expect("client"),
            base: self.base.clone(),
        }
    }

    /// Creates an account directly in the store.
    pub async fn add_user(
        &self,
        username: &str,
        role: Role,
        county: Option<&str>,
        regional_bidder: bool,
    ) {
        let spec = AccountSpec {
            username,
            password: PASSWORD,
            role,
            county,
            regional_bidder,
            organisation_id: None,
        };
        let now = self.clock.now();
        with_store!(&self.db, s => add_user(s, spec, "test", now).await).expect("user created");
    }

    /// Creates an account and returns a client logged in as it.
    pub async fn login_as(&self, username: &str, role: Role, county: Option<&str>) -> Client {
        self.add_user(username, role, county, false).await;
        self.login(username).await
    }

    pub async fn login(&self, username: &str) -> Client {
        self.login_with(username, PASSWORD).await
    }

    pub async fn login_with(&self, username: &str, password: &str) -> Client {
        let client = self.anonymous();
        let (status, body) = client
            .post(
                "/api/v1/session",
                &json!({"username": username, "password": password}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login {username}: {body}");
        client
    }
}

/// A browser-like client: keeps cookies, speaks JSON.
#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
}

impl Client {
    async fn finish(r: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let r = r.send().await.expect("request");
        let status = r.status();
        let text = r.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"))
        };
        (status, body)
    }
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        Self::finish(self.http.get(format!("{}{path}", self.base))).await
    }
    pub async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        Self::finish(self.http.post(format!("{}{path}", self.base)).json(body)).await
    }
    pub async fn put(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        Self::finish(self.http.put(format!("{}{path}", self.base)).json(body)).await
    }
    pub async fn post_empty(&self, path: &str) -> (StatusCode, Value) {
        Self::finish(self.http.post(format!("{}{path}", self.base))).await
    }
    /// Any method, with a JSON body and an `Idempotency-Key` when given.
    pub async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        idempotency_key: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut r = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            r = r.json(body);
        }
        if let Some(key) = idempotency_key {
            r = r.header("Idempotency-Key", key);
        }
        Self::finish(r).await
    }
    /// `PUT` of raw bytes (an uploaded file).
    pub async fn put_bytes(&self, path: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
        Self::finish(
            self.http
                .put(format!("{}{path}", self.base))
                .header("Content-Type", "application/octet-stream")
                .body(bytes),
        )
        .await
    }
    /// `GET` of a file: status, headers and bytes.
    pub async fn get_bytes(&self, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request");
        let status = r.status();
        let headers = r.headers().clone();
        (status, headers, r.bytes().await.expect("body").to_vec())
    }
    /// Uploads a small PDF as organisation `id`'s licence.
    pub async fn upload_licence(&self, id: i64) -> Value {
        let (status, body) = self
            .put_bytes(
                &format!("/api/v1/organisations/{id}/documents/licence"),
                PDF.to_vec(),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }
    /// `POST /api/v1/purchases` with an `Idempotency-Key`.
    pub async fn buy(&self, key: &str, body: &Value) -> (StatusCode, Value) {
        Self::finish(
            self.http
                .post(format!("{}/api/v1/purchases", self.base))
                .header("Idempotency-Key", key)
                .json(body),
        )
        .await
    }
}

/// A county listing body: `area` drawn on `project`.
pub fn county_listing(project: i64, area: &str, price: &str) -> Value {
    json!({
        "channel": "county", "sources": [{"project_id": project, "area_mu": area}],
        "price_per_mu": price
    })
}

/// A purchase body for a project of `use_` in `county`.
pub fn purchase(listing_id: i64, area: &str, use_: &str, county: &str) -> Value {
    json!({
        "listing_id": listing_id, "area_mu": area,
        "project": {"name": "城南商业综合体", "use": use_, "county_code": county}
    })
}

/// The error code and rule of an error envelope.
pub fn error_of(body: &Value) -> (String, Option<String>) {
    (
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        body["error"]["rule"].as_str().map(str::to_string),
    )
}

/// A 藤县 bureau with a base price of 280,000 and one listing of `area` at 300,000 元/亩.
pub async fn teng_listing(app: &TestApp, area: &str) -> (Client, i64) {
    county_bureau_listing(app, "teng", "450422", area).await
}

/// The bureau `username` of `county` with a base price of 280,000 and one listing of `area`
/// at 300,000 元/亩.
pub async fn county_bureau_listing(
    app: &TestApp,
    username: &str,
    county: &str,
    area: &str,
) -> (Client, i64) {
    let bureau = app
        .login_as(username, Role::CountyBureau, Some(county))
        .await;
    let (status, body) = bureau
        .put(
            &format!("/api/v1/counties/{county}/base-price"),
            &json!({"price_per_mu": "280000"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id = list(app, &bureau, county, area, "300000.00").await;
    (bureau, id)
}

/// One more listing by the bureau of `county` (whose base price is set) of `area` at
/// `price` 元/亩, from the county's stock; its id.
pub async fn list(app: &TestApp, bureau: &Client, county: &str, area: &str, price: &str) -> i64 {
    let (status, body) = bureau
        .post(
            "/api/v1/listings",
            &county_listing(app.stock(county).await, area, price),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["listing"]["id"].as_i64().expect("id")
}

/// A valid 统一社会信用代码 of a company registered in 梧州 (91 450400), its organisation code
/// made from `n`.
pub fn uscc(n: u64) -> String {
    let first17 = format!("91450400{n:09}");
    let check = quota_shared::uscc::check_character(first17.as_bytes()).expect("digits");
    format!("{first17}{check}")
}

/// A company's registration (`POST /api/v1/registrations`) with the username `username`.
pub fn registration(n: u64, username: &str) -> Value {
    json!({
        "organisation": {
            "name": format!("梧州市某置业有限公司{n}"),
            "uscc": uscc(n),
            "kind": "enterprise",
            "legal_representative": "张三",
            "contact_name": "李四",
            "contact_phone": "0774-3826000",
            "address": "梧州市长洲区新兴二路 1 号",
        },
        "username": username,
        "password": "secret-2026",
    })
}

/// A number not handed out before in this test run: for unique names and idempotency keys.
pub fn next_key() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

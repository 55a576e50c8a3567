//! The authorization matrix of docs/AUTHORIZATION.md, run as written: every route that
//! changes state × every kind of caller, each cell's request sent as that caller and its
//! answer compared with the cell. The table is read from the document, so the document and
//! the server cannot drift apart; a route published in OpenAPI but missing from the table
//! fails too.

use quota_backend::with_store;
use std::collections::BTreeMap;

use quota_shared::api::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{
    Client, PASSWORD, TestApp, TestDb, county_listing, on_both_databases, purchase, teng_listing,
};

on_both_databases!(every_cell_of_the_authorization_matrix_holds);

/// The table as read from the document, and what each answer in it means.
mod matrix;
/// 监督 reads everything (its own file, beside the matrix's world).
mod supervisor;

use matrix::{CALLERS, holds, matrix, username};

/// Everything the cells act on; objects a cell would use up are made fresh for it.
struct World {
    app: TestApp,
    clients: BTreeMap<&'static str, Client>,
    /// A 藤县 listing with plenty of area.
    listing: i64,
    /// A 藤县 regional lot open for bids.
    lot: i64,
    allocation: i64,
}

impl World {
    async fn build(db: TestDb) -> Self {
        let app = TestApp::spawn(db).await;
        let (teng, listing) = teng_listing(&app, "1000").await;
        let mut clients = BTreeMap::new();
        clients.insert("bureau", teng.clone());
        for (caller, role, county, bidder) in [
            ("buyer", Role::Buyer, None, false),
            ("other buyer", Role::Buyer, None, false),
            ("regional bidder", Role::Buyer, None, true),
            ("other bureau", Role::CountyBureau, Some("450423"), false),
            ("finance", Role::Finance, None, false),
            ("admin", Role::Admin, None, false),
            ("supervisor", Role::Supervisor, None, false),
        ] {
            let name = username(caller).expect("named");
            app.add_user(name, role, county, bidder).await;
            clients.insert(caller, app.login(name).await);
        }
        clients.insert("anonymous", app.anonymous());
        // The other county lists too: it needs its base price first (R2).
        let (status, body) = clients["other bureau"]
            .put(
                "/api/v1/counties/450423/base-price",
                &json!({"price_per_mu": "280000"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let mut lot = county_listing(app.stock("450422").await, "2", "250000");
        lot["channel"] = json!("regional");
        lot["closes_at"] = json!(
            (app.clock.now() + time::Duration::days(10))
                .format(&time::format_description::well_known::Rfc3339)
                .expect("time")
        );
        let (status, body) = teng.post("/api/v1/listings", &lot).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let lot = body["listing"]["id"].as_i64().expect("lot");

        let mut world = Self {
            app,
            clients,
            listing,
            lot,
            allocation: 0,
        };
        // Proceeds to allocate, and an allocation to pay out of.
        world.settled_purchase("450481").await;
        let (status, body) = world.clients["finance"]
            .post(
                "/api/v1/allocations",
                &json!({"county_code": "450422", "use": "乡村振兴项目建设", "amount_yuan": "1000.00"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        world.allocation = body["allocation"]["id"].as_i64().expect("allocation");
        world
    }

    /// A fresh reservation of 0.01 亩 by the buyer, for a project in `project_county`.
    async fn reservation(&self, project_county: &str) -> i64 {
        let key = format!("fresh-{}", crate::helpers::next_key());
        let (status, body) = self.clients["buyer"]
            .buy(
                &key,
                &purchase(self.listing, "0.01", "industrial", project_county),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["purchase"]["id"].as_i64().expect("purchase")
    }

    async fn settled_purchase(&self, project_county: &str) -> i64 {
        let id = self.reservation(project_county).await;
        let (status, body) = self.clients["bureau"]
            .post(
                &format!("/api/v1/purchases/{id}/settle"),
                &json!({"bank_reference": format!("BANK-{id}")}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        id
    }

    /// A fresh trade settled with three days' publicity (R16) still to run: the world runs
    /// with zero-day periods, so the settlement is made in the store with its own end.
    async fn in_publicity(&self) -> i64 {
        let id = self.reservation("450481").await;
        let now = self.app.clock.now();
        use quota_backend::store::Store;
        let settled = with_store!(&self.app.db, s => s
            .settle(id, "藤县", "BANK-P", now + time::Duration::days(3), "teng", now)
            .await)
        .expect("settle");
        assert!(
            matches!(
                settled,
                quota_backend::store::types::SettleOutcome::Settled(_)
            ),
            "{settled:?}"
        );
        id
    }

    /// A fresh 藤县 project, registered (not yet accepted).
    async fn registered_project(&self) -> i64 {
        let (status, body) = self.clients["bureau"]
            .post(
                "/api/v1/projects",
                &crate::projects::project(&format!("AUTH-P-{}", crate::helpers::next_key())),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["project"]["id"].as_i64().expect("project")
    }

    /// A throwaway account for the administrator's account routes.
    async fn throwaway(&self, caller: &str) -> String {
        let name = format!("tmp-{}", crate::helpers::next_key());
        self.app.add_user(&name, Role::Buyer, None, false).await;
        let _ = caller;
        name
    }

    /// The request of one cell: who sends it, method, path, body, idempotency key.
    async fn cell(
        &self,
        route: &str,
        caller: &str,
    ) -> (Client, Method, String, Option<Value>, Option<String>) {
        let client = self.clients[caller].clone();
        let n = crate::helpers::next_key();
        let (method, path) = route.split_once(' ').expect("METHOD path");
        let method = Method::from_bytes(method.as_bytes()).expect("method");
        let (client, path, body, key) = match path {
            "/api/v1/session" if method == Method::POST => (
                self.app.anonymous(),
                path.to_string(),
                Some(
                    json!({"username": username(caller).unwrap_or("buyer1"), "password": PASSWORD}),
                ),
                None,
            ),
            "/api/v1/session" => {
                // Its own session, so the caller's other requests keep theirs.
                let client = match username(caller) {
                    Some(name) => self.app.login(name).await,
                    None => self.app.anonymous(),
                };
                (client, path.to_string(), None, None)
            }
            "/api/v1/me/password" => (
                client,
                path.to_string(),
                Some(
                    json!({"current_password": "not the password", "new_password": "a-new-password-1"}),
                ),
                None,
            ),
            "/api/v1/quote" => (
                client,
                path.to_string(),
                Some(
                    json!({"project": {"use": "industrial", "county_code": "450481", "area": "1", "unit": "mu"}}),
                ),
                None,
            ),
            "/api/v1/counties/{code}/base-price" => (
                client,
                "/api/v1/counties/450422/base-price".to_string(),
                Some(json!({"price_per_mu": "280000"})),
                None,
            ),
            "/api/v1/floor-prices" => (
                client,
                path.to_string(),
                Some(
                    json!({"price_per_mu": "250000", "effective_from": format!("2031-01-{:02}", 1 + n % 28)}),
                ),
                None,
            ),
            "/api/v1/listings" => (
                client,
                path.to_string(),
                Some(county_listing(
                    self.app
                        .stock(if caller == "other bureau" {
                            "450423"
                        } else {
                            "450422"
                        })
                        .await,
                    "1",
                    "300000",
                )),
                None,
            ),
            "/api/v1/listings/{id}/withdraw" => {
                let (status, body) = self.clients["bureau"]
                    .post(
                        "/api/v1/listings",
                        &county_listing(self.app.stock("450422").await, "1", "300000"),
                    )
                    .await;
                assert_eq!(status, StatusCode::CREATED, "{body}");
                let id = body["listing"]["id"].as_i64().expect("id");
                (
                    client,
                    format!("/api/v1/listings/{id}/withdraw"),
                    None,
                    None,
                )
            }
            "/api/v1/listings/{id}/bids" => {
                let (_, lot) = self
                    .app
                    .anonymous()
                    .get(&format!("/api/v1/listings/{}", self.lot))
                    .await;
                let amount = lot["listing"]["min_next_bid_yuan"]
                    .as_str()
                    .expect("next bid")
                    .to_string();
                (
                    client,
                    format!("/api/v1/listings/{}/bids", self.lot),
                    Some(json!({"amount_yuan": amount})),
                    None,
                )
            }
            "/api/v1/purchases" => (
                client,
                path.to_string(),
                Some(purchase(self.listing, "0.01", "industrial", "450481")),
                Some(format!("matrix-{n}")),
            ),
            "/api/v1/purchases/{id}/settle" => {
                let id = self.reservation("450481").await;
                (
                    client,
                    format!("/api/v1/purchases/{id}/settle"),
                    Some(json!({"bank_reference": format!("BANK-{n}")})),
                    None,
                )
            }
            "/api/v1/purchases/{id}/objections" => {
                // Anyone may object to a trade in its publicity (R16).
                let id = self.in_publicity().await;
                (
                    client,
                    format!("/api/v1/purchases/{id}/objections"),
                    Some(
                        json!({"name": format!("异议人{n}"), "contact": "0774-1", "reason": "面积有误"}),
                    ),
                    None,
                )
            }
            "/api/v1/objections/{id}/resolve" => {
                let id = self.in_publicity().await;
                let (status, body) = self.clients["anonymous"]
                    .post(
                        &format!("/api/v1/purchases/{id}/objections"),
                        &json!({"name": "异议人", "contact": "0774-1", "reason": "面积有误"}),
                    )
                    .await;
                assert_eq!(status, StatusCode::CREATED, "{body}");
                let objection = body["objection"]["id"].as_i64().expect("objection");
                (
                    client,
                    format!("/api/v1/objections/{objection}/resolve"),
                    Some(json!({"decision": "dismissed", "resolution": "经核实无误"})),
                    None,
                )
            }
            "/api/v1/projects" => (
                client,
                "/api/v1/projects".into(),
                Some(crate::projects::project(&format!("AUTH-{n}"))),
                None,
            ),
            "/api/v1/projects/{id}/plots" => {
                let id = self.registered_project().await;
                (
                    client,
                    format!("/api/v1/projects/{id}/plots"),
                    Some(
                        json!({"type": "Polygon", "coordinates": [[[110.9, 23.4], [110.901, 23.4],
                        [110.901, 23.401], [110.9, 23.401], [110.9, 23.4]]]}),
                    ),
                    None,
                )
            }
            // Not a spreadsheet: an allowed caller gets past authorization to the file check.
            "/api/v1/projects/import" => (
                client,
                "/api/v1/projects/import".into(),
                Some(json!({"not": "a spreadsheet"})),
                None,
            ),
            "/api/v1/projects/{id}" => {
                let id = self.registered_project().await;
                (
                    client,
                    format!("/api/v1/projects/{id}"),
                    Some(crate::projects::project(&format!("AUTH-EDIT-{n}"))),
                    None,
                )
            }
            "/api/v1/projects/{id}/accept" => {
                let id = self.registered_project().await;
                let day = quota_shared::calendar::day_of(self.app.clock.now()).to_string();
                (
                    client,
                    format!("/api/v1/projects/{id}/accept"),
                    Some(
                        json!({"accepted_on": day, "acceptance_doc": "验收文号", "reclaimed_mu": "10",
                                "farmland_mu": "5", "paddy_mu": "0", "grain_capacity_kg": 0, "local_use_mu": "0"}),
                    ),
                    None,
                )
            }
            "/api/v1/purchases/{id}/cancel" => {
                let id = self.reservation("450481").await;
                (client, format!("/api/v1/purchases/{id}/cancel"), None, None)
            }
            "/api/v1/holdings/uses" => {
                // The project is in 藤县: "bureau" is the project's bureau.
                let id = self.settled_purchase("450422").await;
                (
                    client,
                    path.to_string(),
                    Some(
                        json!({"purchase_id": id, "approval_no": format!("藤自然资批〔2026〕{n}号"),
                                "area_mu": "0.001"}),
                    ),
                    None,
                )
            }
            "/api/v1/allocations" => (
                client,
                path.to_string(),
                Some(
                    json!({"county_code": "450422", "use": "乡村振兴项目建设", "amount_yuan": "1.00"}),
                ),
                None,
            ),
            "/api/v1/disbursements" => (
                client,
                path.to_string(),
                Some(
                    json!({"allocation_id": self.allocation, "amount_yuan": "0.01",
                            "voucher_no": format!("记-{n}"), "bank_reference": "BOC-1"}),
                ),
                None,
            ),
            "/api/v1/registrations" => (
                client,
                path.to_string(),
                Some(crate::helpers::registration(1_000 + n, &format!("org-{n}"))),
                None,
            ),
            "/api/v1/organisations/{id}/approve" | "/api/v1/organisations/{id}/reject" => {
                let (_, id) = self.app.checkable_organisation().await;
                (
                    client,
                    path.replace("{id}", &id.to_string()),
                    Some(json!({"note": "营业执照与单位名称不符"})),
                    None,
                )
            }
            "/api/v1/organisations/{id}" | "/api/v1/organisations/{id}/documents/{kind}" => {
                // The buyer who owns it is its applicant; the document sent is not a file
                // (see `holds`).
                let (applicant, id) = self.app.checkable_organisation().await;
                let client = if caller == "buyer" { applicant } else { client };
                let body =
                    crate::helpers::registration(700_000 + n, "unused")["organisation"].clone();
                (
                    client,
                    path.replace("{id}", &id.to_string())
                        .replace("{kind}", "licence"),
                    Some(body),
                    None,
                )
            }
            "/api/v1/organisations/{id}/users" => {
                let id = self.app.pending_organisation().await;
                (
                    client,
                    path.replace("{id}", &id.to_string()),
                    Some(json!({"username": format!("member-{n}"), "password": PASSWORD})),
                    None,
                )
            }
            "/api/v1/users" => (
                client,
                path.to_string(),
                Some(
                    json!({"username": format!("new-{n}"), "password": PASSWORD, "role": "buyer"}),
                ),
                None,
            ),
            "/api/v1/users/{username}/disabled" => {
                let name = self.throwaway(caller).await;
                (
                    client,
                    format!("/api/v1/users/{name}/disabled"),
                    Some(json!({"disabled": true})),
                    None,
                )
            }
            "/api/v1/users/{username}/password" => {
                let name = self.throwaway(caller).await;
                (
                    client,
                    format!("/api/v1/users/{name}/password"),
                    Some(json!({"temporary_password": "temporary-1"})),
                    None,
                )
            }
            "/api/v1/rules/{id}/versions" => (
                client,
                "/api/v1/rules/R4/versions".to_string(),
                Some(
                    json!({"effective_from": format!("2031-02-{:02}", 1 + n % 28), "confirmed": true,
                            "citation": "桂节指告字〔2031〕1号", "params": {"bid_step_yuan": "50000"}}),
                ),
                None,
            ),
            "/api/v1/rules/{id}/versions/{version}/end" => {
                // A version of its own to end, added by the administrator.
                let (status, body) = self.clients["admin"]
                    .post(
                        "/api/v1/rules/R11/versions",
                        &json!({"effective_from": format!("2032-{:02}-01", 1 + n % 12), "confirmed": true,
                                "citation": "桂节指告字〔2032〕1号"}),
                    )
                    .await;
                assert_eq!(status, StatusCode::CREATED, "{body}");
                let version = body["version"]["version"].as_u64().expect("version");
                (
                    client,
                    format!("/api/v1/rules/R11/versions/{version}/end"),
                    Some(json!({"effective_to": "2033-06-30"})),
                    None,
                )
            }
            other => panic!("the test has no request for {route} ({other}): add one"),
        };
        (client, method, path, body, key)
    }
}

async fn every_cell_of_the_authorization_matrix_holds(db: TestDb) {
    let world = World::build(db).await;
    let rows = matrix();

    // Every route that changes state is in the table, and nothing else.
    let (_, spec) = world.app.anonymous().get("/api/v1/openapi.json").await;
    let mut published: Vec<String> = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("item").keys() {
            if method != "get" {
                published.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    published.sort();
    let mut tabled: Vec<String> = rows.iter().map(|(r, _)| r.clone()).collect();
    tabled.sort();
    assert_eq!(
        tabled, published,
        "docs/AUTHORIZATION.md lists every state change"
    );

    let mut checked = 0;
    let mut wrong = Vec::new();
    for (route, expected) in &rows {
        for (caller, expected) in CALLERS.iter().zip(expected) {
            let (client, method, path, body, key) = world.cell(route, caller).await;
            let (status, answer) = client
                .request(method, &path, body.as_ref(), key.as_deref())
                .await;
            checked += 1;
            if !holds(route, expected, status, &answer) {
                wrong.push(format!(
                    "{route} as {caller}: expected {expected}, got {status} {answer}"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {checked} cells differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(checked, rows.len() * CALLERS.len());
}

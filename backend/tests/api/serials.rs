//! Serial numbers (docs/DOMAIN.md, "Serial numbers"): a final trade receives exact runs of its
//! projects' units, in its listing's order; a use retires them in order; any serial traces back
//! to its project and forward to its trade and use; and under random sequences of listing,
//! buying, settling, cancelling, expiring, withdrawing and landing the serials always add up to
//! the areas (a property test).

use proptest::prelude::*;
use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Client, TestApp, TestDb, error_of, on_both_databases, purchase};

on_both_databases!(
    a_final_trade_holds_exact_serials_that_trace_back_to_the_project_and_forward_to_the_use,
    serials_come_with_the_number_when_the_publicity_ends,
);

async fn bureau(app: &TestApp) -> Client {
    let teng = app
        .login_as("teng", Role::CountyBureau, Some("450422"))
        .await;
    let (status, body) = teng
        .put(
            "/api/v1/counties/450422/base-price",
            &json!({"price_per_mu": "280000"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    teng
}

fn listing(sources: &[(i64, &str)]) -> Value {
    json!({
        "channel": "county", "price_per_mu": "300000",
        "sources": sources.iter().map(|(p, a)| json!({"project_id": p, "area_mu": a})).collect::<Vec<_>>(),
    })
}

async fn list(bureau: &Client, sources: &[(i64, &str)]) -> i64 {
    let (status, body) = bureau.post("/api/v1/listings", &listing(sources)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["listing"]["id"].as_i64().expect("id")
}

/// The buyer reserves `area` of `listing` and the bureau settles it; answers the trade's id.
async fn bought(buyer: &Client, bureau: &Client, listing: i64, area: &str, key: &str) -> i64 {
    let (status, body) = buyer
        .buy(key, &purchase(listing, area, "commercial", "450481"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["purchase"]["id"].as_i64().expect("id");
    let (status, body) = bureau
        .post(
            &format!("/api/v1/purchases/{id}/settle"),
            &json!({"bank_reference": format!("B-{key}")}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    id
}

/// A trade's blocks as (first, last, area, approval of the use that retired it).
async fn blocks(client: &Client, purchase: i64) -> Vec<(String, String, String, Option<String>)> {
    let (status, body) = client
        .get(&format!("/api/v1/purchases/{purchase}/serials"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["blocks"]
        .as_array()
        .expect("blocks")
        .iter()
        .map(|b| {
            let text = |k: &str| b[k].as_str().expect(k).to_string();
            (
                text("first_serial"),
                text("last_serial"),
                text("area_mu"),
                b["approval_no"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn owned(v: &[(&str, &str, &str, Option<&str>)]) -> Vec<(String, String, String, Option<String>)> {
    v.iter()
        .map(|(f, l, a, u)| {
            (
                f.to_string(),
                l.to_string(),
                a.to_string(),
                u.map(str::to_string),
            )
        })
        .collect()
}

async fn a_final_trade_holds_exact_serials_that_trace_back_to_the_project_and_forward_to_the_use(
    db: TestDb,
) {
    let app = TestApp::spawn(db).await;
    let teng = bureau(&app).await;
    let year = quota_shared::calendar::year_of(app.clock.now());
    let a = app.project("450422", "30", "24", "9", 18_000).await;
    let b = app.project("450422", "30", "24", "9", 18_000).await;
    let serial = |p: i64, unit: i64| format!("450422-{year}-{p:04}-{unit:09}");
    let first = list(&teng, &[(a, "4"), (b, "6")]).await;
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    // Reserved, not yet final: no serials.
    let (_, reserved) = buyer
        .buy("r", &purchase(first, "1", "commercial", "450481"))
        .await;
    let reserved = reserved["purchase"]["id"].as_i64().expect("id");
    assert!(blocks(&buyer, reserved).await.is_empty());
    let (status, _) = buyer
        .post_empty(&format!("/api/v1/purchases/{reserved}/cancel"))
        .await;
    assert_eq!(status, StatusCode::OK);
    // 3 亩: the first 30,000 units of A.
    let one = bought(&buyer, &teng, first, "3", "1").await;
    assert_eq!(
        blocks(&buyer, one).await,
        owned(&[(&serial(a, 1), &serial(a, 30_000), "3.0000", None)])
    );
    // 5 亩 more: the last 1 亩 A gave this listing, then 4 of B.
    let two = bought(&buyer, &teng, first, "5", "2").await;
    assert_eq!(
        blocks(&buyer, two).await,
        owned(&[
            (&serial(a, 30_001), &serial(a, 40_000), "1.0000", None),
            (&serial(b, 1), &serial(b, 40_000), "4.0000", None),
        ])
    );
    // Another listing of A continues A's numbers.
    let second = list(&teng, &[(a, "2")]).await;
    let three = bought(&buyer, &teng, second, "2", "3").await;
    assert_eq!(
        blocks(&teng, three).await,
        owned(&[(&serial(a, 40_001), &serial(a, 60_000), "2.0000", None)])
    );
    // A use of 2 亩 retires the first 2 亩 of the trade, across both projects.
    let (status, body) = buyer
        .post(
            "/api/v1/holdings/uses",
            &json!({"purchase_id": two, "approval_no": "梧政土批〔2026〕9号", "area_mu": "2"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let approval = Some("梧政土批〔2026〕9号");
    assert_eq!(
        blocks(&buyer, two).await,
        owned(&[
            (&serial(a, 30_001), &serial(a, 40_000), "1.0000", approval),
            (&serial(b, 1), &serial(b, 10_000), "1.0000", approval),
            (&serial(b, 10_001), &serial(b, 40_000), "3.0000", None),
        ])
    );
    // Anyone traces a serial, without logging in: its project, trade and use.
    let anon = app.anonymous();
    let (status, body) = anon
        .get(&format!("/api/v1/trace/{}", serial(b, 5_000)))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let t = &body["trace"];
    assert_eq!(t["project"]["id"], b, "{body}");
    assert_eq!(t["project"]["status"], "accepted");
    assert_eq!(t["trade"]["purchase_id"], two);
    assert_eq!(t["trade"]["listing_id"], first);
    assert!(
        t["trade"]["confirmation_no"]
            .as_str()
            .is_some_and(|c| c.contains("藤县")),
        "{body}"
    );
    assert_eq!(t["landed"]["approval_no"], "梧政土批〔2026〕9号");
    assert_eq!(t["block"]["first_serial"], serial(b, 1));
    // No personal data on the public trace.
    assert!(!body.to_string().contains("\"dev\""), "{body}");
    let (_, held) = anon
        .get(&format!("/api/v1/trace/{}", serial(b, 10_001)))
        .await;
    assert_eq!(held["trace"]["landed"], Value::Null, "{held}");
    // The confirmation's number traces the whole trade: every block, with its source project.
    let number = t["trade"]["confirmation_no"]
        .as_str()
        .expect("number")
        .to_string();
    let (status, whole) = anon.get(&format!("/api/v1/trace/trade/{number}")).await;
    assert_eq!(status, StatusCode::OK, "{whole}");
    assert_eq!(whole["trace"]["trade"]["purchase_id"], two, "{whole}");
    let registrations: Vec<&str> = whole["trace"]["blocks"]
        .as_array()
        .expect("blocks")
        .iter()
        .filter_map(|b| b["registration_no"].as_str())
        .collect();
    assert_eq!(registrations.len(), 3, "{whole}");
    assert!(!whole.to_string().contains("\"dev\""), "{whole}");
    // A trade still in reservation has no number; a number not issued, or absurd, is 404.
    for number in ["藤县〔2026〕第9999号", &"号".repeat(500)] {
        let (s, body) = anon.get(&format!("/api/v1/trace/trade/{number}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("成交确认书")),
            "{body}"
        );
    }
    // Not a serial; a unit never sold; the right unit under another year or county.
    for (path, status, code) in [
        (
            "/api/v1/trace/450422-1",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_value",
        ),
        (
            &format!("/api/v1/trace/{}", serial(a, 60_001)),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            &format!("/api/v1/trace/450422-{}-{a:04}-000000001", year - 1),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            &format!("/api/v1/trace/450423-{year}-{a:04}-000000001"),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ] {
        let (s, body) = anon.get(path).await;
        assert_eq!(
            (s, error_of(&body).0.as_str()),
            (status, code),
            "{path}: {body}"
        );
    }
    // A trade's serials are its buyer's, its seller county's and the staff's to read.
    let other = app.login_as("dev2", Role::Buyer, None).await;
    let mengshan = app
        .login_as("mengshan", Role::CountyBureau, Some("450423"))
        .await;
    for (who, client, expected) in [
        ("other buyer", &other, StatusCode::NOT_FOUND),
        ("other bureau", &mengshan, StatusCode::NOT_FOUND),
        ("anonymous", &anon, StatusCode::UNAUTHORIZED),
    ] {
        let (s, _) = client
            .get(&format!("/api/v1/purchases/{two}/serials"))
            .await;
        assert_eq!(s, expected, "{who}");
    }
    let (_, v) = app
        .login_as("auditor", Role::Supervisor, None)
        .await
        .get("/api/v1/audit/verify")
        .await;
    assert_eq!(v["verification"]["intact"], true, "{v}");
}

async fn serials_come_with_the_number_when_the_publicity_ends(db: TestDb) {
    let app = TestApp::spawn_with_periods(db, quota_backend::clock::Clock::default()).await;
    let teng = bureau(&app).await;
    let a = app.project("450422", "30", "24", "9", 18_000).await;
    let mut body = listing(&[(a, "5")]);
    // Announced for its period (R16); bought once it opens.
    let (status, created) = teng.post("/api/v1/listings", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["listing"]["id"].as_i64().expect("id");
    body["sources"][0]["area_mu"] = json!("1");
    app.clock.advance(time::Duration::days(30));
    let teng = app.login("teng").await;
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let trade = bought(&buyer, &teng, id, "2", "p").await;
    // In its publicity: settled, not numbered, no serials.
    assert!(blocks(&buyer, trade).await.is_empty());
    app.clock.advance(time::Duration::days(4));
    app.tick().await;
    let buyer = app.login("dev").await;
    let got = blocks(&buyer, trade).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].2, "2.0000");
}

/// One step of a random sequence.
#[derive(Debug, Clone)]
enum Op {
    /// List from one or two projects (indices into three), in halves of a 亩.
    List(Vec<(usize, u8)>),
    /// Buy, and when `settle`, have the bureau settle it at once.
    Buy {
        listing: usize,
        halves: u8,
        settle: bool,
    },
    Settle(usize),
    Cancel(usize),
    Withdraw(usize),
    Use {
        purchase: usize,
        halves: u8,
    },
    /// Every reservation and listing due expires (the clock moves on past them).
    Expire,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => proptest::collection::vec((0usize..3, 1u8..8), 1..4).prop_map(Op::List),
        5 => (0usize..4, 1u8..12, proptest::bool::weighted(0.7))
            .prop_map(|(listing, halves, settle)| Op::Buy { listing, halves, settle }),
        2 => (0usize..12).prop_map(Op::Settle),
        1 => (0usize..12).prop_map(Op::Cancel),
        1 => (0usize..8).prop_map(Op::Withdraw),
        2 => (0usize..12, 1u8..6).prop_map(|(purchase, halves)| Op::Use { purchase, halves }),
        1 => Just(Op::Expire),
    ]
}

fn halves(n: u8) -> String {
    format!("{}.{}", n / 2, if n % 2 == 1 { 5 } else { 0 })
}

/// Runs `ops` against a fresh application on SQLite and checks, after every step, that the
/// serials add up: each final trade's blocks sum to its area, each use's retired blocks to its
/// area, no unit is issued twice, each project's issued units are 1..N with N within what its
/// listings hold, and a serial traces back to the trade that holds it.
async fn serials_add_up(ops: Vec<Op>) {
    let app = TestApp::spawn(TestDb::sqlite()).await;
    let mut teng = bureau(&app).await;
    let mut buyer = app.login_as("dev", Role::Buyer, None).await;
    let projects = [
        app.project("450422", "6", "4", "2", 600).await,
        app.project("450422", "5", "5", "0", 500).await,
        app.project("450422", "4", "1", "1", 400).await,
    ];
    let (mut listings, mut purchases) = (Vec::<i64>::new(), Vec::<i64>::new());
    for (n, op) in ops.into_iter().enumerate() {
        match op {
            Op::List(sources) => {
                let mut seen = Vec::new();
                let sources: Vec<(i64, String)> = sources
                    .into_iter()
                    .filter(|(p, _)| {
                        !seen.contains(p) && {
                            seen.push(*p);
                            true
                        }
                    })
                    .map(|(p, h)| (projects[p], halves(h)))
                    .collect();
                let body = json!({"channel": "county", "price_per_mu": "300000",
                    "sources": sources.iter().map(|(p, a)| json!({"project_id": p, "area_mu": a})).collect::<Vec<_>>()});
                let (status, body) = teng.post("/api/v1/listings", &body).await;
                match status {
                    StatusCode::CREATED => {
                        listings.push(body["listing"]["id"].as_i64().expect("id"))
                    }
                    StatusCode::CONFLICT => {
                        assert_eq!(error_of(&body).0, "exceeds_stock", "{body}")
                    }
                    s => panic!("list: {s} {body}"),
                }
            }
            Op::Buy {
                listing,
                halves: h,
                settle,
            } => {
                let Some(id) = listings.get(listing) else {
                    continue;
                };
                let (status, body) = buyer
                    .buy(
                        &format!("k{n}"),
                        &purchase(*id, &halves(h), "commercial", "450481"),
                    )
                    .await;
                match status {
                    StatusCode::CREATED => {
                        let id = body["purchase"]["id"].as_i64().expect("id");
                        purchases.push(id);
                        if settle {
                            let (s, body) = teng
                                .post(
                                    &format!("/api/v1/purchases/{id}/settle"),
                                    &json!({"bank_reference": format!("S{n}")}),
                                )
                                .await;
                            assert_eq!(s, StatusCode::OK, "settle: {body}");
                        }
                    }
                    StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY => {}
                    s => panic!("buy: {s} {body}"),
                }
            }
            Op::Settle(p) => {
                let Some(id) = purchases.get(p) else { continue };
                let (s, body) = teng
                    .post(
                        &format!("/api/v1/purchases/{id}/settle"),
                        &json!({"bank_reference": format!("B{n}")}),
                    )
                    .await;
                assert!(
                    s == StatusCode::OK || s == StatusCode::CONFLICT,
                    "settle: {s} {body}"
                );
            }
            Op::Cancel(p) => {
                let Some(id) = purchases.get(p) else { continue };
                let (s, body) = buyer
                    .post_empty(&format!("/api/v1/purchases/{id}/cancel"))
                    .await;
                assert!(
                    s == StatusCode::OK || s == StatusCode::CONFLICT,
                    "cancel: {s} {body}"
                );
            }
            Op::Withdraw(l) => {
                let Some(id) = listings.get(l) else { continue };
                let (s, body) = teng
                    .post_empty(&format!("/api/v1/listings/{id}/withdraw"))
                    .await;
                assert!(
                    s == StatusCode::OK || s == StatusCode::CONFLICT,
                    "withdraw: {s} {body}"
                );
            }
            Op::Use {
                purchase: p,
                halves: h,
            } => {
                let Some(id) = purchases.get(p) else { continue };
                let (s, body) = buyer
                    .post("/api/v1/holdings/uses", &json!({"purchase_id": id, "approval_no": format!("批{n}"), "area_mu": halves(h)}))
                    .await;
                assert!(
                    s == StatusCode::CREATED
                        || s == StatusCode::CONFLICT
                        || s == StatusCode::UNPROCESSABLE_ENTITY,
                    "use: {s} {body}"
                );
            }
            Op::Expire => {
                app.clock.advance(time::Duration::days(40));
                app.tick().await;
                teng = app.login("teng").await;
                buyer = app.login("dev").await;
            }
        }
        check(&app, &teng, &buyer, &projects).await;
    }
    // The audit check agrees: the stock and the serials are what the rows say they are.
    let (_, v) = app
        .login_as("auditor", Role::Supervisor, None)
        .await
        .get("/api/v1/audit/verify")
        .await;
    assert_eq!(v["verification"]["intact"], true, "{v}");
}

async fn check(app: &TestApp, teng: &Client, buyer: &Client, projects: &[i64]) {
    let units = |s: &str| quota_shared::serial::Serial::parse(s).expect("serial");
    let e4 = |v: &Value| {
        v.as_str()
            .expect("area")
            .parse::<quota_shared::Area>()
            .expect("area")
            .e4()
    };
    let (_, all) = teng.get("/api/v1/purchases?limit=500").await;
    let (_, holdings) = buyer.get("/api/v1/holdings?limit=500").await;
    let used = |id: i64| {
        holdings["holdings"]
            .as_array()
            .expect("holdings")
            .iter()
            .find(|h| h["purchase_id"] == id)
            .map_or(0, |h| e4(&h["used_mu"]))
    };
    let mut issued: Vec<(i64, i64, i64)> = Vec::new();
    let anon = app.anonymous();
    for p in all["purchases"].as_array().expect("purchases") {
        let id = p["id"].as_i64().expect("id");
        let (_, body) = teng.get(&format!("/api/v1/purchases/{id}/serials")).await;
        let got = body["blocks"].as_array().expect("blocks");
        if p["confirmation_no"].is_null() {
            assert!(got.is_empty(), "a trade not final holds no serials: {body}");
            continue;
        }
        let total: i64 = got.iter().map(|b| e4(&b["area_mu"])).sum();
        assert_eq!(total, e4(&p["area_mu"]), "purchase {id}: {body}");
        let retired: i64 = got
            .iter()
            .filter(|b| !b["use_id"].is_null())
            .map(|b| e4(&b["area_mu"]))
            .sum();
        assert_eq!(retired, used(id), "purchase {id}: {body} {holdings}");
        for b in got {
            let (f, l) = (
                units(b["first_serial"].as_str().expect("first")),
                units(b["last_serial"].as_str().expect("last")),
            );
            assert_eq!(f.project_id, l.project_id);
            assert_eq!(l.unit - f.unit + 1, e4(&b["area_mu"]), "{b}");
            issued.push((f.project_id, f.unit, l.unit));
            let (s, t) = anon.get(&format!("/api/v1/trace/{}", l)).await;
            assert_eq!(s, StatusCode::OK, "{t}");
            assert_eq!(t["trace"]["trade"]["purchase_id"], id, "{t}");
        }
    }
    issued.sort_unstable();
    for &project in projects {
        let mut next = 1;
        for &(_, first, last) in issued.iter().filter(|r| r.0 == project) {
            assert_eq!(
                first, next,
                "units of project {project} issued once, in order: {issued:?}"
            );
            next = last + 1;
        }
        let (_, body) = teng.get(&format!("/api/v1/projects/{project}")).await;
        let committed = e4(&body["project"]["committed_mu"]);
        assert!(
            next - 1 <= committed,
            "issued {} > committed {committed}",
            next - 1
        );
        assert!(committed <= e4(&body["project"]["surplus_mu"]), "{body}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 64, ..ProptestConfig::default() })]
    #[test]
    fn under_random_sequences_the_serials_always_add_up_to_the_areas(ops in proptest::collection::vec(op(), 1..40)) {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(serials_add_up(ops));
    }
}

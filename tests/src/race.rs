//! The race scenario, run against one or more instances of the real binary on one database:
//! 50 clients making 500 purchases (with replays of the same idempotency key on another
//! instance, cancellations and a bureau settling as purchases arrive) over five listings,
//! while regional bidders bid on a lot that closes in the middle of it. Then the invariants:
//! nothing oversold, every acknowledged purchase exactly one row, proceeds equal to the settled
//! purchases to the 分, the lot awarded once to its highest bid, no 5xx.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::api::{Api, DEMO_PASSWORD, e4, fen, in_seconds};

const PROJECT: &str = "竞态测试项目";
const CLIENTS: usize = 50;
const PURCHASES_EACH: usize = 10;
const BUYERS: usize = 10;
const BIDDERS: usize = 5;
const LISTINGS: usize = 5;
const LISTED_MU: &str = "30";
const BOUGHT_MU: &str = "0.5";
const PASSWORD: &str = "race-password-1";

/// What happened, for the summary line and the checks.
#[derive(Debug, Default)]
pub struct Outcome {
    pub purchase_requests: usize,
    pub created: BTreeSet<i64>,
    pub refused: usize,
    pub replays: usize,
    pub replay_mismatches: Vec<String>,
    pub cancelled: BTreeSet<i64>,
    pub settled: BTreeSet<i64>,
    pub bids_sent: usize,
    /// Accepted bids: amount in 分 → bidder.
    pub bids_accepted: BTreeMap<i64, String>,
    pub server_errors: Vec<String>,
    pub unanswered: usize,
    /// When a bidder was first told the bidding had closed, and when the last purchase was
    /// created: the close must fall inside the purchases.
    pub closed_seen: Option<Instant>,
    pub last_created: Option<Instant>,
}

impl Outcome {
    fn note(&mut self, what: &str, answer: &Option<(u16, Value)>) {
        match answer {
            None => self.unanswered += 1,
            Some((status, body)) if *status >= 500 => {
                self.server_errors.push(format!("{what}: {status} {body}"))
            }
            _ => {}
        }
    }
}

/// Runs the scenario against `bases` (one URL per instance; the database already holds the
/// demo data) and checks every invariant; panics naming the first that fails. Answers a
/// summary.
pub async fn run(bases: &[String]) -> String {
    let started = Instant::now();
    let first = &bases[0];
    let admin = Api::login(first, "admin", DEMO_PASSWORD).await;
    for i in 0..BUYERS {
        create_account(&admin, &format!("race-buyer-{i:02}"), false).await;
    }
    for i in 0..BIDDERS {
        create_account(&admin, &format!("race-bidder-{i}"), true).await;
    }
    let teng = Api::login(first, "tengxian", DEMO_PASSWORD).await;
    let stock = teng.stock_project("竞态复垦项目", "100000").await;
    let mut listings = Vec::new();
    for _ in 0..LISTINGS {
        let (status, body) = teng
            .post(
                "/api/v1/listings",
                &json!({"channel": "county", "sources": [{"project_id": stock, "area_mu": LISTED_MU}],
                        "price_per_mu": "500000"}),
            )
            .await
            .expect("listing");
        assert_eq!(status, 201, "{body}");
        listings.push(body["listing"]["id"].as_i64().expect("id"));
    }
    let (status, body) = teng
        .post(
            "/api/v1/listings",
            &json!({"channel": "regional", "sources": [{"project_id": stock, "area_mu": "2"}],
                    "price_per_mu": "250000", "closes_at": in_seconds(3)}),
        )
        .await
        .expect("lot");
    assert_eq!(status, 201, "{body}");
    let lot = body["listing"]["id"].as_i64().expect("lot");

    let outcome = Arc::new(Mutex::new(Outcome::default()));
    let (to_settle, mut settle_queue) = tokio::sync::mpsc::unbounded_channel::<i64>();

    // The bureau settles every other purchase as it arrives, on the last instance.
    let settler = {
        let teng = teng.on(bases.last().expect("an instance"));
        let outcome = outcome.clone();
        tokio::spawn(async move {
            let mut n = 0;
            while let Some(id) = settle_queue.recv().await {
                n += 1;
                if n % 2 == 1 {
                    continue;
                }
                let answer = teng
                    .post(
                        &format!("/api/v1/purchases/{id}/settle"),
                        &json!({"bank_reference": format!("RACE-{id}")}),
                    )
                    .await;
                let mut o = outcome.lock().expect("outcome");
                o.note("settle", &answer);
                match answer {
                    Some((200, _)) => {
                        o.settled.insert(id);
                    }
                    // Cancelled by its buyer first: one of the two wins.
                    Some((409, _)) => {}
                    other => o.server_errors.push(format!("settle {id}: {other:?}")),
                }
            }
        })
    };

    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let base = bases[c % bases.len()].clone();
        let other = bases[(c + 1) % bases.len()].clone();
        let outcome = outcome.clone();
        let to_settle = to_settle.clone();
        let listings = listings.clone();
        tasks.push(tokio::spawn(async move {
            let me = Api::login(&base, &format!("race-buyer-{:02}", c % BUYERS), PASSWORD).await;
            let mut mine = Vec::new();
            for j in 0..PURCHASES_EACH {
                let key = format!("race-{c}-{j}");
                let listing = listings[(c * 7 + j) % LISTINGS];
                let body = json!({"listing_id": listing, "area_mu": BOUGHT_MU,
                                  "project": {"name": PROJECT, "use": "industrial", "county_code": "450481"}});
                let answer = me.buy(&key, &body).await;
                let created = {
                    let mut o = outcome.lock().expect("outcome");
                    o.purchase_requests += 1;
                    o.note("purchase", &answer);
                    match &answer {
                        Some((201, b)) => {
                            let id = b["purchase"]["id"].as_i64().expect("id");
                            o.created.insert(id);
                            o.last_created = Some(Instant::now());
                            Some(id)
                        }
                        Some((409, _)) => {
                            o.refused += 1;
                            None
                        }
                        other => {
                            o.server_errors.push(format!("purchase {key}: {other:?}"));
                            None
                        }
                    }
                };
                if let Some(id) = created {
                    mine.push(id);
                    let _ = to_settle.send(id);
                    // The same key again, on another instance: the same purchase, not a new one.
                    if j % 5 == 0 {
                        let again = me.on(&other).buy(&key, &body).await;
                        let mut o = outcome.lock().expect("outcome");
                        o.replays += 1;
                        o.note("replay", &again);
                        let replayed = again
                            .as_ref()
                            .and_then(|(s, b)| (*s == 201).then(|| b["purchase"]["id"].as_i64()))
                            .flatten();
                        if replayed != Some(id) {
                            o.replay_mismatches.push(format!("{key}: {id} then {again:?}"));
                        }
                    }
                }
                if j == 4
                    && let Some(first) = mine.first().copied()
                {
                    let answer = me.post(&format!("/api/v1/purchases/{first}/cancel"), &json!({})).await;
                    let mut o = outcome.lock().expect("outcome");
                    o.note("cancel", &answer);
                    if let Some((200, _)) = answer {
                        o.cancelled.insert(first);
                    }
                }
                tokio::time::sleep(Duration::from_millis(400)).await;
            }
        }));
    }
    drop(to_settle);

    for b in 0..BIDDERS {
        let base = bases[b % bases.len()].clone();
        let outcome = outcome.clone();
        tasks.push(tokio::spawn(async move {
            let name = format!("race-bidder-{b}");
            let me = Api::login(&base, &name, PASSWORD).await;
            let deadline = Instant::now() + Duration::from_secs(20);
            while Instant::now() < deadline {
                let Some((200, l)) = me.get(&format!("/api/v1/listings/{lot}")).await else {
                    outcome.lock().expect("outcome").unanswered += 1;
                    continue;
                };
                let Some(next) = l["listing"]["min_next_bid_yuan"]
                    .as_str()
                    .map(str::to_string)
                else {
                    break;
                };
                let answer = me
                    .post(
                        &format!("/api/v1/listings/{lot}/bids"),
                        &json!({"amount_yuan": next}),
                    )
                    .await;
                let closed = {
                    let mut o = outcome.lock().expect("outcome");
                    o.bids_sent += 1;
                    o.note("bid", &answer);
                    match answer {
                        Some((201, _)) => {
                            o.bids_accepted.insert(fen(&next), name.clone());
                            false
                        }
                        // Closed: the bidding is over for everyone.
                        Some((409, body)) if body["error"]["code"] == "bidding_closed" => {
                            o.closed_seen.get_or_insert_with(Instant::now);
                            true
                        }
                        // Beaten to it by another bidder: try the next amount.
                        Some((409 | 422, _)) => false,
                        other => {
                            o.server_errors.push(format!("bid {next}: {other:?}"));
                            false
                        }
                    }
                };
                if closed {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(40)).await;
            }
        }));
    }
    for t in tasks {
        t.await.expect("a client task panicked");
    }
    settler.await.expect("settler");
    let outcome = Arc::try_unwrap(outcome)
        .expect("tasks done")
        .into_inner()
        .expect("outcome");

    let finance = Api::login(first, "finance", DEMO_PASSWORD).await;
    // The scheduler (on one instance) awards the lot within seconds of its close.
    let deadline = Instant::now() + Duration::from_secs(30);
    let purchases = loop {
        let all = finance.all("/api/v1/purchases", "purchases").await;
        let awarded = all
            .iter()
            .any(|p| p["listing_id"] == lot && p["kind"] == "award");
        if awarded || Instant::now() > deadline {
            break all;
        }
        tokio::time::sleep(Duration::from_millis(400)).await;
    };
    check(&outcome, &finance, &listings, lot, &purchases).await;
    format!(
        "race [{} instance(s)]: {} purchase requests from {CLIENTS} clients ({} created, {} refused 409, {} replays), {} cancelled, {} settled, {} bids ({} accepted) on a lot closing mid-run; oversold 0, lost 0, 5xx 0, awards 1; {:.1} s",
        bases.len(),
        outcome.purchase_requests,
        outcome.created.len(),
        outcome.refused,
        outcome.replays,
        outcome.cancelled.len(),
        outcome.settled.len(),
        outcome.bids_sent,
        outcome.bids_accepted.len(),
        started.elapsed().as_secs_f64()
    )
}

async fn create_account(admin: &Api, username: &str, regional_bidder: bool) {
    let (status, body) = admin
        .post(
            "/api/v1/users",
            &json!({"username": username, "password": PASSWORD, "role": "buyer", "regional_bidder": regional_bidder}),
        )
        .await
        .expect("account");
    assert_eq!(status, 201, "{username}: {body}");
}

/// The Asia/Shanghai year of an RFC 3339 UTC time.
fn shanghai_year(text: &str) -> i32 {
    let t = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .expect("time");
    (t + time::Duration::hours(8)).year()
}

async fn check(outcome: &Outcome, finance: &Api, listings: &[i64], lot: i64, purchases: &[Value]) {
    assert!(
        outcome.server_errors.is_empty(),
        "5xx or unexpected answers: {:#?}",
        outcome.server_errors
    );
    assert_eq!(outcome.unanswered, 0, "every request was answered");
    assert!(
        outcome.replay_mismatches.is_empty(),
        "replays: {:?}",
        outcome.replay_mismatches
    );
    assert_eq!(
        outcome.purchase_requests,
        CLIENTS * PURCHASES_EACH,
        "every purchase was tried"
    );
    assert!(
        outcome.refused > 0,
        "the listings sold out: the race was real"
    );

    // Every acknowledged purchase is exactly one row, and there is no other.
    let ours: Vec<&Value> = purchases
        .iter()
        .filter(|p| p["project"]["name"] == PROJECT)
        .collect();
    let ids: BTreeSet<i64> = ours.iter().filter_map(|p| p["id"].as_i64()).collect();
    assert_eq!(ids.len(), ours.len(), "no purchase listed twice");
    assert_eq!(ids, outcome.created, "rows = acknowledged purchases");
    let status_of = |id: i64| {
        ours.iter()
            .find(|p| p["id"] == id)
            .and_then(|p| p["status"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    for id in &outcome.cancelled {
        assert_eq!(status_of(*id), "cancelled", "purchase {id}");
    }
    for id in &outcome.settled {
        assert_eq!(status_of(*id), "settled", "purchase {id}");
    }

    // For every listing: sold + remaining = listed.
    for id in listings {
        let (_, l) = finance
            .get(&format!("/api/v1/listings/{id}"))
            .await
            .expect("listing");
        let remaining = e4(l["listing"]["remaining_mu"].as_str().expect("remaining"));
        let sold: i64 = purchases
            .iter()
            .filter(|p| {
                p["listing_id"] == *id
                    && matches!(p["status"].as_str(), Some("reserved" | "settled"))
            })
            .map(|p| e4(p["area_mu"].as_str().expect("area")))
            .sum();
        assert_eq!(
            sold + remaining,
            e4(LISTED_MU),
            "listing {id}: sold {sold} + remaining {remaining}"
        );
    }

    // Proceeds are the settled purchases, to the 分.
    let (_, proceeds) = finance.get("/api/v1/proceeds").await.expect("proceeds");
    let year = proceeds["year"].as_i64().expect("year") as i32;
    let received = proceeds["proceeds"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["county_code"] == "450422")
        .map(|r| fen(r["proceeds_yuan"].as_str().expect("proceeds")))
        .unwrap_or_default();
    let settled: i64 = purchases
        .iter()
        // Final trades only (R16): one still in its publicity is not yet proceeds.
        .filter(|p| {
            p["status"] == "settled"
                && p["confirmation_no"].is_string()
                && p["seller_county_code"] == "450422"
        })
        .filter(|p| {
            p["settled_at"]
                .as_str()
                .is_some_and(|t| shanghai_year(t) == year)
        })
        .map(|p| fen(p["amount_yuan"].as_str().expect("amount")))
        .sum();
    assert_eq!(
        received, settled,
        "proceeds of 藤县 in {year} = its final purchases"
    );

    // The lot: awarded once, to its highest accepted bid.
    let awards: Vec<&Value> = purchases
        .iter()
        .filter(|p| p["listing_id"] == lot && p["kind"] == "award")
        .collect();
    assert_eq!(
        awards.len(),
        1,
        "the lot is awarded exactly once: {awards:?}"
    );
    let (high, winner) = outcome
        .bids_accepted
        .iter()
        .next_back()
        .expect("bids were accepted");
    assert_eq!(
        fen(awards[0]["amount_yuan"].as_str().expect("amount")),
        *high
    );
    assert_eq!(awards[0]["buyer"], winner.as_str());

    let (_, verified) = finance.get("/api/v1/audit/verify").await.expect("verify");
    assert_eq!(verified["verification"]["intact"], true, "{verified}");
}

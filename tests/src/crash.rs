//! Crash scenarios against the real binary: `kill -9` while purchases and settlements are
//! being acknowledged, and while lots are closing; then a restart on the same database. What
//! was acknowledged must be there exactly once, what was in flight must be either whole or
//! absent (a retry with the same idempotency key finds out which), and `audit verify` — the
//! chains and the tables against them — must pass.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::api::{Api, DEMO_PASSWORD, block, e4, in_seconds};
use crate::binary::Server;

const PROJECT: &str = "断电测试项目";
const CLIENTS: usize = 16;

/// An acknowledged purchase: its id, area and amount as answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Acknowledged {
    pub id: i64,
    pub area_mu: String,
    pub amount_yuan: String,
}

/// What the clients saw before the server died.
#[derive(Debug, Default)]
pub struct BeforeCrash {
    pub listing: i64,
    pub listed_mu: String,
    /// Idempotency key → the purchase acknowledged for it.
    pub acknowledged: BTreeMap<String, Acknowledged>,
    /// Keys sent with no answer: the server died with them in flight.
    pub in_doubt: BTreeSet<String>,
    /// Purchases whose settlement was acknowledged.
    pub settled: BTreeSet<i64>,
}

fn body_for(listing: i64) -> Value {
    json!({"listing_id": listing, "area_mu": "0.1",
           "project": {"name": PROJECT, "use": "industrial", "county_code": "450481"}})
}

/// Buys and settles from [`CLIENTS`] clients until the server stops answering; `kill` is
/// called from another thread after `after`.
pub fn purchases_until_killed(server: Server, after: Duration) -> BeforeCrash {
    let base = server.base_url.clone();
    let seen = Arc::new(Mutex::new(BeforeCrash::default()));
    let started = Arc::new(AtomicBool::new(false));
    let clients = {
        let (seen, started) = (seen.clone(), started.clone());
        std::thread::spawn(move || block(buy_and_settle(base, seen, started)))
    };
    while !started.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(after);
    drop(server); // SIGKILL: no shutdown, no flush beyond what each commit already did.
    clients.join().expect("clients");
    Arc::try_unwrap(seen)
        .expect("clients done")
        .into_inner()
        .expect("seen")
}

async fn buy_and_settle(base: String, seen: Arc<Mutex<BeforeCrash>>, started: Arc<AtomicBool>) {
    let teng = Api::login(&base, "tengxian", DEMO_PASSWORD).await;
    let listed = "1000";
    let stock = teng.stock_project("断电测试复垦项目", listed).await;
    let (status, body) = teng
        .post(
            "/api/v1/listings",
            &json!({"channel": "county", "sources": [{"project_id": stock, "area_mu": listed}],
                    "price_per_mu": "500000"}),
        )
        .await
        .expect("listing");
    assert_eq!(status, 201, "{body}");
    let listing = body["listing"]["id"].as_i64().expect("id");
    {
        let mut s = seen.lock().expect("seen");
        s.listing = listing;
        s.listed_mu = listed.to_string();
    }
    let mut buyers = Vec::new();
    for _ in 0..CLIENTS {
        buyers.push(Api::login(&base, "developer", DEMO_PASSWORD).await);
    }
    started.store(true, Ordering::SeqCst);
    let mut tasks = Vec::new();
    for (c, buyer) in buyers.into_iter().enumerate() {
        let (seen, teng) = (seen.clone(), teng.clone());
        tasks.push(tokio::spawn(async move {
            for j in 0.. {
                let key = format!("crash-{c}-{j}");
                seen.lock().expect("seen").in_doubt.insert(key.clone());
                let Some((status, body)) = buyer.buy(&key, &body_for(listing)).await else {
                    return; // The server is gone; this key stays in doubt.
                };
                assert_eq!(status, 201, "{key}: {body}");
                let id = body["purchase"]["id"].as_i64().expect("id");
                {
                    let mut s = seen.lock().expect("seen");
                    s.in_doubt.remove(&key);
                    s.acknowledged.insert(
                        key,
                        Acknowledged {
                            id,
                            area_mu: body["purchase"]["area_mu"]
                                .as_str()
                                .unwrap_or_default()
                                .into(),
                            amount_yuan: body["purchase"]["amount_yuan"]
                                .as_str()
                                .unwrap_or_default()
                                .into(),
                        },
                    );
                }
                if j % 2 == 0 {
                    let answer = teng
                        .post(
                            &format!("/api/v1/purchases/{id}/settle"),
                            &json!({"bank_reference": format!("CRASH-{id}")}),
                        )
                        .await;
                    match answer {
                        Some((200, _)) => {
                            seen.lock().expect("seen").settled.insert(id);
                        }
                        Some(other) => panic!("settle {id}: {other:?}"),
                        None => return,
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.expect("client");
    }
}

/// After the restart: every acknowledged write is there once, in-flight keys resolve to one
/// purchase each on retry, sold + remaining = listed. Answers a summary.
pub async fn check_after_restart(base: &str, seen: &BeforeCrash) -> String {
    let buyer = Api::login(base, "developer", DEMO_PASSWORD).await;
    let finance = Api::login(base, "finance", DEMO_PASSWORD).await;
    assert!(
        seen.acknowledged.len() >= 20,
        "purchases were being acknowledged when the server died: {}",
        seen.acknowledged.len()
    );
    let before_retries: BTreeSet<i64> = finance
        .all("/api/v1/purchases", "purchases")
        .await
        .iter()
        .filter_map(|p| p["id"].as_i64())
        .collect();
    // In-flight requests: the retry either replays what committed or makes it now — once.
    let mut retried = BTreeMap::new();
    for key in &seen.in_doubt {
        let (status, body) = buyer
            .buy(key, &body_for(seen.listing))
            .await
            .expect("the restarted server answers");
        assert_eq!(status, 201, "retry of {key}: {body}");
        retried.insert(key.clone(), body["purchase"]["id"].as_i64().expect("id"));
    }
    // An acknowledged key retried is the same purchase (its answer was stored with it).
    for (key, ack) in seen.acknowledged.iter().take(5) {
        let (status, body) = buyer
            .buy(key, &body_for(seen.listing))
            .await
            .expect("answer");
        assert_eq!(
            (status, body["purchase"]["id"].as_i64()),
            (201, Some(ack.id)),
            "{key}"
        );
    }
    let purchases = finance.all("/api/v1/purchases", "purchases").await;
    let ours: Vec<&Value> = purchases
        .iter()
        .filter(|p| p["project"]["name"] == PROJECT)
        .collect();
    for ack in seen.acknowledged.values() {
        let rows: Vec<&&Value> = ours.iter().filter(|p| p["id"] == ack.id).collect();
        assert_eq!(
            rows.len(),
            1,
            "acknowledged purchase {} is there once",
            ack.id
        );
        assert_eq!(rows[0]["area_mu"], ack.area_mu.as_str());
        assert_eq!(rows[0]["amount_yuan"], ack.amount_yuan.as_str());
    }
    for id in &seen.settled {
        let row = ours
            .iter()
            .find(|p| p["id"] == *id)
            .expect("settled purchase");
        assert_eq!(
            row["status"], "settled",
            "acknowledged settlement of {id} survived"
        );
    }
    assert_eq!(
        ours.len(),
        seen.acknowledged.len() + retried.len(),
        "one row per idempotency key, no more"
    );
    let (_, l) = finance
        .get(&format!("/api/v1/listings/{}", seen.listing))
        .await
        .expect("listing");
    let remaining = e4(l["listing"]["remaining_mu"].as_str().expect("remaining"));
    let sold: i64 = ours
        .iter()
        .filter(|p| matches!(p["status"].as_str(), Some("reserved" | "settled")))
        .map(|p| e4(p["area_mu"].as_str().expect("area")))
        .sum();
    assert_eq!(
        sold + remaining,
        e4(&seen.listed_mu),
        "sold + remaining = listed"
    );
    let committed = retried
        .values()
        .filter(|id| before_retries.contains(id))
        .count();
    format!(
        "{} purchases and {} settlements acknowledged before kill -9 and all there once; {} in flight, of which {committed} had committed (the retry replayed it) and {} had not (the retry made it); sold + remaining = listed",
        seen.acknowledged.len(),
        seen.settled.len(),
        seen.in_doubt.len(),
        seen.in_doubt.len() - committed
    )
}

/// Lots that close while the server is killed around their closing time.
#[derive(Debug, Default)]
pub struct Lots {
    pub ids: Vec<i64>,
    /// Lot → the accepted bid (分).
    pub high: BTreeMap<i64, String>,
}

/// Lists `count` regional lots closing within two seconds, with one bid each.
pub async fn lots_closing_soon(base: &str, count: usize) -> (Lots, Instant) {
    let teng = Api::login(base, "tengxian", DEMO_PASSWORD).await;
    let bidder = Api::login(base, "changzhou", DEMO_PASSWORD).await;
    let mut lots = Lots::default();
    let closes = in_seconds(2);
    let closing = Instant::now() + Duration::from_secs(2);
    let stock = teng
        .stock_project("断电竞价复垦项目", &count.to_string())
        .await;
    for _ in 0..count {
        let (status, body) = teng
            .post(
                "/api/v1/listings",
                &json!({"channel": "regional", "sources": [{"project_id": stock, "area_mu": "1"}],
                        "price_per_mu": "250000", "closes_at": closes}),
            )
            .await
            .expect("lot");
        assert_eq!(status, 201, "{body}");
        let id = body["listing"]["id"].as_i64().expect("id");
        let (status, body) = bidder
            .post(
                &format!("/api/v1/listings/{id}/bids"),
                &json!({"amount_yuan": "250000.00"}),
            )
            .await
            .expect("bid");
        assert_eq!(status, 201, "{body}");
        lots.ids.push(id);
        lots.high.insert(id, "250000.00".into());
    }
    (lots, closing)
}

/// After the restart the scheduler finishes what the killed one started: each lot awarded
/// once, at its bid.
pub async fn check_lots(base: &str, lots: &Lots) {
    let finance = Api::login(base, "finance", DEMO_PASSWORD).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let purchases = finance.all("/api/v1/purchases", "purchases").await;
        let awards = |lot: i64| {
            purchases
                .iter()
                .filter(|p| p["listing_id"] == lot && p["kind"] == "award")
                .count()
        };
        let counts: Vec<usize> = lots.ids.iter().map(|l| awards(*l)).collect();
        assert!(
            counts.iter().all(|c| *c <= 1),
            "never awarded twice: {counts:?}"
        );
        if counts.iter().all(|c| *c == 1) {
            for lot in &lots.ids {
                let award = purchases
                    .iter()
                    .find(|p| p["listing_id"] == *lot && p["kind"] == "award")
                    .expect("award");
                assert_eq!(award["amount_yuan"], lots.high[lot].as_str());
                let (_, l) = finance
                    .get(&format!("/api/v1/listings/{lot}"))
                    .await
                    .expect("lot");
                assert_eq!(l["listing"]["status"], "awarded");
            }
            return;
        }
        assert!(
            Instant::now() < deadline,
            "every lot is awarded after the restart: {counts:?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

//! A client of the running binary's API, as a browser would be: its own cookie jar, JSON in
//! and out, and whole lists read page by page.

use serde_json::{Value, json};

/// The demo accounts' password (`quota-exchange demo`).
pub const DEMO_PASSWORD: &str = "demo-2026";

/// One logged-in (or anonymous) client of one server.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    pub base: String,
}

/// A status and the JSON body (`Null` when empty or not JSON); `None` when the request never
/// got an answer (the server was gone).
pub type Answer = Option<(u16, Value)>;

impl Api {
    pub fn anonymous(base: &str) -> Self {
        Self {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .expect("HTTP client"),
            base: base.to_string(),
        }
    }

    /// Logs in; panics when the server refuses.
    pub async fn login(base: &str, username: &str, password: &str) -> Self {
        let api = Self::anonymous(base);
        let (status, body) = api
            .send(
                reqwest::Method::POST,
                "/api/v1/session",
                Some(&json!({"username": username, "password": password})),
                None,
            )
            .await
            .expect("the server answers the login");
        assert_eq!(status, 200, "login {username}: {body}");
        api
    }

    /// The same session against another instance (the cookie jar is shared).
    pub fn on(&self, base: &str) -> Self {
        Self {
            http: self.http.clone(),
            base: base.to_string(),
        }
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        idempotency_key: Option<&str>,
    ) -> Answer {
        let mut r = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            r = r.json(body);
        }
        if let Some(key) = idempotency_key {
            r = r.header("Idempotency-Key", key);
        }
        let response = r.send().await.ok()?;
        let status = response.status().as_u16();
        let text = response.text().await.ok()?;
        Some((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    /// Registers and accepts a reclamation project of this bureau's county with `surplus` 亩
    /// and nothing else (no farmland, no local use), as a bureau does: the stock the
    /// scenario's listings draw on. Panics when the server refuses.
    pub async fn stock_project(&self, name: &str, surplus: &str) -> i64 {
        // 备案号 are unique platform-wide: this one is unique to the moment.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let number = format!("{name}-{nanos}");
        let figures = json!({"reclaimed_mu": surplus, "farmland_mu": "0", "paddy_mu": "0",
                             "grain_capacity_kg": 0, "local_use_mu": "0"});
        let mut project = json!({"name": name, "registration_no": number,
                                 "township": "太平镇", "village": ""});
        let mut acceptance =
            json!({"accepted_on": "2026-01-05", "acceptance_doc": format!("验〔2026〕{number}")});
        for body in [&mut project, &mut acceptance] {
            for (k, v) in figures.as_object().expect("figures") {
                body[k] = v.clone();
            }
        }
        let (status, body) = self
            .post("/api/v1/projects", &project)
            .await
            .expect("the server answers");
        assert_eq!(status, 201, "project {number}: {body}");
        let id = body["project"]["id"].as_i64().expect("project id");
        let (status, body) = self
            .post(&format!("/api/v1/projects/{id}/accept"), &acceptance)
            .await
            .expect("the server answers");
        assert_eq!(status, 200, "acceptance of {number}: {body}");
        id
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(reqwest::Method::GET, path, None, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.send(reqwest::Method::POST, path, Some(body), None)
            .await
    }

    /// `POST /api/v1/purchases` with its idempotency key.
    pub async fn buy(&self, key: &str, body: &Value) -> Answer {
        self.send(
            reqwest::Method::POST,
            "/api/v1/purchases",
            Some(body),
            Some(key),
        )
        .await
    }

    /// A download read as it arrives, never held whole: the status, the time to its first
    /// byte and its length.
    pub async fn get_bytes(&self, path: &str) -> Option<(u16, std::time::Duration, usize)> {
        let started = std::time::Instant::now();
        let mut response = self
            .http
            .get(format!("{}{path}", self.base))
            .timeout(std::time::Duration::from_secs(600))
            .send()
            .await
            .ok()?;
        let status = response.status().as_u16();
        let (mut first, mut length) = (None, 0);
        while let Some(chunk) = response.chunk().await.ok()? {
            first.get_or_insert_with(|| started.elapsed());
            length += chunk.len();
        }
        Some((status, first.unwrap_or_else(|| started.elapsed()), length))
    }

    /// Every row of a paged list (`field` names the rows), following `next_cursor`.
    pub async fn all(&self, path: &str, field: &str) -> Vec<Value> {
        let join = if path.contains('?') { '&' } else { '?' };
        let mut rows = Vec::new();
        let mut url = format!("{path}{join}limit=500");
        loop {
            let (status, body) = self.get(&url).await.expect("the server answers");
            assert_eq!(status, 200, "{url}: {body}");
            rows.extend(body[field].as_array().expect(field).iter().cloned());
            match body["next_cursor"].as_str() {
                Some(c) => url = format!("{path}{join}limit=500&cursor={c}"),
                None => return rows,
            }
        }
    }
}

/// Runs a future to completion on a fresh multi-threaded runtime (for `#[test]` functions).
pub fn block<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// 亩 text ("12.5000") as 1/10000 亩.
pub fn e4(text: &str) -> i64 {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let frac = format!("{frac:0<4}");
    whole.parse::<i64>().expect("whole 亩") * 10_000 + frac[..4].parse::<i64>().expect("fraction")
}

/// 元 text ("4383375.00") as 分.
pub fn fen(text: &str) -> i64 {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let frac = format!("{frac:0<2}");
    whole.parse::<i64>().expect("whole 元") * 100 + frac[..2].parse::<i64>().expect("fraction")
}

/// `now + seconds` as RFC 3339 in whole seconds (UTC).
pub fn in_seconds(seconds: i64) -> String {
    let t = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .expect("whole seconds")
        + time::Duration::seconds(seconds);
    t.format(&time::format_description::well_known::Rfc3339)
        .expect("RFC 3339")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_times_read_as_the_wire_writes_them() {
        assert_eq!(e4("12.5"), 125_000);
        assert_eq!(e4("0.0001"), 1);
        assert_eq!(fen("4383375.00"), 438_337_500);
        assert_eq!(fen("0.07"), 7);
        let t = in_seconds(0);
        assert_eq!(t.len(), 20, "{t}");
        assert!(t.starts_with("20") && t.ends_with('Z'), "{t}");
    }
}

//! All HTTP of the web app: same-origin JSON calls returning `quota_shared::api` types. An
//! error answer of the server is decoded from its envelope so the page shows its message.

use gloo::net::http::Request;
use quota_shared::api::{CountiesResponse, ErrorEnvelope, FloorPricesResponse};
use serde::de::DeserializeOwned;

/// A failed call, with the words to show.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiFailure {
    pub message_zh: String,
    pub message_en: String,
}

impl ApiFailure {
    fn network(detail: &str) -> Self {
        Self {
            message_zh: format!("无法连接服务器，请检查网络后重试（{detail}）"),
            message_en: format!("Cannot reach the server; check the network and retry ({detail})"),
        }
    }
}

async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiFailure> {
    let response = Request::get(path)
        .send()
        .await
        .map_err(|e| ApiFailure::network(&e.to_string()))?;
    if response.ok() {
        response
            .json::<T>()
            .await
            .map_err(|e| ApiFailure::network(&e.to_string()))
    } else {
        match response.json::<ErrorEnvelope>().await {
            Ok(envelope) => Err(ApiFailure {
                message_zh: envelope.error.message_zh,
                message_en: envelope.error.message_en,
            }),
            Err(_) => Err(ApiFailure::network(&format!("HTTP {}", response.status()))),
        }
    }
}

pub async fn counties() -> Result<CountiesResponse, ApiFailure> {
    get_json("/api/v1/counties").await
}

pub async fn floor_prices() -> Result<FloorPricesResponse, ApiFailure> {
    get_json("/api/v1/floor-prices").await
}

//! Logs: one `tracing` subscriber for the binary, and a request id on every request — taken
//! from a well-formed `X-Request-Id` the client (or a proxy) sent, else made here — that is in
//! the span of every log line the request writes and is sent back in `X-Request-Id`.

use axum::http::{HeaderValue, Request};
use password_hash::rand_core::{OsRng, RngCore};
use tower_http::request_id::{MakeRequestId, RequestId};

/// The request-id header, in and out.
pub const REQUEST_ID: &str = "x-request-id";

/// How log lines are written: `QX_LOG_FORMAT=json` (one JSON object per line, with the
/// request's span and its id, for a log collector) or text (the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl LogFormat {
    /// From `QX_LOG_FORMAT`; anything but `json`/`text` is named in the error.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var("QX_LOG_FORMAT").as_deref() {
            Err(_) | Ok("") | Ok("text") => Ok(Self::Text),
            Ok("json") => Ok(Self::Json),
            Ok(other) => Err(format!(
                "QX_LOG_FORMAT 无效 / invalid QX_LOG_FORMAT {other:?}: 应为 text 或 json (expected text or json)"
            )),
        }
    }
}

/// Logs to standard error; `RUST_LOG` filters (default: info, quiet sqlx).
pub fn init(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}

/// Makes a random 64-bit id, as 16 hex digits.
#[derive(Clone, Copy, Debug, Default)]
pub struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        let id = format!("{:016x}", OsRng.next_u64());
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// Drops an `X-Request-Id` that is not short and plain before the id layer sees it, so that
/// request gets a fresh id of ours — in the logs and in the answer — instead of echoing what
/// was sent.
pub async fn drop_unusable_request_id(
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if request_id_of(&request) == "-" {
        request.headers_mut().remove(REQUEST_ID);
    }
    next.run(request).await
}

/// The id to log for a request: what the id layer put in its header, if it is short and plain
/// (a client's own id is kept only then, so it cannot forge log lines).
pub fn request_id_of<B>(request: &Request<B>) -> String {
    request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .unwrap_or("-")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_short_plain_id_is_kept() {
        let with = |id: &str| {
            Request::builder()
                .header(REQUEST_ID, id)
                .body(())
                .expect("request")
        };
        assert_eq!(request_id_of(&with("proxy-42_a")), "proxy-42_a");
        assert_eq!(request_id_of(&with(&"x".repeat(65))), "-");
        assert_eq!(request_id_of(&with("a b")), "-");
        assert_eq!(request_id_of(&Request::new(())), "-");
    }
}

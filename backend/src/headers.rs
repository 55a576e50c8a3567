//! Security headers on every answer — the web app's files and the API alike:
//! - `Content-Security-Policy`: scripts, styles, images and connections from this origin only
//!   (the WASM needs `wasm-unsafe-eval`; Yew sets inline style attributes), no plugins, and no
//!   framing by any page (`frame-ancestors 'none'`, with `X-Frame-Options: DENY` for older
//!   browsers): a clerk's session cannot be clickjacked;
//! - `X-Content-Type-Options: nosniff`: a file is only what its type says;
//! - `Referrer-Policy: same-origin`: listing ids in addresses do not leak to other sites;
//! - over HTTPS, `Strict-Transport-Security`.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The policy of every page.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Adds the headers to the answer (leaving any the handler set itself).
pub async fn security_headers(request: Request, next: Next) -> Response {
    let https = request
        .headers()
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert_with(|| HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    if https {
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000");
    }
    response
}

//! [`ApiJson`]: the JSON body extractor. Every way a body can be wrong ends in the one error
//! envelope: not JSON → 400; too large → 413; a missing, unknown or ill-typed field, or a
//! value the domain refuses → 422 naming the field, in the domain's own words.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use quota_shared::FieldError;
use quota_shared::api::explain_field_value;
use quota_shared::codes::ErrorCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Largest request body accepted. Requests are small forms; 1 MiB leaves ample room.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A parsed JSON body and its raw bytes (for idempotency fingerprints).
pub struct ApiJson<T> {
    pub value: T,
    pub raw: Bytes,
}

/// How much of an oversized body is read and thrown away before answering 413, so the client
/// (which is usually still sending) receives the error envelope instead of a reset connection.
const DRAIN_LIMIT_BYTES: usize = 16 * 1024 * 1024;

/// Reads a body of at most [`MAX_BODY_BYTES`]. A larger one is drained (up to
/// [`DRAIN_LIMIT_BYTES`]) and refused with 413.
pub(crate) async fn read_body(body: axum::body::Body) -> Result<Bytes, ApiError> {
    read_body_within(body, MAX_BODY_BYTES).await
}

/// [`read_body`] with a limit of its own (an uploaded file).
pub(crate) async fn read_body_within(
    body: axum::body::Body,
    max: usize,
) -> Result<Bytes, ApiError> {
    use http_body_util::BodyExt;
    let unreadable = || ApiError::Malformed {
        zh: "无法读取请求体".into(),
        en: "Cannot read the request body".into(),
    };
    let mut body = body;
    let mut buffer: Vec<u8> = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| unreadable())?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen += data.len();
        if seen <= max {
            buffer.extend_from_slice(&data);
        } else if seen > DRAIN_LIMIT_BYTES {
            break;
        }
    }
    if seen > max {
        let limit = if max.is_multiple_of(1024 * 1024) {
            format!("{} MB", max / (1024 * 1024))
        } else {
            format!("{} KB", max / 1024)
        };
        return Err(ApiError::coded(
            ErrorCode::BodyTooLarge,
            format!("请求体过大，上限为 {limit}"),
            format!("The body is too large; the limit is {limit}"),
        ));
    }
    Ok(Bytes::from(buffer))
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json"));
        if !is_json {
            return Err(ApiError::coded(
                ErrorCode::Malformed,
                "请求体须为 JSON（Content-Type: application/json）",
                "The body must be JSON (Content-Type: application/json)",
            ));
        }
        let raw = read_body(req.into_body()).await?;
        let value = parse(&raw)?;
        Ok(Self { value, raw })
    }
}

/// Parses a body, explaining failures as the envelope wants them.
pub fn parse<T: DeserializeOwned>(raw: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(raw);
    let err = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => {
            // Trailing characters after the value make the body malformed too.
            return match de.end() {
                Ok(()) => Ok(v),
                Err(e) => Err(ApiError::Malformed {
                    zh: format!(
                        "请求体不是有效的 JSON（第 {} 行第 {} 列）",
                        e.line(),
                        e.column()
                    ),
                    en: format!(
                        "The body is not valid JSON (line {}, column {})",
                        e.line(),
                        e.column()
                    ),
                }),
            };
        }
        Err(e) => e,
    };
    let path = err.path().to_string();
    let inner = err.into_inner();
    if !inner.is_data() {
        return Err(ApiError::Malformed {
            zh: format!(
                "请求体不是有效的 JSON（第 {} 行第 {} 列）",
                inner.line(),
                inner.column()
            ),
            en: format!(
                "The body is not valid JSON (line {}, column {})",
                inner.line(),
                inner.column()
            ),
        });
    }
    Err(explain_data_error(raw, &path, &inner.to_string()))
}

/// One step of a serde path into a JSON value: a key, then any `[n]` indices
/// (`sources[0]` is the first element of `sources`).
fn step(v: serde_json::Value, segment: &str) -> Option<serde_json::Value> {
    let mut parts = segment.split('[');
    let key = parts.next().unwrap_or_default();
    let mut v = if key.is_empty() {
        v
    } else {
        v.get(key)?.clone()
    };
    for index in parts {
        v = v
            .get(index.strip_suffix(']')?.parse::<usize>().ok()?)?
            .clone();
    }
    Some(v)
}

/// Words for a JSON value that does not fit the request type.
fn explain_data_error(raw: &[u8], path: &str, message: &str) -> ApiError {
    let message = message.split(" at line ").next().unwrap_or(message);
    let quoted = message.split('`').nth(1).unwrap_or("").to_string();
    let field_path = |name: &str| {
        if path == "." || path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    if message.starts_with("unknown field") {
        // The path already ends with the unknown field's name.
        let field = if path == "." || path.is_empty() {
            quoted.clone()
        } else {
            path.to_string()
        };
        return ApiError::invalid(
            &field,
            ErrorCode::UnknownField,
            format!("不认识的字段“{field}”，请删除该字段"),
            format!("Unknown field \"{field}\"; remove it"),
        );
    }
    if message.starts_with("missing field") {
        let field = field_path(&quoted);
        return ApiError::invalid(
            &field,
            ErrorCode::MissingField,
            format!("缺少字段“{field}”"),
            format!("Field \"{field}\" is missing"),
        );
    }
    let last = path.rsplit('.').next().unwrap_or(path);
    if message.starts_with("invalid type") {
        let hint_zh = if last.ends_with("_mu") || last.ends_with("_yuan") {
            "，数量和金额请写成带引号的十进制字符串，例如 \"17.5335\""
        } else {
            ""
        };
        return ApiError::invalid(
            path,
            ErrorCode::WrongType,
            format!("字段“{path}”的类型不对{hint_zh}"),
            format!("Field \"{path}\" has the wrong type: {message}"),
        );
    }
    if message.starts_with("unknown variant") {
        return ApiError::invalid(
            path,
            ErrorCode::UnknownValue,
            format!("字段“{path}”的取值无效：{message}"),
            format!("Field \"{path}\" has an invalid value: {message}"),
        );
    }
    // A value the domain refused (e.g. a 5th decimal): ask the domain for its words.
    let raw_value = serde_json::from_slice::<serde_json::Value>(raw)
        .ok()
        .and_then(|v| {
            path.split('.')
                .try_fold(v, step)
                .and_then(|v| v.as_str().map(str::to_string))
        });
    if let Some(domain) = raw_value.and_then(|r| explain_field_value(last, &r)) {
        return ApiError::Field(FieldError::new(path, domain));
    }
    ApiError::invalid(
        path,
        ErrorCode::InvalidValue,
        format!("字段“{path}”的值无效：{message}"),
        format!("Field \"{path}\" is invalid: {message}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;
    use quota_shared::api::{ErrorBody, Lang, PurchaseRequest};

    fn refusal(body: &str) -> (StatusCode, ErrorBody) {
        let e = parse::<PurchaseRequest>(body.as_bytes()).expect_err("refused");
        (e.status_code(), e.body(Lang::Zh))
    }

    #[test]
    fn a_value_inside_a_list_is_explained_in_the_domain_words_too() {
        let e = parse::<quota_shared::api::NewListing>(
            br#"{"channel": "county", "price_per_mu": "300000", "sources": [{"project_id": 1, "area_mu": "1"}, {"project_id": 2, "area_mu": "0"}]}"#,
        )
        .expect_err("refused");
        let b = e.body(Lang::Zh);
        assert_eq!(
            (b.code.wire(), b.field.as_deref()),
            ("zero", Some("sources[1].area_mu"))
        );
        assert!(!b.message_zh.contains("greater"), "{}", b.message_zh);
    }

    #[test]
    fn each_kind_of_bad_body_gets_its_status_and_field() {
        let (s, b) = refusal("{not json");
        assert_eq!((s, b.code.wire()), (StatusCode::BAD_REQUEST, "malformed"));
        let (s, b) = refusal(
            r#"{"listing_id": 1, "area_mu": "1.00001", "project": {"name": "x", "use": "commercial", "county_code": "450481"}}"#,
        );
        assert_eq!(
            (s, b.field.as_deref()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("area_mu"))
        );
        assert!(
            b.message_zh.contains("1.0000") && b.message_zh.contains("1.0001"),
            "{}",
            b.message_zh
        );
        let (_, b) = refusal(
            r#"{"listing_id": 1, "area_mu": 1.5, "project": {"name": "x", "use": "commercial", "county_code": "450481"}}"#,
        );
        assert_eq!(
            (b.code.wire(), b.field.as_deref()),
            ("wrong_type", Some("area_mu"))
        );
        let (_, b) = refusal(
            r#"{"listing_id": 1, "area_mu": "1", "x": 1, "project": {"name": "x", "use": "commercial", "county_code": "450481"}}"#,
        );
        assert_eq!(
            (b.code.wire(), b.field.as_deref()),
            ("unknown_field", Some("x"))
        );
        let (_, b) = refusal(
            r#"{"listing_id": 1, "area_mu": "1", "project": {"name": "x", "use": "villa", "county_code": "450481"}}"#,
        );
        assert_eq!(
            (b.code.wire(), b.field.as_deref()),
            ("unknown_value", Some("project.use"))
        );
        let (_, b) = refusal(
            r#"{"listing_id": 1, "project": {"name": "x", "use": "commercial", "county_code": "450481"}}"#,
        );
        assert_eq!(
            (b.code.wire(), b.field.as_deref()),
            ("missing_field", Some("area_mu"))
        );
        let (_, b) = refusal(
            r#"{"listing_id": 1, "area_mu": "1", "project": {"name": "x", "use": "commercial", "county_code": "4504"}}"#,
        );
        assert_eq!(b.field.as_deref(), Some("project.county_code"));
        let (s, _) = refusal(
            r#"{"listing_id": 1, "area_mu": "1", "project": {"name": "x", "use": "commercial", "county_code": "450481"}} trailing"#,
        );
        assert_eq!(s, StatusCode::BAD_REQUEST);
    }
}

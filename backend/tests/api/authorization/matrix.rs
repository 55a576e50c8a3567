//! docs/AUTHORIZATION.md read as data: its callers, its rows, and what each answer in a cell
//! means.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::error_of;

const MATRIX: &str = include_str!("../../../../docs/AUTHORIZATION.md");

/// The callers, in the order of the table's columns.
pub(super) const CALLERS: [&str; 9] = [
    "anonymous",
    "buyer",
    "other buyer",
    "regional bidder",
    "bureau",
    "other bureau",
    "finance",
    "admin",
    "supervisor",
];

/// The username behind each caller (`None` for anonymous).
pub(super) fn username(caller: &str) -> Option<&'static str> {
    match caller {
        "buyer" => Some("buyer1"),
        "other buyer" => Some("buyer2"),
        "regional bidder" => Some("bidder"),
        "bureau" => Some("teng"),
        "other bureau" => Some("meng"),
        "finance" => Some("fin"),
        "admin" => Some("root"),
        "supervisor" => Some("audit"),
        _ => None,
    }
}

/// The rows of the matrix: route → one expected answer per caller.
pub(super) fn matrix() -> Vec<(String, Vec<String>)> {
    let table = MATRIX
        .split("## The matrix")
        .nth(1)
        .expect("the document has a matrix section");
    let mut rows = Vec::new();
    let mut header_seen = false;
    for line in table.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<String> = line
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect();
        if !header_seen {
            assert_eq!(cells[0], "route");
            assert_eq!(
                &cells[1..],
                CALLERS,
                "the columns are the callers, in order"
            );
            header_seen = true;
            continue;
        }
        if cells[0].starts_with("---") {
            continue;
        }
        assert_eq!(cells.len(), 1 + CALLERS.len(), "{line}");
        rows.push((cells[0].clone(), cells[1..].to_vec()));
    }
    rows
}

/// Whether an answer is what a cell says.
pub(super) fn holds(route: &str, expected: &str, status: StatusCode, body: &Value) -> bool {
    let (code, rule) = error_of(body);
    match expected {
        "✓" if route == "POST /api/v1/me/password" => {
            status == StatusCode::UNPROCESSABLE_ENTITY && code == "wrong_password"
        }
        "✓" if route == "PUT /api/v1/organisations/{id}/documents/{kind}" => {
            status == StatusCode::UNSUPPORTED_MEDIA_TYPE && code == "unsupported_document"
        }
        "✓" if route == "POST /api/v1/projects/import" => {
            status == StatusCode::UNPROCESSABLE_ENTITY && code == "missing_field"
        }
        "✓" => status.is_success(),
        "401" => status == StatusCode::UNAUTHORIZED && code == "unauthorized",
        "403" => status == StatusCode::FORBIDDEN && code == "forbidden",
        "404" => status == StatusCode::NOT_FOUND && code == "not_found",
        "R11" => status == StatusCode::UNPROCESSABLE_ENTITY && rule.as_deref() == Some("R11"),
        other => panic!("unknown answer {other:?} in the matrix"),
    }
}

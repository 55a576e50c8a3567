//! docs/API-DESIGN.md lists every error code with the status and meaning of its row in
//! `quota_shared::codes`; this test fails when the two drift, and prints the table to paste.

use quota_shared::codes::ErrorCode;

const BEGIN: &str =
    "<!-- error-codes:begin (generated from shared/src/codes.rs; a test checks it) -->";
const END: &str = "<!-- error-codes:end -->";

#[test]
fn the_api_design_document_lists_every_error_code_as_the_table_says() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/API-DESIGN.md");
    let doc = std::fs::read_to_string(path).expect("docs/API-DESIGN.md");
    let listed = doc
        .split_once(BEGIN)
        .and_then(|(_, rest)| rest.split_once(END))
        .map(|(table, _)| table.trim().to_string())
        .unwrap_or_default();
    let expected = ErrorCode::markdown_table();
    assert_eq!(
        listed,
        expected.trim(),
        "docs/API-DESIGN.md is out of date; put this between the error-codes markers:\n\n{BEGIN}\n{expected}{END}\n"
    );
}

#[test]
fn every_code_has_a_status_of_its_class_and_words_in_both_languages() {
    for code in ErrorCode::ALL {
        let row = code.row();
        assert!(
            matches!(
                row.status,
                400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503
            ),
            "{code}"
        );
        assert!(!row.zh.is_empty() && !row.en.is_empty(), "{code}");
        assert!(
            !row.zh.contains('|') && !row.en.contains('|'),
            "{code}: breaks the table"
        );
    }
}

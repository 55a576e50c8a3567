//! 批量导入复垦项目: the template downloads as CSV and XLSX; an upload is previewed row by row
//! with what is wrong in both languages; it commits all of its projects in one transaction or
//! none; CSV in UTF-8 or GB18030 and XLSX with numeric and date cells read as typed; a zip bomb,
//! garbage, too many rows and too large a file are refused before anything is written.

use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Client, TestApp, TestDb, error_of, on_both_databases};

on_both_databases!(
    a_bureau_previews_fixes_and_imports_its_projects_all_or_nothing,
    spreadsheets_of_every_kind_read_as_typed_and_hostile_ones_are_refused,
);

const HEADER: &str = "项目名称,备案号,乡镇,村,复垦面积（亩）,新增耕地（亩）,其中水田（亩）,新增粮食产能（公斤）,本地使用（亩）,验收日期,验收文号";

async fn upload(client: &Client, bytes: Vec<u8>, commit: bool) -> (StatusCode, Value) {
    let r = client
        .http
        .post(format!(
            "{}/api/v1/projects/import?commit={commit}",
            client.base
        ))
        .header("content-type", "text/csv")
        .body(bytes)
        .send()
        .await
        .expect("request");
    let status = r.status();
    let text = r.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn csv(rows: &[&str]) -> Vec<u8> {
    let mut text = HEADER.to_string();
    for r in rows {
        text.push('\n');
        text.push_str(r);
    }
    text.into_bytes()
}

async fn count(client: &Client) -> usize {
    let (_, body) = client.get("/api/v1/projects").await;
    body["projects"].as_array().map_or(0, Vec::len)
}

fn issues(body: &Value, row: u64) -> Vec<(String, String, String)> {
    body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["row"] == row)
        .expect("row")["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .map(|i| {
            let t = |k: &str| i[k].as_str().unwrap_or_default().to_string();
            (t("field"), t("message_zh"), t("message_en"))
        })
        .collect()
}

async fn a_bureau_previews_fixes_and_imports_its_projects_all_or_nothing(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let teng = app
        .login_as("teng", Role::CountyBureau, Some("450422"))
        .await;
    // One project already on the platform (another county's, the numbers are platform-wide).
    let taken = app.project("450423", "10", "5", "0", 100).await;
    let (_, existing) = app
        .login_as("root", Role::Admin, None)
        .await
        .get(&format!("/api/v1/projects/{taken}"))
        .await;
    let taken_no = existing["project"]["registration_no"]
        .as_str()
        .expect("no")
        .to_string();
    let before = count(&teng).await;
    let bad = csv(&[
        "太平镇一期,450422-2026-0101,太平镇,太平村,30,24,9,18000,6,2026-01-05,藤自然资验〔2026〕1号",
        "太平镇二期,450422-2026-0102,太平镇,,20,21,0,100,0,,",
        ",450422-2026-0103,太平镇,,abc,1,0,100,0,,",
        "太平镇三期,450422-2026-0101,太平镇,,5,1,0,100,0,,",
        &format!("太平镇四期,{taken_no},太平镇,,5,1,0,100,0,,"),
        "太平镇五期,450422-2026-0105,太平镇,,5,1,0,100,0,2099-01-01,藤自然资验〔2099〕1号",
        ",,,,,,,,,,",
    ]);
    let (status, body) = upload(&teng, bad.clone(), false).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["valid"].as_u64(), body["invalid"].as_u64()),
        (Some(1), Some(5)),
        "{body}"
    );
    assert_eq!(body["committed"], false);
    assert!(issues(&body, 2).is_empty(), "{body}");
    assert_eq!(body["rows"][0]["accepted"], true);
    assert_eq!(body["rows"][0]["surplus_mu"], "24.0000");
    // Farmland above the reclaimed area, in both languages.
    let row3 = issues(&body, 3);
    assert_eq!(row3[0].0, "farmland_mu", "{row3:?}");
    assert!(
        row3[0].1.contains("21.0000") && !row3[0].2.is_empty(),
        "{row3:?}"
    );
    // A number that is not one: named, and the row's other mistakes wait for it.
    assert_eq!(issues(&body, 4)[0].0, "reclaimed_mu", "{body}");
    // A number twice in the file, one taken on the platform, a date in the future.
    assert!(issues(&body, 5)[0].1.contains("与第 2 行重复"), "{body}");
    assert_eq!(issues(&body, 6)[0].0, "registration_no");
    assert!(issues(&body, 6)[0].1.contains(&taken_no));
    assert_eq!(issues(&body, 7)[0].0, "accepted_on", "{body}");
    // Nothing is written by a preview, nor by a commit while rows are wrong.
    assert_eq!(count(&teng).await, before);
    let (status, body) = upload(&teng, bad, true).await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_value"),
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("有 5 行有误")),
        "{body}"
    );
    assert_eq!(count(&teng).await, before);
    // Fixed: all of them, in one go.
    let good = csv(&[
        "太平镇一期,450422-2026-0101,太平镇,太平村,30,24,9,18000,6,2026-01-05,藤自然资验〔2026〕1号",
        "太平镇二期,450422-2026-0102,太平镇,,20,12,0,100,0,,",
        "\"=HYPERLINK(\"\"http://x\"\")\",450422-2026-0103,太平镇,,17.5335,14.3805,0,8600,0,2026/1/6,藤自然资验〔2026〕3号",
    ]);
    let (status, body) = upload(&teng, good.clone(), true).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["committed"], true);
    let made = body["projects"].as_array().expect("projects");
    assert_eq!(made.len(), 3);
    assert_eq!(
        made.iter()
            .map(|p| p["status"].as_str().unwrap_or_default())
            .collect::<Vec<_>>(),
        ["accepted", "registered", "accepted"]
    );
    assert_eq!(made[0]["surplus_mu"], "24.0000");
    assert_eq!(made[2]["reclaimed_mu"], "17.5335");
    assert_eq!(made[2]["accepted_on"], "2026-01-06");
    // Text is kept as text, a formula included (exports write it inert).
    assert_eq!(made[2]["name"], "=HYPERLINK(\"http://x\")");
    assert_eq!(count(&teng).await, before + 3);
    // An accepted import can be listed at once; its record says registered, then accepted.
    let first = made[0]["id"].as_i64().expect("id");
    let admin = app.login("root").await;
    let (_, record) = admin
        .get(&format!("/api/v1/audit?object=project:{first}"))
        .await;
    let actions: Vec<&str> = record["audit"]
        .as_array()
        .expect("audit")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        ["project_registered", "project_accepted"],
        "{record}"
    );
    // The same file again: every number is taken now; nothing more is written.
    let (status, body) = upload(&teng, good, true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(count(&teng).await, before + 3);
    let (_, v) = admin.get("/api/v1/audit/verify").await;
    assert_eq!(v["verification"]["intact"], true, "{v}");
}

async fn spreadsheets_of_every_kind_read_as_typed_and_hostile_ones_are_refused(db: TestDb) {
    use std::io::Write;
    let app = TestApp::spawn(db).await;
    let teng = app
        .login_as("teng", Role::CountyBureau, Some("450422"))
        .await;
    // The templates: CSV with a BOM, XLSX; both read back as the header and one example.
    for format in ["csv", "xlsx"] {
        let r = teng
            .http
            .get(format!(
                "{}/api/v1/projects/import-template?format={format}",
                teng.base
            ))
            .send()
            .await
            .expect("template");
        assert_eq!(r.status(), StatusCode::OK);
        let bytes = r.bytes().await.expect("bytes").to_vec();
        let rows = quota_backend::sheets::rows(&bytes, 10).expect("template reads");
        assert_eq!(rows.len(), 2, "{format}");
        assert_eq!(rows[0][0], "项目名称");
        assert_eq!(rows[0][1], "备案号");
        // The template's own example imports (as a preview: its number is an example).
        let (status, body) = upload(&teng, bytes, false).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["invalid"], 0, "{format}: {body}");
    }
    // GB18030, as Excel on a Chinese Windows saves CSV; headers typed with half-width brackets.
    let gbk_text = "项目名称,备案号,乡镇,村,复垦面积(亩),新增耕地(亩),其中水田(亩),新增粮食产能(公斤),本地使用(亩)\n古龙镇项目,450422-2026-0201,古龙镇,古龙村,10,8,2,4800,1\n";
    let (gbk, _, _) = encoding_rs::GB18030.encode(gbk_text);
    let (status, body) = upload(&teng, gbk.into_owned(), true).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["projects"][0]["name"], "古龙镇项目");
    // A title and a blank row above the header: the header is found, rows keep their numbers.
    let titled = format!(
        "藤县2026年复垦项目汇总表,,,,,,,,\n,,,,,,,,\n{HEADER}\n象棋镇项目,450422-2026-0301,象棋镇,,8,9,0,3000,0,,\n"
    );
    let (status, body) = upload(&teng, titled.into_bytes(), false).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["invalid"], 1, "{body}");
    assert!(
        issues(&body, 4).iter().any(|(f, _, _)| f == "farmland_mu"),
        "row 4 as the spreadsheet shows it: {body}"
    );
    // XLSX with numeric and date cells, as a person fills it in.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.split(',').enumerate() {
        sheet.write_string(0, c as u16, h).expect("header");
    }
    sheet.write_string(1, 0, "新庆镇项目").expect("cell");
    sheet.write_string(1, 1, "450422-2026-0301").expect("cell");
    sheet.write_string(1, 2, "新庆镇").expect("cell");
    for (c, v) in [
        (4u16, 17.5335),
        (5, 14.3805),
        (6, 0.0),
        (7, 8600.0),
        (8, 0.5),
    ] {
        sheet.write_number(1, c, v).expect("number");
    }
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 3, 15).expect("date");
    let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    sheet
        .write_datetime_with_format(1, 9, &date, &format)
        .expect("date");
    sheet
        .write_string(1, 10, "藤自然资验〔2026〕9号")
        .expect("cell");
    let (status, body) = upload(&teng, book.save_to_buffer().expect("xlsx"), true).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let p = &body["projects"][0];
    assert_eq!(
        (
            &p["reclaimed_mu"],
            &p["farmland_mu"],
            &p["surplus_mu"],
            &p["accepted_on"]
        ),
        (
            &Value::from("17.5335"),
            &Value::from("14.3805"),
            &Value::from("17.0335"),
            &Value::from("2026-03-15")
        ),
        "{body}"
    );
    let before = count(&teng).await;
    // A zip bomb: a few KB that inflate past the cap.
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    out.start_file(
        "xl/worksheets/sheet1.xml",
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated),
    )
    .expect("start");
    let zeros = vec![b' '; 1024 * 1024];
    for _ in 0..20 {
        out.write_all(&zeros).expect("write");
    }
    let bomb = out.finish().expect("zip").into_inner();
    let (status, body) = upload(&teng, bomb, true).await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "too_large"),
        "{body}"
    );
    // Garbage that claims to be a zip; a header without the required columns; no rows.
    for (bytes, code) in [
        (b"PK\x03\x04garbage".to_vec(), "invalid_value"),
        ("名称,面积\n太平,3\n".as_bytes().to_vec(), "missing_field"),
        (HEADER.as_bytes().to_vec(), "empty"),
    ] {
        let (status, body) = upload(&teng, bytes, true).await;
        assert_eq!(
            (status, error_of(&body).0.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, code),
            "{body}"
        );
    }
    // More than 1,000 rows, and more than 1 MiB.
    let many: Vec<String> = (0..1001)
        .map(|n| format!("项目{n},450422-2027-{n:04},太平镇,,1,0,0,0,0,,"))
        .collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let (status, body) = upload(&teng, csv(&many), true).await;
    assert_eq!(
        (status, error_of(&body).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "too_large"),
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("1001")),
        "{body}"
    );
    let (status, _) = upload(&teng, vec![b'a'; 2 * 1024 * 1024], true).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(count(&teng).await, before);
    // A buyer may not import.
    let buyer = app.login_as("dev", Role::Buyer, None).await;
    let (status, _) = upload(&buyer, csv(&[]), false).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

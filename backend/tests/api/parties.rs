//! Parties, continued (#16): the documents a registration is checked against (typed by their
//! content, size-limited, private to the organisation and the reviewers), a rejected
//! registration mended and sent back to review, more people added to an organisation, the
//! regional-bidder attribute with its authorisation's validity (R11), and a numbered trade that
//! keeps naming the parties it was issued to.

use quota_backend::with_store;
use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::Duration;

use crate::helpers::{
    Client, PDF, TestApp, TestDb, error_of, on_both_databases, purchase, registration, teng_listing,
};

on_both_databases!(
    documents_are_typed_by_content_limited_in_size_and_private,
    a_rejected_registration_is_mended_and_more_people_join_an_organisation,
    a_regional_bidder_bids_only_within_its_authorisation,
    a_numbered_trade_keeps_naming_the_parties_it_was_issued_to,
);

/// Registers company `n` with the username `username` and logs in as it: (client, id).
async fn registered(app: &TestApp, body: &Value, username: &str) -> (Client, i64) {
    let (status, made) = app.anonymous().post("/api/v1/registrations", body).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let id = made["organisation"]["id"].as_i64().expect("id");
    (app.login_with(username, "secret-2026").await, id)
}

async fn approve(admin: &Client, id: i64) -> Value {
    let (status, body) = admin
        .post(&format!("/api/v1/organisations/{id}/approve"), &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn day(app: &TestApp, days: i64) -> String {
    quota_shared::calendar::day_of(app.clock.now() + Duration::days(days)).to_string()
}

async fn documents_are_typed_by_content_limited_in_size_and_private(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (applicant, id) = registered(&app, &registration(31, "wenjian"), "wenjian").await;
    let at = format!("/api/v1/organisations/{id}/documents/licence");
    // A page that says it is a PDF is read for what it is; an empty or oversized file, or an
    // unknown kind, is refused by name; nothing is kept.
    let (status, html) = applicant
        .put_bytes(&at, b"<html><script>alert(1)</script></html>".to_vec())
        .await;
    assert_eq!(
        (status, error_of(&html).0.as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_document"),
        "{html}"
    );
    let (status, empty) = applicant.put_bytes(&at, Vec::new()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{empty}");
    let mut huge = PDF.to_vec();
    huge.resize(5 * 1024 * 1024 + 1, b' ');
    let (status, big) = applicant.put_bytes(&at, huge).await;
    assert_eq!(
        (status, error_of(&big).0.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"),
        "{big}"
    );
    assert!(big.to_string().contains("5 MB"), "{big}");
    let (status, _) = applicant
        .put_bytes(
            &format!("/api/v1/organisations/{id}/documents/passport"),
            PDF.to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, own) = applicant.get(&format!("/api/v1/organisations/{id}")).await;
    assert_eq!(own["organisation"]["documents"], json!([]), "{own}");
    // A photograph first, then the scan replacing it: one licence, typed by its content.
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&[0u8; 64]);
    let (status, first) = applicant.put_bytes(&at, png).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(
        first["organisation"]["documents"][0]["content_type"],
        "image/png"
    );
    let listed = applicant.upload_licence(id).await;
    let documents = listed["organisation"]["documents"]
        .as_array()
        .expect("documents");
    assert_eq!(documents.len(), 1, "{listed}");
    let sha: String = Sha256::digest(PDF)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        (
            documents[0]["content_type"].as_str(),
            documents[0]["sha256"].as_str(),
            documents[0]["size_bytes"].as_u64(),
            documents[0]["uploaded_by"].as_str()
        ),
        (
            Some("application/pdf"),
            Some(sha.as_str()),
            Some(PDF.len() as u64),
            Some("wenjian")
        )
    );
    // Read back by the administrator as stored, shown in a sandbox, never cached; another
    // buyer or the public sees nothing.
    let admin = app.login_as("root", Role::Admin, None).await;
    let (status, headers, bytes) = admin.get_bytes(&at).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, PDF);
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .is_ok_and(|c| c.starts_with("sandbox")),
        "{headers:?}"
    );
    assert_eq!(headers["cache-control"], "private, no-store");
    let other = app.login_as("dev9", Role::Buyer, None).await;
    assert_eq!(other.get_bytes(&at).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        other.put_bytes(&at, PDF.to_vec()).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.anonymous().get_bytes(&at).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _, _) = admin
        .get_bytes(&format!(
            "/api/v1/organisations/{id}/documents/authorisation"
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Once approved, the documents are the ones checked: the applicant no longer replaces
    // them; the administrator may (a renewed document).
    approve(&admin, id).await;
    let (status, late) = applicant.put_bytes(&at, PDF.to_vec()).await;
    assert_eq!(
        (status, error_of(&late).0.as_str()),
        (StatusCode::CONFLICT, "organisation_approved"),
        "{late}"
    );
    let (status, _) = admin.put_bytes(&at, PDF.to_vec()).await;
    assert_eq!(status, StatusCode::OK);
    // Each upload is on the organisation's record with its digest; the log verifies.
    let (_, record) = admin
        .get(&format!("/api/v1/audit?object=organisation:{id}"))
        .await;
    let uploads: Vec<&Value> = record["audit"]
        .as_array()
        .expect("audit")
        .iter()
        .filter(|e| e["action"] == "organisation_document")
        .collect();
    assert_eq!(uploads.len(), 3, "{record}");
    assert_eq!(uploads[1]["after"]["sha256"], sha.as_str());
    assert_eq!(uploads[1]["actor_organisation"], "梧州市某置业有限公司31");
    let (_, v) = admin.get("/api/v1/audit/verify").await;
    assert_eq!(v["verification"]["intact"], true, "{v}");
}

async fn a_rejected_registration_is_mended_and_more_people_join_an_organisation(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (_, listing) = teng_listing(&app, "10").await;
    let mut body = registration(41, "xiuzheng");
    let (applicant, id) = registered(&app, &body, "xiuzheng").await;
    let admin = app.login_as("root", Role::Admin, None).await;
    let (status, _) = admin
        .post(
            &format!("/api/v1/organisations/{id}/reject"),
            &json!({"note": "单位全称与营业执照不符"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Mended by its own user: back in the queue, with the new name; a mistake is still named.
    let path = format!("/api/v1/organisations/{id}");
    body["organisation"]["name"] = json!("梧州市修正置业有限公司");
    body["organisation"]["contact_phone"] = json!("138");
    let (status, wrong) = applicant.put(&path, &body["organisation"]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong}");
    body["organisation"]["contact_phone"] = json!("13800000000");
    let (status, mended) = applicant.put(&path, &body["organisation"]).await;
    assert_eq!(status, StatusCode::OK, "{mended}");
    assert_eq!(
        (
            mended["organisation"]["status"].as_str(),
            mended["organisation"]["name"].as_str()
        ),
        (Some("pending"), Some("梧州市修正置业有限公司"))
    );
    // Another buyer cannot touch it; another organisation's code is not taken over.
    let other = app.login_as("dev8", Role::Buyer, None).await;
    assert_eq!(
        other.put(&path, &body["organisation"]).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, rival_id) = registered(&app, &registration(42, "rival"), "rival").await;
    let mut stolen = body["organisation"].clone();
    stolen["uscc"] = json!(crate::helpers::uscc(42));
    let (status, taken) = admin.put(&path, &stolen).await;
    assert_eq!(
        (status, error_of(&taken).0.as_str()),
        (StatusCode::CONFLICT, "uscc_taken"),
        "{taken} ({rival_id})"
    );
    // A county's 自然资源局 is set up by the administrator; nobody registers or mends into one.
    let mut bureau = body["organisation"].clone();
    bureau["kind"] = json!("natural_resources");
    bureau["county_code"] = json!("450422");
    let (status, refused) = applicant.put(&path, &bureau).await;
    assert_eq!(
        (status, refused["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("organisation.kind")),
        "{refused}"
    );
    let mut fake = registration(43, "fakebureau");
    fake["organisation"] = bureau.clone();
    fake["organisation"]["uscc"] = json!(crate::helpers::uscc(43));
    let (status, _) = app.anonymous().post("/api/v1/registrations", &fake).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Nor does the administrator turn an organisation with people into another kind.
    let (status, turned) = admin.put(&path, &bureau).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{turned}");
    applicant.upload_licence(id).await;
    approve(&admin, id).await;
    // Approved: its own user no longer edits it; the administrator does, and it stays approved.
    assert_eq!(
        applicant.put(&path, &body["organisation"]).await.0,
        StatusCode::CONFLICT
    );
    body["organisation"]["address"] = json!("梧州市万秀区新址 8 号");
    let (status, edited) = admin.put(&path, &body["organisation"]).await;
    assert_eq!(
        (status, edited["organisation"]["status"].as_str()),
        (StatusCode::OK, Some("approved")),
        "{edited}"
    );
    // A second person of the organisation, added by the administrator, buys in its name.
    let member = json!({"username": "xiuzheng2", "password": "another-2026"});
    let (status, _) = applicant
        .post(&format!("/api/v1/organisations/{id}/users"), &member)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, added) = admin
        .post(&format!("/api/v1/organisations/{id}/users"), &member)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(
        added["organisation"]["members"],
        json!(["xiuzheng", "xiuzheng2"])
    );
    let (status, again) = admin
        .post(&format!("/api/v1/organisations/{id}/users"), &member)
        .await;
    assert_eq!(
        (status, error_of(&again).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "account_refused"),
        "{again}"
    );
    let (status, _) = admin
        .post(
            "/api/v1/organisations/999999/users",
            &json!({"username": "ghost", "password": "another-2026"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let second = app.login_with("xiuzheng2", "another-2026").await;
    let (status, bought) = second
        .buy(
            "member-buys",
            &purchase(listing, "1", "industrial", "450481"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{bought}");
    assert_eq!(
        bought["purchase"]["buyer_organisation"],
        "梧州市修正置业有限公司"
    );
    // The record names the person and the organisation it acts for.
    let trade = bought["purchase"]["id"].as_i64().expect("id");
    let (_, record) = admin
        .get(&format!("/api/v1/audit?object=purchase:{trade}"))
        .await;
    assert_eq!(record["audit"][0]["actor"], "xiuzheng2", "{record}");
    assert_eq!(
        record["audit"][0]["actor_organisation"],
        "梧州市修正置业有限公司"
    );
    let (_, v) = admin.get("/api/v1/audit/verify").await;
    assert_eq!(v["verification"]["intact"], true, "{v}");
}

async fn a_regional_bidder_bids_only_within_its_authorisation(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let anon = app.anonymous();
    let mut body = registration(51, "chubei");
    body["organisation"]["kind"] = json!("land_reserve");
    body["organisation"]["county_code"] = json!("450405");
    body["organisation"]["regional_bidder"] = json!(true);
    // R11: a body that is not a 人民政府 needs its authorisation, in force and in order.
    let (status, bare) = anon.post("/api/v1/registrations", &body).await;
    assert_eq!(
        (status, bare["error"]["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("organisation.authorisation")
        ),
        "{bare}"
    );
    for (from, until, words) in [(3, 1, "早于"), (-30, -1, "到期")] {
        body["organisation"]["authorisation"] = json!({
            "number": "长政函〔2026〕8号", "valid_from": day(&app, from), "valid_until": day(&app, until)
        });
        let (status, wrong) = anon.post("/api/v1/registrations", &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong}");
        assert!(wrong.to_string().contains(words), "{wrong}");
    }
    body["organisation"]["authorisation"] = json!({
        "number": "长政函〔2026〕8号", "valid_from": day(&app, -1), "valid_until": day(&app, 1)
    });
    let (bidder, id) = registered(&app, &body, "chubei").await;
    let admin = app.login_as("root", Role::Admin, None).await;
    bidder.upload_licence(id).await;
    let (status, missing) = admin
        .post(&format!("/api/v1/organisations/{id}/approve"), &json!({}))
        .await;
    assert_eq!(
        (status, error_of(&missing).0.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "document_missing"),
        "{missing}"
    );
    assert!(missing.to_string().contains("授权文件"), "{missing}");
    let (status, _) = bidder
        .put_bytes(
            &format!("/api/v1/organisations/{id}/documents/authorisation"),
            PDF.to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let approved = approve(&admin, id).await;
    assert_eq!(
        approved["organisation"]["authorisation"]["valid_until"],
        day(&app, 1)
    );
    // A lot closing in three days: the bid within the authorisation stands, the one after it
    // is refused under R11 naming the document and its dates.
    let bureau = app
        .login_as("xincheng", Role::CountyBureau, Some("451321"))
        .await;
    let project = app
        .project("451321", "17.5335", "14.3805", "0", 8_600)
        .await;
    let mut lot = crate::helpers::county_listing(project, "17.5335", "250000");
    lot["channel"] = json!("regional");
    lot["closes_at"] = json!(
        (app.clock.now() + Duration::days(3))
            .format(&time::format_description::well_known::Rfc3339)
            .expect("time")
    );
    let (status, listed) = bureau.post("/api/v1/listings", &lot).await;
    assert_eq!(status, StatusCode::CREATED, "{listed}");
    let lot = listed["listing"]["id"].as_i64().expect("id");
    let bid = |amount: &'static str| {
        let bidder = bidder.clone();
        async move {
            bidder
                .post(
                    &format!("/api/v1/listings/{lot}/bids"),
                    &json!({"amount_yuan": amount}),
                )
                .await
        }
    };
    let (status, placed) = bid("4383375").await;
    assert_eq!(status, StatusCode::CREATED, "{placed}");
    app.clock.advance(Duration::days(2));
    let bidder = app.login_with("chubei", "secret-2026").await;
    let (status, late) = bidder
        .post(
            &format!("/api/v1/listings/{lot}/bids"),
            &json!({"amount_yuan": "4483375"}),
        )
        .await;
    assert_eq!(
        (status, error_of(&late).1.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("R11")),
        "{late}"
    );
    assert!(late.to_string().contains("长政函〔2026〕8号"), "{late}");
    // A company that never asked to bid regionally is refused too.
    let (plain, plain_id) = registered(&app, &registration(52, "putong"), "putong").await;
    plain.upload_licence(plain_id).await;
    let admin = app.login_as("root2", Role::Admin, None).await;
    approve(&admin, plain_id).await;
    let (status, refused) = plain
        .post(
            &format!("/api/v1/listings/{lot}/bids"),
            &json!({"amount_yuan": "4483375"}),
        )
        .await;
    assert_eq!(
        (status, error_of(&refused).1.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("R11")),
        "{refused}"
    );
    // The mark set behind the application's back is named by audit verify.
    let (_, v) = admin.get("/api/v1/audit/verify").await;
    assert_eq!(v["verification"]["intact"], true, "{v}");
    let statement =
        format!("UPDATE organisations SET regional_bidder = TRUE WHERE id = {plain_id}");
    with_store!(&app.db, s => sqlx::query(sqlx::AssertSqlSafe(statement)).execute(s.pool()).await.map(|_| ()))
        .expect("tampering");
    let (_, v) = admin.get("/api/v1/audit/verify").await;
    assert_eq!(v["verification"]["intact"], false, "{v}");
    assert!(v.to_string().contains("regional_bidder"), "{v}");
}

async fn a_numbered_trade_keeps_naming_the_parties_it_was_issued_to(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (bureau, listing) = teng_listing(&app, "10").await;
    let body = registration(61, "yuanming");
    let (buyer, id) = registered(&app, &body, "yuanming").await;
    buyer.upload_licence(id).await;
    let admin = app.login_as("root", Role::Admin, None).await;
    approve(&admin, id).await;
    let (status, bought) = buyer
        .buy("first", &purchase(listing, "1", "industrial", "450481"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{bought}");
    let trade = bought["purchase"]["id"].as_i64().expect("id");
    let (status, settled) = bureau
        .post(
            &format!("/api/v1/purchases/{trade}/settle"),
            &json!({"bank_reference": "BOC-20261207-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{settled}");
    assert!(settled["purchase"]["confirmation_no"].is_string());
    // The company changes its name afterwards: the issued confirmation still names the party
    // it was issued to; a trade not yet numbered names it as it is now.
    let mut renamed = body["organisation"].clone();
    renamed["name"] = json!("梧州市更名置业有限公司");
    let (status, _) = admin
        .put(&format!("/api/v1/organisations/{id}"), &renamed)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, mine) = buyer.get("/api/v1/purchases").await;
    let issued = mine["purchases"]
        .as_array()
        .expect("purchases")
        .iter()
        .find(|p| p["id"] == trade)
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (
            issued["buyer_organisation"].as_str(),
            issued["buyer_uscc"].as_str()
        ),
        (
            Some("梧州市某置业有限公司61"),
            Some(crate::helpers::uscc(61).as_str())
        ),
        "{issued}"
    );
    let (status, next) = buyer
        .buy("second", &purchase(listing, "1", "industrial", "450481"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{next}");
    assert_eq!(
        next["purchase"]["buyer_organisation"],
        "梧州市更名置业有限公司"
    );
    // 成交公示 names the buyer by organisation, never by login; the log records the parties.
    let (_, notices) = app
        .anonymous()
        .get("/api/v1/announcements?kind=result")
        .await;
    let title = notices["announcements"][0]["title"]
        .as_str()
        .unwrap_or_default();
    assert!(title.contains("受让方 梧州市某置业有限公司61"), "{title}");
    assert!(!notices.to_string().contains("yuanming"), "{notices}");
    let (_, record) = admin
        .get(&format!("/api/v1/audit?object=purchase:{trade}"))
        .await;
    let settled_record = record["audit"]
        .as_array()
        .expect("audit")
        .iter()
        .find(|e| e["action"] == "purchase_settled")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        settled_record["after"]["buyer_party"], "梧州市某置业有限公司61",
        "{record}"
    );
    let (_, v) = admin.get("/api/v1/audit/verify").await;
    assert_eq!(v["verification"]["intact"], true, "{v}");
    // The public 核验 page reads the parties as issued, and says when the row was altered.
    let (_, serials) = buyer
        .get(&format!("/api/v1/purchases/{trade}/serials"))
        .await;
    let code = serials["verify_code"].as_str().expect("code").to_string();
    let (_, checked) = app.anonymous().get(&format!("/api/v1/verify/{code}")).await;
    assert_eq!(
        (
            checked["verification"]["buyer_organisation"].as_str(),
            checked["verification"]["audit_intact"].as_bool()
        ),
        (Some("梧州市某置业有限公司61"), Some(true)),
        "{checked}"
    );
    let statement = format!("UPDATE purchases SET buyer_party = '别的公司' WHERE id = {trade}");
    with_store!(&app.db, s => sqlx::query(sqlx::AssertSqlSafe(statement)).execute(s.pool()).await.map(|_| ()))
        .expect("tampering");
    let (_, checked) = app.anonymous().get(&format!("/api/v1/verify/{code}")).await;
    assert_eq!(checked["verification"]["audit_intact"], false, "{checked}");
}

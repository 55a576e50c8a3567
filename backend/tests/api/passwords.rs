//! Passwords: one's own change (other sessions end) and the administrator's reset that forces
//! a change at the next login.

use quota_shared::api::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, TestDb, error_of, on_both_databases};

on_both_databases!(
    a_user_changes_their_password_and_other_sessions_end,
    an_administrator_resets_a_password_and_it_must_be_changed_first,
);

async fn a_user_changes_their_password_and_other_sessions_end(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.add_user("dev", Role::Buyer, None, false).await;
    let laptop = app.login("dev").await;
    let phone = app.login("dev").await;
    let change =
        |current: &str, new: &str| json!({"current_password": current, "new_password": new});
    let refusals = [
        (change(crate::helpers::PASSWORD, "short"), "invalid_value"),
        (
            change(crate::helpers::PASSWORD, crate::helpers::PASSWORD),
            "invalid_value",
        ),
        (
            change("not my password", "a new long password"),
            "wrong_password",
        ),
        (
            json!({"current_password": crate::helpers::PASSWORD, "new_password": "a new long password", "extra": 1}),
            "unknown_field",
        ),
    ];
    for (body, code) in &refusals {
        let (status, answer) = laptop.post("/api/v1/me/password", body).await;
        assert_eq!(
            (status, error_of(&answer).0.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, *code),
            "{body}: {answer}"
        );
    }
    assert_eq!(
        app.anonymous()
            .post(
                "/api/v1/me/password",
                &change(crate::helpers::PASSWORD, "a new long password")
            )
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, answer) = laptop
        .post(
            "/api/v1/me/password",
            &change(crate::helpers::PASSWORD, "a new long password"),
        )
        .await;
    assert_eq!(
        (status, answer["user"]["username"].as_str()),
        (StatusCode::OK, Some("dev")),
        "{answer}"
    );
    assert_eq!(
        (
            laptop.get("/api/v1/me").await.0,
            phone.get("/api/v1/me").await.0
        ),
        (StatusCode::OK, StatusCode::UNAUTHORIZED),
        "this session stays, the other ends"
    );
    let old = app
        .anonymous()
        .post(
            "/api/v1/session",
            &json!({"username": "dev", "password": crate::helpers::PASSWORD}),
        )
        .await;
    assert_eq!(
        old.0,
        StatusCode::UNAUTHORIZED,
        "the old password no longer works"
    );
    app.login_with("dev", "a new long password").await;

    // Guessing the current password from a stolen session is throttled like logins.
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(
            laptop
                .post(
                    "/api/v1/me/password",
                    &change("guess", "another long password"),
                )
                .await
                .0,
        );
    }
    assert_eq!(
        statuses,
        [
            [StatusCode::UNPROCESSABLE_ENTITY; 5].as_slice(),
            [StatusCode::TOO_MANY_REQUESTS; 2].as_slice()
        ]
        .concat()
    );
    let admin = app.login_as("root", Role::Admin, None).await;
    let (_, history) = admin.get("/api/v1/audit?object=user:dev").await;
    let actions: Vec<&str> = history["audit"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|r| r["action"].as_str())
        .filter(|a| *a == "password_changed")
        .collect();
    assert_eq!(actions, ["password_changed"], "{history}");
    assert!(!history.to_string().contains("a new long password"));
    let (_, verified) = admin.get("/api/v1/audit/verify").await;
    assert_eq!(verified["verification"]["intact"], true, "{verified}");
}

async fn an_administrator_resets_a_password_and_it_must_be_changed_first(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let admin = app.login_as("root", Role::Admin, None).await;
    let finance = app.login_as("fin", Role::Finance, None).await;
    let reset = |password: &str| json!({"temporary_password": password});

    // Refusals: not an administrator, a short password, an unknown account, oneself.
    let (status, _) = finance
        .post("/api/v1/users/root/password", &reset("temporary-1"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for (path, body, expected) in [
        (
            "/api/v1/users/fin/password",
            reset("short"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/api/v1/users/nobody/password",
            reset("temporary-1"),
            StatusCode::NOT_FOUND,
        ),
        (
            "/api/v1/users/root/password",
            reset("temporary-1"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/api/v1/users/fin/password",
            json!({"password": "temporary-1"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let (status, answer) = admin.post(path, &body).await;
        assert_eq!(status, expected, "{path} {body}: {answer}");
        assert!(answer["error"]["message_zh"].is_string(), "{answer}");
    }
    let (status, _) = finance.get("/api/v1/purchases").await;
    assert_eq!(status, StatusCode::OK, "refusals changed nothing");

    // fin's own change, checked against the old hash, is still on its way when the reset lands.
    let stale = {
        use quota_backend::store::Store;
        quota_backend::with_store!(&app.db, s => s.user_by_username("fin").await)
            .expect("store")
            .expect("fin")
    };
    let (status, answer) = admin
        .post("/api/v1/users/fin/password", &reset("temporary-1"))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let late_change = {
        use quota_backend::store::Store;
        let now = app.clock.now();
        quota_backend::with_store!(&app.db, s => s.change_password(&stale, "$argon2id$late", "", now).await)
            .expect("store")
    };
    assert!(
        !late_change,
        "a change checked against the old password loses to the reset"
    );
    let listed = answer["users"]
        .as_array()
        .and_then(|users| users.iter().find(|u| u["username"] == "fin"))
        .cloned()
        .expect("fin listed");
    assert_eq!(listed["must_change_password"], true);

    // The old session is gone and the old password no longer works.
    assert_eq!(finance.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .anonymous()
        .post(
            "/api/v1/session",
            &json!({"username": "fin", "password": crate::helpers::PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // With the temporary password: who one is, the password change and logout only.
    let fin = app.login_with("fin", "temporary-1").await;
    let (_, me) = fin.get("/api/v1/me").await;
    assert_eq!(me["user"]["must_change_password"], true, "{me}");
    for path in [
        "/api/v1/purchases",
        "/api/v1/proceeds",
        "/api/v1/allocations",
    ] {
        let (status, answer) = fin.get(path).await;
        assert_eq!(
            (status, error_of(&answer).0.as_str()),
            (StatusCode::FORBIDDEN, "password_change_required"),
            "{path}: {answer}"
        );
    }
    let (status, answer) = fin
        .post(
            "/api/v1/allocations",
            &json!({"county_code": "450422", "use": "乡村振兴项目建设", "amount_yuan": "1"}),
        )
        .await;
    assert_eq!(
        (status, error_of(&answer).0.as_str()),
        (StatusCode::FORBIDDEN, "password_change_required")
    );
    let (status, answer) = fin
        .post(
            "/api/v1/me/password",
            &json!({"current_password": "temporary-1", "new_password": "my own password"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["user"]["must_change_password"], false);
    assert_eq!(fin.get("/api/v1/purchases").await.0, StatusCode::OK);
    assert_eq!(
        fin.get("/api/v1/me").await.1["user"]["must_change_password"],
        false
    );

    // Audited: who reset whose password, and the change that followed.
    let (_, history) = admin.get("/api/v1/audit?object=user:fin&limit=500").await;
    let actions: Vec<(&str, &str)> = history["audit"]
        .as_array()
        .expect("audit")
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap_or(""),
                r["actor"].as_str().unwrap_or(""),
            )
        })
        .filter(|(a, _)| a.starts_with("password"))
        .collect();
    assert_eq!(
        actions,
        [("password_reset", "root"), ("password_changed", "fin")]
    );
    let (_, verify) = admin.get("/api/v1/audit/verify").await;
    assert_eq!(verify["verification"]["intact"], true, "{verify}");
}

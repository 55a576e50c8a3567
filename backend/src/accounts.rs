//! Creating accounts (the `user add` command and the demo): checks what an operator typed and
//! says in both languages what to fix.

use quota_shared::api::Role;
use quota_shared::jurisdiction::{self, CountyCode};

use crate::auth;
use crate::store::Store;
use crate::store::types::NewUser;

/// How long a username may be.
pub const USERNAME_CHARS: std::ops::RangeInclusive<usize> = 3..=32;

/// A username as stored: trimmed and lower-cased, 3–32 characters of `a–z 0–9 . _ -` — no
/// look-alike or invisible characters, nothing a URL must escape. `None` when it cannot be one.
pub fn normalise_username(given: &str) -> Option<String> {
    let name = given.trim().to_ascii_lowercase();
    let plain = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'));
    (plain && USERNAME_CHARS.contains(&name.len())).then_some(name)
}

pub use quota_shared::api::MIN_PASSWORD_CHARS;

/// A role from its wire name, or a message listing the roles.
pub fn parse_role(s: &str) -> Result<Role, String> {
    s.parse().map_err(|e: quota_shared::wire::UnknownName| {
        format!("未知角色 / unknown role {s:?}: {}", e.allowed)
    })
}

/// What to create.
pub struct AccountSpec<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub role: Role,
    pub county: Option<&'a str>,
    pub regional_bidder: bool,
    /// The organisation it acts for (#16).
    pub organisation_id: Option<i64>,
}

/// Creates an account; the error is one line for the operator.
pub async fn add_user<S: Store>(
    store: &S,
    spec: AccountSpec<'_>,
    actor: &str,
    now: time::OffsetDateTime,
) -> Result<i64, String> {
    let Some(username) = normalise_username(spec.username) else {
        return Err(format!(
            "用户名须为{}–{}个字符，只用小写字母、数字和 . _ - / the username must be {}–{} characters of a–z, 0–9, . _ -",
            USERNAME_CHARS.start(),
            USERNAME_CHARS.end(),
            USERNAME_CHARS.start(),
            USERNAME_CHARS.end()
        ));
    };
    let username = username.as_str();
    if spec.password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "密码至少 {MIN_PASSWORD_CHARS} 个字符 / the password needs at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    let county: Option<CountyCode> = match (spec.role, spec.county) {
        (Role::CountyBureau, None) => {
            return Err(
                "县级自然资源局账号需要 --county 区划代码 / county_bureau needs --county CODE"
                    .into(),
            );
        }
        (Role::CountyBureau, Some(code)) => {
            let code: CountyCode = code
                .parse()
                .map_err(|_| format!("区划代码无效 / invalid county code {code:?}"))?;
            let units = store.jurisdictions().await.map_err(|e| e.to_string())?;
            if jurisdiction::find(&units, &code).is_none() {
                return Err(format!(
                    "没有区划代码为 {code} 的县（市、区）/ no county {code}"
                ));
            }
            Some(code)
        }
        (_, Some(_)) => {
            return Err(
                "只有 county_bureau 账号可以指定 --county / only county_bureau takes --county"
                    .into(),
            );
        }
        (_, None) => None,
    };
    if spec.regional_bidder && spec.role != Role::Buyer {
        return Err(
            "--regional-bidder 只适用于 buyer 账号 / --regional-bidder applies to buyers only"
                .into(),
        );
    }
    let hash = auth::hash_password_blocking(spec.password.to_string())
        .await
        .map_err(|_| "无法计算密码散列 / cannot hash the password".to_string())?;
    let new = NewUser {
        username: username.to_string(),
        password_hash: hash,
        role: spec.role,
        county_code: county,
        regional_bidder: spec.regional_bidder,
        organisation_id: spec.organisation_id,
    };
    store
        .create_user(&new, actor, now)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("用户名 {username} 已存在 / username {username} is taken"))
}

/// Strips one trailing newline (`\n` or `\r\n`) from a password read from standard input.
pub fn strip_one_newline(mut s: String) -> String {
    if s.ends_with('\n') {
        s.pop();
        if s.ends_with('\r') {
            s.pop();
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_trailing_newline_is_stripped() {
        assert_eq!(strip_one_newline("secret\n".into()), "secret");
        assert_eq!(strip_one_newline("secret\r\n".into()), "secret");
        assert_eq!(strip_one_newline("secret\n\n".into()), "secret\n");
        assert_eq!(strip_one_newline("secret".into()), "secret");
    }

    #[test]
    fn usernames_are_short_plain_and_lower_case() {
        assert_eq!(
            normalise_username(" Teng.Xian_2 "),
            Some("teng.xian_2".into())
        );
        for bad in [
            "ab",
            "a/b",
            "tengxian?",
            "名字",
            "teng\u{202e}xian",
            "a%20b",
            &"x".repeat(33),
        ] {
            assert_eq!(normalise_username(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn roles_parse_from_their_wire_names() {
        assert_eq!(parse_role("county_bureau"), Ok(Role::CountyBureau));
        assert_eq!(parse_role("supervisor"), Ok(Role::Supervisor));
        assert!(parse_role("root").is_err());
    }
}

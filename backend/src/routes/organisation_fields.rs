//! The fields of an organisation (单位, #16) as a registration or an edit gives them, checked
//! and trimmed with a message that says what to fix; a new login's name and password; and which
//! organisations a user may see.

use quota_shared::api::{OrganisationFields, OrganisationKind, Role};
use quota_shared::codes::ErrorCode;

use super::lookup::{TextRule, bounded_text};
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::Store;

const NAME: TextRule = TextRule {
    field: "organisation.name",
    label: "单位全称",
    max: 100,
    required: true,
    multiline: false,
};
const LEGAL: TextRule = TextRule {
    field: "organisation.legal_representative",
    label: "法定代表人",
    max: 40,
    required: true,
    multiline: false,
};
const CONTACT: TextRule = TextRule {
    field: "organisation.contact_name",
    label: "联系人",
    max: 40,
    required: true,
    multiline: false,
};
const ADDRESS: TextRule = TextRule {
    field: "organisation.address",
    label: "地址",
    max: 200,
    required: true,
    multiline: false,
};
/// A telephone number as people write it: digits with +, -, spaces or brackets, 7 to 15 digits.
fn phone(text: &str) -> Result<String, ApiError> {
    let text = text.trim();
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let allowed = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')' | '（' | '）'));
    if !allowed || !(7..=15).contains(&digits) || text.chars().count() > 25 {
        return Err(ApiError::invalid(
            "organisation.contact_phone",
            ErrorCode::InvalidValue,
            "联系电话：请填写 7–15 位数字的电话号码，如 0774-3826000 或 13800000000",
            "Contact phone: 7 to 15 digits, e.g. 0774-3826000 or 13800000000",
        ));
    }
    Ok(text.to_string())
}

const AUTHORISATION_NO: TextRule = TextRule {
    field: "organisation.authorisation.number",
    label: "授权文件文号",
    max: 60,
    required: true,
    multiline: false,
};

/// An organisation's fields as typed, checked and trimmed: the texts, the phone, the county of
/// a government body and, for a regional bidder that is not a 人民政府, its authorisation (R11)
/// — valid today or later, its last day not before its first.
pub(super) async fn checked_fields<S: Store>(
    state: &AppState<S>,
    mut organisation: OrganisationFields,
    by_admin: bool,
) -> Result<OrganisationFields, ApiError> {
    // A county's 自然资源局 lists and sells for the county: the administrator sets it up; it
    // never registers itself.
    if !by_admin && organisation.kind == OrganisationKind::NaturalResources {
        return Err(ApiError::invalid(
            "organisation.kind",
            ErrorCode::InvalidValue,
            "县级自然资源局的账号由自治区管理员开设，不在此注册；请选择其他单位类别",
            "A county's natural-resources bureau is set up by the administrator, not registered here: choose another kind",
        ));
    }
    organisation.name = bounded_text(&NAME, &organisation.name)?;
    organisation.legal_representative = bounded_text(&LEGAL, &organisation.legal_representative)?;
    organisation.contact_name = bounded_text(&CONTACT, &organisation.contact_name)?;
    organisation.address = bounded_text(&ADDRESS, &organisation.address)?;
    organisation.contact_phone = phone(&organisation.contact_phone)?;
    match (
        &organisation.county_code,
        organisation.kind.is_government_body(),
    ) {
        (None, true) => {
            return Err(ApiError::invalid(
                "organisation.county_code",
                ErrorCode::Required,
                "政府机关须选择所属县（市、区）",
                "A government body names its county (or district)",
            ));
        }
        (Some(code), _) => {
            let units = state.store.jurisdictions().await?;
            if quota_shared::jurisdiction::find(&units, code).is_none() {
                return Err(ApiError::invalid(
                    "organisation.county_code",
                    ErrorCode::UnknownCounty,
                    format!("没有区划代码为 {code} 的县（市、区）"),
                    format!("No county (or district) {code}"),
                ));
            }
        }
        (None, false) => {}
    }
    if !organisation.regional_bidder {
        organisation.authorisation = None;
        return Ok(organisation);
    }
    let needs_document = organisation.kind != OrganisationKind::Government;
    match organisation.authorisation.as_mut() {
        None if needs_document => Err(ApiError::invalid(
            "organisation.authorisation",
            ErrorCode::Required,
            "申请自治区平台竞买人资格的单位（人民政府除外）须填写人民政府授权文件的文号和有效期（R11）",
            "A regional bidder that is not a people's government gives its authorisation's number and validity (R11)",
        )),
        None => Ok(organisation),
        Some(a) => {
            a.number = bounded_text(&AUTHORISATION_NO, &a.number)?;
            let today = quota_shared::calendar::day_of(state.clock.now());
            if a.valid_until < a.valid_from {
                return Err(ApiError::invalid(
                    "organisation.authorisation.valid_until",
                    ErrorCode::InvalidValue,
                    "授权有效期的截止日早于起始日，请核对",
                    "The authorisation ends before it begins: check the dates",
                ));
            }
            if a.valid_until < today && !by_admin {
                return Err(ApiError::invalid(
                    "organisation.authorisation.valid_until",
                    ErrorCode::InvalidValue,
                    format!("授权文件已于 {} 到期，请上传有效的授权文件", a.valid_until),
                    format!(
                        "The authorisation ended on {}: give one in force",
                        a.valid_until
                    ),
                ));
            }
            Ok(organisation)
        }
    }
}

/// A new login's username, normalised, once its form, its password's length and its being free
/// are checked (before any costly hash).
pub(super) async fn checked_login<S: Store>(
    state: &AppState<S>,
    username: &str,
    password: &str,
) -> Result<String, ApiError> {
    let Some(username) = crate::accounts::normalise_username(username) else {
        let r = crate::accounts::USERNAME_CHARS;
        return Err(ApiError::invalid(
            "username",
            ErrorCode::AccountRefused,
            format!(
                "用户名须为{}–{}个字符，只用小写字母、数字和 . _ -",
                r.start(),
                r.end()
            ),
            format!(
                "The username must be {}–{} characters of a–z, 0–9, . _ -",
                r.start(),
                r.end()
            ),
        ));
    };
    let min = quota_shared::api::MIN_PASSWORD_CHARS;
    if password.chars().count() < min {
        return Err(ApiError::invalid(
            "password",
            ErrorCode::AccountRefused,
            format!("密码至少 {min} 个字符"),
            format!("The password needs at least {min} characters"),
        ));
    }
    if state.store.user_by_username(&username).await?.is_some() {
        return Err(username_taken(&username));
    }
    Ok(username)
}

pub(super) fn username_taken(username: &str) -> ApiError {
    ApiError::invalid(
        "username",
        ErrorCode::AccountRefused,
        format!("用户名 {username} 已被使用，请换一个"),
        format!("The username {username} is taken: choose another"),
    )
}

/// The organisation `id` as `user` may see it: the administrator and the supervisor see every
/// one, a user its own; any other reads as none.
pub(super) async fn visible<S: Store>(
    state: &AppState<S>,
    user: &CurrentUser,
    id: i64,
) -> Result<quota_shared::api::Organisation, ApiError> {
    let not_found = || ApiError::not_found(&format!("单位 #{id}"), &format!("Organisation #{id}"));
    let own = user.0.organisation_id == Some(id);
    if !own && !matches!(user.0.role, Role::Admin | Role::Supervisor) {
        return Err(not_found());
    }
    state.store.organisation(id).await?.ok_or_else(not_found)
}

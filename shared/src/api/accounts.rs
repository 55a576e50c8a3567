//! Roles, sessions and accounts.

use serde::{Deserialize, Serialize};

use crate::jurisdiction::CountyCode;
use crate::wire::wire_enum;

wire_enum! {
    /// An account's role (docs/DOMAIN.md, "Roles").
    pub enum Role {
        Admin = "admin",
        CountyBureau = "county_bureau",
        Buyer = "buyer",
        Finance = "finance",
        /// 监督: the 纪检/审计 offices read everything, across all counties, and write nothing.
        Supervisor = "supervisor",
    }
}

impl Role {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Admin => "自治区管理员",
            Self::CountyBureau => "县级自然资源局",
            Self::Buyer => "购买方",
            Self::Finance => "财政",
            Self::Supervisor => "监督（纪检、审计）",
        }
    }
}

/// `POST /api/v1/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// Shortest password accepted (server and web app): long enough that the login throttle
/// makes guessing hopeless.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// `POST /api/v1/me/password`: one's own password, proven by the current one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// `POST /api/v1/users/{username}/password` (administrator): a temporary password, told to
/// the user by the administrator, that the user must replace at the next login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    pub temporary_password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub username: String,
    pub role: Role,
    pub county_code: Option<CountyCode>,
    /// R11: a government or an entity it authorises, allowed to bid on regional lots.
    pub regional_bidder: bool,
    /// An administrator reset the password: until the user sets their own, every other
    /// request is refused (403 `password_change_required`).
    #[serde(default)]
    pub must_change_password: bool,
    /// The organisation (单位) it acts for, when it registered as one: see
    /// `GET /api/v1/organisations/{id}` for its review.
    #[serde(default)]
    pub organisation_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserResponse {
    pub user: User,
}

/// An account as the administrator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    pub username: String,
    pub role: Role,
    pub county_code: Option<CountyCode>,
    pub regional_bidder: bool,
    pub disabled: bool,
    /// Reset by an administrator and not yet changed by its user.
    #[serde(default)]
    pub must_change_password: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountsResponse {
    pub users: Vec<Account>,
    /// 下一页的翻页标记；最后一页为 null / where the next page starts; null on the last page
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// `POST /api/v1/users` (administrator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    pub username: String,
    pub password: String,
    pub role: Role,
    #[serde(default)]
    pub county_code: Option<CountyCode>,
    #[serde(default)]
    pub regional_bidder: bool,
}

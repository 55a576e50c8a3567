//! Parties (单位, issue #16): organisations with their 统一社会信用代码, online registration and
//! the regional administrator's review (审核).

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::jurisdiction::CountyCode;
use crate::uscc::Uscc;
use crate::wire::wire_enum;

wire_enum! {
    /// What kind of body an organisation is.
    pub enum OrganisationKind {
        /// 人民政府.
        Government = "government",
        /// 自然资源局.
        NaturalResources = "natural_resources",
        /// 土地储备中心.
        LandReserve = "land_reserve",
        /// 财政局.
        Finance = "finance",
        /// 企业.
        Enterprise = "enterprise",
        /// 其他.
        Other = "other",
    }
}

impl OrganisationKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Government => "人民政府",
            Self::NaturalResources => "自然资源局",
            Self::LandReserve => "土地储备中心",
            Self::Finance => "财政局",
            Self::Enterprise => "企业",
            Self::Other => "其他",
        }
    }

    /// A government body belongs to a county (or district).
    pub fn is_government_body(self) -> bool {
        !matches!(self, Self::Enterprise | Self::Other)
    }
}

wire_enum! {
    /// Where a registration stands.
    pub enum OrganisationStatus {
        /// 待审核: registered, not yet checked; buys and bids nothing.
        Pending = "pending",
        /// 已通过.
        Approved = "approved",
        /// 未通过, with the reviewer's reason.
        Rejected = "rejected",
    }
}

impl OrganisationStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Pending => "待审核",
            Self::Approved => "已通过",
            Self::Rejected => "未通过",
        }
    }
}

/// The organisation's own fields, as registered (`POST /api/v1/registrations`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationFields {
    /// Full legal name, as on the business licence.
    pub name: String,
    /// 统一社会信用代码.
    pub uscc: Uscc,
    pub kind: OrganisationKind,
    /// The county (or district) a government body belongs to.
    #[serde(default)]
    pub county_code: Option<CountyCode>,
    /// 法定代表人.
    pub legal_representative: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub address: String,
    /// 自治区平台竞买人 (R11): a 人民政府 in its own right, any other body with `authorisation`.
    #[serde(default)]
    pub regional_bidder: bool,
    /// The government's written authorisation of a regional bidder that is not itself a
    /// 人民政府: the document's number and the days it is valid.
    #[serde(default)]
    pub authorisation: Option<Authorisation>,
}

/// A government's written authorisation to bid on the regional platform (R11).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Authorisation {
    /// 授权文件文号, e.g. 长政函〔2025〕12号.
    pub number: String,
    /// First day it is valid (inclusive).
    pub valid_from: Date,
    /// Last day it is valid (inclusive).
    pub valid_until: Date,
}

impl Authorisation {
    /// Whether `day` is within its validity.
    pub fn covers(&self, day: Date) -> bool {
        self.valid_from <= day && day <= self.valid_until
    }
}

wire_enum! {
    /// A document uploaded with a registration.
    pub enum DocumentKind {
        /// 营业执照 (or, for a public body, its 统一社会信用代码证书).
        Licence = "licence",
        /// 授权文件 of a regional bidder (R11).
        Authorisation = "authorisation",
    }
}

impl DocumentKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Licence => "营业执照（或统一社会信用代码证书）",
            Self::Authorisation => "竞买授权文件",
        }
    }
}

/// A document as listed (its content is read from
/// `GET /api/v1/organisations/{id}/documents/{kind}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentInfo {
    pub kind: DocumentKind,
    /// `application/pdf`, `image/png` or `image/jpeg`, as read from the content.
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    pub uploaded_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub uploaded_at: OffsetDateTime,
}

/// `POST /api/v1/registrations` (public): an organisation and its first user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegistrationRequest {
    pub organisation: OrganisationFields,
    pub username: String,
    pub password: String,
}

/// An organisation as the platform keeps it. Contact data is for the administrator and the
/// organisation's own users; public pages never show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    /// 统一社会信用代码; `null` for an organisation moved from an account made before
    /// organisations existed, until the administrator completes it.
    #[serde(default)]
    pub uscc: Option<Uscc>,
    pub kind: OrganisationKind,
    #[serde(default)]
    pub county_code: Option<CountyCode>,
    pub legal_representative: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub address: String,
    /// 自治区平台竞买人 (R11).
    #[serde(default)]
    pub regional_bidder: bool,
    #[serde(default)]
    pub authorisation: Option<Authorisation>,
    pub status: OrganisationStatus,
    /// The reviewer's reason (always given on rejection).
    #[serde(default)]
    pub review_note: Option<String>,
    #[serde(default)]
    pub reviewed_by: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub reviewed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The documents uploaded, licence first.
    #[serde(default)]
    pub documents: Vec<DocumentInfo>,
    /// Its users' logins, oldest first.
    #[serde(default)]
    pub members: Vec<String>,
}

impl Organisation {
    /// Whether it may bid on the regional platform on `day` (R11): approved, a regional bidder,
    /// and a 人民政府 or holding an authorisation valid that day.
    pub fn bids_regionally_on(&self, day: Date) -> bool {
        self.status == OrganisationStatus::Approved
            && self.regional_bidder
            && (self.kind == OrganisationKind::Government
                || self.authorisation.as_ref().is_some_and(|a| a.covers(day)))
    }

    pub fn document(&self, kind: DocumentKind) -> Option<&DocumentInfo> {
        self.documents.iter().find(|d| d.kind == kind)
    }
}

/// `POST /api/v1/organisations/{id}/users` (administrator): another person of the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MemberRequest {
    pub username: String,
    /// At least 8 characters; the person may change it after logging in.
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationResponse {
    pub organisation: Organisation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationsResponse {
    pub organisations: Vec<Organisation>,
}

/// `POST /api/v1/organisations/{id}/approve` and `/reject`: the reviewer's note (the reason,
/// required to reject).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    #[serde(default)]
    pub note: String,
}

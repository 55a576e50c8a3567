//! The audit log on the wire: an object's history and the check of the whole chain.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::wire::wire_enum;

wire_enum! {
    /// What an audit record says happened (`action`); the server writes only these.
    pub enum AuditAction {
        FloorAdded = "floor_added",
        BasePriceSet = "base_price_set",
        UserCreated = "user_created",
        UserDisabled = "user_disabled",
        UserEnabled = "user_enabled",
        Login = "login",
        Logout = "logout",
        PasswordChanged = "password_changed",
        PasswordReset = "password_reset",
        ListingCreated = "listing_created",
        ListingWithdrawn = "listing_withdrawn",
        ListingExpired = "listing_expired",
        ListingTaken = "listing_taken",
        PurchaseReserved = "purchase_reserved",
        PurchaseSettled = "purchase_settled",
        PurchaseExpired = "purchase_expired",
        PurchaseCancelled = "purchase_cancelled",
        BidPlaced = "bid_placed",
        LotAwarded = "lot_awarded",
        LotUnsold = "lot_unsold",
        UseRecorded = "use_recorded",
        Allocated = "allocated",
        Disbursed = "disbursed",
        RuleVersionAdded = "rule_version_added",
        RuleVersionEnded = "rule_version_ended",
        PurchaseFinal = "purchase_final",
        PurchaseAnnulled = "purchase_annulled",
        ObjectionLodged = "objection_lodged",
        ObjectionResolved = "objection_resolved",
        ProjectRegistered = "project_registered",
        ProjectEdited = "project_edited",
        ProjectAccepted = "project_accepted",
        ProjectPlots = "project_plots",
        OrganisationRegistered = "organisation_registered",
        OrganisationApproved = "organisation_approved",
        OrganisationRejected = "organisation_rejected",
        OrganisationChanged = "organisation_changed",
        OrganisationDocument = "organisation_document",
    }
}

impl AuditAction {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::FloorAdded => "新增最低价版本",
            Self::BasePriceSet => "设定基准指导价",
            Self::UserCreated => "新建账号",
            Self::UserDisabled => "停用账号",
            Self::UserEnabled => "启用账号",
            Self::Login => "登录",
            Self::Logout => "退出登录",
            Self::PasswordChanged => "修改密码",
            Self::PasswordReset => "管理员重置密码",
            Self::ListingCreated => "挂牌",
            Self::ListingWithdrawn => "撤回挂牌",
            Self::ListingExpired => "挂牌到期",
            Self::ListingTaken => "挂牌面积被购买",
            Self::PurchaseReserved => "购买（待付款）",
            Self::PurchaseSettled => "确认收款",
            Self::PurchaseExpired => "逾期未付款",
            Self::PurchaseCancelled => "购买方取消",
            Self::BidPlaced => "出价",
            Self::LotAwarded => "竞价成交",
            Self::LotUnsold => "流拍",
            Self::UseRecorded => "登记使用（落地）",
            Self::Allocated => "收益分配",
            Self::Disbursed => "拨付",
            Self::RuleVersionAdded => "新增规则版本",
            Self::RuleVersionEnded => "终止规则版本",
            Self::PurchaseFinal => "公示期满，成交确认",
            Self::PurchaseAnnulled => "异议成立，交易撤销",
            Self::ObjectionLodged => "提出异议",
            Self::ObjectionResolved => "处理异议",
            Self::ProjectRegistered => "复垦项目备案",
            Self::ProjectEdited => "修改复垦项目",
            Self::ProjectAccepted => "复垦项目验收",
            Self::ProjectPlots => "上传复垦地块边界",
            Self::OrganisationRegistered => "单位注册",
            Self::OrganisationApproved => "单位审核通过",
            Self::OrganisationRejected => "单位审核未通过",
            Self::OrganisationChanged => "修改单位信息",
            Self::OrganisationDocument => "上传单位材料",
        }
    }
}

/// One record of the audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub stream: String,
    pub object: String,
    pub actor: String,
    /// The organisation (单位) the actor acts for, when it has one.
    #[serde(default)]
    pub actor_organisation: Option<String>,
    /// An [`AuditAction`] wire name (kept as text, so a record that fails to parse still shows).
    pub action: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditResponse {
    pub audit: Vec<AuditEntry>,
    /// 下一页的翻页标记；最后一页为 null / where the next page starts; null on the last page
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// The result of checking the whole audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditVerification {
    pub intact: bool,
    /// Records checked (all of them when intact).
    pub records: u64,
    /// The first broken record, in words, when not intact.
    pub broken: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditVerificationResponse {
    pub verification: AuditVerification,
}

//! [`ErrorCode`]: every `error.code` the API answers with, and its one row in the table of
//! status and meaning. docs/API-DESIGN.md lists the table in full; a test fails when the two
//! drift (`cargo test -p quota-shared --test error_codes` prints the table to paste). The web
//! app matches on these codes, never on message text.

use crate::wire::wire_enum;

wire_enum! {
    /// The machine-readable reason of a refusal (`error.code` in the envelope).
    pub enum ErrorCode {
        Malformed = "malformed",
        IdempotencyKeyRequired = "idempotency_key_required",
        Unauthorized = "unauthorized",
        BadCredentials = "bad_credentials",
        Forbidden = "forbidden",
        CrossSite = "cross_site",
        NotFound = "not_found",
        InsufficientRemaining = "insufficient_remaining",
        ListingClosed = "listing_closed",
        BiddingNotOpen = "bidding_not_open",
        BiddingClosed = "bidding_closed",
        LotHasBids = "lot_has_bids",
        ListingAnnounced = "listing_announced",
        NotFinal = "not_final",
        PublicityOver = "publicity_over",
        TooManyObjections = "too_many_objections",
        ObjectionResolved = "objection_resolved",
        RegistrationTaken = "registration_taken",
        ProjectAccepted = "project_accepted",
        OrganisationNotApproved = "organisation_not_approved",
        UsccTaken = "uscc_taken",
        OrganisationApproved = "organisation_approved",
        DocumentMissing = "document_missing",
        UnsupportedDocument = "unsupported_document",
        Busy = "busy",
        ExceedsStock = "exceeds_stock",
        ProjectCommitted = "project_committed",
        UnknownProject = "unknown_project",
        AdvanceRequired = "advance_required",
        PurchaseNotReserved = "purchase_not_reserved",
        NotAHolding = "not_a_holding",
        ApprovalRecorded = "approval_recorded",
        FloorExists = "floor_exists",
        BodyTooLarge = "body_too_large",
        RuleViolation = "rule_violation",
        WrongChannel = "wrong_channel",
        UnknownField = "unknown_field",
        MissingField = "missing_field",
        WrongType = "wrong_type",
        UnknownValue = "unknown_value",
        InvalidValue = "invalid_value",
        Required = "required",
        Empty = "empty",
        NotANumber = "not_a_number",
        Negative = "negative",
        Zero = "zero",
        TooManyDecimals = "too_many_decimals",
        TooLarge = "too_large",
        BadGrouping = "bad_grouping",
        UnknownUnit = "unknown_unit",
        Overflow = "overflow",
        PercentagesNot100 = "percentages_not_100",
        UnknownCounty = "unknown_county",
        PartExceedsWhole = "part_exceeds_whole",
        InvalidFilter = "invalid_filter",
        InvalidYear = "invalid_year",
        InThePast = "in_the_past",
        OpensAfterClose = "opens_after_close",
        ExceedsHolding = "exceeds_holding",
        ProjectMismatch = "project_mismatch",
        VersionTaken = "version_taken",
        VersionEnded = "version_ended",
        ExceedsReceived = "exceeds_received",
        ExceedsAllocated = "exceeds_allocated",
        IdempotencyKeyReused = "idempotency_key_reused",
        SelfDisable = "self_disable",
        AccountRefused = "account_refused",
        WrongPassword = "wrong_password",
        PasswordChangeRequired = "password_change_required",
        TooManyFailures = "too_many_failures",
        NotReady = "not_ready",
        Internal = "internal",
    }
}

/// One row of the table: HTTP status, what the code means in Chinese and in English.
pub struct CodeRow {
    pub status: u16,
    pub zh: &'static str,
    pub en: &'static str,
}

const fn row(status: u16, zh: &'static str, en: &'static str) -> CodeRow {
    CodeRow { status, zh, en }
}

impl ErrorCode {
    /// The code's row: its status and meaning. The message of each answer says more (the
    /// numbers, the field, what to type instead); this is what the code always means.
    pub const fn row(self) -> CodeRow {
        use ErrorCode::*;
        match self {
            Malformed => row(
                400,
                "请求体不是有效的 JSON，或未以 application/json 发送",
                "The body is not valid JSON or not sent as application/json",
            ),
            IdempotencyKeyRequired => row(
                400,
                "购买须带 Idempotency-Key 请求头（每次购买一个新值）",
                "A purchase needs an Idempotency-Key header (a new value per purchase)",
            ),
            Unauthorized => row(
                401,
                "未登录或会话已结束，请先登录",
                "Not logged in, or the session ended: log in",
            ),
            BadCredentials => row(401, "用户名或密码错误", "Wrong username or password"),
            Forbidden => row(
                403,
                "当前账号的角色或所属县（市、区）不允许此操作",
                "This account's role or county may not do this",
            ),
            CrossSite => row(
                403,
                "拒绝来自其他网站的修改请求",
                "A state change sent from another site is refused",
            ),
            NotFound => row(
                404,
                "对象或接口不存在（他人的交易也视为不存在）",
                "No such object or route (another buyer's purchase included)",
            ),
            InsufficientRemaining => row(
                409,
                "挂牌剩余面积不足",
                "Not enough area remains on the listing",
            ),
            ListingClosed => row(
                409,
                "挂牌已结束（售罄、撤回、到期或已成交）",
                "The listing has ended (sold out, withdrawn, expired or awarded)",
            ),
            BiddingNotOpen => row(409, "竞价尚未开始", "Bidding has not opened yet"),
            BiddingClosed => row(409, "竞价已结束", "Bidding has ended"),
            LotHasBids => row(
                409,
                "标的已有人出价，不能撤回，竞价将按时结束",
                "The lot has bids: it cannot be withdrawn and bidding runs to its close",
            ),
            ListingAnnounced => row(
                409,
                "挂牌仍在公告期内，公告期满后方可购买（R16）",
                "The listing is still announced: it can be bought when the announcement period ends (R16)",
            ),
            NotFinal => row(
                409,
                "交易在成交公示期内或有未处理的异议，尚未最终确认（R16）",
                "The trade is in its publicity period or holds an open objection: it is not final yet (R16)",
            ),
            PublicityOver => row(
                409,
                "交易不在成交公示期内（公示期已满或交易已撤销），不能再提出异议",
                "The trade is not in its publicity period (it ended, or the trade was annulled): no objection can be lodged",
            ),
            TooManyObjections => row(
                409,
                "该宗交易待处理的异议已达上限，请待自然资源局处理后再提出",
                "This trade holds the most open objections allowed: wait for the bureau to resolve them",
            ),
            ObjectionResolved => row(
                409,
                "该异议已处理，不能再次处理",
                "The objection has already been resolved",
            ),
            RegistrationTaken => row(
                409,
                "备案号已被另一复垦项目使用，请核对备案号",
                "Another reclamation project has this registration number: check it",
            ),
            ProjectAccepted => row(
                409,
                "复垦项目已验收并锁定，不能再修改或重复验收",
                "The reclamation project is accepted and locked: it cannot be edited or accepted again",
            ),
            OrganisationNotApproved => row(
                403,
                "所属单位尚未通过审核（或未通过），审核通过前不能购买或竞价",
                "The organisation is not approved (pending or rejected): it buys and bids nothing until it is",
            ),
            UsccTaken => row(
                409,
                "该统一社会信用代码的单位已注册，请勿重复注册；如需新增人员请联系管理员",
                "An organisation with this code is registered already: do not register it twice; ask the administrator to add people",
            ),
            OrganisationApproved => row(
                409,
                "该单位已审核通过，不能再次审核",
                "The organisation is approved already: it cannot be reviewed again",
            ),
            DocumentMissing => row(
                422,
                "审核所需材料未上传（营业执照；非人民政府的竞买人另需授权文件）",
                "A document the review needs is not uploaded (the licence; for a regional bidder that is not a government, the authorisation)",
            ),
            UnsupportedDocument => row(
                415,
                "材料须为 PDF、PNG 或 JPEG 文件",
                "A document must be a PDF, PNG or JPEG file",
            ),
            ExceedsStock => row(
                409,
                "超出复垦项目可挂牌的节余指标",
                "More than the reclamation project has left to list",
            ),
            ProjectCommitted => row(
                409,
                "复垦项目已挂牌的指标多于修改后的节余指标",
                "The project's listings hold more than the changed surplus",
            ),
            UnknownProject => row(
                422,
                "复垦项目不存在或不属于本县",
                "No such reclamation project in this county",
            ),
            AdvanceRequired => row(
                422,
                "复垦项目尚未验收，只能作为预支指标挂牌",
                "The project is not accepted yet: it can be listed only as advance quota",
            ),
            PurchaseNotReserved => row(
                409,
                "交易已不是待付款状态",
                "The purchase is no longer reserved",
            ),
            NotAHolding => row(
                409,
                "交易尚未结算，结算后才能登记使用",
                "The purchase is not settled: uses are recorded once it is",
            ),
            ApprovalRecorded => row(
                409,
                "该用地批文号已在本笔指标上登记",
                "This approval number is already recorded on the holding",
            ),
            WrongPassword => row(422, "当前密码不对", "The current password is wrong"),
            PasswordChangeRequired => row(
                403,
                "管理员已重置密码，请先设置新密码",
                "An administrator reset the password: set a new one first",
            ),
            FloorExists => row(
                409,
                "该日期已有最低价版本",
                "A floor version already starts on that date",
            ),
            BodyTooLarge => row(413, "请求体超过 1 MiB", "The body is larger than 1 MiB"),
            RuleViolation => row(
                422,
                "政策规则不允许（rule 指明 R1–R15，violations 列出全部）",
                "A policy rule refuses it (rule names R1–R15, violations lists each)",
            ),
            WrongChannel => row(
                422,
                "县级平台挂牌不能竞价，自治区平台标的不能直接购买",
                "A county listing is not bid on and a regional lot is not bought directly",
            ),
            UnknownField => row(
                422,
                "请求中有不认识的字段",
                "The body has a field the API does not know",
            ),
            MissingField => row(422, "缺少必填字段", "A required field is missing"),
            WrongType => row(
                422,
                "字段类型不对（数量和金额须为带引号的十进制字符串）",
                "A field has the wrong type (areas and money are decimal strings)",
            ),
            UnknownValue => row(
                422,
                "取值不在允许的范围内（消息列出可选值）",
                "A value outside its closed set (the message lists the allowed ones)",
            ),
            InvalidValue => row(422, "字段的值无效", "A field's value is invalid"),
            Required => row(422, "必填的内容为空", "A required text is empty"),
            Empty => row(422, "数值为空", "A number is empty"),
            NotANumber => row(422, "不是有效的十进制数", "Not a decimal number"),
            Negative => row(422, "不能为负数", "Must not be negative"),
            Zero => row(422, "必须大于零", "Must be greater than zero"),
            TooManyDecimals => row(
                422,
                "小数位数超过单位允许的位数（消息给出最接近的有效值）",
                "More decimals than the unit allows (the message names the nearest valid values)",
            ),
            TooLarge => row(422, "数值超过上限", "The value is beyond its limit"),
            BadGrouping => row(
                422,
                "千位分隔符位置不对",
                "Thousands separators are misplaced",
            ),
            UnknownUnit => row(422, "不认识的面积单位", "Unknown unit of area"),
            Overflow => row(422, "计算结果超出允许范围", "The result is out of range"),
            PercentagesNot100 => row(
                422,
                "各项比例合计不等于 100%",
                "The percentages do not add up to 100",
            ),
            UnknownCounty => row(422, "未知的行政区划代码", "Unknown county code"),
            PartExceedsWhole => row(
                422,
                "部分大于整体（如耕地大于总面积）",
                "A part exceeds its whole (e.g. farmland above the area)",
            ),
            InvalidFilter => row(422, "筛选条件无效", "An invalid filter in the query"),
            InvalidYear => row(422, "年份无效", "An invalid year"),
            InThePast => row(422, "时间须晚于现在", "The time must be in the future"),
            OpensAfterClose => row(
                422,
                "开始竞价时间须早于截止时间",
                "Bidding must open before it closes",
            ),
            VersionTaken => row(
                409,
                "同一规则刚刚新增了另一个版本，请刷新后重试",
                "Another version of the rule was added at the same moment: reload and try again",
            ),
            VersionEnded => row(
                409,
                "该规则版本已在此日或更早终止",
                "The rule version already ends on or before that day",
            ),
            ProjectMismatch => row(
                422,
                "登记使用的项目与购买时的项目不一致",
                "A use names another project than the one the quota was bought for",
            ),
            ExceedsHolding => row(
                422,
                "超出持有指标的剩余面积",
                "More than what is left of the holding",
            ),
            ExceedsReceived => row(
                422,
                "分配超过该年已收款",
                "More allocated than received that year",
            ),
            ExceedsAllocated => row(422, "拨付超过已分配金额", "More disbursed than allocated"),
            IdempotencyKeyReused => row(
                422,
                "该 Idempotency-Key 已用于另一笔不同的请求",
                "The Idempotency-Key was used for a different request",
            ),
            SelfDisable => row(
                422,
                "不能停用当前登录的管理员账号",
                "The account one is logged in with cannot be disabled",
            ),
            AccountRefused => row(
                422,
                "账号无法创建（用户名已存在或输入有误）",
                "The account cannot be created (username taken or invalid input)",
            ),
            TooManyFailures => row(
                429,
                "登录失败次数过多，请稍后再试",
                "Too many failed logins: try again later",
            ),
            Busy => row(
                503,
                "同时处理的文件较多，请稍后再试",
                "Many files are being handled at once: try again shortly",
            ),
            NotReady => row(
                503,
                "服务尚未就绪（数据库不可用或迁移未完成）",
                "Not ready: the database is unreachable or migrations are pending",
            ),
            Internal => row(
                500,
                "服务器内部错误，请稍后重试",
                "Internal server error: retry later",
            ),
        }
    }

    /// The HTTP status this code is always answered with.
    pub const fn status(self) -> u16 {
        self.row().status
    }

    /// The table as docs/API-DESIGN.md lists it.
    pub fn markdown_table() -> String {
        let mut out = String::from("| code | status | 含义 | meaning |\n|---|---:|---|---|\n");
        for code in Self::ALL {
            let r = code.row();
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                code.wire(),
                r.status,
                r.zh,
                r.en
            ));
        }
        out
    }
}

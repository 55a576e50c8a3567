//! Every text of the web app, in one table: Chinese (default) and English. Keys are an enum
//! generated from the table, so a missing text is a compile error.

use quota_shared::api::{Lang, Role};

macro_rules! texts {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// A text of the web app.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Key { $($key),* }

        /// The text of `key` in `lang`.
        pub fn t(lang: Lang, key: Key) -> &'static str {
            match (lang, key) {
                $((Lang::Zh, Key::$key) => $zh, (Lang::En, Key::$key) => $en,)*
            }
        }

        #[cfg(test)]
        pub const ALL: &[Key] = &[$(Key::$key),*];
    };
}

/// A message given in both languages, in the interface language.
pub fn words(lang: Lang, zh: impl Into<String>, en: impl Into<String>) -> String {
    match lang {
        Lang::Zh => zh.into(),
        Lang::En => en.into(),
    }
}

/// The name of a role in the interface language.
pub fn role_label(lang: Lang, role: Role) -> &'static str {
    match (lang, role) {
        (Lang::Zh, r) => r.label_zh(),
        (Lang::En, Role::Admin) => "administrator",
        (Lang::En, Role::CountyBureau) => "county bureau",
        (Lang::En, Role::Buyer) => "buyer",
        (Lang::En, Role::Finance) => "finance",
        (Lang::En, Role::Supervisor) => "supervisor (inspection, audit)",
    }
}

texts! {
    AppTitle => "增减挂钩节余指标交易平台", "Linkage Quota Exchange";
    AppSubtitle => "梧州市 · 县级平台与自治区平台的节余指标挂牌、购买与收益管理", "Wuzhou · listing, buying and proceeds of surplus construction-land quota";
    SwitchLanguage => "English", "中文";
    NavHome => "首页", "Home";
    NavCalculator => "测算", "Calculator";
    NavMarket => "挂牌指标", "Listings";
    NavMine => "我的交易", "My trades";
    NavTrace => "指标溯源", "Trace";
    NavLogin => "登录", "Log in";
    NavLogout => "退出", "Log out";
    Loading => "正在加载…", "Loading…";
    Retry => "重试", "Retry";
    ConsoleNotLoaded => "工作台未能载入，请刷新页面；如仍不行请联系管理员", "The console did not load; reload the page, and tell the administrator if it persists";
    FloorHeading => "自治区流转基准指导价（最低价）", "Regional floor price";
    FloorInForce => "现行", "in force";
    FloorFrom => "起始日期", "Effective from";
    FloorPrice => "单价（元/亩）", "Price (yuan/mu)";
    CountiesHeading => "各县（市、区）基准指导价", "County base prices";
    CountiesEmpty => "尚无县（市、区）数据，请管理员运行 migrate 载入参考数据。", "No counties yet; the administrator should run migrate to load the reference data.";
    ColCode => "区划代码", "Code";
    ColName => "县（市、区）", "County";
    ColKind => "类型", "Kind";
    ColPoverty => "脱贫县", "Former poverty county";
    ColBasePrice => "基准指导价（元/亩）", "Base price (yuan/mu)";
    Yes => "是", "yes";
    No => "否", "no";
    Unconfirmed => "未核实", "unconfirmed";
    NotSet => "未设定", "not set";
    Footer => "依据：梧州市《关于实现巩固拓展脱贫攻坚成果同乡村振兴有效衔接的实施办法》三(三)5", "Source: Wuzhou 2021 implementing measures, clause 3(3)5";
    OpenListingsHeading => "县级平台挂牌中", "Open county listings";
    LotsHeading => "自治区平台竞价标的", "Regional lots";
    ResultsHeading => "成交公示", "Recent results";
    NoListings => "暂无挂牌中的指标", "No open listings";
    NoLots => "暂无竞价中的标的", "No lots in bidding";
    NoResults => "暂无成交", "No results yet";
    ColSeller => "出让方", "Seller";
    ColArea => "面积（亩）", "Area (mu)";
    ColRemaining => "剩余（亩）", "Remaining (mu)";
    ColPrice => "单价（元/亩）", "Price (yuan/mu)";
    ColStart => "起始价（元）", "Start (yuan)";
    ColHigh => "当前最高价（元）", "High bid (yuan)";
    ColMinNext => "最低可出价（元）", "Next bid from (yuan)";
    ColDeposit => "保证金（元）", "Deposit (yuan)";
    ColCloses => "距截止", "Closes in";
    ColProject => "来源项目", "Source project";
    ColAmount => "金额（元）", "Amount (yuan)";
    Closed => "已截止", "closed";
    Buy => "购买", "Buy";
    Bid => "竞价", "Bid";
    // calculator
    CalcHeading => "指标测算", "Quota calculator";
    CalcIntro => "按项目用途、所在县（市、区）和用地面积，测算需购买的节余指标、可选来源和费用。断网时也能计算。", "From a project's use, county and area: the quota it needs, where it may buy, and the cost. Works offline too.";
    ModeBuyer => "购买方测算", "Buyer";
    ModeCounty => "县级收益预测", "County forecast";
    FieldUse => "项目用途", "Project use";
    FieldCounty => "项目所在县（市、区）", "Project county";
    FieldArea => "新增建设用地面积", "New construction land area";
    FieldUnit => "单位", "Unit";
    RequiredMu => "需用指标", "Quota needed";
    MustBuy => "必须购买节余指标", "Must buy surplus quota";
    MayBuy => "可自愿购买", "Buying is voluntary";
    RulesApplied => "适用规则", "Rules applied";
    EligibleChannels => "可选平台", "Eligible platforms";
    EligibleSellers => "可购买的出让县", "Eligible seller counties";
    CheapestFill => "最低成本组合（县级平台）", "Cheapest fill (county platform)";
    RegionalOptions => "可参与竞价的自治区标的", "Regional lots to bid on";
    CoversNeed => "可满足需求", "covers the need";
    Shortfall => "现有挂牌不足，尚缺", "Listings fall short by";
    TotalYuan => "总价（元）", "Total (yuan)";
    TotalWan => "万元", "10k yuan";
    TotalCapital => "大写", "In capitals";
    TotalBasisRegional => "按各标的最低可出价计", "at the lots' minimum bids";
    Offline => "离线计算（使用最近一次加载的挂牌数据）", "Computed offline (from the listings loaded last)";
    ForecastArea => "计划挂牌面积（亩）", "Planned area (mu)";
    ForecastPrice => "挂牌单价（元/亩）", "Price (yuan/mu)";
    ForecastSplit => "收益用途比例（%）", "Use of proceeds (%)";
    ForecastTotal => "预计收益", "Expected proceeds";
    // market
    MarketHeading => "挂牌指标", "Listings";
    FilterCounty => "出让县", "Seller";
    FilterChannel => "平台", "Platform";
    FilterAll => "全部", "All";
    SortBy => "排序", "Sort";
    SortPrice => "单价从低到高", "Price, low to high";
    SortRemaining => "剩余从多到少", "Remaining, most first";
    SortNewest => "最新挂牌", "Newest";
    ChannelCounty => "县级平台", "County platform";
    ChannelRegional => "自治区平台", "Regional platform";
    // buying
    BuyHeading => "购买节余指标", "Buy surplus quota";
    ProjectName => "项目名称", "Project name";
    BuyArea => "购买面积（亩）", "Area to buy (mu)";
    AmountDue => "应付金额", "Amount due";
    RuleCheckOk => "规则检查通过", "Rule check passed";
    Submit => "提交购买", "Submit purchase";
    Submitting => "正在提交…", "Submitting…";
    Bought => "已预留，请在15天内付款；结算后可打印成交确认书。", "Reserved: pay within 15 days; the confirmation can be printed once settled.";
    LoginToBuy => "请先登录购买方账号", "Log in with a buyer account first";
    // bidding
    LotHeading => "自治区平台竞价", "Regional lot";
    BidAmount => "出价（元）", "Bid (yuan)";
    SubmitBid => "提交出价", "Submit bid";
    BidPlaced => "出价成功", "Bid placed";
    Step => "增价幅度 50,000 元", "Step 50,000 yuan";
    // mine
    MineHeading => "我的交易", "My trades";
    HoldingsHeading => "持有指标与落地使用", "Holdings and uses";
    NoPurchases => "暂无交易", "No trades yet";
    NoHoldings => "暂无已结算的指标", "No settled quota yet";
    Used => "已用（亩）", "Used (mu)";
    Cancel => "取消", "Cancel";
    Print => "成交确认书", "Confirmation";
    ConfirmationNo => "成交确认书编号", "Confirmation number";
    Approval => "用地批文号", "Approval";
    // confirmation
    PrintButton => "打印", "Print";
    NotSettledYet => "该交易尚未结算，结算后才能打印成交确认书。", "This trade is not settled yet; the confirmation prints once it is.";
    // login
    LoginHeading => "登录", "Log in";
    Username => "用户名", "Username";
    Password => "密码", "Password";
    LoginButton => "登录", "Log in";
    LoggedInAs => "当前用户", "Logged in as";
    // account
    AccountHeading => "账号与密码", "Account and password";
    ChangePassword => "修改密码", "Change password";
    CurrentPassword => "当前密码", "Current password";
    NewPassword => "新密码", "New password";
    NewPasswordAgain => "再次输入新密码", "New password again";
    PasswordRules => "新密码至少 8 个字符，且不能与当前密码相同。修改后，本账号在其他设备上的登录将全部退出。", "At least 8 characters, different from the current one. Every other session of this account ends when it changes.";
    PasswordChanged => "密码已修改；本账号在其他设备上的登录已全部退出。", "Password changed; every other session of this account has ended.";
    MustChangePassword => "管理员已重置您的密码。请输入管理员告知的临时密码作为当前密码，设置您自己的新密码后再继续使用。", "An administrator reset your password. Enter the temporary password you were given as the current one and choose your own before going on.";
    MustChangeMark => "须改密码", "must change password";
    ResetPasswordHeading => "重置密码", "Reset a password";
    ResetPasswordHint => "设置一个临时密码并告知本人；该账号的所有登录立即退出，下次登录须先设置自己的新密码。", "Set a temporary password and tell its owner; every session of the account ends, and at the next login it must choose its own password.";
    TemporaryPassword => "临时密码（至少 8 个字符）", "Temporary password (at least 8 characters)";
    ResetPasswordButton => "重置密码", "Reset password";
    PasswordResetDone => "已重置，请将临时密码告知本人：", "Reset. Tell the temporary password to the account's owner: ";
    PasswordTooShort => "新密码至少 8 个字符", "The new password needs at least 8 characters";
    PasswordsDiffer => "两次输入的新密码不一致", "The two new passwords differ";
    LoginFirst => "请先登录", "Please log in first";
    Saving => "正在保存…", "Saving…";
    NavBureau => "挂牌管理", "Bureau";
    NavFinance => "财务", "Finance";
    NavAdmin => "管理", "Admin";
    BasePriceHeading => "本县基准指导价", "County base price";
    CurrentBase => "现行基准指导价", "Current base price";
    FloorNow => "自治区最低价", "Regional floor";
    SaveBase => "保存基准指导价", "Save base price";
    Saved => "已保存", "Saved";
    NewListingHeading => "新建挂牌", "New listing";
    FieldChannel => "平台", "Platform";
    FieldArea2 => "面积（亩）", "Area (mu)";
    FieldFarmland => "其中耕地（亩）", "Farmland (mu)";
    FieldPaddy => "其中水田（亩）", "Paddy (mu)";
    FieldCapacity => "粮食产能（公斤）", "Grain capacity (kg)";
    FieldPrice => "单价 / 起始价（元/亩）", "Price / start price (yuan/mu)";
    FieldCloses => "截止时间（自治区平台必填）", "Closes at (regional: required)";
    CreateListing => "发布挂牌", "Publish listing";
    Created => "已发布", "Published";
    OwnListingsHeading => "本县挂牌", "This county's listings";
    Withdraw => "撤回", "Withdraw";
    LotHasBids => "已有出价", "Has bids";
    LotHasBidsHint => "已有人出价的标的不能撤回，竞价将在截止时间结束", "A lot with bids cannot be withdrawn; bidding runs to its close";
    IncomingHeading => "待确认收款", "Payments to confirm";
    NoIncoming => "暂无待确认的交易", "Nothing to confirm";
    Settle => "确认收款", "Confirm payment";
    FinanceHeading => "收益、分配与拨付", "Proceeds, allocations and disbursements";
    Year => "年度", "Year";
    ColReceived => "收入（元）", "Received (yuan)";
    ColAllocated => "已分配（元）", "Allocated (yuan)";
    ColDisbursed => "已拨付（元）", "Disbursed (yuan)";
    ColUnallocated => "未分配（元）", "Unallocated (yuan)";
    ChartHeading => "各县收益情况", "Proceeds by county";
    NoProceeds => "本年度暂无收入", "No proceeds this year";
    AllocateHeading => "分配收益", "Allocate proceeds";
    FieldUseCategory => "用途", "Use";
    FieldAmount => "金额（元）", "Amount (yuan)";
    FieldNote => "备注", "Note";
    AllocateButton => "分配", "Allocate";
    AllocationsHeading => "分配与拨付", "Allocations and disbursements";
    Disburse => "拨付", "Disburse";
    FieldVoucher => "凭证号", "Voucher";
    FieldBankRef => "银行流水号", "Bank reference";
    AtMost => "最多", "at most";
    Downloads => "下载", "Download";
    TradesOf => "成交明细", "Trades";
    FloorsAdmin => "最低价版本", "Floor versions";
    AddFloor => "新增版本", "Add version";
    UsersHeading => "账号与角色", "Accounts and roles";
    FieldRole => "角色", "Role";
    CreateUser => "新建账号", "Create account";
    Disable => "停用", "Disable";
    Enable => "启用", "Enable";
    Disabled => "已停用", "disabled";
    Active => "正常", "active";
    FloorDateFormat => "起始日期请写成 2027-01-01", "Write the start day as 2027-01-01";
    CalcExample => "示例：长洲区商品住宅项目 20 亩。改用途、所在县或面积，结果随时更新。", "Example: a 20 mu housing project in Changzhou District. Change the use, county or area and the answer follows.";
    BeijingTime => "北京时间，如 2026-12-31 17:00", "Beijing time, e.g. 2026-12-31 17:00";
    ColAccountCounty => "所属县（市、区）", "County";
    ColRegionalBidder => "自治区平台竞买资格", "Regional bidder";
    RegionalBidderMark => "竞买人（R11）", "bidder (R11)";
    ColStatus => "状态", "Status";
    ColAction => "操作", "Action";
    RulesHeading => "规则版本", "Rule versions";
    RulesHint => "每条规则按生效日期分版本，各项检查采用当日（北京时间）生效的版本。新增版本最早从明天起生效，并在前一日终止与之重叠的版本；终止日期不早于今天。已按某版本检查过的日子不会被改写。“确认延续”即以已核实的依据新增一个版本。", "Each rule has dated versions; every check uses the version in force on the day (Beijing time). A new version starts tomorrow at the earliest and ends the versions it overlaps the day before; an end is today or later. A day already checked against a version is never rewritten. \"Confirm\" adds a version with a confirmed source.";
    ColRule => "规则", "Rule";
    ColVersion => "版本", "Version";
    ColInForce => "生效期间", "In force";
    ColSource => "依据", "Source";
    ColParams => "参数", "Parameters";
    InForceToday => "今日生效", "in force today";
    EndVersion => "终止", "End";
    ConfirmVersion => "确认延续", "Confirm";
    EndOn => "终止日期（最后生效日）", "End on (last day in force)";
    AddVersionHeading => "新增规则版本", "Add a rule version";
    AddVersion => "新增版本", "Add version";
    EffectiveFrom => "生效日期", "In force from";
    SourceConfirmed => "依据已核实", "Source confirmed";
    ChooseRule => "请选择规则", "Choose a rule";
    DateFormat => "日期格式为 2027-01-01", "Dates look like 2027-01-01";
    CitationRequired => "请填写依据（文件名称、文号、条款）", "Give the source: document, number, clause";
    ParamStep => "增价幅度（元）", "Bid step (yuan)";
    ParamDeposit => "保证金比例（%）", "Deposit (%)";
    ParamRoundTo => "向上取整到（元）", "Rounded up to (yuan)";
    ParamUnits => "适用的县级单位", "Units covered";
    ParamPoverty => "脱贫县", "脱贫县 (former poverty counties)";
    ParamUses => "收益用途", "Uses of proceeds";
    ParamReservation => "付款期限", "Payment period";
    Days => "日", "days";
    NeverInForce => "生效前已被替代，从未生效", "replaced before it began; never in force";
    VersionAdded => "已新增规则版本", "Rule version added";
    VersionEnded => "已终止规则版本", "Rule version ended";
    AuditHeading => "审计链", "Audit chain";
    AuditIntact => "完整", "intact";
    AuditBroken => "断裂", "broken";
    AuditLookup => "查询对象历史（如 purchase:1）", "Object history (e.g. purchase:1)";
    Search => "查询", "Search";
    Buyer => "受让方", "Buyer";
    UsesHeading => "落地使用登记（本县项目）", "Uses on projects in this county";
    RecordUse => "登记使用", "Record use";
    ChooseHolding => "请选择要使用的指标（成交确认书）", "Choose the holding (confirmation) to draw on";
    AwardNamesProject => "竞得的指标：请填写落地项目（自治区平台指标按当日规则 R7、R8 核验）", "Awarded quota: name the project it lands on (checked against R7 and R8 of the day)";
    ReadOnlyNotice => "监督账号只读：可查看各县（市、区）的收益、分配、交易并下载报表，不能登记或修改", "Supervisor account, read only: every county's proceeds, allocations and trades, and the downloads; nothing can be recorded or changed";
    AwardedQuota => "竞得", "Awarded";
    MineUsesHeading => "登记落地使用", "Record a use (land-use approval)";
    NoProjectHoldings => "本县暂无项目持有的已结算指标", "No settled quota held for projects in this county";
    CountyNotices => "本县公告", "This county's notices";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_exists_in_both_languages_and_differs_where_it_should() {
        for key in ALL {
            assert!(!t(Lang::Zh, *key).is_empty(), "{key:?} zh");
            assert!(!t(Lang::En, *key).is_empty(), "{key:?} en");
        }
        assert_ne!(t(Lang::Zh, Key::AppTitle), t(Lang::En, Key::AppTitle));
    }
}

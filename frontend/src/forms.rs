//! The staff forms as data: what the clerk typed, exactly, and the request it makes — or what
//! to fix, in the interface language — checked against the same limits the server enforces
//! (R2/R3 prices, listing quantities, R12 use categories, allocated ≤ received, disbursed ≤
//! allocated). Plain functions, tested natively; the pages render them and send the request
//! only when it is `Ok`.

use quota_shared::api::{
    Allocation, AllocationRequest, DisbursementRequest, Lang, NewListing, ProceedsRow, Project,
    ProjectStatus, Share, SourceRequest,
};
use quota_shared::calendar;
use quota_shared::error::DomainError;
use quota_shared::rules::{
    Channel, FloorVersion, RuleBook, check_listing_quantities, validate_listing,
};
use quota_shared::{Area, Money, PositiveArea, PositiveMoney, UnitPrice};
use time::Date;

use crate::i18n::{Key, t};

fn words(lang: Lang, e: &quota_shared::DomainError) -> String {
    match lang {
        Lang::Zh => e.message_zh(),
        Lang::En => e.message_en(),
    }
}

/// The allocation form (财务: 收益分配).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AllocationForm {
    pub county: String,
    pub use_name: String,
    pub amount: String,
    pub note: String,
}

impl AllocationForm {
    /// The request, or what to fix: a county, a use, an amount no larger than what is left
    /// unallocated of that county's `year`.
    pub fn check(
        &self,
        rows: &[ProceedsRow],
        year: i32,
        lang: Lang,
    ) -> Result<AllocationRequest, String> {
        let code = self
            .county
            .parse()
            .map_err(|_| t(lang, Key::FieldCounty).to_string())?;
        if self.use_name.is_empty() {
            return Err(t(lang, Key::FieldUseCategory).to_string());
        }
        let amount: PositiveMoney = self.amount.parse().map_err(|e| words(lang, &e))?;
        let left = rows
            .iter()
            .find(|r| r.county_code == code)
            .map(|r| r.unallocated_yuan)
            .unwrap_or(Money::ZERO);
        if amount.get() > left {
            return Err(format!("{} {} 元", t(lang, Key::AtMost), left.grouped()));
        }
        Ok(AllocationRequest {
            county_code: code,
            use_: self.use_name.clone(),
            amount_yuan: amount,
            note: self.note.trim().to_string(),
            year: Some(year),
        })
    }
}

/// The disbursement form (财务: 拨付).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DisbursementForm {
    pub allocation: String,
    pub amount: String,
    pub voucher: String,
    pub bank_reference: String,
}

impl DisbursementForm {
    /// The request, or what to fix: an allocation, an amount no larger than what is left of
    /// it, a voucher number and a bank reference.
    pub fn check(
        &self,
        allocations: &[Allocation],
        lang: Lang,
    ) -> Result<DisbursementRequest, String> {
        let allocation = allocations
            .iter()
            .find(|a| a.id.to_string() == self.allocation)
            .ok_or_else(|| t(lang, Key::AllocationsHeading).to_string())?;
        let amount: PositiveMoney = self.amount.parse().map_err(|e| words(lang, &e))?;
        let left = allocation
            .amount_yuan
            .checked_sub(allocation.disbursed_yuan)
            .unwrap_or(Money::ZERO);
        if amount.get() > left {
            return Err(format!("{} {} 元", t(lang, Key::AtMost), left.grouped()));
        }
        if self.voucher.trim().is_empty() || self.bank_reference.trim().is_empty() {
            return Err(format!(
                "{} / {}",
                t(lang, Key::FieldVoucher),
                t(lang, Key::FieldBankRef)
            ));
        }
        Ok(DisbursementRequest {
            allocation_id: allocation.id,
            amount_yuan: amount,
            voucher_no: self.voucher.trim().to_string(),
            bank_reference: self.bank_reference.trim().to_string(),
        })
    }
}

/// The new-listing form (挂牌管理: 新建挂牌), as typed: the projects it draws on, each with the
/// area to list from it (rows left with no project are ignored).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListingForm {
    pub channel: String,
    /// (project id, area) per row, as typed.
    pub sources: Vec<(String, String)>,
    /// 预支: ticked to list a project not yet accepted.
    pub advance: bool,
    pub price: String,
    /// Beijing time, `2026-12-31 17:00`; required on the regional channel.
    pub closes: String,
}

/// What a checked listing will carry: its area and its share of the projects' figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ListingPreview {
    pub area: Area,
    pub share: Share,
    /// Whether any project is not accepted yet.
    pub advance: bool,
}

impl ListingForm {
    /// What the rows add up to, as far as they read (for the live preview); rows that do not
    /// read are left out.
    pub fn preview(&self, projects: &[Project]) -> ListingPreview {
        let mut preview = ListingPreview::default();
        for (id, area) in &self.sources {
            let project = id
                .parse::<i64>()
                .ok()
                .and_then(|id| projects.iter().find(|p| p.id == id));
            let (Some(p), Ok(take)) = (project, area.trim().parse::<Area>()) else {
                continue;
            };
            preview.advance |= p.status == ProjectStatus::Registered;
            if let (Ok(sum), Some(share)) = (
                preview.area.checked_add(take),
                preview.share.plus(p.share_of(take)),
            ) {
                preview.area = sum;
                preview.share = share;
            }
        }
        preview
    }

    /// The listing, or what to fix: each project once, of this county (`projects`), with the
    /// area not above what it has left, 预支 ticked for a project not yet accepted; the price
    /// against the county's base price (R2) or the floor (R3); a closing time for a regional
    /// lot.
    #[allow(clippy::too_many_arguments)]
    pub fn check(
        &self,
        projects: &[Project],
        base_price: Option<UnitPrice>,
        floors: &[FloorVersion],
        today: Date,
        lang: Lang,
        book: &RuleBook,
    ) -> Result<NewListing, String> {
        let channel: Channel = self.channel.parse().unwrap_or(Channel::County);
        let mut sources = Vec::new();
        for (id, area) in &self.sources {
            if id.trim().is_empty() {
                continue;
            }
            let Some(p) = id
                .parse::<i64>()
                .ok()
                .and_then(|id| projects.iter().find(|p| p.id == id))
            else {
                return Err(pick(
                    lang,
                    "请从列表中选择复垦项目",
                    "Pick a project from the list",
                ));
            };
            if sources.iter().any(|s: &SourceRequest| s.project_id == p.id) {
                return Err(match lang {
                    Lang::Zh => format!("复垦项目“{}”选了两次，每个项目只填一行", p.name),
                    Lang::En => {
                        format!("Project “{}” is picked twice: one row per project", p.name)
                    }
                });
            }
            let take: PositiveArea = area.trim().parse().map_err(|e: DomainError| match lang {
                Lang::Zh => format!("“{}”的挂牌面积：{}", p.name, e.message_zh()),
                Lang::En => format!("Area from “{}”: {}", p.name, e.message_en()),
            })?;
            if take.get() > p.available_mu {
                return Err(match lang {
                    Lang::Zh => format!("复垦项目“{}”可挂牌的只剩 {} 亩", p.name, p.available_mu),
                    Lang::En => format!(
                        "Project “{}” has {} mu left to list",
                        p.name, p.available_mu
                    ),
                });
            }
            if p.status == ProjectStatus::Registered && !self.advance {
                return Err(match lang {
                    Lang::Zh => format!(
                        "复垦项目“{}”尚未验收：请勾选“预支指标”，或待验收后再挂牌",
                        p.name
                    ),
                    Lang::En => format!(
                        "Project “{}” is not accepted yet: tick advance quota, or wait",
                        p.name
                    ),
                });
            }
            sources.push(SourceRequest {
                project_id: p.id,
                area_mu: take,
            });
        }
        if sources.is_empty() {
            return Err(pick(
                lang,
                "请选择来源复垦项目并填写挂牌面积",
                "Pick a source project and the area to list",
            ));
        }
        let preview = self.preview(projects);
        check_listing_quantities(
            preview.area,
            preview.share.farmland_mu,
            preview.share.paddy_mu,
            preview.share.grain_capacity_kg,
        )
        .map_err(|e| match lang {
            Lang::Zh => e.message_zh(),
            Lang::En => e.message_en(),
        })?;
        let price: UnitPrice = self.price.parse().map_err(|e: DomainError| match lang {
            Lang::Zh => format!("单价：{}", e.message_zh()),
            Lang::En => format!("price: {}", e.message_en()),
        })?;
        validate_listing(channel, price, base_price, today, floors, book).map_err(|found| {
            found
                .into_iter()
                .map(|v| match lang {
                    Lang::Zh => format!("{}：{}", v.rule, v.message_zh),
                    Lang::En => format!("{}: {}", v.rule, v.message_en),
                })
                .collect::<Vec<_>>()
                .join("；")
        })?;
        let closes_at = if self.closes.trim().is_empty() {
            None
        } else {
            Some(calendar::parse_local(&self.closes).ok_or_else(|| {
                pick(
                    lang,
                    "截止时间格式不对，请按“2026-12-31 17:00”（北京时间）填写",
                    "Write the closing time as 2026-12-31 17:00 (Beijing time)",
                )
            })?)
        };
        if channel == Channel::Regional && closes_at.is_none() {
            return Err(pick(
                lang,
                "自治区平台标的须填写截止时间",
                "A regional lot needs a closing time",
            ));
        }
        Ok(NewListing {
            channel,
            sources,
            price_per_mu: price,
            advance: self.advance && preview.advance,
            opens_at: None,
            closes_at,
        })
    }
}

fn pick(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        s.parse().expect("money")
    }

    fn teng(received: &str, allocated: &str) -> ProceedsRow {
        ProceedsRow {
            county_code: "450422".parse().expect("code"),
            county_name: "藤县".into(),
            sold_mu: "5".parse().expect("area"),
            proceeds_yuan: m(received),
            allocated_yuan: m(allocated),
            disbursed_yuan: Money::ZERO,
            unallocated_yuan: m(received).checked_sub(m(allocated)).expect("left"),
        }
    }

    #[test]
    fn an_allocation_is_refused_beyond_what_is_left_and_accepted_up_to_it() {
        let rows = [teng("1400000", "1000000")];
        let mut form = AllocationForm {
            county: "450422".into(),
            use_name: "乡村振兴项目建设".into(),
            amount: "400000.01".into(),
            note: " 第一批 ".into(),
        };
        let refused = form.check(&rows, 2026, Lang::Zh).expect_err("too much");
        assert!(refused.contains("400,000.00"), "{refused}");
        form.amount = "400,000".into();
        let request = form.check(&rows, 2026, Lang::Zh).expect("accepted");
        assert_eq!(
            (
                request.amount_yuan.get(),
                request.note.as_str(),
                request.year
            ),
            (m("400000"), "第一批", Some(2026))
        );
        form.amount = "1.001".into();
        let e = form.check(&rows, 2026, Lang::En).expect_err("decimals");
        assert!(e.contains("1.00") && e.contains("1.01"), "{e}");
        form.use_name.clear();
        form.amount = "1".into();
        assert_eq!(form.check(&rows, 2026, Lang::Zh), Err("用途".into()));
    }

    #[test]
    fn a_disbursement_needs_an_allocation_with_room_a_voucher_and_a_bank_reference() {
        let allocation = Allocation {
            id: 7,
            county_code: "450422".parse().expect("code"),
            year: 2026,
            use_: "乡村振兴项目建设".into(),
            amount_yuan: m("1000000"),
            disbursed_yuan: m("450000"),
            note: String::new(),
            created_at: time::OffsetDateTime::UNIX_EPOCH,
        };
        let mut form = DisbursementForm {
            allocation: "7".into(),
            amount: "550000.01".into(),
            voucher: "藤财拨〔2026〕16号".into(),
            bank_reference: "BOC-88".into(),
        };
        let list = [allocation];
        assert!(
            form.check(&list, Lang::Zh)
                .expect_err("too much")
                .contains("550,000.00")
        );
        form.amount = "550000".into();
        assert_eq!(form.check(&list, Lang::Zh).map(|r| r.allocation_id), Ok(7));
        form.bank_reference = "  ".into();
        assert!(form.check(&list, Lang::Zh).is_err());
        form.allocation = "8".into();
        assert!(form.check(&list, Lang::Zh).is_err(), "unknown allocation");
    }

    fn project(id: i64, status: ProjectStatus, available: &str) -> Project {
        let area = |s: &str| s.parse::<Area>().expect("area");
        Project {
            id,
            county_code: "450422".parse().expect("county"),
            name: format!("项目{id}"),
            registration_no: format!("450422-2026-{id:04}"),
            township: "象棋镇".into(),
            village: String::new(),
            reclaimed_mu: area("30"),
            farmland_mu: area("24"),
            paddy_mu: area("9"),
            grain_capacity_kg: 18_000,
            local_use_mu: Area::ZERO,
            surplus_mu: area("30"),
            status,
            accepted_on: None,
            acceptance_doc: None,
            committed_mu: Area::ZERO,
            available_mu: area(available),
            shortfall_mu: Area::ZERO,
            plots_mu: None,
            plots_flagged: false,
            created_by: "teng".into(),
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            updated_at: time::OffsetDateTime::UNIX_EPOCH,
        }
    }

    fn stock() -> Vec<Project> {
        vec![
            project(1, ProjectStatus::Accepted, "12"),
            project(2, ProjectStatus::Accepted, "30"),
            project(3, ProjectStatus::Registered, "30"),
        ]
    }

    fn teng_lot() -> ListingForm {
        ListingForm {
            channel: "county".into(),
            sources: vec![("1".into(), "10".into()), ("2".into(), "5".into())],
            advance: false,
            price: "300000".into(),
            closes: String::new(),
        }
    }

    #[test]
    fn a_listing_is_checked_as_the_server_checks_it() {
        let floors = quota_shared::rules::default_floors();
        let today = time::macros::date!(2026 - 11 - 30);
        let base = Some(m("280000").fen()).map(|f| UnitPrice::from_fen(f).expect("price"));
        let book = RuleBook::builtin();
        let projects = stock();
        let check =
            |form: &ListingForm, lang| form.check(&projects, base, &floors, today, lang, &book);
        let listing = check(&teng_lot(), Lang::Zh).expect("valid");
        assert_eq!(listing.sources.len(), 2);
        // The preview: 15 亩, 8 of farmland per 10 reclaimed.
        let preview = teng_lot().preview(&projects);
        assert_eq!(preview.area.to_string(), "15.0000");
        assert_eq!(preview.share.farmland_mu.to_string(), "12.0000");
        assert_eq!(preview.share.grain_capacity_kg, 9_000);
        // More than a project has left, a project twice, none at all, an unknown one.
        let mut form = teng_lot();
        form.sources[0].1 = "12.0001".into();
        assert!(
            check(&form, Lang::Zh)
                .expect_err("stock")
                .contains("只剩 12.0000 亩")
        );
        form.sources[0] = ("2".into(), "1".into());
        assert!(check(&form, Lang::Zh).expect_err("twice").contains("两次"));
        form.sources = vec![(String::new(), String::new())];
        assert!(
            check(&form, Lang::En)
                .expect_err("none")
                .contains("source project")
        );
        form.sources = vec![("99".into(), "1".into())];
        assert!(check(&form, Lang::Zh).is_err());
        form.sources = vec![("1".into(), "0".into())];
        assert!(check(&form, Lang::Zh).is_err(), "zero");
        // A registered project only as advance quota.
        form.sources = vec![("3".into(), "5".into())];
        assert!(
            check(&form, Lang::Zh)
                .expect_err("advance")
                .contains("预支")
        );
        form.advance = true;
        assert!(check(&form, Lang::Zh).expect("advance").advance);
        // R2: below the county's base price, with the rule named.
        let cheap = ListingForm {
            price: "279999.99".into(),
            ..teng_lot()
        };
        assert!(check(&cheap, Lang::Zh).expect_err("R2").starts_with("R2"));
        // Without a base price at all, R2 says to set one first.
        assert!(
            teng_lot()
                .check(&projects, None, &floors, today, Lang::Zh, &book)
                .expect_err("R2")
                .contains("基准指导价")
        );
        // A regional lot needs its closing time, typed in Beijing time.
        let lot = ListingForm {
            channel: "regional".into(),
            price: "250000".into(),
            ..teng_lot()
        };
        assert!(
            check(&lot, Lang::En)
                .expect_err("closes")
                .contains("closing time")
        );
        let lot = ListingForm {
            closes: "2026-12-31 17:00".into(),
            ..lot
        };
        assert_eq!(
            check(&lot, Lang::Zh).expect("lot").closes_at,
            Some(time::macros::datetime!(2026-12-31 09:00 UTC))
        );
    }
}

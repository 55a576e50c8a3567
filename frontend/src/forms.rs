//! The staff forms as data: what the clerk typed, exactly, and the request it makes — or what
//! to fix, in the interface language — checked against the same limits the server enforces
//! (R2/R3 prices, listing quantities, R12 use categories, allocated ≤ received, disbursed ≤
//! allocated). Plain functions, tested natively; the pages render them and send the request
//! only when it is `Ok`.

use quota_shared::api::{
    Allocation, AllocationRequest, DisbursementRequest, Lang, NewListing, ProceedsRow,
};
use quota_shared::calendar;
use quota_shared::error::{DomainError, field_zh};
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

/// The new-listing form (挂牌管理: 新建挂牌), as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListingForm {
    pub channel: String,
    pub area: String,
    pub farmland: String,
    pub paddy: String,
    pub capacity: String,
    pub price: String,
    pub source: String,
    pub township: String,
    /// Beijing time, `2026-12-31 17:00`; required on the regional channel.
    pub closes: String,
}

impl ListingForm {
    /// The listing, or what to fix: quantities (area > 0, paddy ≤ farmland ≤ area, whole
    /// kilograms), the price against the county's base price (R2) or the floor (R3), the source
    /// project and township, and a closing time for a regional lot.
    pub fn check(
        &self,
        base_price: Option<UnitPrice>,
        floors: &[FloorVersion],
        today: Date,
        lang: Lang,
        book: &RuleBook,
    ) -> Result<NewListing, String> {
        let channel: Channel = self.channel.parse().unwrap_or(Channel::County);
        let parse_area = |s: &str, field: &str| {
            s.parse::<Area>().map_err(|e| match lang {
                Lang::Zh => format!("{}：{}", field_zh(field), e.message_zh()),
                Lang::En => format!("{field}: {}", e.message_en()),
            })
        };
        let area = parse_area(&self.area, "area_mu")?;
        let farmland = parse_area(&self.farmland, "farmland_mu")?;
        let paddy = parse_area(&self.paddy, "paddy_mu")?;
        let kg: i64 = self.capacity.trim().parse().map_err(|_| {
            pick(
                lang,
                "粮食产能须为整数公斤",
                "Grain capacity must be whole kilograms",
            )
        })?;
        check_listing_quantities(area, farmland, paddy, kg).map_err(|e| match lang {
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
        if self.source.trim().is_empty() || self.township.trim().is_empty() {
            return Err(pick(
                lang,
                "请填写来源项目和所在乡镇",
                "Fill in the source project and the township",
            ));
        }
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
            area_mu: PositiveArea::new(area).map_err(|e| match lang {
                Lang::Zh => e.message_zh(),
                Lang::En => e.message_en(),
            })?,
            farmland_mu: farmland,
            paddy_mu: paddy,
            grain_capacity_kg: kg,
            price_per_mu: price,
            source_project: self.source.trim().to_string(),
            township: self.township.trim().to_string(),
            advance: false,
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

    fn teng_lot() -> ListingForm {
        ListingForm {
            channel: "county".into(),
            area: "8".into(),
            farmland: "6".into(),
            paddy: "2".into(),
            capacity: "3000".into(),
            price: "300000".into(),
            source: " 藤县象棋镇拆旧复垦项目 ".into(),
            township: "象棋镇".into(),
            closes: String::new(),
        }
    }

    #[test]
    fn a_listing_is_checked_as_the_server_checks_it() {
        let floors = quota_shared::rules::default_floors();
        let today = time::macros::date!(2026 - 11 - 30);
        let base = Some(m("280000").fen()).map(|f| UnitPrice::from_fen(f).expect("price"));
        let listing = teng_lot()
            .check(base, &floors, today, Lang::Zh, &RuleBook::builtin())
            .expect("valid");
        assert_eq!(listing.source_project, "藤县象棋镇拆旧复垦项目");
        // R2: below the county's base price, with the rule named.
        let cheap = ListingForm {
            price: "279999.99".into(),
            ..teng_lot()
        };
        assert!(
            cheap
                .check(base, &floors, today, Lang::Zh, &RuleBook::builtin())
                .expect_err("R2")
                .starts_with("R2")
        );
        // Without a base price at all, R2 says to set one first.
        assert!(
            teng_lot()
                .check(None, &floors, today, Lang::Zh, &RuleBook::builtin())
                .expect_err("R2")
                .contains("基准指导价")
        );
        let paddy = ListingForm {
            paddy: "7".into(),
            ..teng_lot()
        };
        assert!(
            paddy
                .check(base, &floors, today, Lang::Zh, &RuleBook::builtin())
                .expect_err("paddy")
                .contains("水田")
        );
        // A regional lot needs its closing time, typed in Beijing time.
        let lot = ListingForm {
            channel: "regional".into(),
            price: "250000".into(),
            ..teng_lot()
        };
        assert!(
            lot.check(base, &floors, today, Lang::En, &RuleBook::builtin())
                .expect_err("closes")
                .contains("closing time")
        );
        let lot = ListingForm {
            closes: "2026-12-31 17:00".into(),
            ..lot
        };
        let lot = lot
            .check(base, &floors, today, Lang::Zh, &RuleBook::builtin())
            .expect("lot");
        assert_eq!(
            lot.closes_at,
            Some(time::macros::datetime!(2026-12-31 09:00 UTC))
        );
        let zero = ListingForm {
            area: "0".into(),
            farmland: "0".into(),
            paddy: "0".into(),
            ..teng_lot()
        };
        assert!(
            zero.check(base, &floors, today, Lang::Zh, &RuleBook::builtin())
                .is_err()
        );
    }
}

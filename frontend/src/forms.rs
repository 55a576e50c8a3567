//! The staff forms as data: what the clerk typed, exactly, and the request it makes — or what
//! to fix, in the interface language — checked against the same limits the server enforces
//! (R12 use categories, allocated ≤ received, disbursed ≤ allocated). Plain functions, tested
//! natively; the pages render them and send the request only when it is `Ok`.

use quota_shared::api::{Allocation, AllocationRequest, DisbursementRequest, Lang, ProceedsRow};
use quota_shared::{Money, PositiveMoney};

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
}

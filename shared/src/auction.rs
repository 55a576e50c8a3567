//! Regional-lot arithmetic (R3–R5): start total, the bid ladder, the minimum next bid, the
//! deposit and the winner. Every parameter is data ([`AuctionParams`]), defaulting to what the
//! Guangxi notices show.

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::quantity::{Area, Money, Percent, UnitPrice};
use crate::quantity::{MAX_MONEY_FEN, MAX_PRICE_FEN};
use crate::rules::{
    DEFAULT_BID_STEP_FEN, DEFAULT_DEPOSIT_HUNDREDTHS, DEFAULT_DEPOSIT_ROUNDING_FEN,
    DEFAULT_RESERVATION_DAYS, RuleBook, RuleId, RuleViolation, bid_above_ceiling, bid_violation,
    check_regional_bidder,
};

/// Parameters of the regional platform. Defaults: step 50,000 元 (notices, confirmed), deposit
/// 10 % of the start total rounded up to 100,000 元 (fits both notices; unconfirmed), unpaid
/// reservations expire after 15 days (assumption).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuctionParams {
    pub bid_step: Money,
    pub deposit_percent: Percent,
    pub deposit_rounding: Money,
    pub reservation_days: u32,
    /// The highest 元/亩 a bid may come to ([`bid_ceiling`]); at most, and by default, 1 亿元/亩,
    /// the range every derived figure stays inside. A setting (`bid_ceiling_per_mu`).
    #[serde(default = "widest_bid_price")]
    pub max_bid_per_mu: UnitPrice,
}

/// The widest bid ceiling per 亩 the money range allows: 1 亿元/亩.
pub fn widest_bid_price() -> UnitPrice {
    UnitPrice::MAX
}

impl Default for AuctionParams {
    fn default() -> Self {
        Self {
            bid_step: Money::from_fen(DEFAULT_BID_STEP_FEN).unwrap_or_default(),
            deposit_percent: Percent::from_hundredths(DEFAULT_DEPOSIT_HUNDREDTHS)
                .unwrap_or(Percent::HUNDRED),
            deposit_rounding: Money::from_fen(DEFAULT_DEPOSIT_ROUNDING_FEN).unwrap_or_default(),
            reservation_days: DEFAULT_RESERVATION_DAYS,
            max_bid_per_mu: widest_bid_price(),
        }
    }
}

impl AuctionParams {
    /// These parameters as the rule versions in force on `day` set them: the bid step (R4),
    /// the deposit (R5) and the payment period (R15); the rest (the bid ceiling, a setting)
    /// as they are.
    pub fn as_on(&self, book: &RuleBook, day: time::Date) -> AuctionParams {
        let p = |rule| book.on(rule, day).map(|v| &v.params);
        let mut out = self.clone();
        if let Some(step) = p(RuleId::R4).and_then(|p| p.bid_step_yuan) {
            out.bid_step = step;
        }
        if let Some(p5) = p(RuleId::R5) {
            out.deposit_percent = p5.deposit_percent.unwrap_or(out.deposit_percent);
            out.deposit_rounding = p5.deposit_rounding_yuan.unwrap_or(out.deposit_rounding);
        }
        if let Some(days) = p(RuleId::R15).and_then(|p| p.reservation_days) {
            out.reservation_days = days;
        }
        out
    }

    /// The start total of a lot: area × start price, half-up once (R9).
    pub fn start_total(&self, area: Area, start_price: UnitPrice) -> Result<Money, DomainError> {
        start_price.amount_for(area)
    }

    /// R5: the deposit for a start total: the percentage of the total, never short of it
    /// (ceiling to the 分), then up to the next multiple of the rounding step.
    pub fn deposit(&self, start_total: Money) -> Result<Money, DomainError> {
        let hundred = i128::from(Percent::HUNDRED.hundredths());
        let numerator =
            i128::from(start_total.fen()) * i128::from(self.deposit_percent.hundredths());
        let fen = (numerator + hundred - 1) / hundred;
        Money::from_fen(i64::try_from(fen).map_err(|_| DomainError::Overflow)?)?
            .ceil_to_multiple(self.deposit_rounding)
    }

    /// R4: the lowest valid next bid: the start total when there is no bid, else high + step.
    pub fn min_next_bid(
        &self,
        start_total: Money,
        high_bid: Option<Money>,
    ) -> Result<Money, DomainError> {
        match high_bid {
            None => Ok(start_total),
            Some(high) => high.checked_add(self.bid_step),
        }
    }

    /// Whether `amount` is start + k × step for some k ≥ 0.
    pub fn on_ladder(&self, start_total: Money, amount: Money) -> bool {
        amount >= start_total
            && (self.bid_step.is_zero()
                || (amount.fen() - start_total.fen()) % self.bid_step.fen() == 0)
    }

    /// R4: checks a bid against the ladder and the current high (which may be the bidder's own:
    /// raising one's own bid is allowed, by at least a step).
    pub fn check_bid(
        &self,
        start_total: Money,
        high_bid: Option<Money>,
        amount: Money,
    ) -> Result<(), RuleViolation> {
        let min_next = self
            .min_next_bid(start_total, high_bid)
            .unwrap_or(start_total);
        if !self.on_ladder(start_total, amount) {
            return Err(bid_violation(amount, min_next, self.bid_step, true));
        }
        if amount < min_next {
            return Err(bid_violation(amount, min_next, self.bid_step, false));
        }
        Ok(())
    }
}

/// The largest bid a lot of `area` takes at `per_mu` at most: every figure derived from it —
/// its 元/亩, the award's amount — stays inside the money range (at most 1 亿元/亩, under
/// 1 万亿元), so closing the lot can never fail on it.
pub fn bid_ceiling(area: Area, per_mu: UnitPrice) -> Money {
    let per_mu = per_mu.fen().min(MAX_PRICE_FEN);
    let by_price = i128::from(per_mu) * i128::from(area.e4()) / 10_000;
    let fen = by_price.min(i128::from(MAX_MONEY_FEN));
    Money::from_fen(i64::try_from(fen).unwrap_or(MAX_MONEY_FEN)).unwrap_or(Money::ZERO)
}

/// A bid on a regional lot of `area`: R11 (who may bid), R4 (the ladder and the high bid) and
/// the ceiling ([`bid_ceiling`]), every violation found.
pub fn validate_bid(
    params: &AuctionParams,
    regional_bidder: bool,
    area: Area,
    start_total: Money,
    high_bid: Option<Money>,
    amount: Money,
) -> Result<(), Vec<RuleViolation>> {
    let mut found = Vec::new();
    if let Err(v) = check_regional_bidder(regional_bidder) {
        found.push(v);
    }
    let ceiling = bid_ceiling(area, params.max_bid_per_mu);
    if amount > ceiling {
        found.push(bid_above_ceiling(amount, ceiling, params.max_bid_per_mu));
    } else if let Err(v) = params.check_bid(start_total, high_bid, amount) {
        found.push(v);
    }
    if found.is_empty() { Ok(()) } else { Err(found) }
}

/// A bid as the winner selection sees it; `seq` orders bids in time (earlier is smaller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BidEntry {
    pub bid_id: i64,
    pub bidder_id: i64,
    pub amount: Money,
    pub seq: i64,
}

/// R4: at close, the highest bid wins; on equal amounts (which the ladder prevents) the
/// earliest. No bid: `None` (the lot is unsold).
pub fn select_winner(bids: &[BidEntry]) -> Option<BidEntry> {
    bids.iter()
        .copied()
        .max_by(|a, b| a.amount.cmp(&b.amount).then(b.seq.cmp(&a.seq)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bid_by_a_non_bidder_off_the_ladder_reports_both_rules() {
        let params = AuctionParams::default();
        let start: Money = "4383375.00".parse().expect("start");
        let area: Area = "17.5335".parse().expect("area");
        let found = validate_bid(
            &params,
            false,
            area,
            start,
            None,
            "4400000".parse().expect("bid"),
        )
        .expect_err("two");
        assert_eq!(
            found.iter().map(|v| v.rule).collect::<Vec<_>>(),
            [crate::rules::RuleId::R11, crate::rules::RuleId::R4]
        );
        assert_eq!(
            validate_bid(&params, true, area, start, None, start),
            Ok(())
        );
        // 0.0001 亩 takes at most 10,000.00 元 (1 亿元/亩): 50,025.00 is refused, naming it.
        let tiny: Area = "0.0001".parse().expect("area");
        assert_eq!(
            bid_ceiling(tiny, widest_bid_price()),
            "10000".parse().expect("money")
        );
        // A lower ceiling set by the operator applies: 30 万元/亩 on 0.0001 亩 is 30 元.
        assert_eq!(
            bid_ceiling(tiny, UnitPrice::from_yuan(300_000).expect("price")),
            "30".parse().expect("money")
        );
        let over = validate_bid(
            &params,
            true,
            tiny,
            "25".parse().expect("m"),
            None,
            "50025".parse().expect("m"),
        )
        .expect_err("above the ceiling");
        assert!(
            over[0].message_zh.contains("10,000.00"),
            "{}",
            over[0].message_zh
        );
        assert_eq!(
            bid_ceiling("10000000".parse().expect("area"), widest_bid_price()),
            Money::from_fen(MAX_MONEY_FEN).expect("max")
        );
    }

    fn money(s: &str) -> Money {
        s.parse().expect("money")
    }

    #[test]
    fn the_two_notice_lots_have_their_published_start_totals_and_deposits() {
        let p = AuctionParams::default();
        let price = UnitPrice::from_yuan(250_000).expect("price");
        let xincheng = p
            .start_total("17.5335".parse().expect("area"), price)
            .expect("total");
        assert_eq!(xincheng, money("4383375.00"));
        assert_eq!(p.deposit(xincheng), Ok(money("500000")));
        let jingxi = p
            .start_total("75.2604".parse().expect("area"), price)
            .expect("total");
        assert_eq!(jingxi, money("18815100.00"));
        assert_eq!(p.deposit(jingxi), Ok(money("1900000")));
    }

    #[test]
    fn deposit_boundaries() {
        let p = AuctionParams::default();
        assert_eq!(p.deposit(money("1000000")), Ok(money("100000")));
        assert_eq!(p.deposit(money("1000000.01")), Ok(money("200000")));
        assert_eq!(p.deposit(money("0.01")), Ok(money("100000")));
    }

    #[test]
    fn the_ladder_and_the_minimum_next_bid() {
        let p = AuctionParams::default();
        let start = money("4383375.00");
        assert_eq!(p.check_bid(start, None, start), Ok(()));
        assert_eq!(p.check_bid(start, None, money("4433375.00")), Ok(()));
        let off = p
            .check_bid(start, None, money("4400000"))
            .expect_err("off ladder");
        assert!(off.message_zh.contains("整数倍"));
        assert!(p.check_bid(start, None, money("4383374.99")).is_err());
        let high = Some(money("4433375.00"));
        assert_eq!(p.min_next_bid(start, high), Ok(money("4483375.00")));
        assert!(
            p.check_bid(start, high, money("4433375.00")).is_err(),
            "equal to the high"
        );
        assert_eq!(p.check_bid(start, high, money("4483375.00")), Ok(()));
        assert_eq!(
            p.check_bid(start, high, money("4583375.00")),
            Ok(()),
            "skipping steps is fine"
        );
    }

    #[test]
    fn the_highest_bid_wins_and_no_bid_means_unsold() {
        assert_eq!(select_winner(&[]), None);
        let bid = |id, amount: &str, seq| BidEntry {
            bid_id: id,
            bidder_id: id * 10,
            amount: money(amount),
            seq,
        };
        let bids = [
            bid(1, "100", 1),
            bid(2, "300", 2),
            bid(3, "200", 3),
            bid(4, "300", 4),
        ];
        assert_eq!(select_winner(&bids).map(|b| b.bid_id), Some(2));
    }
}

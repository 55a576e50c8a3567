//! The calculator (测算): for a buyer's project, the quota it needs, whether buying is
//! mandatory and why, where it may buy, the cheapest fill across county listings, the regional
//! lots it could bid on and the total in 元/万元/大写; for a county, the proceeds of a planned
//! listing split by percentages. Pure functions: the browser runs them offline through WASM,
//! and `POST /api/v1/quote` runs the very same code on the server.

use core::cmp::Ordering;

use time::Date;

use crate::api::{
    FillLine, Listing, ListingStatus, Quote, QuoteProject, RegionalLotOption, TotalBasis,
    parse_area_field, positive_area,
};
use crate::auction::AuctionParams;
use crate::error::{DomainError, FieldError};
use crate::jurisdiction::{self, Jurisdiction};
use crate::quantity::{Area, Money, Percent, UnitPrice};
use crate::rules::{
    self, Channel, RuleApplied, RuleBook, RuleId, RuleViolation, check_quota_eligibility,
};

/// Everything the calculator reads besides the project: reference data and live offers.
#[derive(Debug, Clone, Copy)]
pub struct Market<'a> {
    pub units: &'a [Jurisdiction],
    pub listings: &'a [Listing],
    pub params: &'a AuctionParams,
    /// The rule versions; the ones in force on `day` apply.
    pub book: &'a RuleBook,
    /// The calendar day in Asia/Shanghai on which rules are applied.
    pub day: Date,
}

/// Answers a buyer's question about a project. Errors name the input field at fault.
pub fn quote(project: &QuoteProject, market: Market<'_>) -> Result<Quote, FieldError> {
    let required = parse_area_field("area", &project.area, project.unit)
        .and_then(|a| positive_area("area", a))?;
    let unit = jurisdiction::find(market.units, &project.county_code).ok_or_else(|| {
        FieldError::new(
            "county_code",
            DomainError::UnknownCounty {
                input: project.county_code.to_string(),
            },
        )
    })?;
    let use_ = project.use_;
    let (book, day) = (market.book, market.day);
    let applied = |rule: RuleId, message_zh: String, message_en: String| -> RuleApplied {
        RuleViolation::cited(book, day, rule, message_zh, message_en)
    };
    let must_buy = rules::must_buy(unit, use_, day, book);
    let regional_only = rules::regional_poverty_only(unit, use_, day, book);

    let mut rules_applied = vec![if must_buy {
        applied(
            RuleId::R6,
            format!(
                "{}的{}项目不安排新增建设用地计划指标，须购买 {} 亩增减挂钩节余指标",
                unit.name,
                use_.label_zh(),
                required
            ),
            format!(
                "A {} project in {} gets no plan quota: it must buy {} mu of surplus quota",
                use_.label_en(),
                unit.name_en,
                required
            ),
        )
    } else {
        applied(
            RuleId::R6,
            format!(
                "{}的{}项目不属于必须购买的情形，可使用计划指标，也可自愿购买节余指标",
                unit.name,
                use_.label_zh()
            ),
            format!(
                "A {} project in {} is not required to buy: plan quota may be used, buying is voluntary",
                use_.label_en(),
                unit.name_en
            ),
        )
    }];
    if regional_only {
        rules_applied.push(applied(
            RuleId::R7,
            "市辖区商服、商品住宅项目只能通过自治区交易平台购买脱贫县节余指标（竞价）".into(),
            "City-district commercial and housing projects buy only 脱贫县 quota, by bidding on the regional platform".into(),
        ));
    }
    if !unit.in_guangxi() {
        rules_applied.push(applied(
            RuleId::R8,
            "项目不在广西：脱贫县节余指标不能购买".into(),
            "The project is outside Guangxi: 脱贫县 quota is not available".into(),
        ));
    }

    let eligible_channels: Vec<Channel> = if regional_only {
        vec![Channel::Regional]
    } else {
        vec![Channel::County, Channel::Regional]
    };
    // R7/R8 per seller and channel, worked out once for each unit (not once per listing: the
    // rule book is asked a few times per check), by the unit's place in `market.units`.
    let verdicts: Vec<(bool, bool)> = market
        .units
        .iter()
        .map(|s| {
            let ok = |channel| {
                eligible_channels.contains(&channel)
                    && check_quota_eligibility(s, channel, unit, use_, day, book).is_empty()
            };
            (ok(Channel::County), ok(Channel::Regional))
        })
        .collect();
    let verdict = |at: usize, channel: Channel| {
        verdicts
            .get(at)
            .is_some_and(|&(county, regional)| match channel {
                Channel::County => county,
                Channel::Regional => regional,
            })
    };
    let eligible_seller_counties = market
        .units
        .iter()
        .enumerate()
        .filter(|&(at, _)| eligible_channels.iter().any(|&c| verdict(at, c)))
        .map(|(_, s)| s.code.clone())
        .collect();
    let seller_at = |l: &Listing| market.units.iter().position(|u| u.code == l.county_code);

    // County channel: cheapest first, ties by earliest listing, then id.
    let mut offers: Vec<&Listing> = market
        .listings
        .iter()
        .filter(|l| {
            l.channel == Channel::County
                && l.status == ListingStatus::Open
                && !l.remaining_mu.is_zero()
                && seller_at(l).is_some_and(|at| verdict(at, Channel::County))
        })
        .collect();
    offers.sort_by(|a, b| {
        a.price_per_mu
            .cmp(&b.price_per_mu)
            .then(a.listed_at.cmp(&b.listed_at))
            .then(a.id.cmp(&b.id))
    });
    let overflow = |e| FieldError::new("area", e);
    let mut cheapest_fill = Vec::new();
    let mut still_needed = required;
    let mut fill_total = Money::ZERO;
    if eligible_channels.contains(&Channel::County) {
        for offer in offers {
            if still_needed.is_zero() {
                break;
            }
            let take = offer.remaining_mu.min(still_needed);
            let amount = offer.price_per_mu.amount_for(take).map_err(overflow)?;
            fill_total = fill_total.checked_add(amount).map_err(overflow)?;
            still_needed = still_needed.checked_sub(take).map_err(overflow)?;
            cheapest_fill.push(FillLine {
                listing_id: offer.id,
                county_code: offer.county_code.clone(),
                area_mu: take,
                price_per_mu: offer.price_per_mu,
                amount_yuan: amount,
            });
        }
    }

    let mut regional_lots = Vec::new();
    for lot in market.listings.iter().filter(|l| {
        l.channel == Channel::Regional
            && matches!(l.status, ListingStatus::Scheduled | ListingStatus::Bidding)
            && seller_at(l).is_some_and(|at| verdict(at, Channel::Regional))
    }) {
        let start = match lot.start_total_yuan {
            Some(s) => s,
            None => market
                .params
                .start_total(lot.area_mu, lot.price_per_mu)
                .map_err(overflow)?,
        };
        let min_bid = market
            .params
            .min_next_bid(start, lot.high_bid_yuan)
            .map_err(overflow)?;
        regional_lots.push(RegionalLotOption {
            listing_id: lot.id,
            county_code: lot.county_code.clone(),
            area_mu: lot.area_mu,
            min_bid_yuan: min_bid,
            deposit_yuan: market.params.deposit(start).map_err(overflow)?,
            covers_need: lot.area_mu >= required,
        });
    }

    let (total_basis, total, shortfall) = if eligible_channels.contains(&Channel::County) {
        (TotalBasis::CountyFill, fill_total, still_needed)
    } else {
        // Lots are sold whole. Two candidates: the cheapest lots per 亩 taken until the need
        // is covered, and the cheapest single lot that covers it alone; the lower total wins.
        let mut by_price: Vec<&RegionalLotOption> = regional_lots.iter().collect();
        by_price.sort_by(|a, b| per_mu_cmp(a, b).then(a.listing_id.cmp(&b.listing_id)));
        let mut total = Money::ZERO;
        let mut needed = required;
        for lot in by_price {
            if needed.is_zero() {
                break;
            }
            total = total.checked_add(lot.min_bid_yuan).map_err(overflow)?;
            needed = needed
                .checked_sub(lot.area_mu.min(needed))
                .map_err(overflow)?;
        }
        if let Some(single) = regional_lots
            .iter()
            .filter(|l| l.covers_need)
            .min_by(|a, b| {
                a.min_bid_yuan
                    .cmp(&b.min_bid_yuan)
                    .then(a.listing_id.cmp(&b.listing_id))
            })
            && (!needed.is_zero() || single.min_bid_yuan < total)
        {
            total = single.min_bid_yuan;
            needed = Area::ZERO;
        }
        (TotalBasis::RegionalMinimumBids, total, needed)
    };

    Ok(Quote {
        required_mu: required,
        required_ha_display: required.hectares_display(),
        must_buy,
        rules_applied,
        eligible_channels,
        eligible_seller_counties,
        cheapest_fill,
        shortfall_mu: shortfall,
        total_basis,
        total_yuan: total,
        total_wan: total.wan_display(),
        total_capital: crate::capital::to_capital(total),
        regional_lots,
    })
}

/// Orders lots by minimum bid per 亩 without dividing (cross-multiplication in 128 bits).
fn per_mu_cmp(a: &RegionalLotOption, b: &RegionalLotOption) -> Ordering {
    let left = i128::from(a.min_bid_yuan.fen()) * i128::from(b.area_mu.e4());
    let right = i128::from(b.min_bid_yuan.fen()) * i128::from(a.area_mu.e4());
    left.cmp(&right)
}

/// A county's forecast of a planned listing: the proceeds if it sells in full, split across
/// use categories by the percentages the user enters (which must add up to 100).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProceedsForecast {
    pub total: Money,
    pub parts: Vec<Money>,
}

pub fn forecast_proceeds(
    area: Area,
    price: UnitPrice,
    shares: &[Percent],
) -> Result<ProceedsForecast, DomainError> {
    let total = price.amount_for(area.positive()?)?;
    let parts = total.split_by_percent(shares)?;
    Ok(ProceedsForecast { total, parts })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jurisdiction::wuzhou_default;
    use crate::quantity::AreaUnit;
    use crate::rules::ProjectUse;
    use time::macros::{date, datetime};

    const DAY: Date = date!(2026 - 11 - 29);

    fn listing(
        id: i64,
        county: &str,
        channel: Channel,
        remaining: &str,
        price: &str,
        minute: u8,
    ) -> Listing {
        let area: Area = remaining.parse().expect("area");
        Listing {
            id,
            county_code: county.parse().expect("code"),
            channel,
            status: if channel == Channel::County {
                ListingStatus::Open
            } else {
                ListingStatus::Bidding
            },
            area_mu: area,
            remaining_mu: area,
            farmland_mu: Area::ZERO,
            paddy_mu: Area::ZERO,
            grain_capacity_kg: 0,
            price_per_mu: price.parse().expect("price"),
            source_project: String::new(),
            township: String::new(),
            advance: false,
            listed_at: datetime!(2026-11-01 08:00 UTC) + time::Duration::minutes(minute.into()),
            opens_at: None,
            closes_at: None,
            start_total_yuan: None,
            deposit_yuan: None,
            high_bid_yuan: None,
            min_next_bid_yuan: None,
            bid_step_yuan: None,
            bid_count: 0,
            ruleset_version: rules::RULESET_VERSION.into(),
            sources: Vec::new(),
        }
    }

    /// Quotes `project` against `listings` with the default units and auction parameters.
    fn quote_in(listings: &[Listing], project: &QuoteProject) -> Result<Quote, FieldError> {
        let units = wuzhou_default();
        let params = AuctionParams::default();
        let book = rules::RuleBook::builtin();
        let market = Market {
            units: &units,
            listings,
            params: &params,
            book: &book,
            day: DAY,
        };
        quote(project, market)
    }

    fn project(use_: ProjectUse, county: &str, area: &str, unit: AreaUnit) -> QuoteProject {
        QuoteProject {
            use_,
            county_code: county.parse().expect("code"),
            area: area.into(),
            unit,
        }
    }

    #[test]
    fn cenxi_commercial_fills_cheapest_first_with_ties_to_the_earliest_listing() {
        let listings = vec![
            listing(1, "450422", Channel::County, "3", "300000", 5),
            listing(2, "450423", Channel::County, "4", "280000", 9),
            listing(3, "450421", Channel::County, "4", "280000", 1),
            listing(4, "450422", Channel::County, "10", "260000", 0),
        ];
        let q = quote_in(
            &listings,
            &project(ProjectUse::Commercial, "450481", "16", AreaUnit::Mu),
        )
        .expect("quote");
        assert!(q.must_buy);
        assert_eq!(q.rules_applied[0].rule, RuleId::R6);
        let lines: Vec<(i64, String)> = q
            .cheapest_fill
            .iter()
            .map(|l| (l.listing_id, l.area_mu.to_string()))
            .collect();
        assert_eq!(
            lines,
            [
                (4, "10.0000".into()),
                (3, "4.0000".into()),
                (2, "2.0000".into())
            ]
        );
        // 10 × 260,000 + 4 × 280,000 + 2 × 280,000
        assert_eq!(q.total_yuan.to_string(), "4280000.00");
        assert_eq!(q.total_capital, "肆佰贰拾捌万元整");
        assert_eq!(q.total_wan, "428.0000");
        assert!(q.shortfall_mu.is_zero());
    }

    #[test]
    fn a_changzhou_housing_project_in_hectares_may_only_bid_on_poverty_county_lots() {
        let listings = vec![
            listing(1, "450422", Channel::County, "50", "260000", 0),
            listing(2, "451321", Channel::Regional, "17.5335", "250000", 0),
            listing(3, "451081", Channel::Regional, "75.2604", "250000", 1),
            listing(4, "450421", Channel::Regional, "80", "250000", 2),
        ];
        let q = quote_in(
            &listings,
            &project(ProjectUse::Residential, "450405", "2", AreaUnit::Ha),
        )
        .expect("quote");
        assert_eq!(q.required_mu.to_string(), "30.0000");
        assert!(q.must_buy);
        assert_eq!(q.eligible_channels, [Channel::Regional]);
        assert!(q.rules_applied.iter().any(|r| r.rule == RuleId::R7));
        assert!(q.cheapest_fill.is_empty());
        let codes: Vec<&str> = q
            .eligible_seller_counties
            .iter()
            .map(|c| c.as_str())
            .collect();
        assert_eq!(codes, ["450422", "450423", "451321", "451081"]);
        let lots: Vec<(i64, String, String, bool)> = q
            .regional_lots
            .iter()
            .map(|l| {
                (
                    l.listing_id,
                    l.min_bid_yuan.to_string(),
                    l.deposit_yuan.to_string(),
                    l.covers_need,
                )
            })
            .collect();
        assert_eq!(
            lots,
            [
                (2, "4383375.00".into(), "500000.00".into(), false),
                (3, "18815100.00".into(), "1900000.00".into(), true)
            ]
        );
        assert_eq!(q.total_basis, TotalBasis::RegionalMinimumBids);
        // Taking both lots (cheapest per 亩 first) would cost 23,198,475.00; the 靖西市 lot
        // alone covers the 30 亩 for less.
        assert_eq!(q.total_yuan.to_string(), "18815100.00");
    }

    #[test]
    fn two_cheap_lots_beat_one_dear_lot_that_covers_the_need_alone() {
        let listings = vec![
            listing(1, "450422", Channel::Regional, "15", "250000", 0),
            listing(2, "450423", Channel::Regional, "10", "250000", 1),
            listing(3, "451081", Channel::Regional, "25", "400000", 2),
        ];
        let q = quote_in(
            &listings,
            &project(ProjectUse::Commercial, "450405", "20", AreaUnit::Mu),
        )
        .expect("quote");
        // 15 × 250,000 + 10 × 250,000 = 6,250,000 < 25 × 400,000 = 10,000,000.
        assert_eq!(q.total_yuan.to_string(), "6250000.00");
        assert!(q.shortfall_mu.is_zero());
    }

    #[test]
    fn shortfall_is_reported_when_offers_do_not_cover_the_need() {
        let listings = vec![listing(1, "450422", Channel::County, "3", "300000", 0)];
        let q = quote_in(
            &listings,
            &project(ProjectUse::Industrial, "450405", "5", AreaUnit::Mu),
        )
        .expect("quote");
        assert!(!q.must_buy);
        assert_eq!(q.shortfall_mu.to_string(), "2.0000");
        assert_eq!(q.total_yuan.to_string(), "900000.00");
    }

    #[test]
    fn bad_project_input_names_the_field() {
        let listings: Vec<Listing> = Vec::new();
        let e = quote_in(
            &listings,
            &project(ProjectUse::Industrial, "450405", "0", AreaUnit::Mu),
        )
        .expect_err("zero");
        assert_eq!((e.field.as_str(), e.error), ("area", DomainError::Zero));
        let e = quote_in(
            &listings,
            &project(ProjectUse::Industrial, "450405", "1.00001", AreaUnit::Mu),
        )
        .expect_err("5dp");
        assert!(matches!(e.error, DomainError::ScaleExceeded { .. }));
        let e = quote_in(
            &listings,
            &project(ProjectUse::Industrial, "110101", "1", AreaUnit::Mu),
        )
        .expect_err("unknown");
        assert_eq!(e.field, "county_code");
    }

    #[test]
    fn the_county_forecast_splits_exactly() {
        let shares = ["40", "30", "20", "10"].map(|s| Percent::parse(s).expect("pct"));
        let f = forecast_proceeds(
            "17.5335".parse().expect("area"),
            UnitPrice::from_yuan(250_000).expect("p"),
            &shares,
        )
        .expect("forecast");
        assert_eq!(f.total.to_string(), "4383375.00");
        let parts: Vec<String> = f.parts.iter().map(ToString::to_string).collect();
        assert_eq!(
            parts,
            ["1753350.00", "1315012.50", "876675.00", "438337.50"]
        );
    }
}

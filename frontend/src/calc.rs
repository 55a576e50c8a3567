//! The calculator's screen state and its transitions: plain data and functions, tested
//! natively. The page renders what [`quote_for`] and [`forecast_for`] return, computed in the
//! browser by the shared crate — the same code the server runs for `POST /api/v1/quote`.

use std::rc::Rc;

use quota_shared::api::{County, Listing, Quote, QuoteProject};
use quota_shared::auction::AuctionParams;
use quota_shared::calculator::{self, Market, ProceedsForecast};
use quota_shared::jurisdiction::Jurisdiction;
use quota_shared::rules::ProjectUse;
use quota_shared::rules::RuleBook;
use quota_shared::{AreaUnit, FieldError, Percent, UnitPrice};
use yew::Reducible;

/// What the buyer typed.
#[derive(Debug, Clone, PartialEq)]
pub struct CalcForm {
    pub use_: ProjectUse,
    pub county: String,
    pub area: String,
    pub unit: AreaUnit,
}

/// The worked example the calculator opens on, so a first visitor sees a whole answer (a
/// 长洲区 housing project of 20 亩: must buy, 脱贫县 quota on the regional platform only)
/// before typing anything.
pub const EXAMPLE_AREA: &str = "20";

impl Default for CalcForm {
    fn default() -> Self {
        Self {
            use_: ProjectUse::Residential,
            county: "450405".into(),
            area: EXAMPLE_AREA.into(),
            unit: AreaUnit::Mu,
        }
    }
}

/// One change the buyer makes: the field and its new value.
#[derive(Debug, Clone, PartialEq)]
pub enum CalcAction {
    Use(ProjectUse),
    County(String),
    Area(String),
    Unit(AreaUnit),
}

impl CalcForm {
    pub fn apply(&self, action: CalcAction) -> CalcForm {
        let mut next = self.clone();
        match action {
            CalcAction::Use(u) => next.use_ = u,
            CalcAction::County(c) => next.county = c,
            CalcAction::Area(a) => next.area = a,
            CalcAction::Unit(u) => next.unit = u,
        }
        next
    }
}

impl Reducible for CalcForm {
    type Action = CalcAction;
    fn reduce(self: Rc<Self>, action: CalcAction) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

/// The quote for the form, or the field error to show; `None` while the area is empty.
pub fn quote_for(
    form: &CalcForm,
    counties: &[County],
    listings: &[Listing],
    day: time::Date,
    book: &RuleBook,
) -> Option<Result<Quote, FieldError>> {
    if form.area.trim().is_empty() {
        return None;
    }
    let county_code = match form.county.parse() {
        Ok(c) => c,
        Err(e) => return Some(Err(FieldError::new("county_code", e))),
    };
    let units: Vec<Jurisdiction> = counties.iter().map(County::jurisdiction).collect();
    let params = AuctionParams::default().as_on(book, day);
    let project = QuoteProject {
        use_: form.use_,
        county_code,
        area: form.area.clone(),
        unit: form.unit,
    };
    Some(calculator::quote(
        &project,
        Market {
            units: &units,
            listings,
            params: &params,
            book,
            day,
        },
    ))
}

/// What a county clerk typed for a forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastForm {
    pub area: String,
    pub price: String,
    /// Percent per use category, in the order of the categories shown.
    pub shares: Vec<String>,
}

impl Default for ForecastForm {
    fn default() -> Self {
        Self {
            area: "20".into(),
            price: "280000".into(),
            shares: vec!["40".into(), "40".into(), "20".into(), "0".into()],
        }
    }
}

/// The forecast, or the field error to show.
pub fn forecast_for(form: &ForecastForm) -> Result<ProceedsForecast, FieldError> {
    let area = form
        .area
        .parse()
        .map_err(|e| FieldError::new("area_mu", e))?;
    let price: UnitPrice = form
        .price
        .parse()
        .map_err(|e| FieldError::new("price_per_mu", e))?;
    let shares = form
        .shares
        .iter()
        .map(|s| {
            if s.trim().is_empty() {
                Percent::parse("0")
            } else {
                Percent::parse(s)
            }
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| FieldError::new("shares", e))?;
    calculator::forecast_proceeds(area, price, &shares).map_err(|e| FieldError::new("shares", e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quota_shared::api::CountiesResponse;
    use quota_shared::jurisdiction::wuzhou_default;
    use quota_shared::rules::RuleId;

    fn counties() -> Vec<County> {
        let units = wuzhou_default();
        let json = serde_json::json!({"counties": units.iter().map(|u| serde_json::json!({
            "code": u.code, "name": u.name, "name_en": u.name_en, "kind": u.kind,
            "city_code": u.city_code, "city_name": u.city_name,
            "poverty_alleviated": u.poverty_alleviated, "poverty_status_confirmed": u.poverty_status_confirmed,
            "project_rule": u.project_rule, "base_price_per_mu": null,
        })).collect::<Vec<_>>()});
        serde_json::from_value::<CountiesResponse>(json)
            .expect("counties")
            .counties
    }

    #[test]
    fn typing_updates_one_field_at_a_time() {
        let form = CalcForm::default()
            .apply(CalcAction::Area("2".into()))
            .apply(CalcAction::Unit(AreaUnit::Ha))
            .apply(CalcAction::Use(ProjectUse::Commercial));
        assert_eq!(
            (form.area.as_str(), form.unit, form.use_),
            ("2", AreaUnit::Ha, ProjectUse::Commercial)
        );
        assert_eq!(form.county, "450405", "untouched fields keep their values");
    }

    #[test]
    fn a_changzhou_housing_project_in_hectares_is_quoted_in_the_browser() {
        let form = CalcForm {
            use_: ProjectUse::Residential,
            county: "450405".into(),
            area: "2".into(),
            unit: AreaUnit::Ha,
        };
        let q = quote_for(
            &form,
            &counties(),
            &[],
            time::macros::date!(2026 - 11 - 29),
            &RuleBook::builtin(),
        )
        .expect("an answer")
        .expect("a quote");
        assert_eq!(q.required_mu.to_string(), "30.0000");
        assert!(q.must_buy);
        assert!(q.rules_applied.iter().any(|r| r.rule == RuleId::R7));
    }

    #[test]
    fn the_calculator_opens_on_a_worked_example_that_is_already_quoted() {
        let q = quote_for(
            &CalcForm::default(),
            &counties(),
            &[],
            time::macros::date!(2026 - 11 - 29),
            &RuleBook::builtin(),
        )
        .expect("an answer")
        .expect("a quote");
        assert_eq!(q.required_mu.to_string(), "20.0000");
        assert!(q.must_buy && q.rules_applied.iter().any(|r| r.rule == RuleId::R7));
    }

    #[test]
    fn an_empty_area_waits_and_a_fifth_decimal_is_refused_with_the_server_s_words() {
        let mut form = CalcForm {
            area: String::new(),
            ..CalcForm::default()
        };
        assert!(
            quote_for(
                &form,
                &counties(),
                &[],
                time::macros::date!(2026 - 11 - 29),
                &RuleBook::builtin()
            )
            .is_none()
        );
        form.area = "1.00001".into();
        let e = quote_for(
            &form,
            &counties(),
            &[],
            time::macros::date!(2026 - 11 - 29),
            &RuleBook::builtin(),
        )
        .expect("an answer")
        .expect_err("refused");
        assert_eq!(e.field, "area");
        assert!(e.message_zh().contains("1.0000"), "{}", e.message_zh());
    }

    #[test]
    fn the_forecast_splits_by_the_shares_typed() {
        let f = forecast_for(&ForecastForm::default()).expect("forecast");
        assert_eq!(f.total.to_string(), "5600000.00");
        assert_eq!(
            f.parts.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["2240000.00", "2240000.00", "1120000.00", "0.00"]
        );
        let bad = ForecastForm {
            shares: vec!["50".into(), "40".into()],
            ..ForecastForm::default()
        };
        assert!(forecast_for(&bad).is_err(), "shares must add up to 100");
    }
}

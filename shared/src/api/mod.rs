//! The HTTP API v1 wire types (docs/API-DESIGN.md): what the server sends and accepts and what
//! the web app reads, compiled from one definition on both sides. Decimals are strings; a
//! single resource is wrapped in its singular name, a list in its plural. One module per
//! resource, all re-exported here:
//!
//! - [`reference`]: counties, floor versions, the rule catalogue, health.
//! - [`listings`]: listings, bids, announcements.
//! - [`quote`]: the calculator.
//! - [`accounts`]: roles, sessions, accounts.
//! - [`purchases`]: purchases, awards, settlement.
//! - [`holdings`]: holdings and uses (落地).
//! - [`objections`]: objections to a trade in its publicity (异议).
//! - [`organisations`]: parties (单位), registration and review.
//! - [`projects`]: reclamation projects (复垦项目), where quota comes from.
//! - [`finance`]: proceeds, allocations, disbursements.
//! - [`audit`]: the audit log.
//! - [`errors`]: the error envelope, `Lang`, field explanations.

pub mod accounts;
pub mod audit;
pub mod errors;
pub mod finance;
pub mod holdings;
pub mod listings;
pub mod objections;
pub mod organisations;
pub mod projects;
pub mod purchases;
pub mod quote;
pub mod reference;
pub mod serials;

pub use accounts::*;
pub use audit::*;
pub use errors::*;
pub use finance::*;
pub use holdings::*;
pub use listings::*;
pub use objections::*;
pub use organisations::*;
pub use projects::*;
pub use purchases::*;
pub use quote::*;
pub use reference::*;
pub use serials::*;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::DomainError;
    use crate::rules::ProjectUse;

    #[test]
    fn accept_language_prefers_chinese_unless_english_comes_first() {
        assert_eq!(Lang::from_accept_language(None), Lang::Zh);
        assert_eq!(Lang::from_accept_language(Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(
            Lang::from_accept_language(Some("zh-CN,zh;q=0.9,en;q=0.8")),
            Lang::Zh
        );
        assert_eq!(Lang::from_accept_language(Some("fr")), Lang::Zh);
    }

    #[test]
    fn purchase_requests_read_the_wire_shape_of_the_contract() {
        let body = r#"{"listing_id": 7, "area_mu": "2.5000",
            "project": {"name": "岑溪某商住项目", "use": "commercial", "county_code": "450481"}}"#;
        let req: PurchaseRequest = serde_json::from_str(body).expect("contract shape");
        assert_eq!(req.area_mu.to_string(), "2.5000");
        assert_eq!(req.project.use_, ProjectUse::Commercial);
        for bad in [
            r#"{"listing_id": 7, "area_mu": "2.50001", "project": {"name": "x", "use": "commercial", "county_code": "450481"}}"#,
            r#"{"listing_id": 7, "area_mu": 2.5, "project": {"name": "x", "use": "commercial", "county_code": "450481"}}"#,
            r#"{"listing_id": 7, "area_mu": "2.5", "project": {"name": "x", "use": "villa", "county_code": "450481"}}"#,
            r#"{"listing_id": 7, "area_mu": "2.5", "extra": 1, "project": {"name": "x", "use": "commercial", "county_code": "450481"}}"#,
        ] {
            assert!(
                serde_json::from_str::<PurchaseRequest>(bad).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn error_bodies_carry_the_first_rule_and_every_violation() {
        let v = crate::rules::check_regional_bidder(false).expect_err("R11");
        let body = ErrorBody::from_violations(vec![v.clone()], Lang::En);
        assert_eq!(body.rule.as_deref(), Some("R11"));
        assert_eq!(body.message, v.message_en);
        assert_eq!(body.violations.map(|v| v.len()), Some(1));
        let json = serde_json::to_value(ErrorBody::new(
            crate::codes::ErrorCode::Internal,
            "中".into(),
            "en".into(),
            Lang::Zh,
        ))
        .expect("json");
        assert!(
            json.get("field").is_none() && json.get("rule").is_none(),
            "absent optionals are omitted"
        );
    }

    #[test]
    fn field_values_are_explained_by_their_wire_name() {
        assert!(matches!(
            explain_field_value("area_mu", "1.00001"),
            Some(DomainError::ScaleExceeded { .. })
        ));
        assert_eq!(
            explain_field_value("price_per_mu", "0"),
            Some(DomainError::Zero)
        );
        assert_eq!(
            explain_field_value("amount_yuan", "-5"),
            Some(DomainError::Negative)
        );
        assert!(matches!(
            explain_field_value("county_code", "99"),
            Some(DomainError::UnknownCounty { .. })
        ));
        assert_eq!(
            explain_field_value("area_mu", "1.5"),
            None,
            "a valid value has nothing to explain"
        );
        assert_eq!(explain_field_value("name", "x"), None);
    }

    #[test]
    fn quote_requests_reject_unknown_fields() {
        let ok =
            r#"{"project":{"use":"residential","county_code":"450405","area":"2","unit":"ha"}}"#;
        assert!(serde_json::from_str::<QuoteRequest>(ok).is_ok());
        let extra = r#"{"project":{"use":"residential","county_code":"450405","area":"2","x":1}}"#;
        assert!(serde_json::from_str::<QuoteRequest>(extra).is_err());
    }
}

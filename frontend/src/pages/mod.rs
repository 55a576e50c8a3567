//! One module per page; what pages share lives in `components/` and `hooks/`. The staff
//! consoles (bureau, finance, admin) are only in the staff bundle (feature `staff`); the
//! public bundle has [`staff_console`] in their place, which loads the staff bundle.

pub mod account;
#[cfg(feature = "staff")]
pub mod admin;
#[cfg(feature = "staff")]
pub mod admin_organisations;
#[cfg(feature = "staff")]
pub mod admin_parties;
#[cfg(feature = "staff")]
pub mod admin_rules;
#[cfg(feature = "staff")]
pub mod bureau;
#[cfg(feature = "staff")]
pub mod bureau_import;
#[cfg(feature = "staff")]
pub mod bureau_listing;
#[cfg(feature = "staff")]
pub mod bureau_objections;
#[cfg(feature = "staff")]
pub mod bureau_project;
#[cfg(feature = "staff")]
pub mod bureau_projects;
pub mod buy;
pub mod calculator;
#[cfg(feature = "staff")]
pub mod confirmation;
#[cfg(feature = "staff")]
pub mod finance;
pub mod home;
pub mod login;
pub mod lot;
pub mod market;
pub mod mine;
#[cfg(feature = "staff")]
pub mod objection;
#[cfg(feature = "staff")]
pub mod organisation_form;
#[cfg(feature = "staff")]
pub mod own_organisation;
#[cfg(feature = "staff")]
pub mod register;
// Used by the public bundle only; compiled in both so each checks it.
#[cfg_attr(feature = "staff", allow(dead_code))]
pub mod staff_console;
#[cfg(feature = "staff")]
pub mod trace;
#[cfg(feature = "staff")]
pub mod verify;

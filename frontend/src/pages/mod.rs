//! One module per page; what pages share lives in `components/` and `hooks/`.

pub mod account;
pub mod admin;
pub mod bureau;
pub mod buy;
pub mod calculator;
pub mod confirmation;
pub mod finance;
pub mod home;
pub mod login;
pub mod lot;
pub mod market;
pub mod mine;

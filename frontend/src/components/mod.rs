//! Pieces every page uses: fetch states ([`status`]), form fields ([`form`]), status badges
//! ([`badge`]) and how names, days and countdowns are shown ([`format`]), and the use (落地) filing ([`use_form`]).

pub mod badge;
pub mod form;
pub mod format;
pub mod status;
pub mod use_form;

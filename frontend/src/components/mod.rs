//! Pieces every page uses: fetch states ([`status`]), form fields ([`form`]), status badges
//! ([`badge`]) and how names, days and countdowns are shown ([`format`]).

pub mod badge;
pub mod form;
pub mod format;
pub mod status;

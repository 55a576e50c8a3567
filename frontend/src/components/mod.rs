//! Pieces every page uses: fetch states ([`status`]), form fields ([`form`]), status badges
//! ([`badge`]) and how names, days and countdowns are shown ([`format`]), the use (落地) filing
//! ([`use_form`]), and, in the staff bundle, how an organisation's documents read ([`party`]).

pub mod badge;
pub mod form;
pub mod format;
#[cfg(feature = "staff")]
pub mod party;
pub mod status;
pub mod use_form;

//! Pieces every page uses: fetch states ([`status`]), form fields ([`form`]) and how names,
//! days and countdowns are shown ([`format`]).

pub mod form;
pub mod format;
pub mod status;

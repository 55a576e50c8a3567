//! The Quota Exchange web app (Yew, client-side rendered, compiled to WASM and served by the
//! backend from the same origin).
//!
//! Map, from the bottom up (each module imports only from those above it):
//! - [`i18n`]: every text, Chinese first; [`api`]: all HTTP, returning the shared crate's types.
//! - [`route`]: the pages' paths; [`session`]: who is logged in.
//! - [`calc`]: the calculator's form and reducer; [`forms`]: the staff forms' checks;
//!   [`chart`]: the finance chart's layout (all tested natively).
//! - [`hooks`]: fetch state and timers; [`components`]: fetch states, form fields, formats.
//! - [`pages`]: one module per page; [`app`]: the shell that switches between them.

// The public bundle leaves the staff consoles out (feature `staff`); what only they use is
// checked by the staff build (scripts/test.sh runs clippy on both).
#![cfg_attr(not(feature = "staff"), allow(dead_code))]

mod api;
mod app;
mod calc;
mod chart;
mod components;
mod forms;
mod hooks;
mod i18n;
mod pages;
#[cfg(feature = "staff")]
mod party_api;
mod route;
mod session;
mod stock_api;

fn main() {
    yew::Renderer::<app::App>::new().render();
}

//! The Quota Exchange web app (Yew, client-side rendered, compiled to WASM and served by the
//! backend from the same origin).
//!
//! Map: [`app`] the shell (language, header, page); [`pages`] one module per page; [`api`] all
//! HTTP, returning the shared crate's types; [`i18n`] every text, Chinese first.

mod api;
mod app;
mod calc;
mod i18n;
mod pages;

fn main() {
    yew::Renderer::<app::App>::new().render();
}

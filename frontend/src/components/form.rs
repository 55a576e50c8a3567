//! Form fields bound to string states: the page keeps what the user typed, exactly, and parses
//! it with the shared crate when it validates.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// A text input bound to a string state.
pub fn bind(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| {
        if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
            state.set(i.value());
        }
    })
}

/// A select bound to a string state.
pub fn bind_select(state: &UseStateHandle<String>) -> Callback<Event> {
    let state = state.clone();
    Callback::from(move |e: Event| {
        if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
            state.set(s.value());
        }
    })
}

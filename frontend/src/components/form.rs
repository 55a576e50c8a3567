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

/// The value of an input or a textarea an `InputEvent` came from.
pub fn input_value(e: &InputEvent) -> String {
    e.target_dyn_into::<HtmlInputElement>()
        .map(|i| i.value())
        .or_else(|| {
            e.target_dyn_into::<web_sys::HtmlTextAreaElement>()
                .map(|i| i.value())
        })
        .unwrap_or_default()
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

/// A text input that reports its new value (to a form's reducer or field setter).
pub fn on_input(set: Callback<String>) -> Callback<InputEvent> {
    Callback::from(move |e: InputEvent| {
        if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
            set.emit(i.value());
        }
    })
}

/// A select that reports its new value.
pub fn on_select(set: Callback<String>) -> Callback<Event> {
    Callback::from(move |e: Event| {
        if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
            set.emit(s.value());
        }
    })
}

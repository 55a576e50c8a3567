//! State that pages share: [`Load`], the state of one fetch, and [`use_ticker`].

use yew::prelude::*;

use crate::api::ApiFailure;

/// The state of one fetch.
#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    Loading,
    Ready(T),
    Failed(ApiFailure),
}

impl<T> From<Result<T, ApiFailure>> for Load<T> {
    fn from(r: Result<T, ApiFailure>) -> Self {
        match r {
            Ok(v) => Load::Ready(v),
            Err(e) => Load::Failed(e),
        }
    }
}

/// Re-renders the component every second (for countdowns).
#[hook]
pub fn use_ticker() {
    let update = use_force_update();
    use_effect_with((), move |_| {
        let interval = gloo::timers::callback::Interval::new(1_000, move || update.force_update());
        move || drop(interval)
    });
}

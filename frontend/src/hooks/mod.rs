//! State that pages share, as hooks:
//! - [`use_load`]: one fetch tied to its inputs — loading, ready or failed — with a reload;
//!   [`UseLoad::failure`] shows a failure (with a retry) wherever the page puts it, so no
//!   failed load is ever dropped silently. [`use_counties`] is the one most pages need.
//! - [`use_submit`]: one action — busy while it runs, then its outcome.
//! - [`use_ticker`]: a re-render every second, for countdowns.

use std::future::Future;

use quota_shared::api::{County, Lang};
use yew::prelude::*;

use crate::api::{self, ApiFailure};
use crate::components::status::failed;

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

/// A fetch and how to do it again.
#[derive(Clone, PartialEq)]
pub struct UseLoad<T> {
    state: UseStateHandle<Load<T>>,
    reload: Callback<()>,
}

impl<T: Clone + PartialEq + 'static> UseLoad<T> {
    pub fn state(&self) -> &Load<T> {
        &self.state
    }

    /// The value once it has loaded.
    pub fn ready(&self) -> Option<&T> {
        match &*self.state {
            Load::Ready(v) => Some(v),
            _ => None,
        }
    }

    /// Fetches again (after a change the page made, or from the retry button).
    pub fn reload(&self) {
        self.reload.emit(());
    }

    /// The failure with a retry button, or nothing.
    pub fn failure(&self, lang: Lang) -> Html {
        match &*self.state {
            Load::Failed(e) => {
                let reload = self.reload.clone();
                failed(lang, e, Some(Callback::from(move |_| reload.emit(()))))
            }
            _ => Html::default(),
        }
    }
}

/// Fetches with `fetch(deps)` whenever `deps` change (and on [`UseLoad::reload`]).
#[hook]
pub fn use_load<T, D, F, Fut>(deps: D, fetch: F) -> UseLoad<T>
where
    T: Clone + PartialEq + 'static,
    D: Clone + PartialEq + 'static,
    F: FnOnce(D) -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiFailure>> + 'static,
{
    let state = use_state(|| Load::Loading);
    let generation = use_state(|| 0u32);
    {
        let state = state.clone();
        use_effect_with((deps, *generation), move |(deps, _)| {
            let deps = deps.clone();
            yew::platform::spawn_local(async move {
                state.set(fetch(deps).await.into());
            });
        });
    }
    let reload = {
        let generation = generation.clone();
        Callback::from(move |()| generation.set(generation.wrapping_add(1)))
    };
    UseLoad { state, reload }
}

/// The county-level units (names, base prices, the 脱贫县 flag), which most pages show.
#[hook]
pub fn use_counties() -> UseLoad<Vec<County>> {
    use_load((), |()| async { api::counties().await.map(|c| c.counties) })
}

/// One action of a form: busy while it runs, then its outcome.
#[derive(Clone, PartialEq)]
pub struct Submit<T> {
    busy: UseStateHandle<bool>,
    outcome: UseStateHandle<Option<Result<T, ApiFailure>>>,
}

impl<T: Clone + PartialEq + 'static> Submit<T> {
    pub fn busy(&self) -> bool {
        *self.busy
    }

    pub fn outcome(&self) -> Option<&Result<T, ApiFailure>> {
        self.outcome.as_ref()
    }

    /// Runs `work` unless one is already running; `then` sees the outcome (to reload a list,
    /// clear a field) before it is shown.
    pub fn run(
        &self,
        work: impl Future<Output = Result<T, ApiFailure>> + 'static,
        then: impl FnOnce(&Result<T, ApiFailure>) + 'static,
    ) {
        if *self.busy {
            return;
        }
        self.busy.set(true);
        let (busy, outcome) = (self.busy.clone(), self.outcome.clone());
        yew::platform::spawn_local(async move {
            let result = work.await;
            then(&result);
            outcome.set(Some(result));
            busy.set(false);
        });
    }
}

#[hook]
pub fn use_submit<T: Clone + PartialEq + 'static>() -> Submit<T> {
    Submit {
        busy: use_state(|| false),
        outcome: use_state(|| None),
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

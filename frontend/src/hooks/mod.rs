//! State that pages share, as hooks:
//! - [`use_load`]: one fetch tied to its inputs — loading, ready or failed — with a reload;
//!   [`UseLoad::failure`] shows a failure (with a retry) wherever the page puts it, so no
//!   failed load is ever dropped silently. [`use_counties`] is the one most pages need;
//!   [`use_rule_book`] gives the rule versions the forms check against.
//! - [`use_submit`]: one action — busy while it runs, then its outcome.
//! - [`use_ticker`]: a re-render every second, for countdowns.

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

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

/// How many times a load was asked for again; a reducer, so two reloads in one render both
/// count.
#[derive(Debug, Default, PartialEq)]
struct Generation(u32);

impl Reducible for Generation {
    type Action = ();
    fn reduce(self: Rc<Self>, (): ()) -> Rc<Self> {
        Rc::new(Generation(self.0.wrapping_add(1)))
    }
}

/// Fetches with `fetch(deps)` whenever `deps` change (and on [`UseLoad::reload`]). Only the
/// answer to the latest fetch is kept: a slow answer to an earlier one (the year the clerk
/// switched away from) is dropped. When `deps` change the state goes back to loading, so old
/// figures never show under the new inputs; a reload keeps them on screen until it answers.
#[hook]
pub fn use_load<T, D, F, Fut>(deps: D, fetch: F) -> UseLoad<T>
where
    T: Clone + PartialEq + 'static,
    D: Clone + PartialEq + 'static,
    F: FnOnce(D) -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiFailure>> + 'static,
{
    let state = use_state(|| Load::Loading);
    let generation = use_reducer(Generation::default);
    let last_deps = use_mut_ref(|| None::<D>);
    {
        let state = state.clone();
        use_effect_with((deps, generation.0), move |(deps, _)| {
            let changed = last_deps.borrow().as_ref() != Some(deps);
            if changed {
                *last_deps.borrow_mut() = Some(deps.clone());
                state.set(Load::Loading);
            }
            let alive = Rc::new(Cell::new(true));
            let deps = deps.clone();
            {
                let alive = alive.clone();
                yew::platform::spawn_local(async move {
                    let answer = fetch(deps).await;
                    if alive.get() {
                        state.set(answer.into());
                    }
                });
            }
            move || alive.set(false)
        });
    }
    let reload = {
        let generation = generation.dispatcher();
        Callback::from(move |()| generation.dispatch(()))
    };
    UseLoad { state, reload }
}

/// The county-level units (names, base prices, the 脱贫县 flag), which most pages show.
#[hook]
pub fn use_counties() -> UseLoad<Vec<County>> {
    use_load((), |()| async { api::counties().await.map(|c| c.counties) })
}

/// The rule versions (R13) the forms check against: the built-in seed until the server's
/// have loaded (or when they cannot be), so a form never waits on them.
#[hook]
pub fn use_rule_book() -> quota_shared::rules::RuleBook {
    let book = use_load((), |()| async { Ok(api::rule_book().await) });
    book.ready()
        .cloned()
        .unwrap_or_else(quota_shared::rules::RuleBook::builtin)
}

/// One action of a form: busy while it runs, then its outcome.
#[derive(Clone)]
pub struct Submit<T> {
    busy: UseStateHandle<bool>,
    /// The same flag, read at the moment of a click (a double click never sends twice).
    running: Rc<Cell<bool>>,
    outcome: UseStateHandle<Option<Result<T, ApiFailure>>>,
}

impl<T: PartialEq> PartialEq for Submit<T> {
    fn eq(&self, other: &Self) -> bool {
        self.busy == other.busy && self.outcome == other.outcome
    }
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
        if self.running.replace(true) {
            return;
        }
        self.busy.set(true);
        let (busy, running, outcome) = (
            self.busy.clone(),
            self.running.clone(),
            self.outcome.clone(),
        );
        yew::platform::spawn_local(async move {
            let result = work.await;
            then(&result);
            outcome.set(Some(result));
            running.set(false);
            busy.set(false);
        });
    }
}

#[hook]
pub fn use_submit<T: Clone + PartialEq + 'static>() -> Submit<T> {
    Submit {
        busy: use_state(|| false),
        running: use_memo((), |()| Cell::new(false)),
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

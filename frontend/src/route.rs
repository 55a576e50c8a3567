//! [`Route`]: every page of the app, one variant each, with its path. Pages link with it and
//! the shell (`app.rs`) switches on it; it sits below both.

use yew_router::prelude::*;

/// Every page of the app.
#[derive(Debug, Clone, PartialEq, Routable)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/calculator")]
    Calculator,
    #[at("/market")]
    Market,
    #[at("/market/:id")]
    Buy { id: i64 },
    #[at("/lots/:id")]
    Lot { id: i64 },
    #[at("/mine")]
    Mine,
    #[at("/confirmations/:id")]
    Confirmation { id: i64 },
    #[at("/login")]
    Login,
    /// 提出异议 to a trade in its publicity (R16); in the second bundle, like the consoles.
    #[at("/objection/:id")]
    Objection { id: i64 },
    /// 指标溯源: a serial traced to its project, trade and use (public; second bundle).
    #[at("/trace")]
    TraceHome,
    #[at("/trace/:serial")]
    Trace { serial: String },
    /// 核验成交确认书 by its 核验码 (public; second bundle).
    #[at("/verify")]
    VerifyHome,
    #[at("/verify/:code")]
    Verify { code: String },
    /// 单位注册 (public; second bundle).
    #[at("/register")]
    Register,
    #[at("/bureau")]
    Bureau,
    #[at("/finance")]
    Finance,
    #[at("/admin")]
    Admin,
    #[at("/account")]
    Account,
    #[not_found]
    #[at("/404")]
    NotFound,
}

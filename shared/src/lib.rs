//! The Quota Exchange domain (增减挂钩节余指标交易): one code for the server and the browser.
//!
//! Map of the crate:
//! - [`quantity`]: [`Area`] (亩, 4 dp), [`Money`] (元, 2 dp), [`UnitPrice`] (元/亩), [`Percent`];
//!   exact parsing from 亩/公顷/m², display (万元, thousands), splits (R9).
//! - [`positive`]: areas and amounts that can never be zero, parsed once at the edge.
//! - [`capital`]: 大写金额 (R10).
//! - [`calendar`]: the Asia/Shanghai calendar (the day rules apply on, the year of proceeds).
//! - [`jurisdiction`]: county-level units, GB/T 2260 codes, the 脱贫县 flag (R14), the Wuzhou
//!   default data set.
//! - [`rules`]: R1–R14 as dated, cited data plus the check functions (R1–R3, R6–R8, R11).
//! - [`auction`]: regional-lot arithmetic (R4, R5): ladder, minimum next bid, deposit, winner.
//! - [`calculator`]: the buyer's quote and the county's proceeds forecast.
//! - [`api`]: the HTTP API v1 request/response types shared by backend and frontend.
//! - [`error`]: [`DomainError`] with Chinese and English messages; [`codes`]: every
//!   `error.code` of the API with its status and meaning, in one table.
//! - [`wire`]: `wire_enum!`, the one spelling of every closed set of names (roles, statuses …).
//!
//! No I/O and no async runtime: the crate builds for `wasm32-unknown-unknown`.

pub mod api;
pub mod auction;
pub mod calculator;
pub mod calendar;
pub mod capital;
pub mod codes;
pub mod error;
pub mod jurisdiction;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod positive;
pub mod quantity;
pub mod rules;
pub mod serial;
pub mod uscc;
pub mod wire;

pub use error::{DomainError, FieldError};
pub use positive::{PositiveArea, PositiveMoney};
pub use quantity::{Area, AreaUnit, Money, Percent, UnitPrice};

//! [`Session`]: who is logged in, provided by the shell as a context to every page.

use quota_shared::api::User;
use yew::Callback;

/// Who is logged in, shared with every page.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub user: Option<User>,
    /// Whether `GET /me` has answered yet.
    pub known: bool,
    pub set: Callback<Option<User>>,
}

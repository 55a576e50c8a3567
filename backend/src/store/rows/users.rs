//! Account rows as stored, decoded on both databases.

use super::{corrupt, parse_stored};
use crate::store::error::StoreError;
use crate::store::types::UserRecord;

/// The columns of [`UserRow`], in its order.
pub(crate) const USER_COLUMNS: &str = "u.id, u.username, u.password_hash, u.role, u.county_code, u.regional_bidder, u.disabled, u.must_change_password, u.organisation_id";
/// Columns of a user row: id, username, password_hash, role, county_code, regional_bidder,
/// disabled, must_change_password, organisation_id.
pub(crate) type UserRow = (
    i64,
    String,
    String,
    String,
    Option<String>,
    bool,
    bool,
    bool,
    Option<i64>,
);

pub(crate) fn user_from_row(row: UserRow) -> Result<UserRecord, StoreError> {
    let (
        id,
        username,
        password_hash,
        role,
        county,
        regional_bidder,
        disabled,
        must_change_password,
        organisation_id,
    ) = row;
    Ok(UserRecord {
        id,
        username,
        password_hash,
        role: parse_stored("role", &role)?,
        county_code: county
            .map(|c| c.parse())
            .transpose()
            .map_err(|_| corrupt("user county"))?,
        regional_bidder,
        disabled,
        must_change_password,
        organisation_id,
    })
}

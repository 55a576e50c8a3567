//! Pairing rows with what the log (or the rows they derive from) says of them, and naming
//! the first difference.

use std::collections::BTreeMap;
use std::fmt;

/// The first disagreement between a row and the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// `listing:5`, `purchase:7`, `allocation:2`, `disbursement:3`, `user:finance`.
    pub object: String,
    pub field: &'static str,
    /// What the log says (`absent` when it never recorded the object).
    pub logged: String,
    /// What the table holds (`absent` when the row is gone).
    pub live: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} 的 {} 与审计记录不符：记录为 {}，表中为 {} / {} field {} disagrees with the audit log: logged {}, stored {}",
            self.object,
            self.field,
            self.logged,
            self.live,
            self.object,
            self.field,
            self.logged,
            self.live
        )
    }
}

const ABSENT: &str = "absent";

/// Compares one field; the first difference becomes the mismatch.
pub(super) struct Check<'a> {
    pub(super) object: &'a str,
    pub(super) found: Option<Mismatch>,
}

impl Check<'_> {
    pub(super) fn field<T: PartialEq + fmt::Debug>(
        &mut self,
        field: &'static str,
        logged: T,
        live: T,
    ) {
        if self.found.is_none() && logged != live {
            self.found = Some(Mismatch {
                object: self.object.to_string(),
                field,
                logged: format!("{logged:?}"),
                live: format!("{live:?}"),
            });
        }
    }
}

pub(super) fn missing(object: String, logged_present: bool) -> Mismatch {
    let (logged, live) = if logged_present {
        ("present".to_string(), ABSENT.to_string())
    } else {
        (ABSENT.to_string(), "present".to_string())
    };
    Mismatch {
        object,
        field: "row",
        logged,
        live,
    }
}

/// Pairs each logged object with its row by key and compares them; a row without a record or
/// a record without a row is a mismatch too.
pub(super) fn pair<K: Ord + fmt::Display, E, L>(
    kind: &str,
    expected: &BTreeMap<K, E>,
    live: &[L],
    key: impl Fn(&L) -> K,
    compare: impl Fn(&mut Check<'_>, &E, &L),
) -> Option<Mismatch> {
    let mut rows: BTreeMap<K, &L> = live.iter().map(|l| (key(l), l)).collect();
    for (k, e) in expected {
        let object = format!("{kind}:{k}");
        let Some(row) = rows.remove(k) else {
            return Some(missing(object, true));
        };
        let mut check = Check {
            object: &object,
            found: None,
        };
        compare(&mut check, e, row);
        if check.found.is_some() {
            return check.found;
        }
    }
    rows.keys()
        .next()
        .map(|k| missing(format!("{kind}:{k}"), false))
}

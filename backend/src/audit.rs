//! The tamper-evident audit log. Every state change appends a record — who, what object,
//! which action, the state before and after, when — in the same transaction as the change.
//!
//! Records form one hash chain per **stream** (`county:450422` for everything a county's
//! listings, trades and proceeds go through; `region` for floors and accounts), so writes of
//! unrelated counties never queue behind one another. Each record's hash covers its content
//! and the previous record's hash in its stream; `audit_heads` keeps each stream's last
//! sequence number and hash. [`verify`] checks every stream as a whole: sequence numbers
//! without gaps (a deleted record), each link to the previous hash (an inserted or reordered
//! record), each hash against its content (an edited record), and the head against the last
//! record (a deleted or appended tail). It names the first broken record.
//!
//! What this proves: that the log was not changed by editing rows. Someone able to rewrite
//! every later hash and the head as well is not detected without an outside anchor (printing
//! the heads periodically, or a keyed hash); see docs/ARCHITECTURE.md.

use quota_shared::api::AuditAction;
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The "previous hash" of the first record of every stream.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A change to record.
#[derive(Debug, Clone)]
pub struct Entry {
    pub stream: String,
    pub object: String,
    pub actor: String,
    pub action: AuditAction,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub at: OffsetDateTime,
}

impl Entry {
    pub fn new(
        stream: impl Into<String>,
        object: impl Into<String>,
        actor: &str,
        action: AuditAction,
        at: OffsetDateTime,
    ) -> Self {
        Self {
            stream: stream.into(),
            object: object.into(),
            actor: actor.to_string(),
            action,
            before: None,
            after: None,
            at,
        }
    }
    pub fn before(mut self, v: Value) -> Self {
        self.before = Some(v);
        self
    }
    pub fn after(mut self, v: Value) -> Self {
        self.after = Some(v);
        self
    }
    /// The JSON texts as stored (the hash covers these exact strings).
    pub fn json_texts(&self) -> (Option<String>, Option<String>) {
        (
            self.before.as_ref().map(Value::to_string),
            self.after.as_ref().map(Value::to_string),
        )
    }
}

/// The stream of everything concerning a county.
pub fn county_stream(code: &str) -> String {
    format!("county:{code}")
}

/// The stream of region-wide changes (floors, accounts).
pub const REGION_STREAM: &str = "region";

/// Each stream's head as stored: (stream, last sequence number, last hash).
pub type Heads = Vec<(String, i64, String)>;

/// A record as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Stored {
    pub id: i64,
    pub stream: String,
    pub seq: i64,
    pub object: String,
    pub actor: String,
    pub action: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub at: OffsetDateTime,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of a record: SHA-256 over the previous hash and every field, each length-prefixed
/// so no two different records can produce the same input.
#[allow(clippy::too_many_arguments)]
pub fn record_hash(
    prev_hash: &str,
    stream: &str,
    seq: i64,
    object: &str,
    actor: &str,
    action: &str,
    before_json: Option<&str>,
    after_json: Option<&str>,
    at: OffsetDateTime,
) -> String {
    let at = at.format(&Rfc3339).unwrap_or_default();
    let seq = seq.to_string();
    let mut h = Sha256::new();
    for field in [
        Some(prev_hash),
        Some(stream),
        Some(seq.as_str()),
        Some(object),
        Some(actor),
        Some(action),
        before_json,
        after_json,
        Some(at.as_str()),
    ] {
        match field {
            Some(f) => {
                h.update(format!("{}:", f.len()).as_bytes());
                h.update(f.as_bytes());
            }
            None => h.update(b"-"),
        }
        h.update(b";");
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl Stored {
    fn recomputed(&self) -> String {
        record_hash(
            &self.prev_hash,
            &self.stream,
            self.seq,
            &self.object,
            &self.actor,
            &self.action,
            self.before_json.as_deref(),
            self.after_json.as_deref(),
            self.at,
        )
    }
}

/// Whether one record is intact in its chain: it hashes to its stored hash, and the next
/// record of its stream links to that hash — or, when it is the last, the stream's head is it.
pub fn record_intact(r: &Stored, next_prev_hash: Option<&str>, head: Option<(i64, &str)>) -> bool {
    r.recomputed() == r.hash
        && match next_prev_hash {
            Some(prev) => prev == r.hash,
            None => head == Some((r.seq, r.hash.as_str())),
        }
}

/// The last value an object's records logged for `field` (in `after`), as text.
pub fn last_logged(records: &[Stored], field: &str) -> Option<String> {
    records.iter().rev().find_map(|r| {
        let after: Value = serde_json::from_str(r.after_json.as_deref()?).ok()?;
        match &after[field] {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            v => Some(v.to_string()),
        }
    })
}

/// The first break found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub stream: String,
    pub seq: i64,
    /// The row id of the record at fault, when there is one (not for a deleted record).
    pub id: Option<i64>,
    pub what: &'static str,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (zh, en) = match self.what {
            "edited" => ("内容被修改", "was edited"),
            "inserted" => (
                "是插入的记录或链接被改动",
                "was inserted or its link altered",
            ),
            "deleted" => ("之前的记录被删除", "follows a deleted record"),
            "tail_deleted" => ("之后的记录被删除", "is followed by deleted records"),
            "truncated" => (
                "已不存在：锚点之后该链被截断",
                "is gone: the stream was cut back below the anchor",
            ),
            "rewritten" => (
                "与锚点不符：该链被改写",
                "differs from the anchor: the stream was rewritten",
            ),
            _ => ("异常", "is inconsistent"),
        };
        let id = self.id.map(|i| format!(" (id {i})")).unwrap_or_default();
        write!(
            f,
            "审计链断裂 / audit chain broken: {} 第 {} 条{id} {zh} / stream {} record {}{id} {en}",
            self.stream, self.seq, self.stream, self.seq
        )
    }
}

/// Checks every stream. `records` in any order; `heads` as (stream, seq, hash).
pub fn verify(mut records: Vec<Stored>, heads: &[(String, i64, String)]) -> Result<u64, Broken> {
    records.sort_by(|a, b| {
        a.stream
            .cmp(&b.stream)
            .then(a.seq.cmp(&b.seq))
            .then(a.id.cmp(&b.id))
    });
    let mut checked = 0u64;
    let mut i = 0;
    while i < records.len() {
        let stream = records[i].stream.clone();
        let mut expected_seq = 1;
        let mut prev = GENESIS.to_string();
        while i < records.len() && records[i].stream == stream {
            let r = &records[i];
            if r.seq != expected_seq {
                return Err(Broken {
                    stream,
                    seq: r.seq,
                    id: Some(r.id),
                    what: if r.seq > expected_seq {
                        "deleted"
                    } else {
                        "inserted"
                    },
                });
            }
            if r.prev_hash != prev {
                return Err(Broken {
                    stream,
                    seq: r.seq,
                    id: Some(r.id),
                    what: "inserted",
                });
            }
            if r.recomputed() != r.hash {
                return Err(Broken {
                    stream,
                    seq: r.seq,
                    id: Some(r.id),
                    what: "edited",
                });
            }
            prev = r.hash.clone();
            expected_seq += 1;
            checked += 1;
            i += 1;
        }
        let last_seq = expected_seq - 1;
        match heads.iter().find(|(s, _, _)| *s == stream) {
            Some((_, seq, hash)) if *seq == last_seq && *hash == prev => {}
            Some((_, seq, _)) if *seq > last_seq => {
                return Err(Broken {
                    stream,
                    seq: last_seq,
                    id: None,
                    what: "tail_deleted",
                });
            }
            _ => {
                return Err(Broken {
                    stream,
                    seq: last_seq,
                    id: None,
                    what: "inserted",
                });
            }
        }
    }
    // A head whose stream has no records left: everything of it was deleted.
    for (stream, seq, _) in heads {
        if *seq > 0 && !records.iter().any(|r| &r.stream == stream) {
            return Err(Broken {
                stream: stream.clone(),
                seq: 1,
                id: None,
                what: "deleted",
            });
        }
    }
    Ok(checked)
}

/// A stream head kept outside the database: `audit anchor` writes the heads as JSON, and
/// `audit verify --anchor FILE` later proves the log still holds each anchored record unchanged.
/// The heads table alone cannot catch a log whose last records were deleted and whose head was
/// moved back with them; an anchor kept elsewhere can.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnchorHead {
    pub stream: String,
    pub seq: i64,
    pub hash: String,
}

/// The anchor of the current heads (streams with no record left out), by stream.
pub fn anchor_of(heads: &[(String, i64, String)]) -> Vec<AnchorHead> {
    let mut out: Vec<AnchorHead> = heads
        .iter()
        .filter(|(_, seq, _)| *seq > 0)
        .map(|(stream, seq, hash)| AnchorHead {
            stream: stream.clone(),
            seq: *seq,
            hash: hash.clone(),
        })
        .collect();
    out.sort_by(|a, b| a.stream.cmp(&b.stream));
    out
}

/// [`verify`], then every anchored record must still be there with the anchored hash: a
/// missing one means the stream was cut back (`truncated`), another hash that it was
/// rewritten (`rewritten`).
pub fn verify_with_anchor(
    records: Vec<Stored>,
    heads: &[(String, i64, String)],
    anchor: &[AnchorHead],
) -> Result<u64, Broken> {
    let by_position: std::collections::HashMap<(&str, i64), (&str, i64)> = records
        .iter()
        .map(|r| ((r.stream.as_str(), r.seq), (r.hash.as_str(), r.id)))
        .collect();
    let mut found = Vec::with_capacity(anchor.len());
    for a in anchor {
        found.push(match by_position.get(&(a.stream.as_str(), a.seq)) {
            None => Some(Broken {
                stream: a.stream.clone(),
                seq: a.seq,
                id: None,
                what: "truncated",
            }),
            Some((hash, id)) if *hash != a.hash => Some(Broken {
                stream: a.stream.clone(),
                seq: a.seq,
                id: Some(*id),
                what: "rewritten",
            }),
            Some(_) => None,
        });
    }
    // The chain's own break comes first; then the first stream that departs from the anchor.
    let checked = verify(records, heads)?;
    match found.into_iter().flatten().next() {
        Some(broken) => Err(broken),
        None => Ok(checked),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn chain(n: i64) -> (Vec<Stored>, Vec<(String, i64, String)>) {
        let mut prev = GENESIS.to_string();
        let mut out = Vec::new();
        for seq in 1..=n {
            let at = datetime!(2026-11-29 12:00 UTC);
            let after = Some(format!("{{\"n\":{seq}}}"));
            let hash = record_hash(
                &prev,
                "county:450422",
                seq,
                "listing:1",
                "teng",
                "update",
                None,
                after.as_deref(),
                at,
            );
            out.push(Stored {
                id: seq * 10,
                stream: "county:450422".into(),
                seq,
                object: "listing:1".into(),
                actor: "teng".into(),
                action: "update".into(),
                before_json: None,
                after_json: after,
                at,
                prev_hash: prev.clone(),
                hash: hash.clone(),
            });
            prev = hash;
        }
        (out, vec![("county:450422".into(), n, prev)])
    }

    #[test]
    fn an_intact_chain_verifies() {
        let (records, heads) = chain(5);
        assert_eq!(verify(records, &heads), Ok(5));
    }

    #[test]
    fn an_edited_record_is_named() {
        let (mut records, heads) = chain(5);
        records[2].after_json = Some("{\"n\":999}".into());
        let broken = verify(records, &heads).expect_err("edited");
        assert_eq!(
            (broken.seq, broken.id, broken.what),
            (3, Some(30), "edited")
        );
    }

    #[test]
    fn a_deleted_record_is_named_by_its_successor() {
        let (mut records, heads) = chain(5);
        records.remove(1);
        let broken = verify(records, &heads).expect_err("deleted");
        assert_eq!((broken.seq, broken.what), (3, "deleted"));
        let (mut records, heads) = chain(5);
        records.pop();
        assert_eq!(
            verify(records, &heads).expect_err("tail").what,
            "tail_deleted"
        );
    }

    #[test]
    fn an_anchor_catches_a_stream_cut_back_or_rewritten_with_its_head() {
        let (records, heads) = chain(5);
        let anchor = anchor_of(&heads);
        assert_eq!(verify_with_anchor(records.clone(), &heads, &anchor), Ok(5));
        // The last two records deleted and the head moved back: a consistent chain of 3.
        let (short, short_heads) = chain(3);
        assert_eq!(verify(short.clone(), &short_heads), Ok(3));
        let broken = verify_with_anchor(short, &short_heads, &anchor).expect_err("truncated");
        assert_eq!((broken.seq, broken.what), (5, "truncated"));
        // The last record rewritten, its hash recomputed and the head updated to match.
        let mut rewritten = records;
        let last = rewritten.last_mut().expect("records");
        last.after_json = Some("{\"n\":500}".into());
        last.hash = last.recomputed();
        let new_heads = vec![(last.stream.clone(), last.seq, last.hash.clone())];
        assert_eq!(verify(rewritten.clone(), &new_heads), Ok(5));
        let broken = verify_with_anchor(rewritten, &new_heads, &anchor).expect_err("rewritten");
        assert_eq!(
            (broken.seq, broken.id, broken.what),
            (5, Some(50), "rewritten")
        );
        assert!(broken.to_string().contains("rewritten"), "{broken}");
    }

    #[test]
    fn an_inserted_record_is_named() {
        let (mut records, heads) = chain(3);
        let mut fake = records[2].clone();
        fake.id = 99;
        fake.seq = 4;
        fake.prev_hash = records[2].hash.clone();
        fake.hash = fake.recomputed();
        records.push(fake);
        let broken = verify(records, &heads).expect_err("inserted");
        assert_eq!(broken.what, "inserted");
        assert!(broken.to_string().contains("county:450422"));
    }
}

//! What a store keeps in memory between reads: [`Fresh`], a value read less than a minute
//! ago. Only for data no request changes (the counties and districts, loaded at the first
//! migration): hot paths such as every purchase then read it without a statement, and an
//! operator's direct edit, or another instance's, is seen within [`FRESH_FOR`].

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a read value is used before it is read again.
pub(crate) const FRESH_FOR: Duration = Duration::from_secs(60);

/// When a value was read, and the value.
type Read<T> = Option<(Instant, Arc<T>)>;

/// A value and when it was read; shared by a store's clones.
pub(crate) struct Fresh<T>(Arc<Mutex<Read<T>>>);

impl<T> Fresh<T> {
    pub(crate) fn new() -> Self {
        Self(Arc::new(Mutex::new(None)))
    }

    /// The value read less than [`FRESH_FOR`] ago, if there is one.
    pub(crate) fn get(&self) -> Option<Arc<T>> {
        let guard = self.0.lock().ok()?;
        let (at, value) = guard.as_ref()?;
        (at.elapsed() < FRESH_FOR).then(|| value.clone())
    }

    pub(crate) fn put(&self, value: Arc<T>) {
        if let Ok(mut guard) = self.0.lock() {
            *guard = Some((Instant::now(), value));
        }
    }

    /// Forgets the value (this instance changed it).
    pub(crate) fn clear(&self) {
        if let Ok(mut guard) = self.0.lock() {
            *guard = None;
        }
    }
}

impl<T> Clone for Fresh<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T> std::fmt::Debug for Fresh<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fresh")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_kept_until_cleared_and_shared_by_clones() {
        let cache = Fresh::new();
        assert!(cache.get().is_none());
        let other = cache.clone();
        cache.put(Arc::new(7));
        assert_eq!(other.get().as_deref(), Some(&7));
        other.clear();
        assert!(cache.get().is_none());
    }
}

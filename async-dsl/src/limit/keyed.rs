//! One [`Throttle`] per key, made on first use and forgotten once idle.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::throttle::{Permit, Throttle};
use crate::hash::BuildPassThrough;

/// A [`Throttle`] per key, created on first use; keys that have been idle long enough to
/// start afresh are forgotten, so memory follows the keys in use, not every key ever seen.
///
/// When a key is forgotten: at a sweep, once no call holds or waits for it and its throttle
/// has recovered (a fresh one would behave the same). Sweeps run inside `acquire`, every
/// 64 calls or every half as many calls as there are keys, whichever is more.
///
/// Keys are told apart by a 64-bit hash of their value.
///
/// ```
/// use async_dsl::{KeyedThrottle, Throttle};
/// use std::num::NonZeroU32;
/// use std::time::Duration;
/// use tokio::time::Instant;
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let one_a_second = || Throttle::new(NonZeroU32::new(1).unwrap(), Duration::from_secs(1));
/// let per_tenant = KeyedThrottle::new(one_a_second);
/// let start = Instant::now();
/// let _a = per_tenant.acquire(&"acme").await;
/// let _b = per_tenant.acquire(&"globex").await; // another key: no wait
/// assert_eq!(start.elapsed(), Duration::ZERO);
/// # }
/// ```
pub struct KeyedThrottle {
    make: Box<dyn Fn() -> Throttle + Send + Sync>,
    // Keyed by the key's hash, which `hasher` already spread: the map hashes it no further
    // (measured: a hit on an existing key 101 -> 84 ns).
    keys: Mutex<HashMap<u64, Arc<Throttle>, BuildPassThrough>>,
    hasher: std::hash::RandomState,
    /// Calls since the last sweep of idle keys.
    since_sweep: AtomicUsize,
}

impl std::fmt::Debug for KeyedThrottle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyedThrottle")
            .field("keys", &self.key_count())
            .finish_non_exhaustive()
    }
}

/// Held for the duration of a call that a [`KeyedThrottle`] let start.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let per_user = async_dsl::KeyedThrottle::new(|| {
///     async_dsl::Throttle::new(std::num::NonZeroU32::new(10).unwrap(), std::time::Duration::from_secs(1))
/// });
/// let _permit = per_user.acquire(&42u64).await; // held while the call runs
/// # }
/// ```
#[derive(Debug)]
#[must_use = "the permit is released at once if it is not held"]
pub struct KeyedPermit {
    _permit: Permit,
    // Keeps the key's throttle in use (not idle) while the call runs.
    _throttle: Arc<Throttle>,
}

impl KeyedThrottle {
    /// Each key gets the throttle `make` builds.
    ///
    /// ```
    /// let per_tenant = async_dsl::KeyedThrottle::new(|| {
    ///     async_dsl::Throttle::new(std::num::NonZeroU32::new(5).unwrap(), std::time::Duration::from_secs(1))
    /// });
    /// assert_eq!(per_tenant.key_count(), 0);
    /// ```
    pub fn new(make: impl Fn() -> Throttle + Send + Sync + 'static) -> Self {
        KeyedThrottle {
            make: Box::new(make),
            keys: Mutex::new(HashMap::default()),
            hasher: std::hash::RandomState::new(),
            since_sweep: AtomicUsize::new(0),
        }
    }

    /// Waits until a call for `key` may start; see [`Throttle::acquire`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let per_tenant = async_dsl::KeyedThrottle::new(|| {
    ///     async_dsl::Throttle::new(std::num::NonZeroU32::new(5).unwrap(), std::time::Duration::from_secs(1))
    /// });
    /// let _permit = per_tenant.acquire("acme").await;
    /// assert_eq!(per_tenant.key_count(), 1);
    /// # }
    /// ```
    ///
    /// # Cancel safety
    /// As [`Throttle::acquire`]: dropped while waiting, the caller gives its place back and
    /// takes no slot of its key.
    pub async fn acquire<K: Hash + ?Sized>(&self, key: &K) -> KeyedPermit {
        self.acquire_hashed(self.hash(key)).await
    }

    /// What [`acquire`](Self::acquire) keys by.
    pub(crate) fn hash<K: Hash + ?Sized>(&self, key: &K) -> u64 {
        self.hasher.hash_one(key)
    }

    /// [`acquire`](Self::acquire) for a key already hashed with [`hash`](Self::hash).
    pub(crate) async fn acquire_hashed(&self, hash: u64) -> KeyedPermit {
        let throttle = {
            let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
            if self.since_sweep.fetch_add(1, Ordering::Relaxed) >= SWEEP_EVERY.max(keys.len() / 2) {
                self.since_sweep.store(0, Ordering::Relaxed);
                keys.retain(|_, throttle| Arc::strong_count(throttle) > 1 || !throttle.is_idle());
            }
            Arc::clone(keys.entry(hash).or_insert_with(|| Arc::new((self.make)())))
        };
        KeyedPermit {
            _permit: throttle.acquire().await,
            _throttle: throttle,
        }
    }

    /// Keys currently remembered.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// // One call a second per key.
    /// let keyed = async_dsl::KeyedThrottle::new(|| {
    ///     async_dsl::Throttle::new(std::num::NonZeroU32::MIN, std::time::Duration::from_secs(1))
    /// });
    /// for key in ["a", "b", "a"] {
    ///     drop(keyed.acquire(key).await); // the second "a" waits its second
    /// }
    /// assert_eq!(keyed.key_count(), 2); // "a" and "b", each remembered once
    /// # }
    /// ```
    pub fn key_count(&self) -> usize {
        self.keys
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// Calls between sweeps of idle keys, at least. Sweeps also wait for half as many calls as
/// there are keys: their cost stays O(1) per call, and when every call brings a new key the
/// map still gets swept (it doubles at most between sweeps; waiting for as many calls as
/// keys, it never was again).
const SWEEP_EVERY: usize = 64;

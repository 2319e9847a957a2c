//! Limits on how often and how many calls start: the GCRA [`Throttle`] behind
//! `#[throttled]` (rate, burst, concurrency, callers served in arrival order) and
//! [`KeyedThrottle`], one throttle per key, forgetting keys once they are idle.

mod keyed;
mod throttle;

pub use keyed::{KeyedPermit, KeyedThrottle};
pub use throttle::{Acquire, Permit, Throttle};

/// A count of places (a concurrency limit, a queue's capacity) as Tokio's semaphores and
/// channels take it: 0 counts as 1, and anything above what a semaphore can hold, such as
/// `usize::MAX`, means as many as it can hold, which no program reaches: unbounded.
pub(crate) fn permits(n: usize) -> usize {
    n.clamp(1, tokio::sync::Semaphore::MAX_PERMITS)
}

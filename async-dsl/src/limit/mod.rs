//! Limits on how often and how many calls start: the GCRA [`Throttle`] behind
//! `#[throttled]` (rate, burst, concurrency, callers served in arrival order) and
//! [`KeyedThrottle`], one throttle per key, forgetting keys once they are idle.

mod keyed;
mod throttle;

pub use keyed::{KeyedPermit, KeyedThrottle};
pub use throttle::{Acquire, Permit, Throttle};

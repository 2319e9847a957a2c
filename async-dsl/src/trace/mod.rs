//! The `tracing` feature: a span for every group and branch, events for the attributes, and
//! spawned work that runs in the span of whoever spawned it.
//!
//! Everything is at target `async_dsl`. Without the feature only [`inherit`] exists, as the
//! identity, so the spawning code reads the same either way and nothing of `tracing` is
//! compiled in.
//!
//! Three layers: [`inherit`] and `events` (plain events, `tracing` alone) sit at the bottom,
//! so `option`, `limit`, `task` and `redis` use them; `wrapped` sits on `option` and
//! `schedule`, and `groups` on `group`, `fan_out` and `option`, since they wrap their
//! futures.

#[cfg(feature = "tokio")]
use core::future::Future;

#[cfg(feature = "tracing")]
mod events;
#[cfg(feature = "tracing")]
mod groups;
#[cfg(feature = "tracing")]
mod wrapped;

#[cfg(feature = "tracing")]
pub use events::{
    Describe, DescribeAny, DescribeDebug, DescribeDisplay, Described, batch, retry, throttle_waited,
};
#[cfg(feature = "tracing")]
pub use groups::{
    Branch, FailedIfErr, Joined, Kind, Name, Outcome, Site, Traced, Won, WonIfOk, branch, fan_out,
    group,
};
#[cfg(feature = "tracing")]
pub use wrapped::{spread, timeout, timeout_into};

/// A future spawned by the library: with the feature, it runs inside the span that was
/// current where it was spawned, so a `Task`, a `Scope` child or a pool job shows under its
/// spawner.
#[cfg(all(feature = "tokio", feature = "tracing"))]
pub(crate) type Inherit<F> = tracing::instrument::Instrumented<F>;

/// A future spawned by the library: without the feature, the future itself.
#[cfg(all(feature = "tokio", not(feature = "tracing")))]
pub(crate) type Inherit<F> = F;

/// `future`, to run in the span current now (with the feature; as it is without).
#[cfg(feature = "tokio")]
#[inline]
pub(crate) fn inherit<F: Future>(future: F) -> Inherit<F> {
    #[cfg(feature = "tracing")]
    {
        tracing::Instrument::in_current_span(future)
    }
    #[cfg(not(feature = "tracing"))]
    {
        future
    }
}

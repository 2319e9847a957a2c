//! The attributes' futures that report as they run: a `#[timeout]` that says when it fired,
//! a `#[spread]` that says how late each call started. Above `option` and `schedule`, whose
//! futures they wrap.

use core::future::Future;
use core::time::Duration;

use crate::error::Elapsed;
use crate::option::Timeout;

use super::events::timeout_fired;

/// A `#[timeout]` around `body` that says so when it fires.
///
/// # Cancel safety
/// As [`Timeout`]: dropping it drops the body and the deadline.
pub async fn timeout<F: Future>(
    function: &'static str,
    after: Duration,
    body: F,
) -> Result<F::Output, Elapsed> {
    let output = Timeout::new(after, body).await;
    if output.is_err() {
        timeout_fired(function, after);
    }
    output
}

/// [`timeout`] for a body returning `Result<T, E>`: expiry becomes `Err(into(Elapsed))`.
///
/// # Cancel safety
/// As [`Timeout`].
pub async fn timeout_into<F, T, E, C>(
    function: &'static str,
    after: Duration,
    body: F,
    into: C,
) -> Result<T, E>
where
    F: Future<Output = Result<T, E>>,
    C: FnOnce(Elapsed) -> E,
{
    match timeout(function, after, body).await {
        Ok(output) => output,
        Err(elapsed) => Err(into(elapsed)),
    }
}

/// A `#[spread]` companion: [`spread`](crate::schedule::spread) that reports each call's
/// lateness.
///
/// # Cancel safety
/// As [`spread`](crate::schedule::spread).
pub fn spread<I, M, F>(
    function: &'static str,
    period: Duration,
    calls: I,
) -> impl Future<Output = Vec<F::Output>>
where
    I: IntoIterator<Item = M>,
    M: FnOnce() -> F,
    F: Future,
{
    crate::schedule::spread_named(Some(function), period, calls)
}

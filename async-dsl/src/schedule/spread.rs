//! Spreading calls evenly over a period.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::fan_out::collect::Ordered;
use crate::fan_out::{FanOut, IntoSource};

/// Starts the calls evenly over `period`: call `i` of `n` at `start + i * period / n`,
/// where `start` is the first poll. Calls run concurrently; outputs come in input order.
///
/// Start times are absolute deadlines, so they do not drift however long calls run, and a
/// slow call never delays the ones after it. This is what `#[spread]` generates.
///
/// ```
/// use std::time::Duration;
/// use tokio::time::Instant;
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let start = Instant::now();
/// let calls = (0..4).map(|i| move || async move { (i, start.elapsed().as_millis()) });
/// let started = async_dsl::spread(Duration::from_secs(1), calls).await;
/// assert_eq!(started, [(0, 0), (1, 250), (2, 500), (3, 750)]);
/// # }
/// ```
///
/// # Cancel safety
/// Dropped while it runs, every call started so far is dropped and none that has not started
/// will start; outputs of calls that had finished are dropped too.
// A plain `fn`: the future is `spread_named`'s own, with no state machine around it.
pub fn spread<I, M, F>(period: Duration, calls: I) -> impl Future<Output = Vec<F::Output>>
where
    I: IntoIterator<Item = M>,
    M: FnOnce() -> F,
    F: Future,
{
    spread_named(None, period, calls)
}

/// [`spread`] for the companion of the `#[spread]` function `function`: with the `tracing`
/// feature, each call's start is an event that says how late it was.
pub(crate) async fn spread_named<I, M, F>(
    function: Option<&'static str>,
    period: Duration,
    calls: I,
) -> Vec<F::Output>
where
    I: IntoIterator<Item = M>,
    M: FnOnce() -> F,
    F: Future,
{
    #[cfg(not(feature = "tracing"))]
    let _ = function;
    let calls: Vec<M> = calls.into_iter().collect();
    let count = calls.len().max(1) as u128;
    let start = Instant::now();
    let at = move |i: usize| {
        let offset = period.as_nanos() * i as u128 / count;
        start + Duration::from_nanos(u64::try_from(offset).unwrap_or(u64::MAX))
    };
    let make = move |(i, call): (usize, M)| {
        let deadline = at(i);
        async move {
            crate::option::sleep_until(deadline).await;
            #[cfg(feature = "tracing")]
            if let Some(function) = function {
                let late = Instant::now().saturating_duration_since(deadline);
                tracing::debug!(
                    target: "async_dsl",
                    function,
                    call = i,
                    late = ?late,
                    "spread call started"
                );
            }
            call().await
        }
    };
    FanOut::new(
        usize::MAX,
        calls.into_iter().enumerate().into_source(),
        make,
        Ordered::new(),
    )
    .await
}

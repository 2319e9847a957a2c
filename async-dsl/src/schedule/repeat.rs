//! A job run on an interval, stopped gracefully.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::{Either, select};
use tokio::sync::Notify;
use tokio::time::MissedTickBehavior;

use crate::task::{Task, TaskError};

/// The handle of a [`repeat`]ing job. [`stop`](Repeat::stop) ends it after the run in
/// progress; dropping the handle aborts it at once.
///
/// ```
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let job = async_dsl::repeat(std::time::Duration::from_secs(60), || async { /* flush */ });
/// assert!(!job.is_finished());
/// job.stop().await.unwrap();
/// # }
/// ```
#[derive(Debug)]
#[must_use = "dropping the handle stops the job at once"]
pub struct Repeat {
    stop: Arc<Notify>,
    task: Task<()>,
}

/// Runs `job` now and then every `interval` on the current Tokio runtime, until stopped.
///
/// Runs follow the schedule `start + k * interval` and never overlap. A run that takes longer
/// than the interval is followed at once by one run for the ticks it missed (one, however
/// many were missed: never a burst of catch-up runs), and then runs are back on the schedule.
/// So with a 1 s interval, a first run of 2.5 s gives runs at 0, 2.5, 3 and 4 s.
///
/// A zero interval means back to back: each run starts when the last ended, after the job
/// has yielded to the runtime once, so a job that never waits cannot starve other tasks.
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicU32, Ordering};
/// use std::time::Duration;
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let runs = Arc::new(AtomicU32::new(0));
/// let counter = Arc::clone(&runs);
/// let job = async_dsl::repeat(Duration::from_secs(1), move || {
///     let counter = Arc::clone(&counter);
///     async move { counter.fetch_add(1, Ordering::SeqCst); }
/// });
/// tokio::time::sleep(Duration::from_millis(2_500)).await;
/// job.stop().await.unwrap(); // waits for a run in progress, if any
/// assert_eq!(runs.load(Ordering::SeqCst), 3); // at 0, 1 and 2 s
/// # }
/// ```
///
/// # Panics
/// Outside a Tokio runtime: the job runs as a Tokio task.
pub fn repeat<F, Fut>(interval: Duration, mut job: F) -> Repeat
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let stop = Arc::new(Notify::new());
    let stopped = Arc::clone(&stop);
    let task = Task::spawn(async move {
        if interval.is_zero() {
            // Back to back, on no timer; the stop signal's permit is checked between runs.
            loop {
                if stopped.notified().now_or_never().is_some() {
                    return;
                }
                job().await;
                // The job may never wait: give the other tasks of this thread a turn.
                tokio::task::yield_now().await;
            }
        }
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
        loop {
            // The stop signal is polled first, so a stop wins over a due tick.
            let stop = std::pin::pin!(stopped.notified());
            let tick = std::pin::pin!(ticks.tick());
            if let Either::Left(_) = select(stop, tick).await {
                return;
            }
            // A stop during the run waits for it: the notification is kept for the select.
            job().await;
        }
    });
    Repeat { stop, task }
}

impl Repeat {
    /// Stops the job: no new run starts, a run in progress finishes, then this resolves.
    /// `Err` if a run panicked (which also ended the job).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let job = async_dsl::repeat(std::time::Duration::from_secs(1), || async {});
    /// tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    /// assert_eq!(job.stop().await, Ok(()));
    /// # }
    /// ```
    ///
    /// # Cancel safety
    /// The stop is signalled at the first poll, so dropping this future afterwards still ends
    /// the job after its run in progress; only the wait for that run (and its result) is lost.
    /// Dropped before its first poll, it consumes the handle, which aborts the job at once.
    pub async fn stop(self) -> Result<(), TaskError> {
        self.stop.notify_one();
        self.task.await
    }

    /// Whether the job has ended (stopped, or a run panicked).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let job = async_dsl::repeat(std::time::Duration::from_millis(10), || async { panic!("boom") });
    /// tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    /// assert!(job.is_finished());
    /// # }
    /// ```
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

//! Progress reports of a fan-out: how many items started and finished, of how many.

/// How far a fan-out has come, reported after each item completes.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut last = None;
/// async_dsl::map(0..4, |n| async move { n }).on_progress(|p| last = Some(p)).await;
/// let last = last.unwrap();
/// assert_eq!((last.started, last.done, last.total), (4, 4, Some(4)));
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Items pulled from the input and started so far.
    pub started: usize,
    /// Items completed so far.
    pub done: usize,
    /// Items in the input, when its size was known up front.
    pub total: Option<usize>,
}

/// Receives a fan-out's [`Progress`]; implemented for every `FnMut(Progress)`.
///
/// ```
/// use async_dsl::fan_out::OnProgress;
/// let mut count = 0;
/// let mut report = |_: async_dsl::Progress| count += 1;
/// report.report(async_dsl::Progress { started: 1, done: 1, total: None });
/// assert_eq!(count, 1);
/// ```
pub trait OnProgress {
    /// Called after each completed item.
    fn report(&mut self, progress: Progress);
}

impl<F: FnMut(Progress)> OnProgress for F {
    fn report(&mut self, progress: Progress) {
        self(progress)
    }
}

/// Reports nothing.
///
/// ```
/// use async_dsl::fan_out::{NoProgress, OnProgress};
/// NoProgress.report(async_dsl::Progress { started: 1, done: 1, total: None });
/// ```
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl OnProgress for NoProgress {
    fn report(&mut self, _: Progress) {}
}

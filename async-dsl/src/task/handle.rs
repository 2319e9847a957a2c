//! Spawned tasks as owned handles: aborted on drop unless detached, panics as values.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::task::{JoinError, JoinHandle};

use super::go::panic_message;

/// Why a [`Task`] has no output.
///
/// ```
/// use async_dsl::{Task, TaskError};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// match Task::spawn(async { panic!("no disk") }).await {
///     Err::<(), _>(TaskError::Panicked(message)) => assert_eq!(message, "no disk"),
///     other => unreachable!("{other:?}"),
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskError {
    /// The task panicked; the panic's message, when it had one.
    Panicked(String),
    /// The task was stopped before it finished by something other than its handle: its
    /// runtime shut down, or it was aborted from inside the runtime. ([`Task::abort`]
    /// consumes the handle, so nothing awaits that case; an expired [`Task::timeout`] gives
    /// [`TimedOut`](TaskError::TimedOut).)
    Cancelled,
    /// The task did not finish within its [`Task::timeout`].
    TimedOut,
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Panicked(message) => write!(f, "task panicked: {message}"),
            TaskError::Cancelled => f.write_str("task cancelled"),
            TaskError::TimedOut => f.write_str("task timed out"),
        }
    }
}

impl std::error::Error for TaskError {}

fn task_error(error: JoinError) -> TaskError {
    match error.try_into_panic() {
        Ok(payload) => TaskError::Panicked(panic_message(payload.as_ref())),
        Err(_) => TaskError::Cancelled,
    }
}

/// A spawned task that belongs to its handle: dropping the handle aborts the task, unless it
/// was [`detach`](Task::detach)ed. Awaiting it gives `Ok(output)`, or a [`TaskError`] when
/// it panicked, was cancelled or timed out; a panic never reaches the awaiting task.
///
/// ```
/// use async_dsl::{Task, TaskError};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let sum = Task::spawn(async { (1..=10).sum::<u32>() });
/// let shown = sum.then(|total| async move { format!("{}", total.unwrap()) });
/// assert_eq!(shown.await, Ok("55".to_string()));
///
/// let broken = Task::spawn(async { panic!("bad input") });
/// assert_eq!(broken.await, Err::<(), _>(TaskError::Panicked("bad input".into())));
/// # }
/// ```
///
/// # Cancel safety
/// Dropping a `Task` (or the future of awaiting it) aborts the task: its future is dropped at
/// its next await. Call [`detach`](Task::detach) to let it run to its end instead.
#[must_use = "dropping a Task aborts it; call `detach` to let it run"]
pub struct Task<T> {
    // The task's own `Result` carries what it decided (a timeout); the `JoinError` what
    // happened to it (a panic, an abort).
    handle: Option<JoinHandle<Result<T, TaskError>>>,
}

impl<T> fmt::Debug for Task<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Task")
            .field("finished", &self.is_finished())
            .finish()
    }
}

impl<T: Send + 'static> Task<T> {
    /// Spawns `future` on the current Tokio runtime.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let task = async_dsl::Task::spawn(async { 6 * 7 });
    /// assert_eq!(task.await, Ok(42));
    /// # }
    /// ```
    ///
    /// # Panics
    /// Outside a Tokio runtime: as `tokio::spawn` does.
    pub fn spawn<F>(future: F) -> Self
    where
        F: Future<Output = T> + Send + 'static,
    {
        Task::spawn_result(async move { Ok(future.await) })
    }

    fn spawn_result<F>(future: F) -> Self
    where
        F: Future<Output = Result<T, TaskError>> + Send + 'static,
    {
        Task::spawn_untraced(crate::trace::inherit(future))
    }

    /// [`Task::spawn_result`] without taking the current span along: for a pool's workers,
    /// which outlive the span they were made in (each job runs in its submitter's).
    pub(super) fn spawn_untraced<F>(future: F) -> Self
    where
        F: Future<Output = Result<T, TaskError>> + Send + 'static,
    {
        Task {
            handle: Some(tokio::spawn(future)),
        }
    }

    /// A task that waits for this one, then runs `next` on its result. Dropping the new
    /// task aborts both.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let parsed = async_dsl::Task::spawn(async { "42".parse::<u32>() });
    /// let doubled = parsed.then(|r| async move { r.unwrap().unwrap() * 2 });
    /// assert_eq!(doubled.await, Ok(84));
    /// # }
    /// ```
    pub fn then<U, N, Fut>(self, next: N) -> Task<U>
    where
        U: Send + 'static,
        N: FnOnce(Result<T, TaskError>) -> Fut + Send + 'static,
        Fut: Future<Output = U> + Send + 'static,
    {
        Task::spawn(async move { next(self.await).await })
    }

    /// This task with a deadline: at expiry it is aborted and gives
    /// [`TaskError::TimedOut`].
    ///
    /// ```
    /// # use async_dsl::{Task, TaskError};
    /// # use std::time::Duration;
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let slow = Task::spawn(tokio::time::sleep(Duration::from_secs(10)));
    /// assert_eq!(slow.timeout(Duration::from_secs(1)).await, Err(TaskError::TimedOut));
    /// # }
    /// ```
    pub fn timeout(self, after: Duration) -> Task<T> {
        Task::spawn_result(async move {
            match tokio::time::timeout(after, self).await {
                Ok(result) => result,
                Err(_) => Err(TaskError::TimedOut),
            }
        })
    }
}

impl<T> Task<T> {
    /// Whether the task has finished (completed, panicked or been cancelled).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let task = async_dsl::Task::spawn(async {});
    /// tokio::task::yield_now().await;
    /// assert!(task.is_finished());
    /// # }
    /// ```
    pub fn is_finished(&self) -> bool {
        self.handle.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Aborts the task now. Awaiting it afterwards is not possible: the handle is consumed.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let task = async_dsl::Task::spawn(std::future::pending::<()>());
    /// task.abort(); // the pending future is dropped
    /// # }
    /// ```
    pub fn abort(mut self) {
        if let Some(handle) = self.handle.take() {
            handle.abort();
        }
    }

    /// Lets the task run to completion on its own; its output is dropped.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, rx) = tokio::sync::oneshot::channel();
    /// async_dsl::Task::spawn(async move { tx.send("done").unwrap() }).detach();
    /// assert_eq!(rx.await, Ok("done"));
    /// # }
    /// ```
    pub fn detach(mut self) {
        self.handle = None;
    }
}

impl<T> Future for Task<T> {
    type Output = Result<T, TaskError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Some(handle) = self.handle.as_mut() else {
            return Poll::Ready(Err(TaskError::Cancelled));
        };
        let output = std::task::ready!(Pin::new(handle).poll(cx));
        self.handle = None;
        Poll::Ready(output.map_err(task_error).and_then(|result| result))
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.abort();
        }
    }
}

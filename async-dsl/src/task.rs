//! Spawned tasks as owned handles, and fire-and-forget spawning with a panic handler.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::RwLock;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::FutureExt;
use tokio::task::{JoinError, JoinHandle};

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
    /// The task was cancelled ([`Task::cancel`], an expired [`Task::timeout`], or its
    /// runtime shutting down).
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

/// The message of a panic payload: panics carry a `&'static str` or a `String` (which one
/// depends on how the message was formatted); anything else reads as a placeholder. For
/// panic handlers.
///
/// ```
/// let payload = std::panic::catch_unwind(|| panic!("disk {} full", "/var")).unwrap_err();
/// assert_eq!(async_dsl::panic_message(payload.as_ref()), "disk /var full");
/// ```
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-string panic payload".to_string())
}

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
    /// task.cancel(); // the pending future is dropped
    /// # }
    /// ```
    pub fn cancel(mut self) {
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

type PanicHandler = Box<dyn Fn(&str, Box<dyn Any + Send>) + Send + Sync>;

static PANIC_HANDLER: RwLock<Option<PanicHandler>> = RwLock::new(None);

/// Sets what [`go`] and [`go_named`] do with a panic: `handler` receives the task's name
/// (`"go"` for unnamed ones) and the panic payload. The default prints the name and message
/// to standard error.
///
/// ```
/// use std::sync::{Arc, Mutex};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let log = Arc::clone(&seen);
/// async_dsl::set_panic_handler(move |name, payload| {
///     let message = async_dsl::panic_message(payload.as_ref());
///     log.lock().unwrap().push(format!("{name}: {message}"));
/// });
/// async_dsl::go_named("indexer", async { panic!("disk full") });
/// while seen.lock().unwrap().is_empty() {
///     tokio::task::yield_now().await;
/// }
/// assert_eq!(seen.lock().unwrap()[0], "indexer: disk full");
/// # }
/// ```
pub fn set_panic_handler(handler: impl Fn(&str, Box<dyn Any + Send>) + Send + Sync + 'static) {
    let mut slot = PANIC_HANDLER
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    *slot = Some(Box::new(handler));
}

/// Runs `future` on the current Tokio runtime and forgets it; a panic goes to the handler set
/// with [`set_panic_handler`] instead of vanishing.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// async_dsl::go(async { /* send a metric, warm a cache, ... */ });
/// # }
/// ```
///
/// # Panics
/// Outside a Tokio runtime: as `tokio::spawn` does.
pub fn go<F>(future: F)
where
    F: Future<Output = ()> + Send + 'static,
{
    go_named("go", future);
}

/// [`go`] with a name that the panic handler receives.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// async_dsl::go_named("cache warmer", async { /* ... */ });
/// # }
/// ```
///
/// # Panics
/// Outside a Tokio runtime: as `tokio::spawn` does.
pub fn go_named<F>(name: impl Into<String>, future: F)
where
    F: Future<Output = ()> + Send + 'static,
{
    let name = name.into();
    tokio::spawn(async move {
        if let Err(payload) = AssertUnwindSafe(future).catch_unwind().await {
            let handler = PANIC_HANDLER
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match handler.as_ref() {
                Some(handler) => handler(&name, payload),
                None => eprintln!(
                    "task `{name}` panicked: {}",
                    panic_message(payload.as_ref())
                ),
            }
        }
    });
}

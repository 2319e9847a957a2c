//! The `spawn;` option: a branch that runs as its own runtime task.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use pin_project_lite::pin_project;
use tokio::task::JoinHandle;

pin_project! {
    /// A branch spawned onto the Tokio runtime on its first poll, so it can run on another
    /// worker thread. Dropping it aborts the task; a panic in the task resumes in the
    /// poller.
    ///
    /// Outside a Tokio runtime the branch runs in place instead, on the polling task.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Spawned<F: Future> {
        state: SpawnState<F>,
    }

    impl<F: Future> PinnedDrop for Spawned<F> {
        fn drop(this: Pin<&mut Self>) {
            if let SpawnState::Running(handle) = &this.project().state {
                handle.abort();
            }
        }
    }
}

enum SpawnState<F: Future> {
    Idle(F),
    Running(JoinHandle<F::Output>),
    Inline(Pin<Box<F>>),
    Done,
}

impl<F: Future> Spawned<F> {
    /// Wraps a branch that will be spawned when first polled.
    pub fn new(future: F) -> Self {
        Spawned {
            state: SpawnState::Idle(future),
        }
    }
}

impl<F: Future> fmt::Debug for Spawned<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            SpawnState::Idle(_) => "idle",
            SpawnState::Running(_) => "running",
            SpawnState::Inline(_) => "inline",
            SpawnState::Done => "done",
        };
        f.debug_struct("Spawned").field("state", &state).finish()
    }
}

impl<F> Future for Spawned<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let state = self.project().state;
        if matches!(state, SpawnState::Idle(_))
            && let SpawnState::Idle(future) = std::mem::replace(state, SpawnState::Done)
        {
            *state = match tokio::runtime::Handle::try_current() {
                // In the span current here: the branch's own, with the `tracing` feature.
                Ok(runtime) => SpawnState::Running(runtime.spawn(crate::trace::inherit(future))),
                Err(_) => SpawnState::Inline(Box::pin(future)),
            };
        }
        let output = match state {
            SpawnState::Running(handle) => match Pin::new(handle).poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(output)) => output,
                Poll::Ready(Err(error)) => match error.try_into_panic() {
                    Ok(payload) => std::panic::resume_unwind(payload),
                    // Only the runtime can cancel the task here (we never abort a task we
                    // still poll): the runtime is shutting down and this task goes with it.
                    Err(_) => panic!("spawned branch cancelled: its Tokio runtime shut down"),
                },
            },
            SpawnState::Inline(future) => match future.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(output) => output,
            },
            SpawnState::Idle(_) | SpawnState::Done => panic!("`Spawned` polled after it completed"),
        };
        *state = SpawnState::Done;
        Poll::Ready(output)
    }
}

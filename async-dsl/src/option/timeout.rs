//! The `timeout = ".."` option and `#[timeout]`: a deadline around a whole future.
//!
//! The deadline runs on Tokio's timer when the first poll happens inside a Tokio runtime
//! (so the paused test clock applies to it), and on `futures-timer`'s timer thread
//! otherwise, so a timeout fires on any executor (`futures::executor::block_on`, smol, ...).
//! Written as a choice at the first poll rather than with `futures-timer` alone: Tokio's
//! timer is cheaper under Tokio and is the one `tokio::time::pause` controls. The same choice
//! serves every other wait of the crate that may run off Tokio ([`sleep`], [`sleep_until`]:
//! the throttle's queue, `spread`'s starts, `#[retry]`'s backoff).

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;
use tokio::time::Sleep;

use crate::error::Elapsed;

pin_project! {
    /// Resolves to the inner future's output, or to [`Elapsed`] once `after` has passed
    /// since the first poll; the inner future is dropped at expiry.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Timeout<F> {
        #[pin]
        future: Option<F>,
        // Started on the first poll, so a group built early and awaited later gets its
        // whole allowance.
        #[pin]
        sleep: Option<Deadline>,
        after: Duration,
    }
}

pin_project! {
    /// The timer a [`Timeout`] waits on, chosen at its first poll.
    #[project = DeadlineProj]
    enum Deadline {
        Tokio { #[pin] sleep: Sleep },
        Thread { delay: futures_timer::Delay },
    }
}

/// Waits `after` on the timer of the runtime polling it (see the module docs).
pub(crate) async fn sleep(after: Duration) {
    expired(Deadline::start(after)).await;
}

/// Waits until `deadline` on the timer of the runtime polling it (see the module docs).
pub(crate) async fn sleep_until(deadline: tokio::time::Instant) {
    expired(Deadline::until(deadline)).await;
}

async fn expired(deadline: Deadline) {
    let mut deadline = core::pin::pin!(deadline);
    core::future::poll_fn(|cx| match deadline.as_mut().poll_expired(cx) {
        true => Poll::Ready(()),
        false => Poll::Pending,
    })
    .await;
}

impl Deadline {
    fn until(deadline: tokio::time::Instant) -> Self {
        match crate::coop::in_tokio_runtime() {
            true => Deadline::Tokio {
                sleep: tokio::time::sleep_until(deadline),
            },
            // Off Tokio, Tokio's `Instant` is the system clock's.
            false => Deadline::Thread {
                delay: futures_timer::Delay::new(
                    deadline.saturating_duration_since(tokio::time::Instant::now()),
                ),
            },
        }
    }

    fn start(after: Duration) -> Self {
        match crate::coop::in_tokio_runtime() {
            true => Deadline::Tokio {
                sleep: tokio::time::sleep(after),
            },
            false => Deadline::Thread {
                delay: futures_timer::Delay::new(after),
            },
        }
    }

    fn poll_expired(self: Pin<&mut Self>, cx: &mut Context<'_>) -> bool {
        match self.project() {
            DeadlineProj::Tokio { sleep } => sleep.poll(cx).is_ready(),
            DeadlineProj::Thread { delay } => Pin::new(delay).poll(cx).is_ready(),
        }
    }
}

impl<F> Timeout<F> {
    /// Puts a deadline of `after` around `future`.
    pub fn new(after: Duration, future: F) -> Self {
        Timeout {
            future: Some(future),
            sleep: None,
            after,
        }
    }
}

impl<F> fmt::Debug for Timeout<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeout")
            .field("after", &self.after)
            .field("started", &self.sleep.is_some())
            .finish()
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let Some(future) = this.future.as_mut().as_pin_mut() else {
            panic!("`Timeout` polled after it completed");
        };
        if let Poll::Ready(output) = future.poll(cx) {
            this.future.set(None);
            return Poll::Ready(Ok(output));
        }
        if this.sleep.is_none() {
            this.sleep.set(Some(Deadline::start(*this.after)));
        }
        if let Some(sleep) = this.sleep.as_pin_mut()
            && sleep.poll_expired(cx)
        {
            this.future.set(None);
            return Poll::Ready(Err(Elapsed::new()));
        }
        Poll::Pending
    }
}

//! Instruments for behaviour tests: drop guards that record what was dropped, and a poll
//! counter.
#![allow(dead_code, unreachable_pub)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// A shared, ordered record of events.
#[derive(Clone, Default)]
pub struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    pub fn push(&self, event: impl Into<String>) {
        self.0.lock().unwrap().push(event.into());
    }

    pub fn events(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    pub fn contains(&self, event: &str) -> bool {
        self.0.lock().unwrap().iter().any(|e| e == event)
    }

    /// A guard that records `dropped NAME` when dropped.
    pub fn guard(&self, name: &str) -> DropGuard {
        DropGuard {
            log: self.clone(),
            name: name.to_string(),
        }
    }
}

pub struct DropGuard {
    log: Log,
    name: String,
}

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.log.push(format!("dropped {}", self.name));
    }
}

/// Counts how often the wrapped future is polled.
pub struct Counted<F> {
    inner: Pin<Box<F>>,
    polls: Arc<AtomicUsize>,
}

pub fn counted<F: Future>(inner: F) -> (Counted<F>, Arc<AtomicUsize>) {
    let polls = Arc::new(AtomicUsize::new(0));
    (
        Counted {
            inner: Box::pin(inner),
            polls: Arc::clone(&polls),
        },
        polls,
    )
}

impl<F: Future> Future for Counted<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        self.inner.as_mut().poll(cx)
    }
}

/// Milliseconds of (paused) Tokio time since `start`.
pub fn ms_since(start: tokio::time::Instant) -> u128 {
    start.elapsed().as_millis()
}

pub async fn sleep_ms(ms: u64) {
    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
}

/// Tasks alive on the current runtime (to show that nothing leaks).
pub fn alive() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

/// Yields a few times, so that the runtime can drop aborted tasks.
pub async fn settle() {
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
}

/// Polls `future` at most `polls` times, letting the runtime run between polls, then drops
/// it. Returns whether it completed within them. The cancel-safety habit: call it for
/// `polls = 0, 1, 2, ...` on a fresh state each time and check that nothing was lost.
pub async fn poll_then_drop<F: Future>(future: F, polls: usize) -> bool {
    let mut future = Box::pin(future);
    for _ in 0..polls {
        let ready =
            std::future::poll_fn(|cx| Poll::Ready(future.as_mut().poll(cx).is_ready())).await;
        if ready {
            return true;
        }
        settle().await;
    }
    false
}

//! What the benchmarks share: leaf futures, a driver, and each peer's way of doing the same
//! job, so that `benches/groups.rs` and the `ratios` report measure the same code.

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};

/// Returns `Pending` once (waking itself at once), then `Ready`: one trip through the
/// wake machinery, without a runtime.
#[derive(Debug, Default)]
pub struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Branches that finish one after another, each woken by the one before: the worst case for
/// a group that polls every unfinished branch on each wake (n wakes, about n²/2 branch polls),
/// and the case per-branch wakers exist for. Leg `i` of `n` finishes `n - 1 - i`th, so in
/// written order each wake's leg is polled after the legs still waiting.
#[derive(Debug)]
pub struct Relay {
    turn: std::cell::Cell<usize>,
    wakers: std::cell::RefCell<Vec<Option<Waker>>>,
}

impl Relay {
    /// A relay of `n` legs.
    pub fn new(n: usize) -> Self {
        Relay {
            turn: std::cell::Cell::new(0),
            wakers: std::cell::RefCell::new(vec![None; n]),
        }
    }

    /// Leg `i`.
    pub fn leg(&self, i: usize) -> Leg<'_> {
        Leg { relay: self, i }
    }
}

/// One leg of a [`Relay`].
#[derive(Debug)]
pub struct Leg<'a> {
    relay: &'a Relay,
    i: usize,
}

impl Future for Leg<'_> {
    type Output = usize;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        let mut wakers = self.relay.wakers.borrow_mut();
        let n = wakers.len();
        let turn = self.relay.turn.get();
        if turn == n - 1 - self.i {
            self.relay.turn.set(turn + 1);
            if let Some(next) = self.i.checked_sub(1).and_then(|j| wakers[j].take()) {
                next.wake();
            }
            return Poll::Ready(self.i);
        }
        wakers[self.i] = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// A branch that is ready at once.
pub async fn ready(n: u64) -> u64 {
    n
}

/// A branch that yields once.
pub async fn yielding(n: u64) -> u64 {
    YieldOnce::default().await;
    n
}

/// A branch that yields once and returns nothing: with it, a collected `Vec<()>` allocates
/// nothing, so peak memory is the fan-out machinery's own.
pub async fn yielding_unit(_: u64) {
    YieldOnce::default().await;
}

/// The minimal executor: a waker whose wake is one atomic store, and a loop that polls again
/// only after a wake. What a runtime adds to a wake is the same for every peer, so this
/// measures the combinator.
#[derive(Debug)]
pub struct Minimal {
    flag: Arc<Flag>,
    waker: Waker,
}

/// The minimal executor's wake flag.
#[derive(Debug)]
struct Flag(AtomicBool);

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::Release);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.store(true, Ordering::Release);
    }
}

impl Default for Minimal {
    fn default() -> Self {
        let flag = Arc::new(Flag(AtomicBool::new(false)));
        Minimal {
            waker: Waker::from(Arc::clone(&flag)),
            flag,
        }
    }
}

impl Minimal {
    /// Polls `future` to completion, polling again only after a wake.
    ///
    /// # Panics
    /// If a poll returns `Pending` without a wake: every leaf here wakes before it does.
    #[inline]
    pub fn run<F: Future>(&self, future: F) -> F::Output {
        let mut future = pin!(future);
        let mut cx = Context::from_waker(&self.waker);
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
            assert!(
                self.flag.0.swap(false, Ordering::Acquire),
                "a poll returned Pending without a wake"
            );
        }
    }
}

/// Runs `future` on this thread's [`Minimal`] executor.
pub fn drive<F: Future>(future: F) -> F::Output {
    thread_local! {
        static EXECUTOR: Minimal = Minimal::default();
    }
    EXECUTOR.with(|executor| executor.run(future))
}

/// A single-threaded Tokio runtime for the peers that need one.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// The `for` form and its peers, each mapping `0..n` through `leaf` with 64 in flight and
/// collecting a `Vec`.
pub mod fan_out {
    use std::future::Future;
    use std::num::NonZeroUsize;
    use std::sync::Arc;

    use async_dsl::parallel;
    use futures::StreamExt;
    use futures_concurrency::prelude::*;

    /// The limit every peer gets.
    pub const LIMIT: usize = 64;

    /// `parallel! { limit = 64; for .. }`: input order.
    pub async fn async_dsl<T, F: Future<Output = T>>(n: u64, leaf: fn(u64) -> F) -> Vec<T> {
        parallel! { limit = LIMIT; for i in 0..n => leaf(i) }.await
    }

    /// `async_dsl::map(..).limit(64)`: input order.
    pub async fn map<T, F: Future<Output = T>>(n: u64, leaf: fn(u64) -> F) -> Vec<T> {
        async_dsl::map(0..n, leaf).limit(LIMIT).await
    }

    /// `async_dsl::map_unordered(..).limit(64)`: completion order.
    pub async fn map_unordered<T, F: Future<Output = T>>(n: u64, leaf: fn(u64) -> F) -> Vec<T> {
        async_dsl::map_unordered(0..n, leaf)
            .limit(LIMIT)
            .collect()
            .await
    }

    /// `futures::stream::buffered(64)`: input order.
    pub async fn buffered<T, F: Future<Output = T>>(n: u64, leaf: fn(u64) -> F) -> Vec<T> {
        futures::stream::iter(0..n)
            .map(leaf)
            .buffered(LIMIT)
            .collect()
            .await
    }

    /// `futures::stream::buffer_unordered(64)`: completion order.
    pub async fn buffer_unordered<T, F: Future<Output = T>>(n: u64, leaf: fn(u64) -> F) -> Vec<T> {
        futures::stream::iter(0..n)
            .map(leaf)
            .buffer_unordered(LIMIT)
            .collect()
            .await
    }

    /// futures-concurrency `co().limit(64)`: completion order.
    pub async fn co_limit<T, F: Future<Output = T>>(n: u64, leaf: fn(u64) -> F) -> Vec<T> {
        futures::stream::iter(0..n)
            .co()
            .limit(NonZeroUsize::new(LIMIT))
            .map(leaf)
            .collect()
            .await
    }

    /// A `JoinSet` with a 64-permit semaphore: every item is a spawned task, completion order.
    pub async fn join_set<T, F>(n: u64, leaf: fn(u64) -> F) -> Vec<T>
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
    {
        let permits = Arc::new(tokio::sync::Semaphore::new(LIMIT));
        let mut set = tokio::task::JoinSet::new();
        let mut out = Vec::with_capacity(n as usize);
        for i in 0..n {
            let permit = Arc::clone(&permits)
                .acquire_owned()
                .await
                .expect("semaphore open");
            set.spawn(async move {
                let value = leaf(i).await;
                drop(permit);
                value
            });
            while let Some(done) = set.try_join_next() {
                out.push(done.expect("task ok"));
            }
        }
        while let Some(done) = set.join_next().await {
            out.push(done.expect("task ok"));
        }
        out
    }
}

/// The implementation name of `benches/tracing.rs` built without the `tracing` feature.
pub const TRACING_OFF: &str = "feature off";

/// The implementation name of `benches/tracing.rs` built with the `tracing` feature (and no
/// subscriber).
pub const TRACING_ON: &str = "feature on, no subscriber";

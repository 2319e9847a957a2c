//! Branches woken from another thread, at every moment relative to the group's poll: no wake
//! is ever missed, for groups that poll every branch on each wake (up to sixteen branches),
//! for larger groups whose branches each have a waker, and for the `for` form.
//!
//! Each branch hands itself to a waker thread on its first poll and completes once that
//! thread has marked it done and woken it. The thread waits a varying number of spins first,
//! so its wake lands before, during and after the group's own poll. A missed wake leaves the
//! executor parked forever; each run has a deadline that turns that into a failure.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Sender};
use std::task::{Context, Poll};
use std::time::Duration;

use async_dsl::{parallel, race, try_parallel};
use futures::task::AtomicWaker;

/// What a branch and the waker thread share.
struct Shared {
    done: AtomicBool,
    waker: AtomicWaker,
    spins: u32,
}

/// A branch completed by the waker thread.
struct Remote {
    shared: Arc<Shared>,
    to_waker: Sender<Arc<Shared>>,
    sent: bool,
}

impl Future for Remote {
    type Output = u32;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        // Register before reading `done`, so a wake between the two is not lost.
        self.shared.waker.register(cx.waker());
        if self.shared.done.load(Ordering::Acquire) {
            return Poll::Ready(self.shared.spins);
        }
        if !self.sent {
            self.sent = true;
            self.to_waker
                .send(Arc::clone(&self.shared))
                .expect("the waker thread outlives the runs");
        }
        Poll::Pending
    }
}

/// Makes branches and runs the thread that completes them.
struct Waker {
    to_waker: Sender<Arc<Shared>>,
    made: AtomicUsize,
}

impl Waker {
    fn start() -> Self {
        let (to_waker, from_branches) = mpsc::channel::<Arc<Shared>>();
        std::thread::spawn(move || {
            for shared in from_branches {
                for _ in 0..shared.spins {
                    std::hint::spin_loop();
                }
                shared.done.store(true, Ordering::Release);
                shared.waker.wake();
            }
        });
        Waker {
            to_waker,
            made: AtomicUsize::new(0),
        }
    }

    fn branch(&self) -> Remote {
        let n = self.made.fetch_add(1, Ordering::Relaxed);
        Remote {
            shared: Arc::new(Shared {
                done: AtomicBool::new(false),
                waker: AtomicWaker::new(),
                // 0 to 2047 spins: from a wake during the group's poll to one well after.
                spins: (n.wrapping_mul(2_654_435_761) % 2048) as u32,
            }),
            to_waker: self.to_waker.clone(),
            sent: false,
        }
    }
}

/// Runs `body` on its own thread and fails if it does not finish within a minute (a missed
/// wake parks its executor forever).
fn within_deadline(name: &str, body: impl FnOnce() + Send + 'static) {
    // With the `tracing` feature, every group and branch makes its spans, on every thread.
    async_dsl_tests::subscribe_to_everything();
    let (finished, wait) = mpsc::channel();
    std::thread::spawn(move || {
        body();
        let _ = finished.send(());
    });
    assert!(
        wait.recv_timeout(Duration::from_secs(60)).is_ok(),
        "{name}: a run did not finish, so a wake was missed (or a branch panicked)"
    );
}

const RUNS: usize = 300;

/// `$group!` of sixteen `$branch`es, then any more given.
macro_rules! sixteen {
    ($group:ident, $branch:expr $(, $more:expr)*) => {
        $group!($branch, $branch, $branch, $branch, $branch, $branch, $branch, $branch,
            $branch, $branch, $branch, $branch, $branch, $branch, $branch, $branch $(, $more)*)
    };
}

/// Every group shape, once, on the executor that `block_on` stands for.
async fn every_shape(w: &Waker) {
    let b = || w.branch();
    let one = parallel!(b()).await;
    assert!(one.0 < 2048);
    let (x, y, z) = parallel!(b(), b(), b()).await;
    assert!(x < 2048 && y < 2048 && z < 2048);
    let sixteen = sixteen!(parallel, b()).await;
    assert!(sixteen.15 < 2048);
    // One more than a group polls all together: branches with their own wakers.
    let ok = || async { Ok::<_, ()>(w.branch().await) };
    let seventeen = sixteen!(try_parallel, ok(), ok()).await;
    assert!(seventeen.is_ok());
    let won = race!(b(), b(), b()).await;
    assert!(won < 2048);
    let all: Vec<u32> = parallel! { limit = 4; for _ in 0..20 => b() }.await;
    assert_eq!(all.len(), 20);
}

#[test]
fn no_wake_is_missed_on_futures_block_on() {
    within_deadline("futures::executor::block_on", || {
        let w = Waker::start();
        for _ in 0..RUNS {
            futures::executor::block_on(every_shape(&w));
        }
    });
}

#[test]
fn no_wake_is_missed_on_a_multi_threaded_tokio_runtime() {
    within_deadline("tokio multi-threaded", || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .expect("runtime");
        let w = Arc::new(Waker::start());
        runtime.block_on(async {
            // Several groups at once, moved between the runtime's threads as they wait.
            let tasks: Vec<_> = (0..4)
                .map(|_| {
                    let w = Arc::clone(&w);
                    tokio::spawn(async move {
                        for _ in 0..RUNS / 4 {
                            every_shape(&w).await;
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.expect("no run panics");
            }
        });
    });
}

//! The ratio table of the core path in well under a minute, without `cargo bench`:
//! `cargo run --release -p async-dsl-benches --bin quick [-- ROUNDS]`.
//!
//! Each case runs our group and the tokio macro it replaces on a minimal executor whose wake
//! is one atomic store (what a runtime adds is the same for both sides). Rounds interleave the
//! cases, and each side's fastest round counts (noise on a shared machine only adds time).
//! Use it before a change to the hot path lands; the criterion suite is the record.

use std::hint::black_box;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use async_dsl::{parallel, race, try_parallel};
use async_dsl_benches::{ready, yielding};
use tokio::join;

/// A waker that records a wake with one atomic store.
struct Flag(AtomicBool);

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::Release);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.store(true, Ordering::Release);
    }
}

/// Polls `future` to completion, polling again only after a wake.
fn run<F: std::future::Future>(future: F, flag: &Arc<Flag>, waker: &Waker) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        // Every leaf here wakes before it returns `Pending`.
        assert!(
            flag.0.swap(false, Ordering::Acquire),
            "a poll returned Pending without a wake"
        );
    }
}

/// Where a case runs: the minimal executor above, or a current-thread Tokio runtime (one
/// task awaiting the groups one after another).
enum Exec {
    Minimal(Arc<Flag>, Waker),
    Tokio(tokio::runtime::Runtime),
}

type Bench = fn(&Exec, u64);

const ITERS: u64 = 100_000;

fn time(bench: Bench, exec: &Exec) -> Duration {
    let start = Instant::now();
    bench(exec, ITERS);
    start.elapsed()
}

macro_rules! bench {
    ($body:expr) => {
        |exec: &Exec, iters: u64| match exec {
            Exec::Minimal(flag, waker) => {
                for i in 0..iters {
                    let _ = black_box(run($body(black_box(i)), flag, waker));
                }
            }
            Exec::Tokio(rt) => rt.block_on(async {
                for i in 0..iters {
                    let _ = black_box($body(black_box(i)).await);
                }
            }),
        }
    };
}

/// `$group!` of `$leaf` branches, the first fed `$i`, the others the numbers listed.
macro_rules! many {
    ($group:ident, $leaf:ident, $i:expr; $($n:literal)*) => {
        $group!($leaf($i), $($leaf($n)),*)
    };
}

/// Twelve branches.
macro_rules! twelve {
    ($group:ident, $leaf:ident, $i:expr) => {
        many!($group, $leaf, $i; 2 3 4 5 6 7 8 9 10 11 12)
    };
}

/// Seventeen: one more than a group polls all together on each wake.
macro_rules! seventeen {
    ($group:ident, $leaf:ident, $i:expr) => {
        many!($group, $leaf, $i; 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17)
    };
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|r| r.parse().expect("ROUNDS is a number"))
        .unwrap_or(15);
    assert!(rounds > 0, "ROUNDS is at least 1");
    let cases: Vec<(&str, Bench, Bench)> = vec![
        (
            "3 branches, ready",
            bench!(|i| async move { parallel!(ready(i), ready(2), ready(3)).await }),
            bench!(|i| async move { tokio::join!(ready(i), ready(2), ready(3)) }),
        ),
        (
            "12 branches, ready",
            bench!(|i| async move { twelve!(parallel, ready, i).await }),
            bench!(|i| async move { twelve!(join, ready, i) }),
        ),
        (
            "try_parallel! 3, ready",
            bench!(
                |i| async move { try_parallel!(ok(ready(i)), ok(ready(2)), ok(ready(3))).await }
            ),
            bench!(|i| async move { tokio::try_join!(ok(ready(i)), ok(ready(2)), ok(ready(3))) }),
        ),
        (
            "race! 2, ready",
            bench!(|i| async move { race!(ready(i), ready(2)).await }),
            bench!(|i| async move {
                tokio::select! { v = ready(i) => v, v = ready(2) => v }
            }),
        ),
        (
            "3 branches, each pending once",
            bench!(|i| async move { parallel!(yielding(i), yielding(2), yielding(3)).await }),
            bench!(|i| async move { tokio::join!(yielding(i), yielding(2), yielding(3)) }),
        ),
        (
            "12 branches, each pending once",
            bench!(|i| async move { twelve!(parallel, yielding, i).await }),
            bench!(|i| async move { twelve!(join, yielding, i) }),
        ),
        (
            "17 branches, each pending once",
            bench!(|i| async move { seventeen!(parallel, yielding, i).await }),
            bench!(|i| async move { seventeen!(join, yielding, i) }),
        ),
        (
            "try_parallel! 3, pending once",
            bench!(|i| async move {
                try_parallel!(ok(yielding(i)), ok(yielding(2)), ok(yielding(3))).await
            }),
            bench!(|i| async move {
                tokio::try_join!(ok(yielding(i)), ok(yielding(2)), ok(yielding(3)))
            }),
        ),
        (
            "race! 2, pending once",
            bench!(|i| async move { race!(yielding(i), yielding(2)).await }),
            bench!(|i| async move {
                tokio::select! { v = yielding(i) => v, v = yielding(2) => v }
            }),
        ),
    ];
    let flag = Arc::new(Flag(AtomicBool::new(false)));
    let waker = Waker::from(Arc::clone(&flag));
    let execs = [
        Exec::Minimal(flag, waker),
        Exec::Tokio(
            tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("runtime"),
        ),
    ];
    // Per case and executor: (ours, tokio's).
    let mut best = vec![[(Duration::MAX, Duration::MAX); 2]; cases.len()];
    for _ in 0..rounds {
        for ((_, ours, theirs), best) in cases.iter().zip(&mut best) {
            for (exec, best) in execs.iter().zip(best) {
                best.0 = best.0.min(time(*ours, exec));
                best.1 = best.1.min(time(*theirs, exec));
            }
        }
    }
    println!(
        "{ITERS} runs per round, fastest of {rounds} rounds; minimal executor: wake = one \
         atomic store; Tokio: a current-thread runtime, one task\n"
    );
    println!(
        "| case | ours ns | tokio ns | ratio | ours ns, Tokio rt | tokio ns, Tokio rt | ratio, Tokio rt |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let per = |d: Duration| d.as_secs_f64() * 1e9 / ITERS as f64;
    for ((name, _, _), best) in cases.iter().zip(best) {
        let cells: Vec<String> = best
            .iter()
            .map(|&(ours, theirs)| {
                let (ours, theirs) = (per(ours), per(theirs));
                format!("{ours:.1} | {theirs:.1} | {:.2}", ours / theirs)
            })
            .collect();
        println!("| {name} | {} |", cells.join(" | "));
    }
}

/// A branch that cannot fail, as a `Result`.
async fn ok<F: std::future::Future<Output = u64>>(future: F) -> Result<u64, ()> {
    Ok(future.await)
}

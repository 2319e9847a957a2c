//! The ratio table of the core path in well under a minute, without `cargo bench`:
//! `cargo run --release -p async-dsl-benches --bin quick [-- ROUNDS [CASE]]` (CASE: only the
//! cases whose name contains it, to profile one).
//!
//! Each case runs our group and the tokio macro it replaces on a minimal executor whose wake
//! is one atomic store (what a runtime adds is the same for both sides), then on a
//! current-thread Tokio runtime. Rounds interleave the
//! cases, and each side's fastest round counts (noise on a shared machine only adds time).
//! Use it before a change to the hot path lands; the criterion suite is the record.

use std::hint::black_box;
use std::time::{Duration, Instant};

use async_dsl::__private::{join, join_large};
use async_dsl::{parallel, race, try_parallel};
use async_dsl_benches::{Minimal, Relay, ready, yielding};
use tokio::join;

/// Where a case runs: the minimal executor above, or a current-thread Tokio runtime (one
/// task awaiting the groups one after another).
enum Exec {
    Minimal(Minimal),
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
            Exec::Minimal(executor) => {
                for i in 0..iters {
                    let _ = black_box(executor.run($body(black_box(i))));
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

/// A list of join slots, as the macros build one.
macro_rules! slots {
    () => { async_dsl::__private::Nil };
    ($head:expr $(, $rest:expr)*) => {
        async_dsl::__private::Cons::new(async_dsl::__private::JoinSlot::new($head), slots!($($rest),*))
    };
}

/// Sixteen join slots of `$leaf`, the first fed `$i`.
macro_rules! sixteen_slots {
    ($leaf:ident, $i:expr) => {
        slots!(
            $leaf($i),
            $leaf(2),
            $leaf(3),
            $leaf(4),
            $leaf(5),
            $leaf(6),
            $leaf(7),
            $leaf(8),
            $leaf(9),
            $leaf(10),
            $leaf(11),
            $leaf(12),
            $leaf(13),
            $leaf(14),
            $leaf(15),
            $leaf(16)
        )
    };
}

/// Join slots of the legs of relay `$r` listed.
macro_rules! legs {
    ($r:ident; $($n:literal)*) => { slots!($($r.leg($n)),*) };
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|r| r.parse().expect("ROUNDS is a number"))
        .unwrap_or(15);
    assert!(rounds > 0, "ROUNDS is at least 1");
    let only = std::env::args().nth(2).unwrap_or_default();
    let mut cases: Vec<(&str, Bench, Bench)> = vec![
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
    cases.retain(|(name, _, _)| name.contains(&only));
    let execs = [
        Exec::Minimal(Minimal::default()),
        Exec::Tokio(
            tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("runtime"),
        ),
    ];
    println!(
        "{ITERS} runs per round, fastest of {rounds} rounds; minimal executor: wake = one \
         atomic store; Tokio: a current-thread runtime, one task\n"
    );
    table(
        "| case | ours ns | tokio ns | ratio | ours ns, Tokio rt | tokio ns, Tokio rt | ratio, Tokio rt |",
        &cases,
        &execs,
        rounds,
    );
    // The two ways a group can wait, at one size: what `SMALL` in `group/direct.rs` rests on.
    println!("\nOne group, both ways of waiting (minimal executor):\n");
    let mut ways: Vec<(&str, Bench, Bench)> = vec![
        (
            "4 branches, each pending once",
            bench!(|i| async move {
                join(
                    slots!(yielding(i), yielding(2), yielding(3), yielding(4)),
                    drop,
                )
                .await
            }),
            bench!(|i| async move {
                join_large(
                    slots!(yielding(i), yielding(2), yielding(3), yielding(4)),
                    drop,
                )
                .await
            }),
        ),
        (
            "16 branches, each pending once",
            bench!(|i| async move { join(sixteen_slots!(yielding, i), drop).await }),
            bench!(|i| async move { join_large(sixteen_slots!(yielding, i), drop).await }),
        ),
        (
            "4 branches woken one after another",
            bench!(|_| async move {
                let r = Relay::new(4);
                join(legs!(r; 0 1 2 3), drop).await
            }),
            bench!(|_| async move {
                let r = Relay::new(4);
                join_large(legs!(r; 0 1 2 3), drop).await
            }),
        ),
        (
            "8 branches woken one after another",
            bench!(|_| async move {
                let r = Relay::new(8);
                join(legs!(r; 0 1 2 3 4 5 6 7), drop).await
            }),
            bench!(|_| async move {
                let r = Relay::new(8);
                join_large(legs!(r; 0 1 2 3 4 5 6 7), drop).await
            }),
        ),
        (
            "16 branches woken one after another",
            bench!(|_| async move {
                let r = Relay::new(16);
                join(legs!(r; 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15), drop).await
            }),
            bench!(|_| async move {
                let r = Relay::new(16);
                join_large(legs!(r; 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15), drop).await
            }),
        ),
    ];
    ways.retain(|(name, _, _)| name.contains(&only));
    table(
        "| case | every branch on each wake ns | per-branch wakers ns | ratio |",
        &ways,
        &execs[..1],
        rounds,
    );
}

/// Runs `cases` on each of `execs`, interleaved, and prints each side's fastest round.
fn table(header: &str, cases: &[(&str, Bench, Bench)], execs: &[Exec], rounds: usize) {
    // Per case and executor: (ours, the other's).
    let mut best = vec![vec![(Duration::MAX, Duration::MAX); execs.len()]; cases.len()];
    for _ in 0..rounds {
        for ((_, ours, theirs), best) in cases.iter().zip(&mut best) {
            for (exec, best) in execs.iter().zip(best) {
                best.0 = best.0.min(time(*ours, exec));
                best.1 = best.1.min(time(*theirs, exec));
            }
        }
    }
    println!("{header}");
    println!("|---{}|", "|---:".repeat(3 * execs.len()));
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

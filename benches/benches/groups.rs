//! `parallel!`, `race!` and the `for` form against the code they replace, in one run.
//!
//! Run with `cargo bench -p async-dsl-benches`, then `cargo run --release -p
//! async-dsl-benches --bin ratios` for the ratio table (also future sizes and peak memory).

use std::any::Any;
use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::time::{Duration, Instant};

use async_dsl::{parallel, race};
use async_dsl_benches::{drive, fan_out, ready, runtime, yielding};
use criterion::{Criterion, criterion_group, criterion_main};
use futures_concurrency::prelude::*;

type AnyFuture = Pin<Box<dyn Future<Output = Box<dyn Any + Send>> + Send>>;

/// The Go-style `All(func() any ...)`: boxed futures of `Any`, cast back by the caller.
fn any_of<F: Future<Output = u64> + Send + 'static>(f: F) -> AnyFuture {
    Box::pin(async move { Box::new(f.await) as Box<dyn Any + Send> })
}

fn sum_any(outputs: Vec<Box<dyn Any + Send>>) -> u64 {
    outputs
        .into_iter()
        .map(|b| *b.downcast::<u64>().expect("u64"))
        .sum()
}

fn join(c: &mut Criterion) {
    macro_rules! peers {
        ($name:literal, $leaf:ident, $($n:literal)*) => {{
            let mut g = c.benchmark_group($name);
            g.bench_function("async_dsl parallel!", |b| {
                b.iter(|| drive(parallel!($($leaf(black_box($n))),*)))
            });
            g.bench_function("tokio::join!", |b| {
                b.iter(|| drive(async { tokio::join!($($leaf(black_box($n))),*) }))
            });
            g.bench_function("futures::join!", |b| {
                b.iter(|| drive(async { futures::join!($($leaf(black_box($n))),*) }))
            });
            g.bench_function("futures-concurrency join", |b| {
                b.iter(|| drive(($($leaf(black_box($n)),)*).join()))
            });
            g.bench_function("join_all boxed Any", |b| {
                b.iter(|| sum_any(drive(futures::future::join_all(vec![$(any_of($leaf(black_box($n)))),*]))))
            });
            g.finish();
        }};
    }
    peers!("join 3 ready", ready, 1 2 3);
    peers!("join 3 yield", yielding, 1 2 3);
    peers!("join 12 ready", ready, 1 2 3 4 5 6 7 8 9 10 11 12);
    peers!("join 12 yield", yielding, 1 2 3 4 5 6 7 8 9 10 11 12);
}

fn race(c: &mut Criterion) {
    macro_rules! peers {
        ($name:literal, $a:expr, $b:expr) => {{
            let mut g = c.benchmark_group($name);
            g.bench_function("async_dsl race!", |b| b.iter(|| drive(race!($a, $b))));
            g.bench_function("tokio::select!", |b| {
                b.iter(|| {
                    drive(async {
                        tokio::select! {
                            v = $a => v,
                            v = $b => v,
                        }
                    })
                })
            });
            g.bench_function("futures-concurrency race", |b| {
                b.iter(|| drive(($a, $b).race()))
            });
            g.finish();
        }};
    }
    peers!("race 2 ready", ready(black_box(1)), ready(black_box(2)));
    peers!(
        "race 2 yield",
        yielding(black_box(1)),
        yielding(black_box(2))
    );
}

fn for_form(c: &mut Criterion) {
    let rt = runtime();
    macro_rules! peers {
        ($name:literal, $n:expr, $leaf:ident) => {{
            let mut g = c.benchmark_group($name);
            if $n >= 1_000_000 {
                g.sample_size(10);
            }
            g.bench_function("async_dsl for, limit 64", |b| {
                b.iter(|| rt.block_on(fan_out::async_dsl(black_box($n), $leaf)))
            });
            g.bench_function("buffered(64)", |b| {
                b.iter(|| rt.block_on(fan_out::buffered(black_box($n), $leaf)))
            });
            g.bench_function("buffer_unordered(64)", |b| {
                b.iter(|| rt.block_on(fan_out::buffer_unordered(black_box($n), $leaf)))
            });
            g.bench_function("futures-concurrency co().limit(64)", |b| {
                b.iter(|| rt.block_on(fan_out::co_limit(black_box($n), $leaf)))
            });
            g.bench_function("JoinSet + Semaphore(64)", |b| {
                b.iter(|| rt.block_on(fan_out::join_set(black_box($n), $leaf)))
            });
            g.finish();
        }};
    }
    peers!("for 10k ready", 10_000u64, ready);
    peers!("for 10k yield", 10_000u64, yielding);
    peers!("for 1M ready", 1_000_000u64, ready);
}

/// Awaits `iters` futures from `make`, one after another, in one task of `rt`.
fn timed<F: Future>(rt: &tokio::runtime::Runtime, iters: u64, make: impl Fn() -> F) -> Duration {
    rt.block_on(async {
        let start = Instant::now();
        for _ in 0..iters {
            black_box(make().await);
        }
        start.elapsed()
    })
}

/// The same groups awaited by one task of a current-thread Tokio runtime, so each wake goes
/// through Tokio's scheduler (and its task budget): ours against the tokio macro.
fn on_tokio(c: &mut Criterion) {
    let rt = runtime();
    macro_rules! pair {
        ($name:literal, $ours_name:literal, $ours:expr, $theirs_name:literal, $theirs:expr) => {{
            let mut g = c.benchmark_group($name);
            g.bench_function($ours_name, |b| {
                b.iter_custom(|iters| timed(&rt, iters, || $ours))
            });
            g.bench_function($theirs_name, |b| {
                b.iter_custom(|iters| timed(&rt, iters, || async { $theirs }))
            });
            g.finish();
        }};
    }
    macro_rules! joins {
        ($name:literal, $leaf:ident, $($n:literal)*) => {
            pair!(
                $name,
                "async_dsl parallel!",
                parallel!($($leaf(black_box($n))),*),
                "tokio::join!",
                tokio::join!($($leaf(black_box($n))),*)
            )
        };
    }
    joins!("join 3 ready, Tokio runtime", ready, 1 2 3);
    joins!("join 3 yield, Tokio runtime", yielding, 1 2 3);
    joins!("join 12 ready, Tokio runtime", ready, 1 2 3 4 5 6 7 8 9 10 11 12);
    joins!("join 12 yield, Tokio runtime", yielding, 1 2 3 4 5 6 7 8 9 10 11 12);
    let y = |n| yielding(black_box(n));
    pair!(
        "race 2 yield, Tokio runtime",
        "async_dsl race!",
        race!(y(1), y(2)),
        "tokio::select!",
        tokio::select! { v = y(1) => v, v = y(2) => v }
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    targets = join, race, on_tokio, for_form
}
criterion_main!(benches);

//! What the `tracing` feature costs when no subscriber is installed: the same groups, built
//! once with the feature off and once with it on.
//!
//! Run both, then the report:
//! ```sh
//! cargo bench -p async-dsl-benches --bench tracing
//! cargo bench -p async-dsl-benches --bench tracing --features tracing
//! cargo run --release -p async-dsl-benches --bin ratios
//! ```
//! Each build records its own implementation name in the same criterion groups, and `ratios`
//! derives the cost per group and per branch poll from the differences (its "tracing"
//! section says how).

use std::hint::black_box;

use async_dsl::{parallel, race};
use async_dsl_benches::{drive, ready, yielding};
use criterion::{Criterion, criterion_group, criterion_main};

/// The implementation name this build records.
const BUILD: &str = if cfg!(feature = "tracing") {
    async_dsl_benches::TRACING_ON
} else {
    async_dsl_benches::TRACING_OFF
};

/// A `parallel!` of twelve `$leaf` branches.
macro_rules! twelve {
    ($leaf:ident) => {
        twelve!(@ $leaf; 2 3 4 5 6 7 8 9 10 11 12)
    };
    (@ $leaf:ident; $($n:literal)*) => {
        parallel!($leaf(black_box(1)), $($leaf($n)),*)
    };
}

fn cost(c: &mut Criterion) {
    let mut g = c.benchmark_group("tracing: parallel! 1 ready");
    g.bench_function(BUILD, |b| b.iter(|| drive(parallel!(ready(black_box(1))))));
    g.finish();

    let mut g = c.benchmark_group("tracing: parallel! 12 ready");
    g.bench_function(BUILD, |b| b.iter(|| drive(twelve!(ready))));
    g.finish();

    let mut g = c.benchmark_group("tracing: parallel! 12 yield");
    g.bench_function(BUILD, |b| b.iter(|| drive(twelve!(yielding))));
    g.finish();

    let mut g = c.benchmark_group("tracing: race! 2 ready");
    g.bench_function(BUILD, |b| {
        b.iter(|| drive(race!(ready(black_box(1)), ready(2))))
    });
    g.finish();

    let mut g = c.benchmark_group("tracing: for 100 ready");
    g.bench_function(BUILD, |b| {
        b.iter(|| drive(parallel! { for n in 0..black_box(100u64) => ready(n) }))
    });
    g.finish();
}

criterion_group!(benches, cost);
criterion_main!(benches);

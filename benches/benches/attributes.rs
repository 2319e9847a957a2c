//! `#[throttled]` and `#[batched]` against plain calls and governor, in one run.
//!
//! Run with `cargo bench -p async-dsl-benches --bench attributes`; the real-time figures
//! (achieved rate, spread start error) come from the `ratios` binary.

use std::hint::black_box;
use std::num::NonZeroU32;
use std::time::Duration;

use async_dsl::{Throttle, batched, throttled};
use async_dsl_benches::{drive, runtime};
use criterion::{Criterion, criterion_group, criterion_main};
use governor::{Quota, RateLimiter};

async fn plain(q: u64) -> u64 {
    q + 1
}

// A rate so high the call never waits: this measures the throttle's own cost.
#[throttled(rate = 4000000000)]
async fn throttled_never_waits(q: u64) -> u64 {
    q + 1
}

fn throttle_overhead(c: &mut Criterion) {
    let mut g = c.benchmark_group("throttled call that never waits");
    g.bench_function("plain call", |b| b.iter(|| drive(plain(black_box(1)))));
    g.bench_function("async_dsl #[throttled]", |b| {
        b.iter(|| drive(throttled_never_waits(black_box(1))))
    });
    let throttle = Throttle::new(NonZeroU32::MAX, Duration::from_secs(1));
    g.bench_function("async_dsl Throttle::acquire", |b| {
        b.iter(|| {
            drive(async {
                let _permit = throttle.acquire().await;
                plain(black_box(1)).await
            })
        })
    });
    let governor = RateLimiter::direct(Quota::per_second(NonZeroU32::MAX));
    g.bench_function("governor check", |b| {
        b.iter(|| {
            drive(async {
                let _ = black_box(governor.check());
                plain(black_box(1)).await
            })
        })
    });
    // Governor reads a TSC clock (quanta); on the standard library's clock, which ours uses
    // so that it follows Tokio's (pausable) time, governor's check costs this.
    let on_std_clock = RateLimiter::direct_with_clock(
        Quota::per_second(NonZeroU32::MAX),
        governor::clock::MonotonicClock,
    );
    g.bench_function("governor check, std clock", |b| {
        b.iter(|| {
            drive(async {
                let _ = black_box(on_std_clock.check());
                plain(black_box(1)).await
            })
        })
    });
    g.bench_function("std Instant::now", |b| {
        b.iter(|| black_box(std::time::Instant::now()))
    });
    g.bench_function("governor until_ready", |b| {
        b.iter(|| {
            drive(async {
                governor.until_ready().await;
                plain(black_box(1)).await
            })
        })
    });
    g.finish();
}

// As above, with a limit per key; the benchmark hits one key that already exists.
#[throttled(rate = 4000000000, key = tenant)]
async fn keyed_never_waits(tenant: u64, q: u64) -> u64 {
    q + tenant
}

fn keyed_throttle_overhead(c: &mut Criterion) {
    let mut g = c.benchmark_group("keyed throttled call that never waits, existing key");
    drive(keyed_never_waits(7, 1));
    g.bench_function("async_dsl #[throttled(key = ..)]", |b| {
        b.iter(|| drive(keyed_never_waits(black_box(7), black_box(1))))
    });
    let governor = RateLimiter::keyed(Quota::per_second(NonZeroU32::MAX));
    let _ = governor.check_key(&7u64);
    g.bench_function("governor keyed check_key", |b| {
        b.iter(|| {
            drive(async {
                let _ = black_box(governor.check_key(&black_box(7u64)));
                plain(black_box(1)).await
            })
        })
    });
    g.bench_function("governor keyed until_key_ready", |b| {
        b.iter(|| {
            drive(async {
                governor.until_key_ready(&black_box(7u64)).await;
                plain(black_box(1)).await
            })
        })
    });
    g.finish();
}

/// A stand-in for a round trip: a fixed cost per call, whatever the number of keys.
fn round_trip() {
    let mut x = 0u64;
    for i in 0..20_000u64 {
        x = black_box(x.wrapping_mul(31).wrapping_add(i));
    }
    black_box(x);
}

async fn lookup_direct(keys: Vec<u64>) -> Vec<u64> {
    round_trip();
    keys.iter().map(|k| k * 2).collect()
}

#[batched(max = 1000, window = "5ms")]
async fn lookup(keys: Vec<u64>) -> Vec<u64> {
    lookup_direct(keys).await
}

fn batching(c: &mut Criterion) {
    let rt = runtime();
    let mut g = c.benchmark_group("1000 keys looked up");
    g.bench_function("async_dsl #[batched] one per caller", |b| {
        b.iter(|| rt.block_on(futures::future::join_all((0..1000).map(lookup::one))))
    });
    g.bench_function("batch function once per key", |b| {
        b.iter(|| {
            rt.block_on(futures::future::join_all(
                (0..1000).map(|k| lookup_direct(vec![k])),
            ))
        })
    });
    g.bench_function("batch function once with all keys", |b| {
        b.iter(|| rt.block_on(lookup_direct((0..1000).collect())))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    targets = throttle_overhead, keyed_throttle_overhead, batching
}
criterion_main!(benches);

//! Prints the benchmark report as Markdown: the latest criterion estimates as ratios to each
//! group's reference peer, the size of each group's future, and the peak heap of the `for`
//! form and its peers (a counting allocator).
//!
//! Usage: `cargo bench -p async-dsl-benches && cargo run --release -p async-dsl-benches --bin ratios`
//! (`-- real-time` repeats only the real-time measurements).

use std::collections::BTreeMap;
use std::future::Future;
use std::path::Path;

use async_dsl::{parallel, race, throttled};
use async_dsl_benches::{drive, fan_out, ready, runtime, yielding, yielding_unit};
use futures_concurrency::prelude::*;
use peak_alloc::PeakAlloc;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

/// The peer each group is compared against, by name prefix.
fn reference(group: &str) -> &'static str {
    if group.starts_with("join") {
        "tokio::join!"
    } else if group.starts_with("race") {
        "tokio::select!"
    } else if group.starts_with("throttled") {
        "governor until_ready"
    } else if group.starts_with("1000 keys") {
        "batch function once per key"
    } else if group.starts_with("100k spawned") {
        "JoinSet"
    } else if group.starts_with("Redis quota, a call") {
        "bare EVALSHA of the script"
    } else if group.starts_with("Redis quota, concurrent") {
        "1 callers"
    } else if group.starts_with("10k jobs") {
        "hand-written mpsc pool"
    } else if group.starts_with("tracing:") {
        async_dsl_benches::TRACING_OFF
    } else {
        "buffer_unordered(64)"
    }
}

fn items(group: &str) -> Option<f64> {
    if group.starts_with("100k") {
        Some(1e5)
    } else if group.starts_with("10k") || group.contains(" 10k") {
        Some(1e4)
    } else if group.contains("100k") {
        Some(1e5)
    } else if group.contains("1M") {
        Some(1e6)
    } else {
        None
    }
}

fn main() {
    // `ratios real-time` runs only the real-time measurements, to repeat them.
    if std::env::args().any(|a| a == "real-time") {
        real_time();
        return;
    }
    times();
    tracing_cost();
    sizes();
    per_group_heap();
    memory();
    real_time();
}

static STARTED: AtomicU64 = AtomicU64::new(0);

#[throttled(rate = 1000)]
async fn thousand_a_second() {
    STARTED.fetch_add(1, Ordering::Relaxed);
}

/// Calls started in five seconds by 10 000 callers looping over `call`, per second.
fn achieved_rate<F: Future<Output = ()> + Send>(
    call: impl Fn() -> F + Send + Sync + Copy + 'static,
    count: fn() -> u64,
) -> f64 {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let before = count();
    let elapsed = rt.block_on(async move {
        let start = tokio::time::Instant::now();
        let mut callers = tokio::task::JoinSet::new();
        for _ in 0..10_000 {
            callers.spawn(async move {
                loop {
                    call().await;
                }
            });
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
        callers.abort_all();
        start.elapsed()
    });
    (count() - before) as f64 / elapsed.as_secs_f64()
}

fn real_time() {
    println!("| real time, 10 000 callers, target 1000 calls/s for 5 s | achieved rate | error |");
    println!("|---|---:|---:|");
    let ours = achieved_rate(thousand_a_second, || STARTED.load(Ordering::Relaxed));
    println!(
        "| async_dsl #[throttled(rate = 1000)] | {ours:.1}/s | {:+.2}% |",
        (ours / 1000.0 - 1.0) * 100.0
    );
    static GOVERNED: AtomicU64 = AtomicU64::new(0);
    static GOVERNOR: std::sync::OnceLock<governor::DefaultDirectRateLimiter> =
        std::sync::OnceLock::new();
    let quota = governor::Quota::per_second(NonZeroU32::new(1000).expect("non-zero"))
        .allow_burst(NonZeroU32::MIN);
    GOVERNOR.get_or_init(|| governor::RateLimiter::direct(quota));
    let call = || async {
        if let Some(limiter) = GOVERNOR.get() {
            limiter.until_ready().await;
        }
        GOVERNED.fetch_add(1, Ordering::Relaxed);
    };
    let theirs = achieved_rate(call, || GOVERNED.load(Ordering::Relaxed));
    println!(
        "| governor until_ready (same quota, burst 1) | {theirs:.1}/s | {:+.2}% |",
        (theirs / 1000.0 - 1.0) * 100.0
    );

    let rt = runtime();
    let errors_us = rt.block_on(async {
        let period = Duration::from_secs(5);
        let start = tokio::time::Instant::now();
        let calls = (0..500u32).map(|_| || async { tokio::time::Instant::now() });
        let started = async_dsl::spread(period, calls).await;
        let mut errors: Vec<u128> = started
            .iter()
            .enumerate()
            .map(|(i, at)| {
                let ideal = start + period * u32::try_from(i).expect("small") / 500;
                at.saturating_duration_since(ideal).as_micros()
            })
            .collect();
        errors.sort_unstable();
        errors
    });
    println!(
        "\n| `spread`: 500 calls over 5 s, start time after the ideal schedule | p50 | p99 | max |\n|---|---:|---:|---:|\n| async_dsl::spread | {} µs | {} µs | {} µs |\n",
        errors_us[250], errors_us[495], errors_us[499]
    );
}

/// Peak heap one group takes while it runs, after a warm-up run on this thread.
fn heap_of<F: Future>(make: impl Fn() -> F) -> usize {
    drive(make());
    HEAP.reset_peak_usage();
    let before = HEAP.current_usage();
    drive(make());
    HEAP.peak_usage() - before
}

fn per_group_heap() {
    println!(
        "| heap a group takes while it runs (after one warm-up on the thread) | async_dsl | tokio | futures-concurrency |"
    );
    println!("|---|---:|---:|---:|");
    println!(
        "| join of 3, ready | {} B | {} B | {} B |",
        heap_of(|| parallel!(ready(1), ready(2), ready(3))),
        heap_of(|| async { tokio::join!(ready(1), ready(2), ready(3)) }),
        heap_of(|| (ready(1), ready(2), ready(3)).join()),
    );
    println!(
        "| join of 3, yield once | {} B | {} B | {} B |",
        heap_of(|| parallel!(yielding(1), yielding(2), yielding(3))),
        heap_of(|| async { tokio::join!(yielding(1), yielding(2), yielding(3)) }),
        heap_of(|| (yielding(1), yielding(2), yielding(3)).join()),
    );
    println!(
        "| race of 2, yield once | {} B | {} B | {} B |",
        heap_of(|| race!(yielding(1), yielding(2))),
        heap_of(|| async {
            tokio::select! { v = yielding(1) => v, v = yielding(2) => v }
        }),
        heap_of(|| (yielding(1), yielding(2)).race()),
    );
    println!();
}

/// The mean time (ns) of every implementation in every criterion group, by group.
fn estimates() -> BTreeMap<String, Vec<(String, f64)>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/criterion");
    let mut groups: BTreeMap<String, Vec<(String, f64)>> = BTreeMap::new();
    for bench in walk(&root) {
        let read = |file: &str| -> Option<serde_json::Value> {
            serde_json::from_str(&std::fs::read_to_string(bench.join(file)).ok()?).ok()
        };
        let (Some(meta), Some(estimates)) = (read("benchmark.json"), read("estimates.json")) else {
            continue;
        };
        let (Some(group), Some(function), Some(mean)) = (
            meta["group_id"].as_str(),
            meta["function_id"].as_str(),
            estimates["mean"]["point_estimate"].as_f64(),
        ) else {
            continue;
        };
        groups
            .entry(group.to_string())
            .or_default()
            .push((function.to_string(), mean));
    }
    groups
}

fn times() {
    let groups = estimates();
    if groups.is_empty() {
        println!(
            "no criterion results under target/criterion: run `cargo bench -p async-dsl-benches` first\n"
        );
        return;
    }
    println!("| group | implementation | mean time | ratio | per item |");
    println!("|---|---|---:|---:|---:|");
    for (group, mut rows) in groups {
        rows.sort_by(|a, b| a.1.total_cmp(&b.1));
        let base = rows
            .iter()
            .find(|(name, _)| name == reference(&group))
            .map(|r| r.1);
        for (name, ns) in rows {
            let ratio = base.map_or("-".to_string(), |b| format!("{:.2}x", ns / b));
            let per_item = items(&group).map_or(String::new(), |n| format!("{:.1} ns", ns / n));
            println!(
                "| {group} | {name} | {} | {ratio} | {per_item} |",
                human(ns)
            );
        }
    }
    println!(
        "\nratio: mean time over the reference peer's (tokio::join!, tokio::select!, buffer_unordered(64), governor until_ready, the batch function once per key, JoinSet, the hand-written mpsc pool); below 1 is faster.\n"
    );
}

/// What the `tracing` feature costs with no subscriber, from `benches/tracing.rs` run in both
/// builds: each group's time with the feature on less its time with it off (the difference,
/// d), then per part by difference of cases. One branch polled once (`1 ready`) holds a
/// group and a branch; eleven more branches (`12 ready`) add eleven branches; a second poll
/// of every branch (`12 yield`) adds twelve branch polls and one group poll.
fn tracing_cost() {
    let groups = estimates();
    let d = |case: &str| -> Option<f64> {
        let rows = groups.get(&format!("tracing: {case}"))?;
        let of = |name: &str| rows.iter().find(|(n, _)| n == name).map(|r| r.1);
        Some(of(async_dsl_benches::TRACING_ON)? - of(async_dsl_benches::TRACING_OFF)?)
    };
    let (Some(one), Some(twelve), Some(yielded)) = (
        d("parallel! 1 ready"),
        d("parallel! 12 ready"),
        d("parallel! 12 yield"),
    ) else {
        println!(
            "no tracing cost: run `cargo bench -p async-dsl-benches --bench tracing`, with and without `--features tracing`\n"
        );
        return;
    };
    let branch = (twelve - one) / 11.0;
    println!("| the `tracing` feature, no subscriber | added time |");
    println!("|---|---:|");
    println!(
        "| a group (a level check per poll; its future holds room for a span) | {:.1} ns |",
        one - branch
    );
    println!("| a branch polled once (the same, per branch) | {branch:.1} ns |");
    println!(
        "| each later poll of a branch (and a twelfth of a group's) | {:.1} ns |",
        (yielded - twelve) / 12.0
    );
    if let Some(race) = d("race! 2 ready") {
        println!("| `race!` of 2 ready (the whole group) | {race:.1} ns |");
    }
    if let Some(items) = d("for 100 ready") {
        println!(
            "| `for` form, per item (100 ready items) | {:.1} ns |",
            items / 100.0
        );
    }
    println!();
}

/// Every `new` directory of the criterion tree.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "new") {
                found.push(path);
            } else {
                found.extend(walk(&path));
            }
        }
    }
    found
}

fn human(ns: f64) -> String {
    match ns {
        n if n < 1e3 => format!("{n:.1} ns"),
        n if n < 1e6 => format!("{:.2} µs", n / 1e3),
        n => format!("{:.2} ms", n / 1e6),
    }
}

fn size<F: Future>(_: &F) -> usize {
    std::mem::size_of::<F>()
}

fn sizes() {
    println!("| future | async_dsl | tokio | futures | futures-concurrency |");
    println!("|---|---:|---:|---:|---:|");
    let row = |what: &str, ours: usize, tokio: usize, futures: usize, fc: usize| {
        println!("| {what} | {ours} B | {tokio} B | {futures} B | {fc} B |");
    };
    row(
        "join of 3 (yield once)",
        size(&parallel!(yielding(1), yielding(2), yielding(3))),
        size(&async { tokio::join!(yielding(1), yielding(2), yielding(3)) }),
        size(&futures::future::join3(
            yielding(1),
            yielding(2),
            yielding(3),
        )),
        size(&(yielding(1), yielding(2), yielding(3)).join()),
    );
    // `twelve!(m!)` is `m!(ready(1), …, ready(12))`; `twelve!()` the plain tuple.
    macro_rules! twelve {
        ($($call:tt)*) => {
            $($call)*(ready(1), ready(2), ready(3), ready(4), ready(5), ready(6), ready(7), ready(8), ready(9), ready(10), ready(11), ready(12))
        };
    }
    row(
        "join of 12 (ready)",
        size(&twelve!(parallel!)),
        size(&async { twelve!(tokio::join!) }),
        size(&async { twelve!(futures::join!) }),
        size(&twelve!().join()),
    );
    row(
        "race of 2 (yield once)",
        size(&race!(yielding(1), yielding(2))),
        size(&async {
            tokio::select! { v = yielding(1) => v, v = yielding(2) => v }
        }),
        size(&futures::future::select(
            Box::pin(yielding(1)),
            Box::pin(yielding(2)),
        )),
        size(&(yielding(1), yielding(2)).race()),
    );
    row(
        "for, limit 64, before polling",
        size(&fan_out::async_dsl(10, yielding)),
        size(&fan_out::join_set(10, yielding)),
        size(&fan_out::buffered(10, yielding)),
        size(&fan_out::co_limit(10, yielding)),
    );
    println!(
        "\nsizes are `size_of` the future a caller holds (tokio's and futures' macros inside an `async` block; futures' `select` needs boxed `Unpin` branches, so its figure leaves the boxes out).\n"
    );
}

fn memory() {
    let rt = runtime();
    println!(
        "| peak heap of the fan-out machinery, limit 64, items yield once, `()` outputs | 10k items | 100k items | 1M items |"
    );
    println!("|---|---:|---:|---:|");
    let measure = |run: &dyn Fn(u64)| -> [usize; 3] {
        [10_000u64, 100_000, 1_000_000].map(|n| {
            HEAP.reset_peak_usage();
            let before = HEAP.current_usage();
            run(n);
            HEAP.peak_usage() - before
        })
    };
    let rows: [(&str, &dyn Fn(u64)); 7] = [
        ("async_dsl for", &|n| {
            drop(rt.block_on(fan_out::async_dsl(n, yielding_unit)))
        }),
        ("async_dsl map", &|n| {
            drop(rt.block_on(fan_out::map(n, yielding_unit)))
        }),
        ("async_dsl map_unordered", &|n| {
            drop(rt.block_on(fan_out::map_unordered(n, yielding_unit)))
        }),
        ("buffered(64)", &|n| {
            drop(rt.block_on(fan_out::buffered(n, yielding_unit)))
        }),
        ("buffer_unordered(64)", &|n| {
            drop(rt.block_on(fan_out::buffer_unordered(n, yielding_unit)))
        }),
        ("futures-concurrency co().limit(64)", &|n| {
            drop(rt.block_on(fan_out::co_limit(n, yielding_unit)))
        }),
        ("JoinSet + Semaphore(64)", &|n| {
            drop(rt.block_on(fan_out::join_set(n, yielding_unit)))
        }),
    ];
    for (name, run) in rows {
        let [small, medium, large] = measure(run);
        println!(
            "| {name} | {} | {} | {} |",
            kib(small),
            kib(medium),
            kib(large)
        );
    }
    println!();
}

fn kib(bytes: usize) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

//! The runtime API against the code it replaces, in one run: `map` and `map_unordered`
//! against `buffered` / `buffer_unordered`, futures-concurrency and a `JoinSet` with a
//! semaphore; a `Scope` against a bare `JoinSet`; the `Pool` against a hand-written mpsc pool.
//!
//! Run with `cargo bench -p async-dsl-benches --bench runtime`; peak memory comes from the
//! `ratios` binary.

use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use async_dsl::{Pool, Scope};
use async_dsl_benches::{fan_out, ready, runtime};
use criterion::{Criterion, criterion_group, criterion_main};
use tokio::sync::{Mutex, mpsc, oneshot};

fn maps(c: &mut Criterion) {
    let rt = runtime();
    for (name, n) in [
        ("map 10k", 10_000u64),
        ("map 100k", 100_000),
        ("map 1M", 1_000_000),
    ] {
        let mut g = c.benchmark_group(name);
        if n >= 100_000 {
            g.sample_size(10);
        }
        g.bench_function("async_dsl map, limit 64", |b| {
            b.iter(|| rt.block_on(fan_out::map(black_box(n), ready)))
        });
        g.bench_function("async_dsl map_unordered, limit 64", |b| {
            b.iter(|| rt.block_on(fan_out::map_unordered(black_box(n), ready)))
        });
        g.bench_function("buffered(64)", |b| {
            b.iter(|| rt.block_on(fan_out::buffered(black_box(n), ready)))
        });
        g.bench_function("buffer_unordered(64)", |b| {
            b.iter(|| rt.block_on(fan_out::buffer_unordered(black_box(n), ready)))
        });
        g.bench_function("futures-concurrency co().limit(64)", |b| {
            b.iter(|| rt.block_on(fan_out::co_limit(black_box(n), ready)))
        });
        if n <= 100_000 {
            g.bench_function("JoinSet + Semaphore(64)", |b| {
                b.iter(|| rt.block_on(fan_out::join_set(black_box(n), ready)))
            });
        }
        g.finish();
    }
}

const CHILDREN: u32 = 100_000;

fn scopes(c: &mut Criterion) {
    let rt = runtime();
    let mut g = c.benchmark_group("100k spawned children");
    g.sample_size(10);
    g.bench_function("async_dsl Scope", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut scope: Scope<()> = Scope::new();
                for i in 0..CHILDREN {
                    scope.spawn(async move {
                        black_box(i);
                        Ok(())
                    });
                }
                scope.wait().await
            })
        })
    });
    g.bench_function("JoinSet", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut set = tokio::task::JoinSet::new();
                for i in 0..CHILDREN {
                    set.spawn(async move {
                        black_box(i);
                        Ok::<(), ()>(())
                    });
                }
                while let Some(done) = set.join_next().await {
                    done.expect("no panic").expect("no error");
                }
            })
        })
    });
    g.finish();
}

const JOBS: u64 = 10_000;

type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The pool people write by hand: workers sharing an mpsc receiver, a oneshot per job.
async fn mpsc_pool(workers: usize, queue: usize) -> u64 {
    let (sender, receiver) = mpsc::channel::<Job>(queue);
    let receiver = Arc::new(Mutex::new(receiver));
    let mut handles = Vec::new();
    for _ in 0..workers {
        let receiver = Arc::clone(&receiver);
        handles.push(tokio::spawn(async move {
            while let Some(job) = receiver.lock().await.recv().await {
                job.await;
            }
        }));
    }
    let mut results = Vec::with_capacity(JOBS as usize);
    for n in 0..JOBS {
        let (reply, result) = oneshot::channel();
        let job: Job = Box::pin(async move {
            let _ = reply.send(ready(n).await);
        });
        sender.send(job).await.expect("workers alive");
        results.push(result);
    }
    drop(sender);
    let mut sum = 0;
    for result in results {
        sum += result.await.expect("job ran");
    }
    for handle in handles {
        handle.await.expect("worker ended");
    }
    sum
}

async fn async_dsl_pool(workers: usize, queue: usize) -> u64 {
    let pool = Pool::new(workers, queue);
    let mut results = Vec::with_capacity(JOBS as usize);
    for n in 0..JOBS {
        results.push(pool.submit(ready(n)).await.expect("open"));
    }
    pool.join().await;
    let mut sum = 0;
    for result in results {
        sum += result.await.expect("job ran");
    }
    sum
}

fn pools(c: &mut Criterion) {
    let rt = runtime();
    let mut g = c.benchmark_group("10k jobs on 4 workers");
    g.bench_function("async_dsl Pool", |b| {
        b.iter(|| rt.block_on(async_dsl_pool(4, 64)))
    });
    g.bench_function("hand-written mpsc pool", |b| {
        b.iter(|| rt.block_on(mpsc_pool(4, 64)))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    targets = maps, scopes, pools
}
criterion_main!(benches);

//! The throttle on Redis against one bare `EVALSHA` round trip of the same script on the same
//! kind of connection, and its throughput with 1, 8 and 64 concurrent callers in one process.
//! Starts its own `redis-server` on a loopback port (`apt-get install redis-server`).
//!
//! Run with `cargo bench -p async-dsl-benches --bench redis`.

use std::hint::black_box;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_dsl::redis::{RESERVE_SCRIPT, RedisThrottle};
use async_dsl_benches::runtime;
use async_dsl_tests::redis_server::RedisServer;
use criterion::{Criterion, criterion_group, criterion_main};

fn never_waiting(c: &mut Criterion) {
    let Some(server) = RedisServer::start() else {
        eprintln!("no redis-server: the Redis benchmarks did not run");
        return;
    };
    let rt = runtime();
    // One a microsecond, the most the script resolves: a call a round trip apart never waits.
    let quota = |name: &str| {
        RedisThrottle::new(
            server.url(),
            name,
            NonZeroU32::new(1_000_000).unwrap(),
            Duration::from_secs(1),
        )
    };
    let mut g = c.benchmark_group("Redis quota, a call that never waits");
    let script = redis::Script::new(RESERVE_SCRIPT);
    let mut connection = rt.block_on(async {
        redis::aio::ConnectionManager::new(server.client())
            .await
            .expect("the server")
    });
    g.bench_function("bare EVALSHA of the script", |b| {
        b.iter(|| {
            rt.block_on(async {
                let reserved: (i64, i64) = script
                    .key("async-dsl:quota:bare")
                    .arg(1)
                    .arg(0)
                    .invoke_async(&mut connection)
                    .await
                    .expect("the script runs");
                black_box(reserved)
            })
        })
    });
    let throttle = quota("acquire");
    g.bench_function("RedisThrottle::acquire", |b| {
        b.iter(|| rt.block_on(async { black_box(throttle.acquire().await.expect("a turn")) }))
    });
    g.finish();

    let mut g = c.benchmark_group("Redis quota, concurrent callers in one process");
    for callers in [1u64, 8, 64] {
        let throttle = Arc::new(quota(&format!("callers-{callers}")));
        g.bench_function(format!("{callers} callers"), |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let start = Instant::now();
                    let mut tasks = tokio::task::JoinSet::new();
                    for caller in 0..callers {
                        let throttle = Arc::clone(&throttle);
                        let share = iters / callers + u64::from(caller < iters % callers);
                        tasks.spawn(async move {
                            for _ in 0..share {
                                drop(throttle.acquire().await.expect("a turn"));
                            }
                        });
                    }
                    while tasks.join_next().await.is_some() {}
                    start.elapsed()
                })
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    targets = never_waiting
}
criterion_main!(benches);

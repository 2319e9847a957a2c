//! Faults an outside probe found in the pool, scope sizes and repeat, each with the test that
//! would have caught it.

mod support;

use std::time::Duration;

use async_dsl::{Pool, Scope};
use support::settle;

/// Issue 9, fault 13: a job whose output panics when dropped (its handle gone) does not kill
/// the worker: later jobs still run.
#[tokio::test(start_paused = true)]
async fn a_worker_survives_an_output_that_panics_when_dropped() {
    async_dsl_tests::subscribe_to_everything();
    struct Explodes;
    impl Drop for Explodes {
        fn drop(&mut self) {
            panic!("dropping the output");
        }
    }
    let pool = Pool::new(1, 4);
    drop(pool.submit(async { Explodes }).await.expect("open"));
    settle().await;
    let next = pool.submit(async { 7 }).await.expect("open");
    assert_eq!(
        tokio::time::timeout(Duration::from_secs(5), next).await,
        Ok(Ok(7)),
        "the only worker still runs jobs"
    );
    assert!(!pool.is_closed());
}

/// Issue 9, fault 11: a queue or limit of `usize::MAX` means unbounded, and 0 means 1.
#[tokio::test(start_paused = true)]
async fn maximal_and_zero_sizes_mean_unbounded_and_one() {
    async_dsl_tests::subscribe_to_everything();
    let pool = Pool::new(0, usize::MAX);
    let job = pool.submit(async { "ran" }).await.expect("open");
    assert_eq!(job.await, Ok("ran"));
    pool.join().await;

    let pool = Pool::new(1, 0);
    let job = pool.submit(async { "one place" }).await.expect("open");
    assert_eq!(job.await, Ok("one place"));

    let mut wide: Scope<()> = Scope::with_limit(usize::MAX);
    for _ in 0..100 {
        wide.spawn(async { Ok(()) });
    }
    assert_eq!(wide.wait().await, Ok(()));

    let mut narrow: Scope<()> = Scope::with_limit(0);
    narrow.spawn(async { Ok(()) });
    assert_eq!(narrow.wait().await, Ok(()));
}

/// Issue 9, fault 14: `repeat` with a zero interval runs back to back without starving the
/// other tasks of its thread, and still stops.
#[tokio::test(flavor = "current_thread")]
async fn repeat_with_a_zero_interval_yields_between_runs() {
    async_dsl_tests::subscribe_to_everything();
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    let runs = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&runs);
    let job = async_dsl::repeat(Duration::ZERO, move || {
        counter.fetch_add(1, Ordering::Relaxed);
        async {}
    });
    // Another task on the same thread gets its turns while the job runs.
    let mut turns = 0;
    while turns < 100 {
        tokio::task::yield_now().await;
        turns += 1;
    }
    let ran = runs.load(Ordering::Relaxed);
    assert!(
        ran >= 50,
        "the job ran {ran} times in 100 turns of the other task"
    );
    assert_eq!(job.stop().await, Ok(()));
}

//! Faults an outside probe found in the pool, scope sizes and repeat, each with the test that
//! would have caught it.

mod support;

use std::time::Duration;

use async_dsl::{Pool, Scope, TaskError};
use support::settle;

/// Issue 9, fault 13: a job whose output panics when dropped (its handle gone) does not kill
/// the worker: later jobs still run.
#[tokio::test(start_paused = true)]
async fn a_worker_survives_an_output_that_panics_when_dropped() {
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

/// A job that panics is an error for its handle, and the worker goes on.
#[tokio::test(start_paused = true)]
async fn a_panicking_job_is_an_error_and_the_worker_goes_on() {
    let pool = Pool::new(1, 1);
    let broken = pool.submit(async { panic!("job") }).await.expect("open");
    assert_eq!(
        broken.await,
        Err::<(), _>(TaskError::Panicked("job".into()))
    );
    let next = pool.submit(async { 1 }).await.expect("open");
    assert_eq!(next.await, Ok(1));
}

/// Issue 9, fault 11: a queue or limit of `usize::MAX` means unbounded, and 0 means 1.
#[tokio::test(start_paused = true)]
async fn maximal_and_zero_sizes_mean_unbounded_and_one() {
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

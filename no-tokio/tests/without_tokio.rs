//! What async-dsl does without its `tokio` feature, on `futures`' executor: the groups, the
//! `for` form, `timeout`, and the attributes whose waits use `futures-timer`'s thread.

use std::future::pending;
use std::time::{Duration, Instant};

use async_dsl::{
    Elapsed, parallel, race, race_ok, retry, spread, throttled, timeout, try_parallel,
};
use futures::executor::block_on;

#[test]
fn the_groups_run() {
    block_on(async {
        let r = parallel! { a => async { 1 }, b => async { "two" } }.await;
        assert_eq!((r.a, r.b), (1, "two"));
        assert_eq!(race!(async { 3 }, pending::<i32>()).await, 3);
        let tried = try_parallel!(async { Ok::<u8, &str>(1) }, async { Ok::<u8, &str>(2) }).await;
        assert_eq!(tried, Ok((1, 2)));
        let first_ok = race_ok!(async { Err::<u8, &str>("down") }, async {
            Ok::<u8, &str>(4)
        })
        .await;
        assert_eq!(first_ok, Ok(4));
        let squares: Vec<u64> =
            parallel! { limit = 2; for n in 0..5u64 => async move { n * n } }.await;
        assert_eq!(squares, [0, 1, 4, 9, 16]);
    });
}

#[test]
fn a_timeout_fires_on_the_timer_thread() {
    let r = block_on(parallel!(timeout = "20ms"; pending::<()>(), async { 1 }));
    assert_eq!(r, Err(Elapsed::default()));
}

#[throttled(rate = 50)]
async fn limited(n: u32) -> u32 {
    n
}

#[test]
fn a_throttled_call_that_must_wait_waits_and_runs() {
    // Fifty a second: the second and third calls wait 20 ms each, on the timer thread, and
    // cannot start sooner (a lower bound, not a tolerance).
    let start = Instant::now();
    let done = block_on(async { [limited(1).await, limited(2).await, limited(3).await] });
    assert_eq!(done, [1, 2, 3]);
    assert!(
        start.elapsed() >= Duration::from_millis(40),
        "{:?}",
        start.elapsed()
    );
}

#[spread(period = "30ms")]
async fn started(n: u32) -> u32 {
    n
}

#[test]
fn spread_starts_every_call() {
    let all = block_on(started::spread([1, 2, 3]));
    assert_eq!(all, [1, 2, 3]);
}

#[retry(times = 3, backoff = "1ms..4ms")]
async fn flaky(attempts: &std::cell::Cell<u32>) -> Result<u32, String> {
    attempts.set(attempts.get() + 1);
    match attempts.get() {
        1 | 2 => Err(format!("attempt {} failed", attempts.get())),
        n => Ok(n),
    }
}

#[timeout("10ms")]
async fn stuck() -> Result<(), Elapsed> {
    pending::<()>().await;
    Ok(())
}

#[test]
fn retry_backs_off_and_timeout_fires() {
    let attempts = std::cell::Cell::new(0);
    assert_eq!(block_on(flaky(&attempts)), Ok(3));
    assert_eq!(block_on(stuck()), Err(Elapsed::default()));
}

#[test]
fn a_throttle_waits_without_a_runtime() {
    let limit = async_dsl::Throttle::new(std::num::NonZeroU32::MIN, Duration::from_millis(5));
    let start = Instant::now();
    block_on(async {
        let _first = limit.acquire().await;
        let _second = limit.acquire().await;
    });
    assert!(
        start.elapsed() >= Duration::from_millis(5),
        "{:?}",
        start.elapsed()
    );
}

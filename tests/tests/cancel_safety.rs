//! The cancel-safety habit: each public future is dropped after each of its polls in turn
//! (`support::poll_then_drop`), and what its `# Cancel safety` section promises is checked.
//! On Tokio's paused clock.

mod support;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use async_dsl::{Pool, Throttle, repeat, throttled};
use support::{ms_since, poll_then_drop, settle, sleep_ms};
use tokio::time::Instant;

/// `Throttle::acquire` dropped while waiting takes no slot: the next caller starts on time.
#[tokio::test(start_paused = true)]
async fn a_dropped_acquire_takes_no_slot() {
    async_dsl_tests::subscribe_to_everything();
    for polls in 0..4 {
        let throttle = Throttle::new(NonZeroU32::MIN, Duration::from_secs(1));
        let start = Instant::now();
        drop(throttle.acquire().await);
        assert!(!poll_then_drop(throttle.acquire(), polls).await);
        drop(throttle.acquire().await);
        assert_eq!(ms_since(start), 1_000, "dropped after {polls} polls");
    }
}

/// `Pool::submit` dropped before it resolved queued nothing: the job never runs.
#[tokio::test(start_paused = true)]
async fn a_dropped_submit_queues_nothing() {
    async_dsl_tests::subscribe_to_everything();
    for polls in 0..4 {
        let pool = Pool::new(1, 1);
        let busy = pool.submit(sleep_ms(100)).await.expect("open");
        let queued = pool.submit(async {}).await.expect("open"); // fills the queue
        let ran = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&ran);
        let dropped = pool.submit(async move { flag.store(true, Ordering::SeqCst) });
        assert!(!poll_then_drop(dropped, polls).await, "the queue is full");
        assert_eq!(busy.await, Ok(()));
        assert_eq!(queued.await, Ok(()));
        pool.join().await;
        assert!(
            !ran.load(Ordering::SeqCst),
            "dropped after {polls} polls, yet it ran"
        );
    }
}

/// `Repeat::stop` signals at its first poll: dropped after that, the job still stops after
/// its run in progress; dropped unpolled, the handle goes and the job is aborted.
#[tokio::test(start_paused = true)]
async fn a_dropped_stop_still_stops_the_job() {
    async_dsl_tests::subscribe_to_everything();
    for polls in 0..4 {
        let runs = Arc::new(AtomicU32::new(0));
        let counter = Arc::clone(&runs);
        let job = repeat(Duration::from_millis(10), move || {
            let counter = Arc::clone(&counter);
            async move {
                sleep_ms(5).await;
                counter.fetch_add(1, Ordering::SeqCst);
            }
        });
        sleep_ms(25).await;
        poll_then_drop(job.stop(), polls).await;
        sleep_ms(10).await; // any run in progress ends
        let stopped_at = runs.load(Ordering::SeqCst);
        sleep_ms(1_000).await;
        settle().await;
        assert_eq!(
            runs.load(Ordering::SeqCst),
            stopped_at,
            "dropped after {polls} polls"
        );
    }
}

/// `Scope::shutdown` cancels at its first poll; dropped before its deadline it loses
/// nothing, and a later `wait` sees every child end.
#[tokio::test(start_paused = true)]
async fn a_dropped_shutdown_still_cancels_and_loses_nothing() {
    async_dsl_tests::subscribe_to_everything();
    use async_dsl::Scope;
    for polls in 1..4 {
        let mut scope: Scope<&str> = Scope::new();
        let token = scope.token();
        scope.spawn_named("polite", async move {
            token.cancelled().await;
            sleep_ms(50).await;
            Ok(())
        });
        scope.spawn_named("broken", async {
            sleep_ms(10).await;
            Err("late failure")
        });
        assert!(!poll_then_drop(scope.shutdown(Duration::from_secs(5)), polls).await);
        assert!(scope.token().is_cancelled(), "dropped after {polls} polls");
        let result = scope.wait().await;
        assert_eq!(
            result,
            Err(async_dsl::ScopeError::Failed {
                child: "broken".into(),
                error: "late failure"
            }),
            "dropped after {polls} polls"
        );
    }
}

/// `Batcher::load` dropped while it waits: its batch still runs for the others.
#[tokio::test(start_paused = true)]
async fn a_dropped_load_leaves_its_batch_to_the_others() {
    async_dsl_tests::subscribe_to_everything();
    use async_dsl::{Batcher, batch::Values};
    for polls in 0..4 {
        let batcher = Batcher::new(10, Duration::from_millis(5), |keys: Vec<u32>| async move {
            Ok::<_, std::convert::Infallible>(Values::ByPosition(
                keys.iter().map(|k| k + 1).collect(),
            ))
        });
        let (kept, _) = tokio::join!(batcher.load(1), poll_then_drop(batcher.load(2), polls));
        assert_eq!(kept, Ok(2), "dropped after {polls} polls");
    }
}

/// A group dropped after any number of polls drops every branch: nothing runs on.
#[tokio::test(start_paused = true)]
async fn a_dropped_group_drops_every_branch() {
    async_dsl_tests::subscribe_to_everything();
    use support::Log;
    for polls in 0..4 {
        let log = Log::default();
        let branch = |name: &'static str, ms: u64| {
            let guard = log.guard(name);
            async move {
                let _guard = guard;
                sleep_ms(ms).await;
            }
        };
        let group = async_dsl::parallel! { a => branch("a", 10), b => branch("b", 1_000) };
        let finished = poll_then_drop(group, polls).await;
        assert!(!finished);
        let mut dropped = log.events();
        dropped.sort();
        assert_eq!(
            dropped,
            ["dropped a", "dropped b"],
            "dropped after {polls} polls"
        );
    }
}

/// The same for a group of seventeen branches, one more than a group polls all together
/// (its branches have wakers of their own): dropped at each of its polls in turn, it drops
/// every branch, finished or not.
#[tokio::test(start_paused = true)]
async fn a_dropped_large_group_drops_every_branch() {
    async_dsl_tests::subscribe_to_everything();
    use support::Log;
    for polls in 0..18 {
        let log = Log::default();
        let branch = |n: u64| {
            let guard = log.guard(&format!("{n:02}"));
            async move {
                let _guard = guard;
                // One branch finishes per tick of the clock, the last after 18 ticks.
                sleep_ms(10 * n + 10).await;
            }
        };
        let group = async_dsl::parallel!(
            branch(0),
            branch(1),
            branch(2),
            branch(3),
            branch(4),
            branch(5),
            branch(6),
            branch(7),
            branch(8),
            branch(9),
            branch(10),
            branch(11),
            branch(12),
            branch(13),
            branch(14),
            branch(15),
            branch(170)
        );
        let finished = poll_then_drop(group, polls).await;
        assert!(!finished, "unfinished after {polls} polls");
        let mut dropped = log.events();
        dropped.sort();
        assert_eq!(
            dropped.len(),
            17,
            "dropped after {polls} polls: {dropped:?}"
        );
        dropped.dedup();
        assert_eq!(dropped.len(), 17, "each once, after {polls} polls");
    }
}

// One call at a time, and starts as close together as the clock can tell.
#[throttled(rate = 4000000000, concurrency = 1)]
async fn one_at_a_time(ms: u64) {
    sleep_ms(ms).await;
}

#[throttled(rate = 4000000000, concurrency = 1, key = tenant)]
async fn one_at_a_time_per_tenant(tenant: u32, ms: u64) {
    let _ = tenant;
    sleep_ms(ms).await;
}

/// A `#[throttled]` call (plain and keyed) dropped after any of its polls while it waits for
/// its place takes nothing: the next call starts as soon as the holder ends.
#[tokio::test(start_paused = true)]
async fn a_dropped_throttled_call_frees_its_place() {
    async_dsl_tests::subscribe_to_everything();
    for polls in 0..4 {
        let holder = tokio::spawn(one_at_a_time(50));
        settle().await; // the holder has the place
        let start = Instant::now();
        assert!(!poll_then_drop(one_at_a_time(100), polls).await);
        holder.await.unwrap();
        one_at_a_time(10).await;
        assert_eq!(ms_since(start), 60, "dropped after {polls} polls");

        let holder = tokio::spawn(one_at_a_time_per_tenant(1, 50));
        settle().await;
        let start = Instant::now();
        assert!(!poll_then_drop(one_at_a_time_per_tenant(1, 100), polls).await);
        holder.await.unwrap();
        one_at_a_time_per_tenant(1, 10).await;
        assert_eq!(ms_since(start), 60, "keyed, dropped after {polls} polls");
    }
}

// Its own limiter: tests run at once, and one limiter serves a function in the process.
#[throttled(rate = 4000000000, concurrency = 1)]
async fn one_at_a_time_alone(ms: u64) {
    sleep_ms(ms).await;
}

/// Dropped while its body runs, the call frees its place at once.
#[tokio::test(start_paused = true)]
async fn a_throttled_call_dropped_in_its_body_frees_its_place() {
    async_dsl_tests::subscribe_to_everything();
    for polls in 1..4 {
        let start = Instant::now();
        assert!(!poll_then_drop(one_at_a_time_alone(100), polls).await);
        one_at_a_time_alone(10).await;
        assert_eq!(ms_since(start), 10, "dropped after {polls} polls");
    }
}

#[throttled(rate = 1)]
async fn once_a_second() -> u32 {
    1
}

/// Polled after it completed, a `#[throttled]` call panics, as an `async fn` does, and takes
/// no slot: the next call starts on its own schedule.
#[tokio::test(start_paused = true)]
async fn a_throttled_call_polled_after_completion_panics_and_takes_no_slot() {
    async_dsl_tests::subscribe_to_everything();
    use futures::FutureExt;
    let start = Instant::now();
    let mut call = Box::pin(once_a_second());
    assert_eq!((&mut call).await, 1);
    let again = std::panic::AssertUnwindSafe(std::future::poll_fn(|cx| {
        let _ = call.as_mut().poll(cx);
        std::task::Poll::Ready(())
    }))
    .catch_unwind()
    .await;
    assert!(again.is_err(), "a second poll after completion panics");
    assert_eq!(once_a_second().await, 1);
    assert_eq!(
        ms_since(start),
        1_000,
        "the next call took the second slot, not a third"
    );
}

//! Edge sizes and durations (0, 1 and MAX) for every size and duration parameter, and the
//! entry points used outside a runtime: one table each. The rule they check is the README's
//! "Sizes mean what they say": a count of 0 counts as 1, MAX means unbounded, durations
//! saturate; no panic, no hang.

mod support;

use std::future::Future;
use std::num::NonZeroU32;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::time::Duration;

use async_dsl::{Backoff, Batcher, Pool, Scope, Task, Throttle, batch::Values};

type Case = (&'static str, Pin<Box<dyn Future<Output = ()>>>);
type Call = (&'static str, Box<dyn FnOnce()>);

fn case(name: &'static str, future: impl Future<Output = ()> + 'static) -> Case {
    (name, Box::pin(future))
}

const LONG: Duration = Duration::MAX;

/// Each case runs to its end on the paused clock within an hour of (virtual) time.
#[tokio::test(start_paused = true)]
async fn sizes_and_durations_at_0_1_and_max() {
    async_dsl_tests::subscribe_to_everything();
    let cases: Vec<Case> = vec![
        case("map limit 0", async {
            assert_eq!(
                async_dsl::map(0..3, |n| async move { n }).limit(0).await,
                [0, 1, 2]
            );
        }),
        case("map limit 1", async {
            assert_eq!(
                async_dsl::map(0..3, |n| async move { n }).limit(1).await,
                [0, 1, 2]
            );
        }),
        case("map limit MAX, empty input", async {
            let none: Vec<u8> = async_dsl::map(Vec::<u8>::new(), |n| async move { n })
                .limit(usize::MAX)
                .await;
            assert!(none.is_empty());
        }),
        case("parallel! for, run-time limit 0", async {
            let limit = 0;
            let out =
                async_dsl::parallel! { limit = limit; for n in 0..3 => async move { n } }.await;
            assert_eq!(out, [0, 1, 2]);
            // An expression that starts with a literal is an expression, not a bad literal.
            let out =
                async_dsl::parallel! { limit = 2 * limit; for n in 0..3 => async move { n } }.await;
            assert_eq!(out, [0, 1, 2]);
        }),
        case("group timeout 0 and MAX", async {
            let zero =
                async_dsl::race! { timeout = Duration::ZERO; a => std::future::pending::<u8>() }
                    .await;
            assert!(zero.is_err());
            let max = async_dsl::race! { timeout = LONG; a => async { 1 } }.await;
            assert_eq!(max, Ok(1));
        }),
        case("Throttle per 0 (no rate limit) and per MAX", async {
            let free = Throttle::new(NonZeroU32::MIN, Duration::ZERO);
            for _ in 0..3 {
                drop(free.acquire().await);
            }
            let slow = Throttle::new(NonZeroU32::MAX, LONG).burst(NonZeroU32::MAX);
            drop(slow.acquire().await);
        }),
        case("spread period 0, MAX with one item, and no items", async {
            let zero =
                async_dsl::spread(Duration::ZERO, (0..3).map(|i| move || async move { i })).await;
            assert_eq!(zero, [0, 1, 2]);
            let one = async_dsl::spread(LONG, [|| async { 7 }]).await;
            assert_eq!(one, [7]);
            let none: Vec<u8> =
                async_dsl::spread(LONG, Vec::<fn() -> std::future::Ready<u8>>::new()).await;
            assert!(none.is_empty());
        }),
        case("Task::timeout 0 and MAX", async {
            let zero = Task::spawn(std::future::pending::<()>())
                .timeout(Duration::ZERO)
                .await;
            assert_eq!(zero, Err(async_dsl::TaskError::TimedOut));
            assert_eq!(Task::spawn(async { 1 }).timeout(LONG).await, Ok(1));
        }),
        case("Scope::shutdown deadline 0 and MAX", async {
            let mut scope: Scope<()> = Scope::new();
            scope.spawn(std::future::pending());
            assert!(scope.shutdown(Duration::ZERO).await.is_err());
            let mut scope: Scope<()> = Scope::new();
            scope.spawn(async { Ok(()) });
            assert_eq!(scope.shutdown(LONG).await, Ok(()));
        }),
        case("Backoff 0 retries, zero and MAX bounds", async {
            assert_eq!(
                Backoff::new(0, Duration::ZERO, LONG).next(&(), |_| true),
                None
            );
            let wait = Backoff::new(1, Duration::ZERO, Duration::ZERO).next(&(), |_| true);
            assert_eq!(wait, Some(Duration::ZERO));
            assert!(Backoff::new(1, LONG, LONG).next(&(), |_| true).is_some());
        }),
        case("Batcher max 0 and 1, window 0 and MAX", async {
            let load = |keys: Vec<u8>| async move {
                Ok::<_, std::convert::Infallible>(Values::ByPosition(keys))
            };
            for (max, window) in [(0, Duration::ZERO), (1, LONG), (usize::MAX, Duration::ZERO)] {
                let batcher = Batcher::new(max, window, load);
                assert_eq!(batcher.load(9).await, Ok(9), "max {max}, window {window:?}");
            }
        }),
        case("Pool workers 0 and 1, queue 0 and MAX", async {
            for (workers, queue) in [(0, 0), (1, 1), (1, usize::MAX)] {
                let pool = Pool::new(workers, queue);
                let job = pool.submit(async { 3 }).await.expect("open");
                assert_eq!(job.await, Ok(3));
                pool.join().await;
            }
        }),
        case("repeat interval MAX runs once, then stops", async {
            let job = async_dsl::repeat(LONG, || async {});
            support::settle().await;
            assert_eq!(job.stop().await, Ok(()));
        }),
    ];
    for (name, future) in cases {
        let ran = tokio::time::timeout(Duration::from_secs(3_600), AssertUnwindSafe(future)).await;
        assert!(ran.is_ok(), "{name}: did not finish");
    }
}

/// Outside any runtime: what works on any executor works, and what needs Tokio says so.
#[test]
fn entry_points_outside_a_runtime() {
    async_dsl_tests::subscribe_to_everything();
    use futures::executor::block_on;
    // Work on any executor.
    assert_eq!(
        block_on(async_dsl::parallel!(async { 1 }, async { 2 })),
        (1, 2)
    );
    assert_eq!(
        block_on(async_dsl::map(0..3, |n| async move { n * 2 })),
        [0, 2, 4]
    );
    assert_eq!(
        block_on(async_dsl::race! { timeout = "1h"; a => async { 1 } }),
        Ok(1)
    );
    let throttle = Throttle::new(NonZeroU32::MIN, Duration::from_secs(1));
    drop(block_on(throttle.acquire())); // a call that need not wait
    let batcher = Batcher::new(1, Duration::ZERO, |keys: Vec<u8>| async move {
        Ok::<_, std::convert::Infallible>(Values::ByPosition(keys))
    });
    assert_eq!(
        block_on(batcher.load(1)),
        Err(async_dsl::BatchError::NoRuntime)
    );

    // Need a Tokio runtime, and panic saying so.
    let needs_tokio: [Call; 5] = [
        ("Task::spawn", Box::new(|| drop(Task::spawn(async {})))),
        ("go", Box::new(|| async_dsl::go(async {}))),
        ("Pool::new", Box::new(|| drop(Pool::new(1, 1)))),
        (
            "repeat",
            Box::new(|| drop(async_dsl::repeat(Duration::from_secs(1), || async {}))),
        ),
        (
            "Scope::spawn",
            Box::new(|| Scope::<()>::new().spawn(async { Ok(()) })),
        ),
    ];
    for (name, call) in needs_tokio {
        let payload =
            std::panic::catch_unwind(AssertUnwindSafe(call)).expect_err("spawning needs a runtime");
        let message = async_dsl::panic_message(payload.as_ref());
        assert!(message.contains("Tokio"), "{name}: {message}");
    }
}

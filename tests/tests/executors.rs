//! The macros, the `for` form and the bounded maps on an executor that is not Tokio's:
//! `futures::executor`, with no Tokio runtime anywhere.

use async_dsl::{parallel, race, race_ok, retry, spread, throttled, try_parallel};
use futures::executor::{LocalPool, block_on};
use futures::task::LocalSpawnExt;

async fn double(n: u32) -> u32 {
    n * 2
}

#[test]
fn groups_run_on_futures_executor() {
    async_dsl_tests::subscribe_to_everything();
    block_on(async {
        let r = parallel! { a => double(1), b => async { "b" } }.await;
        assert_eq!((r.a, r.b), (2, "b"));
        assert_eq!(parallel!(double(2), double(3)).await, (4, 6));
        let t = try_parallel!(async { Ok::<u32, String>(1) }, async {
            Ok::<u32, String>(2)
        })
        .await;
        assert_eq!(t, Ok((1, 2)));
        let won = race! { a => futures::future::pending::<u32>(), b => double(5) }.await;
        assert_eq!(won, 10);
        let ok = race_ok!(async { Err::<u32, &str>("no") }, async {
            Ok::<u32, &str>(7)
        })
        .await;
        assert_eq!(ok.ok(), Some(7));
    });
}

#[test]
fn the_for_form_and_maps_run_on_futures_executor() {
    async_dsl_tests::subscribe_to_everything();
    block_on(async {
        let all: Vec<u32> = parallel! { limit = 2; for n in 0..10 => double(n) }.await;
        assert_eq!(all, (0..10).map(|n| n * 2).collect::<Vec<_>>());
        let first = race! { for n in [3u32, 4] => double(n) }.await;
        assert!(matches!(first, Some(6 | 8)));
        let mapped = async_dsl::map(0..5u32, double).limit(2).await;
        assert_eq!(mapped, [0, 2, 4, 6, 8]);
        let mut seen = Vec::new();
        async_dsl::for_each(0..3u32, |n| {
            seen.push(n);
            async {}
        })
        .await;
        assert_eq!(seen, [0, 1, 2]);
    });
}

#[test]
fn branches_woken_later_complete_on_a_local_pool() {
    async_dsl_tests::subscribe_to_everything();
    let mut pool = LocalPool::new();
    let (tx, rx) = futures::channel::oneshot::channel::<u32>();
    let spawner = pool.spawner();
    let handle = spawner
        .spawn_local_with_handle(async move {
            let r = parallel! { a => async { rx.await.unwrap() }, b => double(1) }.await;
            (r.a, r.b)
        })
        .unwrap();
    pool.run_until_stalled();
    tx.send(9).unwrap();
    assert_eq!(pool.run_until(handle), (9, 2));
}

#[test]
fn spawn_runs_in_place_and_timeout_uses_a_thread_timer_off_tokio() {
    async_dsl_tests::subscribe_to_everything();
    block_on(async {
        let r = parallel! { spawn; a => double(4) }.await;
        assert_eq!(
            r.a, 8,
            "`spawn;` outside a Tokio runtime runs the branch in place"
        );
        // Off Tokio the timer is `futures-timer`'s thread: only the outcome is checked here,
        // the timing itself is tested on Tokio's paused clock elsewhere.
        let cut = parallel! { timeout = "1ms"; a => futures::future::pending::<u32>() }.await;
        assert!(
            cut.is_err(),
            "the branch never finishes, so the timeout ends the group"
        );
    });
}

#[test]
fn groups_and_the_for_form_run_on_smol_with_branches_woken_by_its_tasks() {
    async_dsl_tests::subscribe_to_everything();
    smol::block_on(async {
        let ex = smol::LocalExecutor::new();
        let (tx, rx) = smol::channel::bounded::<u32>(1);
        ex.spawn(async move { tx.send(5).await.unwrap() }).detach();
        let r = ex
            .run(async {
                parallel! { a => async { rx.recv().await.unwrap() }, b => double(1) }.await
            })
            .await;
        assert_eq!((r.a, r.b), (5, 2));
        let all: Vec<u32> = parallel! { limit = 3; for n in 0..6 => double(n) }.await;
        assert_eq!(all, [0, 2, 4, 6, 8, 10]);
        let won = race! { a => smol::future::pending::<u32>(), b => double(3) }.await;
        assert_eq!(won, 6);
    });
}

// Waits of 1 to 2 ms, so that each of these really waits, on futures-timer's thread. Only
// outcomes are checked here; timing is tested on Tokio's paused clock elsewhere.

#[throttled(rate = 1000)]
async fn thousand_a_second(n: u32) -> u32 {
    n
}

#[spread(period = "2ms")]
async fn spread_out(n: u32) -> u32 {
    n
}

#[retry(times = 2, backoff = "1ms..2ms")]
async fn fails_twice(calls: &std::cell::Cell<u32>) -> Result<u32, String> {
    calls.set(calls.get() + 1);
    match calls.get() {
        3 => Ok(3),
        n => Err(format!("attempt {n}")),
    }
}

#[test]
fn attributes_that_wait_run_on_futures_executor() {
    async_dsl_tests::subscribe_to_everything();
    block_on(async {
        let (a, b, c) = (
            thousand_a_second(1).await,
            thousand_a_second(2).await,
            thousand_a_second(3).await,
        );
        assert_eq!(
            (a, b, c),
            (1, 2, 3),
            "the later calls waited for their slots"
        );
        assert_eq!(spread_out::spread([1, 2, 3]).await, [1, 2, 3]);
        let calls = std::cell::Cell::new(0);
        assert_eq!(fails_twice(&calls).await, Ok(3));
        assert_eq!(calls.get(), 3, "two waits between three attempts");
    });
}

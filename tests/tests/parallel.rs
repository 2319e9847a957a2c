//! `parallel!` with fixed branches.

mod support;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_dsl::{Elapsed, parallel};
use futures::FutureExt;
use support::{Log, counted, ms_since, sleep_ms};
use tokio::time::Instant;

async fn fetch_user(id: u32) -> String {
    sleep_ms(10).await;
    format!("user {id}")
}

async fn fetch_posts(id: u32) -> Vec<u32> {
    sleep_ms(20).await;
    vec![id, id * 10]
}

#[tokio::test(start_paused = true)]
async fn named_form_gives_typed_fields() {
    async_dsl_tests::subscribe_to_everything();
    let r = parallel! { user => fetch_user(3), posts => fetch_posts(3) }.await;
    let (user, posts): (String, Vec<u32>) = (r.user, r.posts);
    assert_eq!(user, "user 3");
    assert_eq!(posts, [3, 30]);
}

#[tokio::test(start_paused = true)]
async fn positional_form_gives_a_tuple() {
    async_dsl_tests::subscribe_to_everything();
    let (a, b, c): (u8, &str, Vec<u32>) =
        parallel!(async { 1u8 }, async { "two" }, fetch_posts(1)).await;
    assert_eq!((a, b, c), (1, "two", vec![1, 10]));
    let (only,) = parallel!(async { 5 }).await;
    assert_eq!(only, 5);
}

#[tokio::test(start_paused = true)]
async fn every_delimiter_works() {
    async_dsl_tests::subscribe_to_everything();
    let (a,) = parallel!(async { 1 }).await;
    let (b,) = parallel![async { 2 }].await;
    let c = parallel! { x => async { 3 } }.await.x;
    assert_eq!((a, b, c), (1, 2, 3));
}

#[tokio::test(start_paused = true)]
async fn named_value_supports_debug_and_comparison() {
    async_dsl_tests::subscribe_to_everything();
    let r = parallel! { a => async { 1 }, b => async { "b" } }.await;
    assert_eq!(format!("{r:?}"), r#"Parallel { a: 1, b: "b" }"#);
    assert_eq!(r, r.clone());
}

#[tokio::test(start_paused = true)]
async fn three_100ms_branches_finish_together_at_100ms() {
    async_dsl_tests::subscribe_to_everything();
    let start = Instant::now();
    let (a, b, c) = parallel!(
        async {
            sleep_ms(100).await;
            ms_since(start)
        },
        async {
            sleep_ms(100).await;
            ms_since(start)
        },
        async {
            sleep_ms(100).await;
            ms_since(start)
        },
    )
    .await;
    assert_eq!((a, b, c), (100, 100, 100));
    assert_eq!(ms_since(start), 100);
}

#[tokio::test(start_paused = true)]
async fn branches_may_borrow_locals() {
    async_dsl_tests::subscribe_to_everything();
    let names = ["ann".to_string(), "bob".to_string()];
    let mut tally = 0;
    let r = parallel! {
        first => async { names[0].as_str() },
        count => async { tally += names.len(); tally },
    }
    .await;
    assert_eq!((r.first, r.count), ("ann", 2));
    assert_eq!(tally, 2);
}

#[tokio::test(start_paused = true)]
async fn nothing_runs_before_the_first_poll() {
    async_dsl_tests::subscribe_to_everything();
    let log = Log::default();
    let group = parallel!(async { log.push("a ran") }, async { log.push("b ran") });
    sleep_ms(50).await;
    assert!(
        log.events().is_empty(),
        "no branch may run before the group is polled"
    );
    group.await;
    assert_eq!(log.events().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn dropping_the_group_drops_every_branch() {
    async_dsl_tests::subscribe_to_everything();
    let log = Log::default();
    let (g1, g2, g3) = (
        log.guard("pending 1"),
        log.guard("pending 2"),
        log.guard("finished"),
    );
    let mut group = Box::pin(parallel!(
        async move {
            let _g = g1;
            std::future::pending::<()>().await
        },
        async move {
            let _g = g2;
            sleep_ms(1_000).await
        },
        async move { g3 },
    ));
    assert!(futures::poll!(group.as_mut()).is_pending());
    assert!(
        log.events().is_empty(),
        "nothing is dropped while the group lives"
    );
    drop(group);
    let mut events = log.events();
    events.sort();
    assert_eq!(
        events,
        ["dropped finished", "dropped pending 1", "dropped pending 2"]
    );
}

/// Three branches that count their polls: one never woken, one woken ten times at once, one
/// whose timer fires at 500 ms; and those counters.
fn three_probes() -> (
    impl Future<Output = ()>,
    impl Future<Output = ()>,
    impl Future<Output = ()>,
    [Arc<AtomicUsize>; 3],
) {
    let (idle, idle_polls) = counted(std::future::pending::<()>());
    let (busy, busy_polls) = counted(async {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    });
    let (late, late_polls) = counted(sleep_ms(500));
    (idle, busy, late, [idle_polls, busy_polls, late_polls])
}

fn polls(counters: &[Arc<AtomicUsize>; 3]) -> [usize; 3] {
    counters.each_ref().map(|c| c.load(Ordering::SeqCst))
}

#[tokio::test(start_paused = true)]
async fn a_small_group_polls_every_unfinished_branch_on_each_wake() {
    async_dsl_tests::subscribe_to_everything();
    // As `tokio::join!` does: a branch's wake is the task's, and the task's poll polls every
    // branch still running, never a finished one.
    let (idle, busy, late, counters) = three_probes();
    let r = parallel!(timeout = "1s"; idle, busy, late).await;
    assert_eq!(r, Err(Elapsed::default()));
    // Busy: once, then once per wake. Late: once, once with each of busy's ten wakes, then
    // on its own timer. Idle: on every poll of the group, those twelve and the timeout's.
    assert_eq!(polls(&counters), [13, 11, 12], "idle, busy, late");
}

#[tokio::test(start_paused = true)]
async fn a_large_group_polls_a_branch_only_when_woken() {
    async_dsl_tests::subscribe_to_everything();
    // Seventeen branches: one more than a group polls all together.
    let (idle, busy, late, counters) = three_probes();
    let p = || std::future::pending::<()>();
    let r = parallel!(timeout = "1s";
        idle, busy, late, p(), p(), p(), p(), p(), p(), p(), p(), p(), p(), p(), p(), p(), p()
    )
    .await;
    assert_eq!(
        r.err(),
        Some(Elapsed::default()),
        "tuples of 17 have no `Debug`"
    );
    // The first poll gives every branch the task's waker, so the first wake (busy's) polls
    // every branch again, each with its own waker; after that only the woken. Idle: those
    // two polls. Busy: once, then once per wake. Late: those two, then its timer's.
    assert_eq!(polls(&counters), [2, 11, 3], "idle, busy, late");
}

#[tokio::test(start_paused = true)]
async fn a_panic_in_a_branch_reaches_the_caller() {
    async_dsl_tests::subscribe_to_everything();
    let group = parallel!(async { 1 }, async { panic!("branch exploded") });
    let payload = std::panic::AssertUnwindSafe(group)
        .catch_unwind()
        .await
        .unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"branch exploded"));
}

#[tokio::test(start_paused = true)]
async fn timeout_drops_every_branch_at_expiry() {
    async_dsl_tests::subscribe_to_everything();
    let log = Log::default();
    let guard = log.guard("slow");
    let start = Instant::now();
    let r = parallel! {
        timeout = "1s";
        fast => async { sleep_ms(10).await; 1 },
        slow => async move { let _g = guard; sleep_ms(10_000).await; 2 },
    }
    .await;
    assert_eq!(r, Err(Elapsed::default()));
    assert_eq!(ms_since(start), 1_000);
    assert!(log.contains("dropped slow"));
}

#[tokio::test(start_paused = true)]
async fn timeout_passes_the_output_through_in_time() {
    async_dsl_tests::subscribe_to_everything();
    let limit = Duration::from_millis(300);
    let r = parallel! { timeout = limit; a => fetch_user(1), b => fetch_posts(2) }.await;
    let r = r.expect("both finish within 300 ms");
    assert_eq!((r.a.as_str(), r.b.len()), ("user 1", 2));
}

#[tokio::test(start_paused = true)]
async fn expansion_names_do_not_clash_with_the_callers() {
    async_dsl_tests::subscribe_to_everything();
    // A caller's type named like the expansion's value struct, and locals named like the
    // expansion's own bindings.
    #[derive(Debug, PartialEq)]
    struct Parallel(u8);
    let (result, v0, never, winner) = (1, 2, 3, 4);
    let r = parallel! {
        a => async { result + v0 },
        b => async { never + winner },
        c => async { Parallel(9) },
    }
    .await;
    assert_eq!((r.a, r.b, r.c), (3, 7, Parallel(9)));
    let empty: Vec<u8> = parallel! { for x in Vec::<u8>::new() => async move { x } }.await;
    assert!(empty.is_empty());
}

#[tokio::test(start_paused = true)]
async fn an_empty_join_is_unit_as_tokio_join_is() {
    async_dsl_tests::subscribe_to_everything();
    let () = parallel!().await;
    let () = parallel! {}.await;
    let ok: Result<(), std::io::Error> = async_dsl::try_parallel!().await;
    assert!(ok.is_ok());
    let typed = async_dsl::try_parallel! { error = String; }.await;
    assert_eq!(typed, Ok::<(), String>(()));
    assert_eq!(parallel! { timeout = "1s"; }.await, Ok(()));
    let () = parallel! { spawn; }.await;
}

/// Not a future itself: it turns into one, as `.await` and `tokio::join!` accept.
struct Doubled(u32);

impl std::future::IntoFuture for Doubled {
    type Output = u32;
    type IntoFuture = std::future::Ready<u32>;

    fn into_future(self) -> Self::IntoFuture {
        std::future::ready(self.0 * 2)
    }
}

#[tokio::test(start_paused = true)]
async fn branches_may_be_any_into_future() {
    async_dsl_tests::subscribe_to_everything();
    let r = parallel! { a => Doubled(1), b => async { 5 } }.await;
    assert_eq!((r.a, r.b), (2, 5));
    assert_eq!(parallel!(Doubled(2), Doubled(3)).await, (4, 6));
    assert_eq!(async_dsl::race!(Doubled(4)).await, 8);
    let all: Vec<u32> = parallel! { for n in 0..3 => Doubled(n) }.await;
    assert_eq!(all, [0, 2, 4]);
    let spawned = parallel! { spawn; a => Doubled(7) }.await;
    assert_eq!(spawned.a, 14);
}

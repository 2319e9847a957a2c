//! User code that misbehaves: a closure, key expression, predicate, progress callback, batch
//! call or drop that panics. The panic reaches the caller (or becomes an error value), and
//! the structure it happened in stays usable.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_dsl::{BatchError, Batcher, batch::Values, retry, throttled};
use futures::FutureExt;

static PANIC_KEY: AtomicBool = AtomicBool::new(true);

fn tenant_of(id: u32) -> u32 {
    if id == 13 && PANIC_KEY.load(Ordering::SeqCst) {
        panic!("bad key");
    }
    id % 2
}

#[throttled(rate = 1000, key = tenant_of(id))]
async fn per_tenant(id: u32) -> u32 {
    id
}

fn retry_predicate_panics(_: &String) -> bool {
    panic!("bad predicate")
}

#[retry(times = 2, backoff = "1ms..2ms", when = retry_predicate_panics)]
async fn failing() -> Result<(), String> {
    Err("no".into())
}

async fn caught<F: std::future::Future>(future: F) -> String {
    match std::panic::AssertUnwindSafe(future).catch_unwind().await {
        Ok(_) => panic!("the user's panic did not reach the caller"),
        Err(payload) => async_dsl::panic_message(payload.as_ref()),
    }
}

#[tokio::test(start_paused = true)]
async fn a_panicking_key_expression_reaches_the_caller_and_the_throttle_goes_on() {
    async_dsl_tests::subscribe_to_everything();
    assert_eq!(caught(per_tenant(13)).await, "bad key");
    assert_eq!(per_tenant(4).await, 4);
    PANIC_KEY.store(false, Ordering::SeqCst);
    assert_eq!(per_tenant(13).await, 13);
}

#[tokio::test(start_paused = true)]
async fn a_panicking_retry_predicate_reaches_the_caller() {
    async_dsl_tests::subscribe_to_everything();
    assert_eq!(caught(failing()).await, "bad predicate");
}

#[tokio::test(start_paused = true)]
async fn a_panicking_map_closure_or_progress_callback_reaches_the_caller() {
    async_dsl_tests::subscribe_to_everything();
    let map = async_dsl::map(0..4, |n| {
        assert!(n != 2, "bad item");
        async move { n }
    });
    assert_eq!(caught(map).await, "bad item");
    let reported = async_dsl::map(0..4, |n| async move { n }).on_progress(|p| {
        assert!(p.done < 2, "bad callback");
    });
    assert_eq!(caught(reported).await, "bad callback");
}

#[tokio::test(start_paused = true)]
async fn a_loser_whose_drop_panics_reaches_the_caller_of_the_race() {
    async_dsl_tests::subscribe_to_everything();
    struct Explodes;
    impl Drop for Explodes {
        fn drop(&mut self) {
            panic!("bad drop");
        }
    }
    let loser = async {
        let _guard = Explodes;
        std::future::pending::<u8>().await
    };
    // `biased;` so the loser is polled (and holds its guard) before the winner finishes.
    let race = async_dsl::race!(biased; loser, async { 1u8 });
    assert_eq!(caught(race).await, "bad drop");
}

#[tokio::test(start_paused = true)]
async fn a_panicking_batch_call_is_lost_for_its_callers_and_the_batcher_goes_on() {
    async_dsl_tests::subscribe_to_everything();
    let batcher = Batcher::new(2, Duration::from_millis(1), |keys: Vec<u32>| async move {
        assert!(!keys.contains(&0), "bad batch");
        Ok::<_, std::convert::Infallible>(Values::ByPosition(keys))
    });
    let (a, b) = tokio::join!(batcher.load(0), batcher.load(1));
    assert_eq!((a, b), (Err(BatchError::Lost), Err(BatchError::Lost)));
    assert_eq!(batcher.load(5).await, Ok(5));
}

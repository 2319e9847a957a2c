//! Faults an outside probe found in `Batcher`, each with the test that would have caught it.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use async_dsl::{BatchError, Batcher, batch::Values};

fn doubler() -> Arc<Batcher<u32, u32, Infallible>> {
    Arc::new(Batcher::new(
        10,
        Duration::from_millis(5),
        |keys: Vec<u32>| async move { Ok(Values::ByPosition(keys.iter().map(|k| k * 2).collect())) },
    ))
}

fn paused_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
}

/// Issue 9, fault 6: the runtime of the caller that opened a window shuts down before the
/// window closes; later callers, on another runtime, are not stuck behind it.
#[test]
fn a_window_whose_runtime_shut_down_does_not_wedge_later_callers() {
    let batcher = doubler();
    let doomed = paused_runtime();
    let first = doomed.spawn({
        let batcher = Arc::clone(&batcher);
        async move { batcher.load(1).await }
    });
    doomed.block_on(async {
        for _ in 0..10 {
            tokio::task::yield_now().await; // the first caller opens the window
        }
    });
    drop(doomed);

    let other = paused_runtime();
    let (first, second) = other.block_on(async {
        let second = tokio::time::timeout(Duration::from_secs(60), batcher.load(2)).await;
        (first.await, second)
    });
    assert!(
        first.is_err(),
        "the first caller's task went with its runtime"
    );
    assert_eq!(second, Ok(Ok(4)), "a later caller gets its value");
}

/// Issue 9, fault 7: outside a runtime, `load` is an error value, queues nothing, and the
/// batcher keeps working for everyone after it.
#[test]
fn load_outside_a_runtime_is_an_error_and_wedges_nothing() {
    let batcher = doubler();
    assert_eq!(
        futures::executor::block_on(batcher.load(1)),
        Err(BatchError::NoRuntime)
    );
    let later = paused_runtime()
        .block_on(async { tokio::time::timeout(Duration::from_secs(60), batcher.load(2)).await });
    assert_eq!(later, Ok(Ok(4)));
}

/// Issue 9, fault 8: the batch call belongs to the batcher, given once; every caller in a
/// batch is served by it (before, each call brought a closure and only the first was used).
#[test]
fn every_caller_is_served_by_the_batchers_own_call() {
    let batcher = doubler();
    let values = paused_runtime().block_on(futures::future::join_all(
        (0..25).map(|key| batcher.load(key)),
    ));
    let expected: Vec<Result<u32, BatchError<Infallible>>> = (0..25).map(|k| Ok(k * 2)).collect();
    assert_eq!(values, expected, "three batches (10, 10, 5), one call each");
}

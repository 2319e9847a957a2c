//! `#[spread]` and `#[batched]`, on Tokio's paused clock.

mod support;

use std::collections::HashMap;
use std::sync::Mutex;

use async_dsl::{BatchError, batched, spread};
use futures::future::join_all;
use support::{ms_since, sleep_ms};
use tokio::time::Instant;

#[spread(period = "10s")]
async fn upload(file: u32, start: Instant) -> (u32, u128) {
    let started = ms_since(start);
    // Slow uploads, longer than the spacing: they must not delay later starts.
    sleep_ms(1_000 + u64::from(file % 7) * 300).await;
    (file, started)
}

#[tokio::test(start_paused = true)]
async fn spread_starts_50_items_200_ms_apart_and_keeps_input_order() {
    async_dsl_tests::subscribe_to_everything();
    let start = Instant::now();
    let done = upload::spread((0..50).map(|file| (file, start))).await;
    let expected: Vec<(u32, u128)> = (0..50).map(|i| (i, u128::from(i) * 200)).collect();
    assert_eq!(done, expected);
}

#[spread(period = "1s")]
async fn send(to: &'static str, body: String, copies: usize) -> String {
    format!("{to}:{}", body.repeat(copies))
}

#[tokio::test(start_paused = true)]
async fn spread_takes_tuples_for_multi_argument_functions() {
    async_dsl_tests::subscribe_to_everything();
    let start = Instant::now();
    let sent = send::spread([("a", "x".to_string(), 2), ("b", "y".to_string(), 1)]).await;
    assert_eq!(sent, ["a:xx", "b:y"]);
    assert_eq!(
        ms_since(start),
        500,
        "the last of two starts half way through the period"
    );
    assert_eq!(
        send("c", "z".into(), 3).await,
        "c:zzz",
        "the function itself is unchanged"
    );
}

struct Uploader {
    prefix: &'static str,
}

impl Uploader {
    #[spread(period = "3s")]
    async fn put(&self, name: &'static str, start: Instant) -> String {
        format!("{}/{name}@{}", self.prefix, ms_since(start))
    }
}

#[tokio::test(start_paused = true)]
async fn spread_on_a_method_adds_a_sibling_method() {
    async_dsl_tests::subscribe_to_everything();
    let uploader = Uploader { prefix: "bucket" };
    let start = Instant::now();
    let done = uploader
        .put_spread([("a", start), ("b", start), ("c", start)])
        .await;
    assert_eq!(done, ["bucket/a@0", "bucket/b@1000", "bucket/c@2000"]);
}

static BATCHES: Mutex<Vec<Vec<u32>>> = Mutex::new(Vec::new());

#[batched(max = 1000, window = "5ms")]
async fn names(ids: Vec<u32>) -> Vec<String> {
    BATCHES.lock().unwrap().push(ids.clone());
    ids.iter().map(|id| format!("user {id}")).collect()
}

#[tokio::test(start_paused = true)]
async fn a_hundred_concurrent_callers_make_one_batch_call() {
    async_dsl_tests::subscribe_to_everything();
    let start = Instant::now();
    let got = join_all((0..100).map(names::one)).await;
    assert!(
        got.iter()
            .enumerate()
            .all(|(i, name)| name.as_deref() == Ok(format!("user {i}").as_str()))
    );
    let batches = std::mem::take(&mut *BATCHES.lock().unwrap());
    assert_eq!(batches, [(0..100).collect::<Vec<_>>()]);
    assert_eq!(ms_since(start), 5, "the batch ran when the window closed");
}

static SMALL_BATCHES: Mutex<Vec<usize>> = Mutex::new(Vec::new());

#[batched(max = 10, window = "1s")]
async fn small(ids: Vec<u32>) -> Vec<u32> {
    SMALL_BATCHES.lock().unwrap().push(ids.len());
    ids.iter().map(|id| id * 2).collect()
}

#[tokio::test(start_paused = true)]
async fn max_splits_batches_and_full_ones_do_not_wait_for_the_window() {
    async_dsl_tests::subscribe_to_everything();
    let start = Instant::now();
    let got = join_all((0..25).map(small::one)).await;
    assert_eq!(got[24], Ok(48));
    assert_eq!(*SMALL_BATCHES.lock().unwrap(), [10, 10, 5]);
    assert_eq!(
        ms_since(start),
        1_000,
        "only the last, partial batch waited for its window"
    );
}

#[batched(max = 100, window = "1ms")]
async fn lookup(ids: Vec<u32>) -> Result<HashMap<u32, &'static str>, String> {
    if ids.contains(&666) {
        return Err("cursed batch".to_string());
    }
    Ok(ids.into_iter().map(|id| (id, "fine")).collect())
}

#[batched(max = 100, window = "1ms")]
async fn evens(ids: Vec<u32>) -> Result<HashMap<u32, &'static str>, String> {
    Ok(ids
        .into_iter()
        .filter(|id| id % 2 == 0)
        .map(|id| (id, "even"))
        .collect())
}

#[tokio::test(start_paused = true)]
async fn a_key_missing_from_the_batch_is_an_error_for_its_caller_alone() {
    async_dsl_tests::subscribe_to_everything();
    let got = join_all([2, 3, 4].map(evens::one)).await;
    assert_eq!(got, [Ok("even"), Err(BatchError::Missing), Ok("even")]);
}

#[tokio::test(start_paused = true)]
async fn a_failed_batch_reaches_every_caller_in_it() {
    async_dsl_tests::subscribe_to_everything();
    let got = join_all([2, 666, 4].map(lookup::one)).await;
    for result in got {
        match result {
            Err(BatchError::Failed(error)) => assert_eq!(*error, "cursed batch"),
            other => panic!("expected the batch's error, got {other:?}"),
        }
    }
}

// Its own function: a batcher is one per function, shared by every test in this binary.
#[batched(max = 100, window = "1ms")]
async fn doubled(ids: Vec<u32>) -> Vec<u32> {
    ids.iter().map(|id| id * 2).collect()
}

#[tokio::test(start_paused = true)]
async fn a_caller_that_gives_up_does_not_cancel_the_batch_for_the_others() {
    async_dsl_tests::subscribe_to_everything();
    let mut quitter = Box::pin(doubled::one(4));
    assert!(futures::poll!(quitter.as_mut()).is_pending());
    let stayer = doubled::one(5);
    drop(quitter);
    assert_eq!(stayer.await, Ok(10));
}

/// A batcher that is not in a `static`: in an `Arc`, and in a struct field borrowed for less
/// than `'static`.
#[tokio::test(start_paused = true)]
async fn a_batcher_works_from_an_arc_and_from_a_struct_field() {
    async_dsl_tests::subscribe_to_everything();
    use async_dsl::{Batcher, batch::Values};
    use std::convert::Infallible;
    use std::sync::Arc;
    use std::time::Duration;

    let calls = Arc::new(Mutex::new(Vec::new()));
    let load = {
        let calls = Arc::clone(&calls);
        move |keys: Vec<u32>| {
            calls.lock().unwrap().push(keys.clone());
            async move { Ok::<_, Infallible>(Values::ByPosition(keys.iter().map(|k| k * 2).collect())) }
        }
    };

    let shared: Arc<Batcher<u32, u32, Infallible>> =
        Arc::new(Batcher::new(10, Duration::from_millis(5), load.clone()));
    let (a, b) = tokio::join!(shared.load(1), shared.load(2));
    assert_eq!((a, b), (Ok(2), Ok(4)));

    struct Service {
        doubles: Batcher<u32, u32, Infallible>,
    }
    let service = Service {
        doubles: Batcher::new(10, Duration::from_millis(5), load),
    };
    let (c, d) = tokio::join!(service.doubles.load(3), service.doubles.load(4));
    assert_eq!((c, d), (Ok(6), Ok(8)));
    drop(service);
    assert_eq!(
        *calls.lock().unwrap(),
        [vec![1, 2], vec![3, 4]],
        "one batch call per window"
    );
}

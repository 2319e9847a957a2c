//! The `for` form: dynamic fan-out with a limit, pulled lazily.

mod support;

use std::cell::Cell;
use std::sync::atomic::Ordering;

use async_dsl::parallel;
use support::{counted, ms_since, sleep_ms};
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn the_for_form_keeps_input_order() {
    async_dsl_tests::subscribe_to_everything();
    let out = parallel! { limit = 4; for ms in [40u64, 10, 30, 20, 5, 1] => async move {
        sleep_ms(ms).await;
        ms
    } }
    .await;
    assert_eq!(out, [40, 10, 30, 20, 5, 1]);
}

#[tokio::test(start_paused = true)]
async fn the_for_form_never_exceeds_its_limit_and_never_pulls_ahead() {
    async_dsl_tests::subscribe_to_everything();
    let in_flight = Cell::new(0usize);
    let most_in_flight = Cell::new(0usize);
    let started = Cell::new(0usize);
    let finished = Cell::new(0usize);
    let most_ahead = Cell::new(0usize);
    let input = (0..200u64).inspect(|_| {
        started.set(started.get() + 1);
        most_ahead.set(most_ahead.get().max(started.get() - finished.get()));
    });
    let (in_flight, most_in_flight, finished) = (&in_flight, &most_in_flight, &finished);
    let out = parallel! { limit = 8; for i in input => async move {
        in_flight.set(in_flight.get() + 1);
        most_in_flight.set(most_in_flight.get().max(in_flight.get()));
        sleep_ms(1 + (i * 7) % 13).await;
        in_flight.set(in_flight.get() - 1);
        finished.set(finished.get() + 1);
        i
    } }
    .await;
    assert_eq!(out, (0..200).collect::<Vec<_>>());
    assert_eq!(
        most_in_flight.get(),
        8,
        "the limit is used and never exceeded"
    );
    assert_eq!(
        most_ahead.get(),
        8,
        "an item is pulled only when a place is free"
    );
}

#[tokio::test(start_paused = true)]
async fn the_for_form_without_a_limit_starts_everything_at_once() {
    async_dsl_tests::subscribe_to_everything();
    let start = Instant::now();
    let out = parallel! { for i in 0..1_000u64 => async move { sleep_ms(100).await; i * 2 } }.await;
    assert_eq!(ms_since(start), 100);
    assert_eq!(out.len(), 1_000);
    assert_eq!(out[999], 1_998);
}

#[tokio::test(start_paused = true)]
async fn the_for_form_takes_a_limit_computed_at_run_time() {
    async_dsl_tests::subscribe_to_everything();
    let workers = 2 + 1;
    let start = Instant::now();
    let out =
        parallel! { limit = workers; for i in 0..9u64 => async move { sleep_ms(10).await; i } }
            .await;
    assert_eq!(
        (out.len(), ms_since(start)),
        (9, 30),
        "9 items, 3 at a time, 10 ms each"
    );
}

#[tokio::test(start_paused = true)]
async fn a_wake_in_a_large_fan_out_repolls_only_the_woken_item() {
    async_dsl_tests::subscribe_to_everything();
    let mut counters = Vec::new();
    let mut items = Vec::new();
    for i in 0..1_000 {
        let (item, polls) = counted(async move {
            if i == 0 {
                for _ in 0..100 {
                    tokio::task::yield_now().await;
                }
            }
            // Never woken again: only a group that re-polls unwoken items polls this.
            std::future::pending::<()>().await
        });
        counters.push(polls);
        items.push(item);
    }
    let r = parallel! { timeout = "1s"; for item in items => item }.await;
    assert!(r.is_err());
    let polls: Vec<usize> = counters.iter().map(|c| c.load(Ordering::SeqCst)).collect();
    assert_eq!(
        polls[0], 101,
        "the busy item: first poll, then one per wake"
    );
    assert!(
        polls[1..].iter().all(|&n| n == 1),
        "idle items are polled once, whatever the busy one does"
    );
}

#[tokio::test(start_paused = true)]
async fn the_for_form_with_a_timeout_drops_everything_at_expiry() {
    async_dsl_tests::subscribe_to_everything();
    let r = parallel! { timeout = "50ms"; limit = 2; for i in 0..10u64 => async move {
        sleep_ms(30).await;
        i
    } }
    .await;
    assert!(
        r.is_err(),
        "10 items of 30 ms, 2 at a time, cannot finish in 50 ms"
    );
}

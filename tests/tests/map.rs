//! `map`, `map_unordered`, `for_each`, `try_map`, `try_for_each`: the fan-out without macros.

mod support;

use std::cell::Cell;
use std::pin::Pin;
use std::task::{Context, Poll};

use async_dsl::{Progress, for_each, from_stream, map, map_unordered, try_for_each, try_map};
use futures::{Stream, StreamExt};
use support::{ms_since, sleep_ms};
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn map_keeps_input_order_and_its_limit() {
    async_dsl_tests::subscribe_to_everything();
    let in_flight = Cell::new(0);
    let most = Cell::new(0);
    let (in_flight, most) = (&in_flight, &most);
    let out = map(0..40u64, |i| async move {
        in_flight.set(in_flight.get() + 1);
        most.set(most.get().max(in_flight.get()));
        sleep_ms(1 + (i * 13) % 17).await;
        in_flight.set(in_flight.get() - 1);
        i
    })
    .limit(5)
    .await;
    assert_eq!(out, (0..40).collect::<Vec<_>>());
    assert_eq!(most.get(), 5);
}

#[tokio::test(start_paused = true)]
async fn map_unordered_streams_in_completion_order() {
    async_dsl_tests::subscribe_to_everything();
    let start = Instant::now();
    let mut stream = Box::pin(map_unordered([40u64, 10, 30, 20], |ms| async move {
        sleep_ms(ms).await;
        ms
    }));
    let mut seen = Vec::new();
    while let Some(ms) = stream.next().await {
        seen.push((ms, ms_since(start)));
    }
    assert_eq!(
        seen,
        [(10, 10), (20, 20), (30, 30), (40, 40)],
        "each as soon as it is done"
    );
}

/// An endless stream that records how far its pulls ran ahead of completed items.
struct Counting<'a> {
    next: u32,
    completed: &'a Cell<u32>,
    most_ahead: &'a Cell<u32>,
}

impl Stream for Counting<'_> {
    type Item = u32;
    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<u32>> {
        self.next += 1;
        let ahead = self.next - self.completed.get();
        self.most_ahead.set(self.most_ahead.get().max(ahead));
        Poll::Ready(Some(self.next))
    }
}

#[tokio::test(start_paused = true)]
async fn an_endless_stream_is_pulled_only_as_places_free() {
    async_dsl_tests::subscribe_to_everything();
    let (completed, most_ahead) = (Cell::new(0), Cell::new(0));
    let input = from_stream(Counting {
        next: 0,
        completed: &completed,
        most_ahead: &most_ahead,
    });
    let completed = &completed;
    let r = try_map(input, |n| async move {
        sleep_ms(u64::from(n % 3) + 1).await;
        completed.set(completed.get() + 1);
        if n == 20 { Err(n) } else { Ok(n) }
    })
    .limit(4)
    .await;
    assert_eq!(r, Err(20), "an endless input ends at the first error");
    assert_eq!(
        most_ahead.get(),
        4,
        "never more than the limit pulled ahead of completions"
    );
}

#[tokio::test(start_paused = true)]
async fn try_for_each_returns_the_first_error_and_drops_the_rest() {
    async_dsl_tests::subscribe_to_everything();
    let started = Cell::new(0);
    let finished = Cell::new(0);
    let (started, finished) = (&started, &finished);
    let r = try_for_each(0..100u64, |i| async move {
        started.set(started.get() + 1);
        sleep_ms(10 + i).await;
        finished.set(finished.get() + 1);
        if i == 2 {
            Err(format!("item {i}"))
        } else {
            Ok(())
        }
    })
    .limit(8)
    .await;
    assert_eq!(r, Err("item 2".to_string()));
    assert_eq!(finished.get(), 3, "items 0 and 1 finished, then 2 failed");
    assert!(
        started.get() <= 8 + 3,
        "nothing was started after the error: {}",
        started.get()
    );
}

#[tokio::test(start_paused = true)]
async fn for_each_reports_progress_a_caller_can_drive_a_bar_from() {
    async_dsl_tests::subscribe_to_everything();
    let mut reports: Vec<Progress> = Vec::new();
    let start = Instant::now();
    for_each(vec![30u64, 10, 20], |ms| async move { sleep_ms(ms).await })
        .limit(2)
        .on_progress(|p| reports.push(p))
        .await;
    let done: Vec<(usize, usize, Option<usize>)> = reports
        .iter()
        .map(|p| (p.done, p.started, p.total))
        .collect();
    // The third item starts once the first completes, so the first report counts two started.
    assert_eq!(done, [(1, 2, Some(3)), (2, 3, Some(3)), (3, 3, Some(3))]);
    assert_eq!(ms_since(start), 30);
}

#[tokio::test(start_paused = true)]
async fn map_over_a_stream_keeps_its_order() {
    async_dsl_tests::subscribe_to_everything();
    let input = from_stream(futures::stream::iter(["c", "bb", "a"]));
    let lengths = map(input, |s| async move {
        sleep_ms(10 * s.len() as u64).await;
        s.len()
    })
    .await;
    assert_eq!(lengths, [1, 2, 1]);
}

#[tokio::test(start_paused = true)]
async fn try_map_gives_every_ok_value_in_order() {
    async_dsl_tests::subscribe_to_everything();
    let r = try_map(["1", "22", "333"], |s| async move { s.parse::<u32>() }).await;
    assert_eq!(r, Ok(vec![1, 22, 333]));
}

//! `Task`, `go`, `repeat` and `partition`.

mod support;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_dsl::{Task, TaskError, go_named, partition, repeat, set_panic_handler};
use support::{alive, ms_since, settle, sleep_ms};
use tokio::sync::oneshot;
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn a_dropped_task_is_aborted_and_a_detached_one_runs_on() {
    async_dsl_tests::subscribe_to_everything();
    let before = alive();
    let (dropped_tx, dropped_rx) = oneshot::channel::<()>();
    let task = Task::spawn(async move {
        let _tell = dropped_tx;
        sleep_ms(10_000).await;
    });
    settle().await;
    assert!(!task.is_finished());
    drop(task);
    assert!(
        dropped_rx.await.is_err(),
        "the task's future was dropped, not run to its end"
    );
    settle().await;
    assert_eq!(alive(), before, "no task outlives its handle");

    let ran = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&ran);
    Task::spawn(async move {
        sleep_ms(50).await;
        counter.fetch_add(1, Ordering::SeqCst);
    })
    .detach();
    sleep_ms(100).await;
    assert_eq!(ran.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn panics_become_values_and_then_receives_them() {
    async_dsl_tests::subscribe_to_everything();
    let failed = Task::spawn(async {
        sleep_ms(5).await;
        panic!("parse error at line 3");
    });
    let report = failed.then(|result: Result<u32, TaskError>| async move { format!("{result:?}") });
    assert_eq!(
        report.await,
        Ok(r#"Err(Panicked("parse error at line 3"))"#.to_string())
    );
}

#[tokio::test(start_paused = true)]
async fn timeout_aborts_the_task_and_cancel_stops_it() {
    async_dsl_tests::subscribe_to_everything();
    let start = Instant::now();
    let slow = Task::spawn(async { sleep_ms(10_000).await });
    assert_eq!(
        slow.timeout(Duration::from_millis(300)).await,
        Err(TaskError::TimedOut)
    );
    assert_eq!(ms_since(start), 300);
    let fast = Task::spawn(async { 7 }).timeout(Duration::from_secs(1));
    assert_eq!(fast.await, Ok(7));

    let before = alive();
    let (dropped_tx, dropped_rx) = oneshot::channel::<()>();
    let task = Task::spawn(async move {
        let _tell = dropped_tx;
        std::future::pending::<()>().await;
    });
    settle().await;
    task.abort();
    assert!(dropped_rx.await.is_err());
    settle().await;
    assert_eq!(alive(), before);
}

#[tokio::test(start_paused = true)]
async fn go_hands_a_panic_to_the_handler_with_the_task_name() {
    async_dsl_tests::subscribe_to_everything();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    set_panic_handler(move |name, payload| {
        let message = async_dsl::panic_message(payload.as_ref());
        log.lock().unwrap().push((name.to_string(), message));
    });
    go_named("mailer", async { panic!("smtp down: {}", 421) });
    settle().await;
    assert_eq!(
        *seen.lock().unwrap(),
        [("mailer".to_string(), "smtp down: 421".to_string())]
    );
}

#[tokio::test(start_paused = true)]
async fn repeat_runs_on_its_interval_and_stop_waits_for_the_run_in_progress() {
    async_dsl_tests::subscribe_to_everything();
    let start = Instant::now();
    let runs = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&runs);
    let job = repeat(Duration::from_secs(1), move || {
        let log = Arc::clone(&log);
        async move {
            log.lock().unwrap().push(ms_since(start));
            sleep_ms(500).await;
            log.lock().unwrap().push(ms_since(start));
        }
    });
    sleep_ms(2_200).await; // the run started at 2 s is in progress
    job.stop().await.unwrap();
    assert_eq!(
        ms_since(start),
        2_500,
        "stop waited for the run in progress, then returned"
    );
    assert_eq!(*runs.lock().unwrap(), [0, 500, 1_000, 1_500, 2_000, 2_500]);
}

#[tokio::test(start_paused = true)]
async fn repeat_makes_up_missed_ticks_with_one_run_then_keeps_the_grid() {
    async_dsl_tests::subscribe_to_everything();
    let start = Instant::now();
    let starts = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&starts);
    let job = repeat(Duration::from_secs(1), move || {
        let log = Arc::clone(&log);
        async move {
            let at = ms_since(start);
            log.lock().unwrap().push(at);
            if at == 0 {
                sleep_ms(2_500).await; // misses the ticks at 1 s and 2 s
            }
        }
    });
    sleep_ms(4_100).await;
    job.stop().await.unwrap();
    // One run at once for the missed ticks (not two), then back on the 1 s grid.
    assert_eq!(*starts.lock().unwrap(), [0, 2_500, 3_000, 4_000]);
}

#[tokio::test(start_paused = true)]
async fn a_panicking_run_ends_the_job_with_an_error() {
    async_dsl_tests::subscribe_to_everything();
    let job = repeat(Duration::from_millis(10), || async {
        panic!("job exploded")
    });
    sleep_ms(50).await;
    assert!(job.is_finished());
    assert_eq!(
        job.stop().await,
        Err(TaskError::Panicked("job exploded".into()))
    );
}

#[tokio::test(start_paused = true)]
async fn partition_splits_evenly_runs_chunks_at_once_and_keeps_order() {
    async_dsl_tests::subscribe_to_everything();
    let start = Instant::now();
    let out = partition((1..=10).collect::<Vec<u32>>(), 3, |chunk| async move {
        sleep_ms(100).await;
        (chunk.len(), chunk.iter().sum::<u32>())
    })
    .await;
    assert_eq!(out, [(4, 10), (3, 18), (3, 27)]);
    assert_eq!(ms_since(start), 100, "the chunks ran concurrently");
    let few = partition(vec![1, 2], 5, |chunk| async move { chunk }).await;
    assert_eq!(few, [vec![1], vec![2]], "never an empty chunk");
    let none = partition(Vec::<u8>::new(), 4, |chunk| async move { chunk.len() }).await;
    assert!(none.is_empty());
}

/// Dropped after each of its polls in turn, `partition` drops every chunk, finished or not.
#[tokio::test(start_paused = true)]
async fn a_dropped_partition_drops_every_chunk() {
    async_dsl_tests::subscribe_to_everything();
    for polls in 0..4 {
        let log = support::Log::default();
        let chunks = partition((0..3u64).collect(), 3, |chunk: Vec<u64>| {
            let guard = log.guard(&format!("chunk {}", chunk[0]));
            async move {
                let _guard = guard;
                sleep_ms(10 * chunk[0] + 10).await;
            }
        });
        assert!(
            !support::poll_then_drop(chunks, polls).await,
            "unfinished after {polls} polls"
        );
        let mut dropped = log.events();
        dropped.sort();
        // Unpolled, it has not called `f` yet: there is no chunk to drop.
        let expected: &[&str] = match polls {
            0 => &[],
            _ => &["dropped chunk 0", "dropped chunk 1", "dropped chunk 2"],
        };
        assert_eq!(dropped, expected, "after {polls} polls");
    }
}

#[test]
fn a_task_whose_runtime_shut_down_is_cancelled() {
    async_dsl_tests::subscribe_to_everything();
    // The doc of `TaskError::Cancelled` names this case: stopped by something other than its
    // handle. The handle outlives the runtime that ran the task and is awaited on another.
    let doomed = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let task = {
        let _inside = doomed.enter();
        Task::spawn(std::future::pending::<()>())
    };
    drop(doomed);
    let other = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    assert_eq!(other.block_on(task), Err(TaskError::Cancelled));
}

#[tokio::test(start_paused = true)]
async fn a_timed_out_task_is_timed_out_not_cancelled() {
    async_dsl_tests::subscribe_to_everything();
    let slow = Task::spawn(sleep_ms(10_000)).timeout(Duration::from_secs(1));
    assert_eq!(slow.await, Err(TaskError::TimedOut));
}

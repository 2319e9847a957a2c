//! Groups take part in Tokio's task budget: a loop of groups whose branches are always ready
//! yields, so the other tasks of a current-thread runtime still run.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use async_dsl::{parallel, race};

/// Rounds after which a loop that never yields gives up, so a failing test ends.
const GIVE_UP: usize = 1_000_000;

/// Tokio's budget is 128 units a poll of the task; one group first poll in 16 on a thread
/// spends one, and the asking poll after the last unit is spent yields. Each round below is
/// at least one first poll.
const MOST_ROUNDS: usize = 129 * 16;

/// Spawns `busy`, which loops until `stop` is set (or it gives up), counting rounds, then a
/// task that sets `stop`; returns the rounds `busy` ran before it saw the other task's work.
async fn rounds_until_the_other_task_runs<F, Fut>(busy: F) -> usize
where
    F: FnOnce(Arc<AtomicBool>, Arc<AtomicUsize>) -> Fut,
    Fut: Future<Output = ()> + 'static,
{
    let stop = Arc::new(AtomicBool::new(false));
    let rounds = Arc::new(AtomicUsize::new(0));
    let looping = tokio::task::spawn_local(busy(Arc::clone(&stop), Arc::clone(&rounds)));
    let flag = Arc::clone(&stop);
    tokio::task::spawn_local(async move { flag.store(true, Ordering::SeqCst) });
    looping.await.unwrap();
    rounds.load(Ordering::SeqCst)
}

fn going(stop: &AtomicBool, rounds: &AtomicUsize) -> bool {
    !stop.load(Ordering::SeqCst) && rounds.load(Ordering::SeqCst) < GIVE_UP
}

#[tokio::test]
async fn a_loop_of_ready_races_lets_other_tasks_run() {
    let local = tokio::task::LocalSet::new();
    let rounds = local
        .run_until(rounds_until_the_other_task_runs(
            |stop, rounds| async move {
                while going(&stop, &rounds) {
                    let won = race! { a => async { 1 }, b => async { 2 } }.await;
                    assert!(won == 1 || won == 2);
                    rounds.fetch_add(1, Ordering::SeqCst);
                }
            },
        ))
        .await;
    assert!(rounds < GIVE_UP, "the loop never let the other task run");
    assert!(
        rounds <= MOST_ROUNDS,
        "yielded after {rounds} rounds, more than one budget"
    );
}

#[tokio::test]
async fn loops_of_ready_joins_and_fan_outs_let_other_tasks_run() {
    let local = tokio::task::LocalSet::new();
    let joins = local
        .run_until(rounds_until_the_other_task_runs(
            |stop, rounds| async move {
                while going(&stop, &rounds) {
                    let (a, b) = parallel!(async { 1 }, async { 2 }).await;
                    assert_eq!(a + b, 3);
                    rounds.fetch_add(1, Ordering::SeqCst);
                }
            },
        ))
        .await;
    assert!(joins <= MOST_ROUNDS, "joins: yielded after {joins} rounds");
    let fan_outs = local
        .run_until(rounds_until_the_other_task_runs(
            |stop, rounds| async move {
                while going(&stop, &rounds) {
                    let all: Vec<u32> = parallel! { for n in 0..3u32 => async move { n } }.await;
                    assert_eq!(all.len(), 3);
                    rounds.fetch_add(1, Ordering::SeqCst);
                }
            },
        ))
        .await;
    assert!(
        fan_outs <= MOST_ROUNDS,
        "fan-outs: yielded after {fan_outs} rounds"
    );
}

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

/// On a `LocalSet`, spawns a task that runs `round` in a loop, counting rounds, until it
/// sees that a second task, spawned after it, has run (or it gives up); returns the rounds it
/// ran. A loop that never yields never lets the second task run.
async fn rounds_until_the_other_task_runs<F, Fut>(round: F) -> usize
where
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = ()>,
{
    let local = tokio::task::LocalSet::new();
    let stop = Arc::new(AtomicBool::new(false));
    let rounds = Arc::new(AtomicUsize::new(0));
    let (flag, counter) = (Arc::clone(&stop), Arc::clone(&rounds));
    let looping = local.spawn_local(async move {
        while !flag.load(Ordering::SeqCst) && counter.load(Ordering::SeqCst) < GIVE_UP {
            round().await;
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    local.spawn_local(async move { stop.store(true, Ordering::SeqCst) });
    local.run_until(looping).await.unwrap();
    rounds.load(Ordering::SeqCst)
}

#[tokio::test]
async fn a_loop_of_ready_races_lets_other_tasks_run() {
    let rounds = rounds_until_the_other_task_runs(|| async {
        let won = race! { a => async { 1 }, b => async { 2 } }.await;
        assert!(won == 1 || won == 2);
    })
    .await;
    assert!(rounds < GIVE_UP, "the loop never let the other task run");
    assert!(
        rounds <= MOST_ROUNDS,
        "yielded after {rounds} rounds, more than one budget"
    );
}

#[tokio::test]
async fn loops_of_ready_joins_and_fan_outs_let_other_tasks_run() {
    let joins = rounds_until_the_other_task_runs(|| async {
        let (a, b) = parallel!(async { 1 }, async { 2 }).await;
        assert_eq!(a + b, 3);
    })
    .await;
    assert!(joins <= MOST_ROUNDS, "joins: yielded after {joins} rounds");
    let fan_outs = rounds_until_the_other_task_runs(|| async {
        let all: Vec<u32> = parallel! { for n in 0..3u32 => async move { n } }.await;
        assert_eq!(all.len(), 3);
    })
    .await;
    assert!(
        fan_outs <= MOST_ROUNDS,
        "fan-outs: yielded after {fan_outs} rounds"
    );
}

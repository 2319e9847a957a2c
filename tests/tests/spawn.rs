//! The `spawn;` option, on a real multi-threaded runtime.

mod support;

use std::sync::{Arc, Condvar, Mutex};
use std::thread::ThreadId;
use std::time::Duration;

use async_dsl::{parallel, race, try_parallel};
use futures::FutureExt;
use support::Log;

/// A rendezvous for `n` parties that blocks the calling thread: if two branches ran on one
/// thread they could never meet. `DEADLOCK_GUARD` only stops a broken build from hanging.
#[derive(Clone)]
struct Rendezvous(Arc<(Mutex<Vec<ThreadId>>, Condvar)>, usize);

const DEADLOCK_GUARD: Duration = Duration::from_secs(20);

impl Rendezvous {
    fn arrive(&self) -> Vec<ThreadId> {
        let (lock, cvar) = &*self.0;
        let mut seen = lock.lock().unwrap();
        seen.push(std::thread::current().id());
        cvar.notify_all();
        let (seen, _) = cvar
            .wait_timeout_while(seen, DEADLOCK_GUARD, |seen| seen.len() < self.1)
            .unwrap();
        seen.clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawned_branches_run_on_different_worker_threads() {
    async_dsl_tests::subscribe_to_everything();
    let meet = Rendezvous(Arc::default(), 2);
    let (m1, m2) = (meet.clone(), meet.clone());
    let r = parallel! {
        spawn;
        a => async move { m1.arrive() },
        b => async move { m2.arrive() },
    }
    .await;
    assert_eq!(r.a.len(), 2, "both branches were running at the same time");
    assert_ne!(r.a[0], r.a[1], "on two different threads");
    assert_ne!(
        r.a[0],
        std::thread::current().id(),
        "neither on the awaiting thread"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_spawned_group_aborts_its_tasks() {
    async_dsl_tests::subscribe_to_everything();
    let log = Log::default();
    let (started_tx, started_rx) = tokio::sync::oneshot::channel();
    let (dropped_tx, dropped_rx) = tokio::sync::oneshot::channel::<()>();
    let guard = log.guard("task");
    let mut group = Box::pin(parallel! {
        spawn;
        forever => async move {
            // Locals drop in reverse order: the guard records first, then the signal goes.
            let _tell_on_drop = dropped_tx;
            let _guard = guard;
            let _ = started_tx.send(());
            std::future::pending::<()>().await
        },
    });
    assert!(futures::poll!(group.as_mut()).is_pending());
    tokio::time::timeout(DEADLOCK_GUARD, started_rx)
        .await
        .unwrap()
        .unwrap();
    drop(group);
    // The sender inside the task is dropped when the aborted task's future is dropped.
    let _ = tokio::time::timeout(DEADLOCK_GUARD, dropped_rx)
        .await
        .expect("task was aborted");
    assert!(log.contains("dropped task"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_a_spawned_branch_reaches_the_caller() {
    async_dsl_tests::subscribe_to_everything();
    let group = parallel!(spawn; async { 1 }, async { panic!("worker exploded") });
    let payload = std::panic::AssertUnwindSafe(group)
        .catch_unwind()
        .await
        .unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"worker exploded"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_error_aborts_spawned_siblings() {
    async_dsl_tests::subscribe_to_everything();
    let (dropped_tx, dropped_rx) = tokio::sync::oneshot::channel::<()>();
    let r = try_parallel! {
        spawn;
        slow => async move { let _tell = dropped_tx; std::future::pending::<Result<u8, String>>().await },
        fails => async { Err::<u8, String>("no".into()) },
    }
    .await;
    assert_eq!(r.unwrap_err(), "no");
    let _ = tokio::time::timeout(DEADLOCK_GUARD, dropped_rx)
        .await
        .expect("sibling task was aborted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawned_fan_out_and_race_work() {
    async_dsl_tests::subscribe_to_everything();
    let squares = parallel! { spawn; limit = 4; for i in 0..100u64 => async move { i * i } }.await;
    assert_eq!(squares[99], 9_801);
    let winner = race!(spawn; async { std::future::pending::<u8>().await }, async { 7u8 }).await;
    assert_eq!(winner, 7);
}

#[test]
fn spawn_outside_a_tokio_runtime_runs_branches_in_place() {
    async_dsl_tests::subscribe_to_everything();
    let (a, b) = futures::executor::block_on(parallel!(spawn; async { 1 }, async { 2 }));
    assert_eq!((a, b), (1, 2));
}

//! `Scope` (errgroup style) and `Pool` (fixed workers).

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_dsl::{Pool, PoolClosed, Scope, ScopeError, TaskError};
use support::{Log, alive, ms_since, settle, sleep_ms};
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn the_first_error_cancels_every_child_and_is_returned_with_its_name() {
    async_dsl_tests::subscribe_to_everything();
    let log = Log::default();
    let mut scope = Scope::new();
    let token = scope.token();
    for i in 0..5 {
        let guard = log.guard(&format!("child {i}"));
        let token = token.clone();
        scope.spawn_named(format!("worker {i}"), async move {
            let _guard = guard;
            if i == 3 {
                sleep_ms(10).await;
                return Err(format!("worker {i} lost its connection"));
            }
            token.cancelled().await; // would run forever without the cancellation
            Ok(())
        });
    }
    let start = Instant::now();
    let result = scope.wait().await;
    assert_eq!(
        result,
        Err(ScopeError::Failed {
            child: "worker 3".into(),
            error: "worker 3 lost its connection".into()
        })
    );
    assert_eq!(ms_since(start), 10);
    assert!(token.is_cancelled());
    assert_eq!(
        log.events().len(),
        5,
        "every child was dropped: {:?}",
        log.events()
    );
    assert_eq!(scope.running(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_panicking_child_becomes_an_error_that_names_it() {
    async_dsl_tests::subscribe_to_everything();
    let mut scope: Scope<String> = Scope::new();
    scope.spawn(async { Ok(()) });
    scope.spawn_named("parser", async {
        sleep_ms(5).await;
        panic!("index out of bounds");
    });
    assert_eq!(
        scope.wait().await,
        Err(ScopeError::Panicked {
            child: "parser".into(),
            message: "index out of bounds".into()
        })
    );
    let mut unnamed: Scope<String> = Scope::new();
    unnamed.spawn(async { Err("no name".to_string()) });
    match unnamed.wait().await {
        Err(ScopeError::Failed { child, .. }) => {
            assert!(child.starts_with("task "), "named by task id: {child}")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_scope_limit_is_never_exceeded_and_all_succeed() {
    async_dsl_tests::subscribe_to_everything();
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let mut scope: Scope<()> = Scope::with_limit(3);
    for i in 0..12u64 {
        let (running, most) = (Arc::clone(&running), Arc::clone(&most));
        scope.spawn(async move {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            sleep_ms(10 + i % 4).await;
            running.fetch_sub(1, Ordering::SeqCst);
            Ok(())
        });
    }
    assert_eq!(scope.wait().await, Ok(()));
    assert_eq!(most.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn nothing_spawned_outlives_a_dropped_scope() {
    async_dsl_tests::subscribe_to_everything();
    let before = alive();
    let mut scope: Scope<()> = Scope::new();
    for _ in 0..20 {
        scope.spawn(async {
            std::future::pending::<()>().await;
            Ok(())
        });
    }
    settle().await;
    assert_eq!(alive(), before + 20);
    drop(scope);
    settle().await;
    assert_eq!(alive(), before);
}

#[tokio::test(start_paused = true)]
async fn graceful_shutdown_waits_for_cooperative_children_and_cuts_the_rest_at_the_deadline() {
    async_dsl_tests::subscribe_to_everything();
    let mut scope: Scope<()> = Scope::new();
    let token = scope.token();
    for i in 0..3u64 {
        let token = token.clone();
        scope.spawn_named(format!("server {i}"), async move {
            token.cancelled().await;
            sleep_ms(100 * (i + 1)).await; // cleans up for 100, 200, 300 ms
            Ok(())
        });
    }
    scope.spawn_named("stubborn", async {
        sleep_ms(60_000).await; // ignores the token
        Ok(())
    });
    let start = Instant::now();
    let result = scope.shutdown(Duration::from_millis(500)).await;
    assert_eq!(
        result,
        Err(ScopeError::TimedOut {
            still_running: vec!["stubborn".into()]
        })
    );
    assert_eq!(ms_since(start), 500, "shutdown ended at its deadline");
    assert_eq!(scope.running(), 0);

    let mut polite: Scope<()> = Scope::new();
    let token = polite.token();
    polite.spawn(async move {
        token.cancelled().await;
        Ok(())
    });
    assert_eq!(polite.shutdown(Duration::from_secs(1)).await, Ok(()));
}

#[tokio::test(start_paused = true)]
async fn a_pool_runs_jobs_on_a_fixed_number_of_workers_with_a_result_each() {
    async_dsl_tests::subscribe_to_everything();
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let pool = Pool::new(3, 100);
    let mut handles = Vec::new();
    for n in 0..12u64 {
        let (running, most) = (Arc::clone(&running), Arc::clone(&most));
        let job = async move {
            most.fetch_max(running.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
            sleep_ms(10).await;
            running.fetch_sub(1, Ordering::SeqCst);
            n * 2
        };
        handles.push(pool.submit(job).await.unwrap());
    }
    let start = Instant::now();
    pool.join().await;
    assert_eq!(ms_since(start), 40, "12 jobs of 10 ms on 3 workers");
    let mut results = Vec::new();
    for handle in handles {
        results.push(handle.await.unwrap());
    }
    assert_eq!(results, (0..12).map(|n| n * 2).collect::<Vec<_>>());
    assert_eq!(most.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn submit_waits_while_the_queue_is_full() {
    async_dsl_tests::subscribe_to_everything();
    let pool = Pool::new(1, 1);
    let start = Instant::now();
    let submitted = Arc::new(Mutex::new(Vec::new()));
    for _ in 0..4 {
        // The job runs whether or not its handle is kept.
        drop(pool.submit(async { sleep_ms(100).await }).await.unwrap());
        submitted.lock().unwrap().push(ms_since(start));
    }
    // One job runs, one waits in the queue; each further submit waits for room.
    assert_eq!(*submitted.lock().unwrap(), [0, 0, 100, 200]);
    pool.join().await;
}

#[tokio::test(start_paused = true)]
async fn a_panicking_job_does_not_kill_its_worker() {
    async_dsl_tests::subscribe_to_everything();
    let pool = Pool::new(1, 4);
    let bad = pool.submit(async { panic!("job exploded") }).await.unwrap();
    let good = pool.submit(async { "still working" }).await.unwrap();
    assert_eq!(
        bad.await,
        Err::<(), _>(TaskError::Panicked("job exploded".into()))
    );
    assert_eq!(good.await, Ok("still working"));
    pool.close();
    assert_eq!(pool.submit(async {}).await.err(), Some(PoolClosed));
    pool.join().await;
}

#[tokio::test(start_paused = true)]
async fn a_parent_token_reaches_a_scope_and_a_scope_failure_stays_inside() {
    async_dsl_tests::subscribe_to_everything();
    let server = async_dsl::CancellationToken::new();

    // The parent's cancellation reaches the children through the scope's child token.
    let mut scope: Scope<&str> = Scope::child_of(&server);
    let token = scope.token();
    scope.spawn(async move {
        token.cancelled().await;
        Ok(())
    });
    settle().await;
    assert_eq!(scope.running(), 1, "the child waits for the token");
    server.cancel();
    assert_eq!(scope.wait().await, Ok(()));

    // A failing child cancels its own scope's token, never the parent's.
    let other = async_dsl::CancellationToken::new();
    let mut failing: Scope<&str> = Scope::child_of(&other).limit(2);
    let token = failing.token();
    failing.spawn(async { Err("broken") });
    assert!(failing.wait().await.is_err());
    assert!(token.is_cancelled());
    assert!(
        !other.is_cancelled(),
        "a child scope does not cancel its parent"
    );
}

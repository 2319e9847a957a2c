//! Faults an outside probe found in `Scope`, each with the test that would have caught it.

mod support;

use std::time::Duration;

use async_dsl::{Scope, ScopeError};
use support::{poll_then_drop, settle, sleep_ms};

/// Issue 9, fault 1: an error seen by a `wait` that is then dropped reaches the next `wait`.
#[tokio::test(start_paused = true)]
async fn a_wait_dropped_at_any_poll_loses_no_error() {
    async_dsl_tests::subscribe_to_everything();
    for polls in 0.. {
        let mut scope: Scope<&str> = Scope::new();
        scope.spawn_named("broken", async { Err("first") });
        scope.spawn(async {
            sleep_ms(3_600_000).await;
            Ok(())
        });
        settle().await;
        let finished = poll_then_drop(scope.wait(), polls).await;
        let again = scope.wait().await;
        if !finished {
            assert_eq!(
                again,
                Err(ScopeError::Failed {
                    child: "broken".into(),
                    error: "first"
                }),
                "dropped after {polls} polls"
            );
        } else {
            assert_eq!(
                again,
                Ok(()),
                "the error was returned once, by the first wait"
            );
            assert!(polls > 0);
            break;
        }
    }
}

/// Issue 9, fault 3: `running` counts children that have not finished, not those not joined.
#[tokio::test(start_paused = true)]
async fn running_counts_only_children_still_running() {
    async_dsl_tests::subscribe_to_everything();
    let mut scope: Scope<()> = Scope::new();
    for _ in 0..3 {
        scope.spawn(async { Ok(()) });
    }
    scope.spawn(async {
        sleep_ms(1_000).await;
        Ok(())
    });
    assert_eq!(scope.running(), 4);
    settle().await;
    assert_eq!(scope.running(), 1, "three finished at once");
    sleep_ms(1_000).await;
    settle().await;
    assert_eq!(scope.running(), 0);
    assert_eq!(scope.wait().await, Ok(()));
}

/// Issue 9, fault 4: a shutdown that times out names every late child, unnamed ones too.
#[tokio::test(start_paused = true)]
async fn a_late_shutdown_names_unnamed_children_too() {
    async_dsl_tests::subscribe_to_everything();
    let mut scope: Scope<()> = Scope::new();
    scope.spawn_named("poller", async {
        sleep_ms(3_600_000).await;
        Ok(())
    });
    scope.spawn(async {
        sleep_ms(3_600_000).await;
        Ok(())
    });
    scope.spawn(async { Ok(()) }); // finishes: not late
    let Err(ScopeError::TimedOut { still_running }) =
        scope.shutdown(Duration::from_millis(500)).await
    else {
        panic!("the deadline passed with two children running");
    };
    assert_eq!(still_running.len(), 2, "{still_running:?}");
    assert!(still_running.contains(&"poller".to_string()));
    assert!(
        still_running.iter().any(|name| name.starts_with("task ")),
        "{still_running:?}"
    );
    assert_eq!(scope.running(), 0);
}

/// Issue 9, fault 5: outside a runtime, `spawn` says what is missing.
#[test]
#[should_panic(expected = "`Scope::spawn` needs a Tokio runtime")]
fn spawn_outside_a_runtime_says_a_runtime_is_needed() {
    async_dsl_tests::subscribe_to_everything();
    let mut scope: Scope<()> = Scope::new();
    scope.spawn(async { Ok(()) });
}

//! A service's shutdown, end to end: two queue workers and a legacy poller run as children of
//! a `Scope`, a metrics job runs on `repeat`, and the process stops on Ctrl-C or, so the
//! example never hangs, after 3 seconds.
//!
//! Run with `cargo run --example service`. On shutdown the metrics job finishes the run in
//! progress and stops; the scope cancels its token, so the workers drain and return; the
//! poller, which ignores the token, is aborted at the 500 ms deadline and named in the error.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_dsl::{Scope, race, repeat};

#[tokio::main]
async fn main() {
    let started = Instant::now();
    let handled = Arc::new(AtomicU64::new(0));
    let mut scope: Scope<String> = Scope::new();
    let token = scope.token();
    for name in ["queue-a", "queue-b"] {
        let (token, handled) = (token.clone(), Arc::clone(&handled));
        scope.spawn_named(name, async move {
            loop {
                let stop = race! {
                    stop => async { token.cancelled().await; true },
                    work => async { tokio::time::sleep(Duration::from_millis(100)).await; false },
                }
                .await;
                if stop {
                    println!("  {name}: draining, then stopping");
                    tokio::time::sleep(Duration::from_millis(150)).await;
                    return Ok(());
                }
                handled.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    scope.spawn_named("legacy-poller", async {
        tokio::time::sleep(Duration::from_secs(3600)).await; // ignores the token
        Ok(())
    });

    let counter = Arc::clone(&handled);
    let metrics = repeat(Duration::from_secs(1), move || {
        let counter = Arc::clone(&counter);
        async move {
            println!(
                "  metrics at {:>4} ms: {} messages handled",
                started.elapsed().as_millis(),
                counter.load(Ordering::Relaxed)
            );
        }
    });

    let reason = race! {
        ctrl_c => async { tokio::signal::ctrl_c().await.map_or("Ctrl-C (unavailable)", |()| "Ctrl-C") },
        demo   => async { tokio::time::sleep(Duration::from_secs(3)).await; "the 3 s demo timer" },
    }
    .await;
    println!("shutting down on {reason}");
    metrics.stop().await.expect("the metrics job did not panic");
    match scope.shutdown(Duration::from_millis(500)).await {
        Ok(()) => println!("all workers stopped cleanly"),
        Err(error) => println!("shutdown: {error}"),
    }
    println!("done after {} ms", started.elapsed().as_millis());
}

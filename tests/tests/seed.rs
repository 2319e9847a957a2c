//! `async_dsl::seed`: one seed replays a race's tie-breaks and `#[retry]`'s jitter.

use std::time::Duration;

use async_dsl::{Backoff, race, retry};
use tokio::time::Instant;

async fn winners() -> Vec<u32> {
    let mut won = Vec::new();
    for _ in 0..64 {
        won.push(race! { a => async { 1 }, b => async { 2 }, c => async { 3 } }.await);
    }
    won
}

#[tokio::test(start_paused = true)]
async fn a_seed_replays_which_ready_branch_wins() {
    async_dsl::seed(42);
    let first = winners().await;
    for branch in 1..=3 {
        assert!(
            first.contains(&branch),
            "ties go to every branch: {first:?}"
        );
    }
    async_dsl::seed(42);
    assert_eq!(winners().await, first, "the same seed, the same winners");
    async_dsl::seed(43);
    assert_ne!(winners().await, first, "another seed, other winners");
}

fn waits(seed: u64) -> Vec<Duration> {
    async_dsl::seed(seed);
    let mut backoff = Backoff::new(8, Duration::from_millis(10), Duration::from_secs(10));
    std::iter::from_fn(|| backoff.next(&(), |_| true)).collect()
}

#[test]
fn a_seed_replays_backoff_jitter() {
    let first = waits(5);
    assert_eq!(first.len(), 8);
    assert_eq!(waits(5), first);
    assert_ne!(waits(6), first);
}

#[retry(times = 4, backoff = "10ms..10s")]
async fn always_fails() -> Result<(), ()> {
    Err(())
}

async fn retry_took(seed: u64) -> Duration {
    async_dsl::seed(seed);
    let start = Instant::now();
    assert_eq!(always_fails().await, Err(()));
    start.elapsed()
}

#[tokio::test(start_paused = true)]
async fn a_seed_replays_the_waits_of_retry() {
    let first = retry_took(9).await;
    assert_eq!(retry_took(9).await, first);
    assert_ne!(retry_took(10).await, first);
}

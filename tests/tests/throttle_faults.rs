//! Faults an outside probe found in the throttles, each with the test that would have caught
//! it. On Tokio's paused clock.

use std::num::{NonZeroU32, NonZeroUsize};
use std::time::Duration;

use async_dsl::{KeyedThrottle, Throttle};
use tokio::time::Instant;

fn rate(n: u32) -> Throttle {
    Throttle::new(NonZeroU32::new(n).unwrap(), Duration::from_secs(1))
}

/// Issue 9, fault 10: after a quiet spell, `burst` 1 lets one call start, not two (or 101).
#[tokio::test(start_paused = true)]
async fn after_a_quiet_spell_burst_1_starts_one_call_at_a_time() {
    for per_second in [1_000, 10_000, 100_000] {
        let throttle = rate(per_second);
        drop(throttle.acquire().await);
        tokio::time::sleep(Duration::from_secs(1)).await; // quiet
        let start = Instant::now();
        drop(throttle.acquire().await);
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "the first call after the quiet spell"
        );
        drop(throttle.acquire().await);
        assert!(
            start.elapsed() > Duration::ZERO,
            "{per_second}/s: a second call started at the same instant"
        );
    }
}

/// Issue 9, fault 11: sizes at the edge mean what they say instead of panicking.
#[tokio::test(start_paused = true)]
async fn edge_sizes_mean_unbounded_instead_of_panicking() {
    // A concurrency of usize::MAX: no limit in practice.
    let open = rate(1_000_000_000).concurrency(NonZeroUsize::MAX);
    let permits: Vec<_> = futures::future::join_all((0..100).map(|_| open.acquire())).await;
    assert_eq!(permits.len(), 100);

    // A burst whose tolerance overflows a Duration: saturates, so calls start at once.
    let huge = Throttle::new(NonZeroU32::MIN, Duration::from_secs(3_600)).burst(NonZeroU32::MAX);
    let start = Instant::now();
    for _ in 0..1_000 {
        drop(huge.acquire().await);
    }
    assert_eq!(start.elapsed(), Duration::ZERO);
}

/// Issue 9, fault 9: when every call brings a new key, idle keys are still forgotten.
#[tokio::test(start_paused = true)]
async fn a_keyed_throttle_forgets_keys_even_when_every_key_is_new() {
    let keyed = KeyedThrottle::new(|| rate(1_000));
    for key in 0..20_000u32 {
        drop(keyed.acquire(&key).await);
        tokio::time::advance(Duration::from_millis(2)).await; // each key recovers in 1 ms
    }
    assert!(
        keyed.key_count() < 200,
        "{} keys remembered of 20 000 idle ones",
        keyed.key_count()
    );
}

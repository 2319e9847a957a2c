//! A small per-thread random source (xorshift, seeded from std's randomly keyed hasher unless
//! [`seed`] set it): where a race starts its rounds of polls, and the jitter of
//! [`Backoff`](crate::schedule::Backoff). Not for anything that needs unpredictability.
//!
//! The state is a const-initialised thread-local, seeded on first use: a lazily initialised
//! one measured about 15 ns per draw, more than a whole three-branch group.

use std::cell::Cell;
use std::hash::{BuildHasher, RandomState};

thread_local! {
    static STATE: Cell<u64> = const { Cell::new(0) };
}

/// Seeds this thread's random source, which decides where a race starts each round of polls
/// (so which of several ready branches wins) and the jitter of [`Backoff`] waits, including
/// those of `#[retry]`. After `seed(n)`, the same code on this thread draws the same numbers,
/// so a failure seen once can be replayed. Each thread has its own source: on a
/// multi-threaded runtime, seed inside the task that matters, or use a current-thread
/// runtime (as `#[tokio::test]` does). Without a call, each thread's source is seeded at
/// random on first use.
///
/// [`Backoff`]: crate::Backoff
///
/// ```
/// use async_dsl::race;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// async fn winners() -> Vec<u32> {
///     let mut won = Vec::new();
///     for _ in 0..20 {
///         won.push(race! { a => async { 1 }, b => async { 2 } }.await);
///     }
///     won
/// }
/// async_dsl::seed(42);
/// let first = winners().await;
/// async_dsl::seed(42);
/// assert_eq!(winners().await, first, "the same seed, the same winners");
/// # }
/// ```
pub fn seed(seed: u64) {
    STATE.with(|state| state.set(mix(seed)));
}

/// A seed spread over all 64 bits (splitmix64's finaliser), made odd so the state is never
/// zero: xorshift keeps a non-zero state non-zero, and zero means "not seeded yet".
fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)) | 1
}

/// A number in `0..n` (`n > 0`).
pub(crate) fn below(n: usize) -> usize {
    let x = STATE.with(|state| {
        let mut x = state.get();
        if x == 0 {
            x = mix(RandomState::new().hash_one(0x5eed_u64));
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        state.set(x);
        x
    });
    // Multiply-shift maps the 64-bit value onto 0..n without a division.
    ((u128::from(x) * n as u128) >> 64) as usize
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_seed_replays_the_same_draws() {
        let draws = || (0..100).map(|_| super::below(1000)).collect::<Vec<_>>();
        super::seed(7);
        let first = draws();
        super::seed(7);
        assert_eq!(draws(), first);
        super::seed(8);
        assert_ne!(draws(), first, "another seed, other draws");
        for edge in [0, 1, u64::MAX] {
            super::seed(edge);
            let drawn = draws();
            assert!(
                drawn.iter().any(|&n| n != drawn[0]),
                "seed {edge} draws like any other"
            );
        }
    }

    #[test]
    fn below_stays_in_range_and_reaches_every_value() {
        let mut seen = [0u32; 5];
        for _ in 0..10_000 {
            seen[super::below(5)] += 1;
        }
        assert!(seen.iter().all(|&n| n > 1_500), "roughly uniform: {seen:?}");
    }
}

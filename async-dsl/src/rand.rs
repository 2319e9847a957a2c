//! A small per-thread random source (xorshift, seeded from std's randomly keyed hasher): where
//! a race starts its rounds of polls, and the jitter of [`Backoff`](crate::schedule::Backoff).
//! Not for anything that needs unpredictability.
//!
//! The state is a const-initialised thread-local, seeded on first use: a lazily initialised
//! one measured about 15 ns per draw, more than a whole three-branch group.

use std::cell::Cell;
use std::hash::{BuildHasher, RandomState};

thread_local! {
    static STATE: Cell<u64> = const { Cell::new(0) };
}

/// A number in `0..n` (`n > 0`).
pub(crate) fn below(n: usize) -> usize {
    let x = STATE.with(|state| {
        let mut x = state.get();
        if x == 0 {
            // Odd, so never zero again: xorshift keeps a non-zero state non-zero.
            x = RandomState::new().hash_one(0x5eed_u64) | 1;
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
    fn below_stays_in_range_and_reaches_every_value() {
        let mut seen = [0u32; 5];
        for _ in 0..10_000 {
            seen[super::below(5)] += 1;
        }
        assert!(seen.iter().all(|&n| n > 1_500), "roughly uniform: {seen:?}");
    }
}

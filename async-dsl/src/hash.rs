//! The hasher for maps whose keys are already unique or random integers (Tokio task ids, keys
//! hashed with a random state): it passes their bits through instead of hashing them again
//! with SipHash, which measured a large share of a `Scope` spawn and of a keyed throttle's hit.

use std::hash::{BuildHasherDefault, Hasher};

/// A map hasher for integer keys that need no keyed hash.
#[derive(Debug, Default)]
pub(crate) struct PassThrough(u64);

/// [`PassThrough`] as a map's `BuildHasher`.
pub(crate) type BuildPassThrough = BuildHasherDefault<PassThrough>;

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only integer keys reach these maps; bytes are folded in for completeness.
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, n: u64) {
        // Spread the bits: hashbrown takes its control byte from the top 7, and task ids
        // count up from 1.
        self.0 = n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

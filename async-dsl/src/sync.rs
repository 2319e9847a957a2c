//! The atomics of the lock-free parts (the wake mask, the throttle's next slot), so that loom
//! can model them: std's atomics normally, loom's under `--cfg async_dsl_loom`.
//!
//! The cfg is not the customary `loom`: Tokio reads `cfg(loom)` too and then needs loom
//! itself, so `--cfg loom` across the dependency graph would not build.

#[cfg(async_dsl_loom)]
pub(crate) use loom::sync::atomic::AtomicU64;
#[cfg(not(async_dsl_loom))]
pub(crate) use std::sync::atomic::AtomicU64;

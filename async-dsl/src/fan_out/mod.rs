//! Bounded, lazily pulled fan-out over a dynamic set of items.
//!
//! One engine, [`FanOut`] (`engine`), serves the `for` form of every macro and the functions
//! [`map`], [`map_unordered`], [`for_each`], [`try_map`] and [`try_for_each`] (`map`). It pulls
//! items from a [`Source`] (`source`: an iterator or a stream) only when one of its `limit`
//! places is free, runs each item's future on the polling task with a per-place waker from
//! the crate's `wake` module, hands every output to a collector (`collect`: in input order, first,
//! first `Ok`, discard) and reports [`Progress`] (`progress`).

pub mod collect;
mod engine;
mod map;
mod progress;
mod source;

pub use engine::{FanOut, Unordered};
pub use map::{for_each, from_stream, map, map_unordered, partition, try_for_each, try_map};
pub use progress::{NoProgress, OnProgress, Progress};
pub use source::{FromStream, IntoSource, Iter, Source};

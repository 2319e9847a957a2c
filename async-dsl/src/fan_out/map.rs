//! Bounded concurrent map and for-each over iterators and streams, without macros.
//!
//! All of them pull their input lazily (an item only when a place is free), run the futures
//! on the polling task, take a limit with [`FanOut::limit`] (default: none) and report
//! progress through [`FanOut::on_progress`]. They share one implementation with the `for`
//! forms of the macros.

use core::future::Future;

use super::collect::{Discard, Ordered, TryDiscard, TryOrdered};
use super::engine::{FanOut, Unordered};
use super::progress::NoProgress;
use super::source::{FromStream, IntoSource, Source};
use crate::group::IsResult;

type FanOutOf<I, F, Fut, C> = FanOut<<I as IntoSource>::Source, F, Fut, C, NoProgress>;
type OkOf<Fut> = <<Fut as Future>::Output as IsResult>::Ok;
type ErrOf<Fut> = <<Fut as Future>::Output as IsResult>::Err;

fn fan_out<I: IntoSource, F, Fut, C>(input: I, f: F, collect: C) -> FanOutOf<I, F, Fut, C> {
    let source = input.into_source();
    let total = source.exact_len();
    FanOut::new(usize::MAX, source, f, collect).with_total(total)
}

/// Runs `f` on every item and resolves to the outputs in input order.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let lengths = async_dsl::map(["a", "bb", "ccc"], |s| async move { s.len() }).limit(2).await;
/// assert_eq!(lengths, [1, 2, 3]);
/// # }
/// ```
pub fn map<I, F, Fut>(input: I, f: F) -> FanOutOf<I, F, Fut, Ordered<Fut::Output>>
where
    I: IntoSource,
    F: FnMut(I::Item) -> Fut,
    Fut: Future,
{
    fan_out(input, f, Ordered::new())
}

/// Runs `f` on every item and streams the outputs in the order they complete.
///
/// ```
/// use futures::StreamExt;
/// use std::time::Duration;
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let done: Vec<u64> = async_dsl::map_unordered([30, 10, 20], |ms| async move {
///     tokio::time::sleep(Duration::from_millis(ms)).await;
///     ms
/// })
/// .collect()
/// .await;
/// assert_eq!(done, [10, 20, 30]);
/// # }
/// ```
pub fn map_unordered<I, F, Fut>(input: I, f: F) -> FanOutOf<I, F, Fut, Unordered>
where
    I: IntoSource,
    F: FnMut(I::Item) -> Fut,
    Fut: Future,
{
    fan_out(input, f, Unordered)
}

/// Runs `f` on every item for its effect.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let sum = std::sync::atomic::AtomicU32::new(0);
/// async_dsl::for_each(1..=4, |n| {
///     let sum = &sum;
///     async move { sum.fetch_add(n, std::sync::atomic::Ordering::SeqCst); }
/// })
/// .limit(2)
/// .await;
/// assert_eq!(sum.into_inner(), 10);
/// # }
/// ```
pub fn for_each<I, F, Fut>(input: I, f: F) -> FanOutOf<I, F, Fut, Discard>
where
    I: IntoSource,
    F: FnMut(I::Item) -> Fut,
    Fut: Future,
{
    fan_out(input, f, Discard)
}

/// Runs fallible `f` on every item and resolves to the `Ok` values in input order; the first
/// error stops the rest (in flight items are dropped, no more are pulled) and is returned.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let parsed = async_dsl::try_map(["1", "2", "x", "4"], |s| async move { s.parse::<u8>() }).await;
/// assert!(parsed.is_err());
/// # }
/// ```
pub fn try_map<I, F, Fut>(input: I, f: F) -> FanOutOf<I, F, Fut, TryOrdered<OkOf<Fut>, ErrOf<Fut>>>
where
    I: IntoSource,
    F: FnMut(I::Item) -> Fut,
    Fut: Future,
    Fut::Output: IsResult,
{
    fan_out(input, f, TryOrdered::new())
}

/// Runs fallible `f` on every item for its effect; the first error stops the rest and is
/// returned.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let r = async_dsl::try_for_each(0..10, |n| async move { if n == 3 { Err(n) } else { Ok(()) } }).await;
/// assert_eq!(r, Err(3));
/// # }
/// ```
pub fn try_for_each<I, F, Fut>(input: I, f: F) -> FanOutOf<I, F, Fut, TryDiscard<ErrOf<Fut>>>
where
    I: IntoSource,
    F: FnMut(I::Item) -> Fut,
    Fut: Future,
    Fut::Output: IsResult,
{
    fan_out(input, f, TryDiscard::default())
}

/// Uses a stream as the input of [`map`] and its siblings.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let input = futures::stream::iter(1..=3);
/// let doubled = async_dsl::map(async_dsl::from_stream(input), |n| async move { n * 2 }).await;
/// assert_eq!(doubled, [2, 4, 6]);
/// # }
/// ```
pub fn from_stream<S: futures_util::Stream>(stream: S) -> FromStream<S> {
    FromStream::new(stream)
}

/// Splits `data` into `parts` contiguous chunks of near-equal size (at least one item each),
/// runs `f` on every chunk concurrently, and resolves to the outputs in chunk order.
///
/// The chunks run on the polling task, like [`map`]; for CPU-bound work, have `f` hand its
/// chunk to `tokio::task::spawn_blocking`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let sums = async_dsl::partition((1..=10).collect(), 3, |chunk: Vec<u32>| async move {
///     chunk.iter().sum::<u32>()
/// })
/// .await;
/// assert_eq!(sums, [10, 18, 27]); // [1..=4], [5..=7], [8..=10]
/// # }
/// ```
///
/// # Cancel safety
/// Dropped before it completes, it drops every chunk's future still running and the outputs
/// of those that finished; `f` is not called again.
pub async fn partition<T, F, Fut>(data: Vec<T>, parts: usize, f: F) -> Vec<Fut::Output>
where
    F: FnMut(Vec<T>) -> Fut,
    Fut: Future,
{
    let parts = parts.clamp(1, data.len().max(1));
    let (size, extra) = (data.len() / parts, data.len() % parts);
    let mut rest = data.into_iter();
    // The first `extra` chunks take one more item, so sizes differ by at most one.
    let chunks: Vec<Vec<T>> = (0..parts)
        .map(|i| rest.by_ref().take(size + usize::from(i < extra)).collect())
        .collect();
    map(chunks.into_iter().filter(|chunk| !chunk.is_empty()), f).await
}

//! The one door macro expansions use into the runtime: every path an expansion names starts
//! with `::async_dsl::__private::`. Not public API: names and signatures change without notice.

pub use core::ops::ControlFlow;

pub use crate::error::{AllFailed, Elapsed};
pub use crate::fan_out::collect::{Collect, First, FirstOk, Ordered, TryOrdered};
pub use crate::fan_out::{FanOut, IntoSource, Iter, NoProgress};
pub use crate::group::{Biased, Fair, Group, InOrder, Order};
pub use crate::group::{
    Cons, Nil, Poller, RaceOkTail, RaceTail, SameAs, SameOk, Slots, race_cons, race_ok_cons,
};
pub use crate::group::{IsResult, JoinSlot, RaceOkSlot, RaceSlot, Slot, TrySlot};
pub use crate::limit::{KeyedThrottle, Throttle};
pub use crate::option::{Spawned, Timeout};
pub use crate::schedule::Backoff;

use core::future::Future;
use core::time::Duration;

/// A join: branches polled in written order.
pub fn join<L, F, T>(slots: L, finish: F) -> impl Future<Output = T>
where
    L: Slots,
    F: Fn(ControlFlow<L::Break, L::Output>) -> T,
{
    Group::<L, F, InOrder>::new(slots, finish)
}

/// A race: each round of polls starts at a random branch.
pub fn race<L, F, T>(slots: L, finish: F) -> impl Future<Output = T>
where
    L: Slots,
    F: Fn(ControlFlow<L::Break, L::Output>) -> T,
{
    Group::<L, F, Fair>::new(slots, finish)
}

/// A race polled in written order (`biased;`).
pub fn race_biased<L, F, T>(slots: L, finish: F) -> impl Future<Output = T>
where
    L: Slots,
    F: Fn(ControlFlow<L::Break, L::Output>) -> T,
{
    Group::<L, F, Biased>::new(slots, finish)
}

/// A `for` fan-out.
pub fn fan_out<I, M, Fut, C, T>(
    limit: usize,
    input: I,
    make: M,
    collect: C,
) -> impl Future<Output = T>
where
    I: IntoIterator,
    M: FnMut(I::Item) -> Fut,
    Fut: Future,
    C: Collect<Fut::Output, Output = T>,
{
    FanOut::new(limit, IntoSource::into_source(input), make, collect)
}

/// A race's `for` fan-out: like [`fan_out`], with each round of due items started at a random
/// one so that no item wins ties by its position.
pub fn race_fan_out<I, M, Fut, C, T>(
    limit: usize,
    input: I,
    make: M,
    collect: C,
) -> impl Future<Output = T>
where
    I: IntoIterator,
    M: FnMut(I::Item) -> Fut,
    Fut: Future,
    C: Collect<Fut::Output, Output = T>,
{
    FanOut::new(limit, IntoSource::into_source(input), make, collect).fair()
}

/// The `timeout = ".."` option.
pub fn timeout<F, T>(after: Duration, future: F) -> impl Future<Output = Result<T, Elapsed>>
where
    F: Future<Output = T>,
{
    Timeout::new(after, future)
}

/// The `spawn;` option: the bounds stand here so that a branch that is not `Send + 'static`
/// is reported at the branch.
pub fn spawn<F>(future: F) -> Spawned<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    Spawned::new(future)
}

/// A `race!` arm with a mapping: `name => future => map`.
pub fn map<F: Future, M: FnOnce(F::Output) -> T, T>(
    future: F,
    map: M,
) -> futures_util::future::Map<F, M> {
    futures_util::FutureExt::map(future, map)
}

/// A `race_ok!` arm with a mapping: the `Ok` value goes through `map`.
pub fn map_ok<F, M, T>(future: F, map: M) -> futures_util::future::MapOk<F, M>
where
    F: futures_util::TryFuture,
    M: FnOnce(F::Ok) -> T,
{
    futures_util::TryFutureExt::map_ok(future, map)
}

/// An error conversion for the `for` form of `try_parallel!` with `error = Type;`.
pub fn err_into<E, F>(future: F) -> futures_util::future::ErrInto<F, E>
where
    F: futures_util::TryFuture,
    F::Error: Into<E>,
{
    futures_util::TryFutureExt::err_into(future)
}

/// The throttle of a `#[throttled]` function; arguments were checked at compile time
/// (`concurrency` 0 means none).
pub fn throttle(rate: u32, per: Duration, burst: u32, concurrency: usize) -> Throttle {
    use core::num::{NonZeroU32, NonZeroUsize};
    let one = NonZeroU32::MIN;
    let throttle = Throttle::new(NonZeroU32::new(rate).unwrap_or(one), per)
        .burst(NonZeroU32::new(burst).unwrap_or(one));
    match NonZeroUsize::new(concurrency) {
        Some(limit) => throttle.concurrency(limit),
        None => throttle,
    }
}

/// The keyed throttle of a `#[throttled(key = ..)]` function.
pub fn keyed_throttle(rate: u32, per: Duration, burst: u32, concurrency: usize) -> KeyedThrottle {
    KeyedThrottle::new(move || throttle(rate, per, burst, concurrency))
}

/// Never a value: names type `T` for an attribute's re-emitted body (see the macro crate's
/// `typed_async`).
pub fn no_value<T>() -> Option<T> {
    None
}

/// `#[throttled(key = …)]`, first step: the key's hash. The only generic step, so a key
/// without `Hash` is reported here, at the key.
pub fn key_hash<K: core::hash::Hash + ?Sized>(throttle: &KeyedThrottle, key: &K) -> u64 {
    throttle.hash(key)
}

/// `#[throttled(key = …)]`, second step: waits for the key hashed by [`key_hash`]. Not
/// generic, so keyed functions share one copy of the future.
pub fn keyed_acquire(
    throttle: &KeyedThrottle,
    hash: u64,
) -> impl Future<Output = crate::KeyedPermit> + '_ {
    throttle.acquire_hashed(hash)
}

pub use tokio::time::sleep;

//! The one door macro expansions use into the runtime: every path an expansion names starts
//! with `::async_dsl::__private::`. Not public API: names and signatures change without notice.

pub use core::ops::ControlFlow;

pub use crate::error::{AllFailed, Elapsed};
pub use crate::fan_out::collect::{Collect, First, FirstOk, Ordered, TryOrdered};
pub use crate::fan_out::{FanOut, IntoSource, Iter, NoProgress};
pub use crate::group::{Biased, Direct, Fair, Group, InOrder, Order, SMALL};
pub use crate::group::{
    Cons, Nil, Poller, RaceOkTail, RaceTail, SameAs, SameOk, Slots, race_cons, race_ok_cons,
};
pub use crate::group::{IsResult, JoinSlot, RaceOkSlot, RaceSlot, Slot, TrySlot};
use crate::limit::{KeyedThrottle, Throttle};
#[cfg(feature = "tokio")]
pub use crate::option::Spawned;
pub use crate::option::Timeout;
pub use crate::schedule::Backoff;

/// The spans and events of the `tracing` feature: expansions name these only with it.
#[cfg(feature = "tracing")]
pub mod trace {
    pub use crate::trace::*;
}

use core::future::Future;
use core::time::Duration;
use std::sync::OnceLock;

/// A join of at most [`SMALL`] branches: every poll polls each unfinished one, in written
/// order.
pub fn join<L, F, T>(slots: L, finish: F) -> impl Future<Output = T>
where
    L: Slots,
    F: Fn(ControlFlow<L::Break, L::Output>) -> T,
{
    Direct::<L, F, InOrder>::new(slots, finish)
}

/// A race of at most [`SMALL`] branches: each poll starts at a random branch.
pub fn race<L, F, T>(slots: L, finish: F) -> impl Future<Output = T>
where
    L: Slots,
    F: Fn(ControlFlow<L::Break, L::Output>) -> T,
{
    Direct::<L, F, Fair>::new(slots, finish)
}

/// A race of at most [`SMALL`] branches polled in written order (`biased;`).
pub fn race_biased<L, F, T>(slots: L, finish: F) -> impl Future<Output = T>
where
    L: Slots,
    F: Fn(ControlFlow<L::Break, L::Output>) -> T,
{
    Direct::<L, F, Biased>::new(slots, finish)
}

/// A join of more than [`SMALL`] branches: each has its own waker, and a poll polls those
/// woken, in written order.
pub fn join_large<L, F, T>(slots: L, finish: F) -> impl Future<Output = T>
where
    L: Slots,
    F: Fn(ControlFlow<L::Break, L::Output>) -> T,
{
    Group::<L, F, InOrder>::new(slots, finish)
}

/// [`race`] for more than [`SMALL`] branches, each with its own waker.
pub fn race_large<L, F, T>(slots: L, finish: F) -> impl Future<Output = T>
where
    L: Slots,
    F: Fn(ControlFlow<L::Break, L::Output>) -> T,
{
    Group::<L, F, Fair>::new(slots, finish)
}

/// [`race_biased`] for more than [`SMALL`] branches, each with its own waker.
pub fn race_biased_large<L, F, T>(slots: L, finish: F) -> impl Future<Output = T>
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
#[cfg(feature = "tokio")]
pub fn spawn<F>(future: F) -> Spawned<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    Spawned::new(future)
}

/// The `spawn;` option without the `tokio` feature: a compile error at the branch that says
/// which feature to enable (no type implements [`TokioFeature`] then).
#[cfg(not(feature = "tokio"))]
pub fn spawn<F>(future: F) -> F
where
    F: Future + TokioFeature,
{
    future
}

/// Implemented by nothing: the bound of [`spawn`] without the `tokio` feature.
#[cfg(not(feature = "tokio"))]
#[diagnostic::on_unimplemented(
    message = "`spawn;` runs branches as Tokio tasks and needs async-dsl's `tokio` feature",
    label = "spawned because of `spawn;`",
    note = "enable the feature (it is on by default): `async-dsl = {{ version = \"0.1\", features = [\"tokio\"] }}`, or remove `spawn;` to run the branches on the polling task"
)]
pub trait TokioFeature {}

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
fn throttle(rate: u32, per: Duration, burst: u32, concurrency: usize) -> Throttle {
    use core::num::{NonZeroU32, NonZeroUsize};
    let one = NonZeroU32::MIN;
    let throttle = Throttle::new(NonZeroU32::new(rate).unwrap_or(one), per)
        .burst(NonZeroU32::new(burst).unwrap_or(one));
    match NonZeroUsize::new(concurrency) {
        Some(limit) => throttle.concurrency(limit),
        None => throttle,
    }
}

/// The limiter of one `#[throttled]` function, a `static` of the expansion: the checked
/// arguments, and the limiter made from them on first use. Built by a `const fn`, so an
/// expansion holds no closure and no generic call of its own to make it.
#[derive(Debug)]
pub struct LimiterCell<L> {
    args: (u32, Duration, u32, usize),
    limiter: OnceLock<L>,
    #[cfg(feature = "tracing")]
    function: Option<&'static str>,
}

/// The cell of a `#[throttled]` function without `key`.
pub type ThrottleCell = LimiterCell<Throttle>;

/// The cell of a `#[throttled(key = ..)]` function.
pub type KeyedThrottleCell = LimiterCell<KeyedThrottle>;

impl<L> LimiterCell<L> {
    /// `concurrency` 0 means none.
    pub const fn new(rate: u32, per: Duration, burst: u32, concurrency: usize) -> Self {
        LimiterCell {
            args: (rate, per, burst, concurrency),
            limiter: OnceLock::new(),
            #[cfg(feature = "tracing")]
            function: None,
        }
    }

    /// The cell of `#[throttled]` function `function` (its path), named in its events.
    #[cfg(feature = "tracing")]
    pub const fn named(mut self, function: &'static str) -> Self {
        self.function = Some(function);
        self
    }

    /// The throttle the arguments describe.
    fn throttle(&self) -> Throttle {
        let (rate, per, burst, concurrency) = self.args;
        let throttle = throttle(rate, per, burst, concurrency);
        #[cfg(feature = "tracing")]
        let throttle = match self.function {
            Some(function) => throttle.named(function),
            None => throttle,
        };
        throttle
    }
}

impl ThrottleCell {
    /// Waits for this call's start (inside a stack of attributes).
    pub fn acquire(&'static self) -> crate::limit::Acquire<'static> {
        self.limiter.get_or_init(|| self.throttle()).acquire()
    }
}

impl KeyedThrottleCell {
    /// Waits for this call's start under the key hashed by [`key_hash`] (inside a stack of
    /// attributes). Not generic, so keyed functions share one copy of the future.
    pub fn acquire(&'static self, hash: u64) -> impl Future<Output = crate::limit::KeyedPermit> {
        self.get().acquire_hashed(hash)
    }

    fn get(&'static self) -> &'static KeyedThrottle {
        self.limiter
            .get_or_init(|| KeyedThrottle::new(move || self.throttle()))
    }
}

/// A `#[throttled]` function's call: waits for its start, then runs `body` with the permit
/// held until `body` ends. The one generic step of the expansion: the function itself
/// becomes `fn .. -> impl Future { throttled(&CELL, async move { .. }) }`, with no state
/// machine of its own to type-check.
pub fn throttled<F: Future>(cell: &'static ThrottleCell, body: F) -> Throttled<F> {
    Throttled {
        cell,
        stage: Stage::Waiting(None),
        body,
    }
}

/// Where a [`Throttled`] call is.
#[derive(Debug)]
enum Stage {
    /// Waiting for its start (the wait begins at the first poll).
    Waiting(Option<crate::limit::Acquire<'static>>),
    /// Started: the body runs with the permit held.
    Running { _permit: crate::limit::Permit },
    /// The body ended and the permit is released.
    Done,
}

pin_project_lite::pin_project! {
    /// The future of a `#[throttled]` call (see [`throttled`]). Written out rather than an
    /// `async fn`: the extra state machine of one cost a call that never waits 20 ns
    /// (82 against 67 ns, criterion).
    ///
    /// # Cancel safety
    /// Dropped while it waits, it gives its place back and takes no slot (see
    /// [`Acquire`](crate::Acquire)); dropped while the body runs, the body is dropped and
    /// the concurrency place freed. Polled after it completed, it panics, as an `async fn`
    /// does, without taking a slot.
    #[derive(Debug)]
    pub struct Throttled<F> {
        cell: &'static ThrottleCell,
        stage: Stage,
        #[pin]
        body: F,
    }
}

impl<F: Future> Future for Throttled<F> {
    type Output = F::Output;

    fn poll(
        self: core::pin::Pin<&mut Self>,
        cx: &mut core::task::Context<'_>,
    ) -> core::task::Poll<F::Output> {
        let this = self.project();
        if let Stage::Waiting(acquire) = this.stage {
            let acquire = acquire.get_or_insert_with(|| this.cell.acquire());
            let permit = core::task::ready!(core::pin::Pin::new(acquire).poll(cx));
            *this.stage = Stage::Running { _permit: permit };
        }
        if matches!(this.stage, Stage::Done) {
            panic!("a `#[throttled]` call was polled after it completed");
        }
        let output = core::task::ready!(this.body.poll(cx));
        *this.stage = Stage::Done;
        core::task::Poll::Ready(output)
    }
}

/// [`throttled`] for a keyed throttle. `make`, called on the first poll, takes the
/// arguments, hashes the key with [`key_hash`] and returns the body, so the key expression
/// runs when an `async fn` would run it.
///
/// # Cancel safety
/// As `KeyedThrottle::acquire` while it waits; dropped in the body, the body is dropped.
pub async fn keyed_throttled<M, F>(cell: &'static KeyedThrottleCell, make: M) -> F::Output
where
    M: FnOnce() -> (u64, F),
    F: Future,
{
    let (hash, body) = make();
    let _permit = cell.acquire(hash).await;
    body.await
}

/// The `#[timeout]` of a function returning `Result<T, E>`: expiry becomes
/// `Err(into(Elapsed))`, with `into` the expansion's `|elapsed| From::from(elapsed)`, written at
/// the error type so that an `E` without the conversion is reported there.
///
/// # Cancel safety
/// As [`Timeout`]: dropping it drops the body and the deadline.
pub async fn timeout_into<F, T, E, C>(after: Duration, body: F, into: C) -> Result<T, E>
where
    F: Future<Output = Result<T, E>>,
    C: FnOnce(Elapsed) -> E,
{
    match Timeout::new(after, body).await {
        Ok(output) => output,
        Err(elapsed) => Err(into(elapsed)),
    }
}

/// Names type `T` for an attribute's re-emitted body, behind an `if false` (see the macro
/// crate's `typed_async`): never called.
pub fn never<T>() -> T {
    unreachable!("`never` stands behind `if false`")
}

/// `#[throttled(key = …)]`: the key's hash. The only generic step, so a key without `Hash`
/// is reported here, at the key.
pub fn key_hash<K: core::hash::Hash + ?Sized>(cell: &'static KeyedThrottleCell, key: &K) -> u64 {
    cell.get().hash(key)
}

/// `#[retry]`'s wait between attempts, on the timer of the runtime polling it.
///
/// # Cancel safety
/// Nothing is lost: dropping it drops the timer.
pub async fn sleep(after: Duration) {
    crate::option::sleep(after).await;
}

/// The quota of one `#[throttled(redis = ..)]` function, a `static` of the expansion: the
/// checked arguments, and the [`RedisThrottle`](crate::redis::RedisThrottle) made from them
/// and the URL on the first call.
#[cfg(feature = "redis")]
#[derive(Debug)]
pub struct RedisCell {
    args: (
        u32,
        Duration,
        u32,
        u32,
        Duration,
        &'static str,
        crate::redis::OnStoreError,
    ),
    throttle: OnceLock<crate::redis::RedisThrottle>,
}

#[cfg(feature = "redis")]
pub use crate::redis::OnStoreError;

#[cfg(feature = "redis")]
impl RedisCell {
    /// `name` was checked by the macro; `concurrency` 0 means none.
    pub const fn new(
        rate: u32,
        per: Duration,
        burst: u32,
        concurrency: u32,
        lease: Duration,
        name: &'static str,
        policy: crate::redis::OnStoreError,
    ) -> Self {
        RedisCell {
            args: (rate, per, burst, concurrency, lease, name, policy),
            throttle: OnceLock::new(),
        }
    }

    /// The throttle, made with the URL `url` gives on the first call.
    fn get<U: Into<String>>(
        &'static self,
        url: impl FnOnce() -> U,
    ) -> &'static crate::redis::RedisThrottle {
        self.throttle.get_or_init(|| {
            let (rate, per, burst, concurrency, lease, name, policy) = self.args;
            // The macro checked both are positive; 1 is the fallback all the same.
            let rate = core::num::NonZeroU32::new(rate).unwrap_or(core::num::NonZeroU32::MIN);
            let burst = core::num::NonZeroU32::new(burst).unwrap_or(core::num::NonZeroU32::MIN);
            let throttle = crate::redis::RedisThrottle::new(url(), name, rate, per)
                .burst(burst)
                .on_store_error(policy);
            match core::num::NonZeroU32::new(concurrency) {
                Some(limit) => throttle.concurrency(limit, lease),
                None => throttle,
            }
        })
    }

    /// Waits for this call's turn (in `key`'s quota, written by `Display`, when keyed);
    /// with `on_store_error = Fail`, the store's error instead.
    ///
    /// # Cancel safety
    /// As `RedisThrottle::acquire`.
    pub async fn acquire<U: Into<String>>(
        &'static self,
        url: impl FnOnce() -> U,
        key: Option<String>,
    ) -> Result<crate::redis::RedisPermit, crate::redis::StoreError> {
        match key {
            None => self.get(url).acquire().await,
            Some(key) => self.get(url).acquire_key(&key).await,
        }
    }

    /// Waits for this call's turn, for a function that cannot return the error (see
    /// `RedisThrottle::acquire_or_local`).
    ///
    /// # Cancel safety
    /// As `RedisThrottle::acquire`.
    pub async fn acquire_or_local<U: Into<String>>(
        &'static self,
        url: impl FnOnce() -> U,
        key: Option<String>,
    ) -> crate::redis::RedisPermit {
        self.get(url).acquire_or_local(key).await
    }
}

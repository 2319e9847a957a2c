//! Concurrency patterns as one-line, compile-time-checked macros, with typed results and no
//! boxing.
//!
//! ```
//! use async_dsl::{parallel, race};
//! use std::time::Duration;
//!
//! async fn fetch_user(id: u32) -> String { format!("user {id}") }
//! async fn fetch_posts(id: u32) -> Vec<u32> { vec![id, id + 1] }
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! // Both calls run at once on this task; the result has one typed field per branch.
//! let r = parallel! { user => fetch_user(7), posts => fetch_posts(7) }.await;
//! assert_eq!(r.user, "user 7");
//! assert_eq!(r.posts, [7, 8]);
//!
//! // The first to finish wins; the other is dropped.
//! let hit = race! {
//!     timeout = "3s";
//!     cache => async { tokio::time::sleep(Duration::from_millis(5)).await; "cached" },
//!     db    => async { tokio::time::sleep(Duration::from_millis(50)).await; "fresh" },
//! }
//! .await;
//! assert_eq!(hit, Ok("cached"));
//! # }
//! ```
//!
//! # The macros
//! - [`parallel!`]: run every branch, get every output, typed.
//! - [`try_parallel!`]: the same for fallible branches; the first error cancels the rest.
//! - [`race!`]: the first branch to finish wins.
//! - [`race_ok!`]: the first branch to succeed wins; if all fail, every error is returned.
//!
//! They share one grammar: options first, each ended by `;` (`timeout = "5s";`, `spawn;`,
//! `limit = 8;`, `biased;`, `error = MyError;`), then either named branches (`name =>
//! future`), positional branches (`future, future`), or one `for pat in iter => future`.
//! `()`, `[]` and `{}` all work as delimiters.
//!
//! Durations are string literals checked at compile time: `"250ms"`, `"10s"`, `"1m30s"`,
//! `"2h"`, `"1.5s"` (units `h`, `m`, `s`, `ms`, `us`, `ns`, largest first). A `Duration`
//! expression works too, when the value is only known at run time.
//!
//! # Without macros
//! Every pattern is also a plain function or type: [`map`], [`map_unordered`],
//! [`for_each`], [`try_map`], [`try_for_each`] and [`partition`] for bounded fan-out over
//! iterators and streams; [`Scope`] for errgroup-style groups of spawned children; [`Task`]
//! and [`go`] for spawned work; [`Pool`] for a fixed set of workers; [`repeat`] for a job on
//! an interval; [`Throttle`], [`spread`](fn@spread), [`Backoff`] and [`Batcher`] behind the
//! attributes.
//!
//! # How it runs
//! Every macro evaluates its branch expressions where it stands, like function arguments,
//! and produces a future; nothing is polled until that future is. Branches run concurrently
//! on the task that polls it (no `Send` or `'static` bound, so they may borrow locals). A
//! group of up to 16 branches waits as `tokio::join!` does: each branch gets the task's
//! waker, and each poll polls every branch not yet finished. Larger groups and the `for` form
//! give each branch a waker of its own from the first wake on, so a branch is polled again
//! only after it was woken and a wake costs O(1) however many branches there are. A group
//! whose branches finish in its first poll allocates nothing. Dropping the future drops every
//! unfinished branch. A panic in a branch reaches the caller.
//!
//! Joins poll in written order. Races start each poll at a random branch, so that no branch
//! wins ties by its position, or poll in written order with `biased;`.
//!
//! # Features
//! - `tokio` (on by default): `spawn;`, [`Task`], [`go`], [`Scope`], [`Pool`], [`repeat`],
//!   [`Batcher`] and `#[batched]`, Tokio's timer for every wait inside a Tokio runtime, and a
//!   share of Tokio's task budget. Without it the macros, the `for` form, the maps,
//!   [`Throttle`], `#[throttled]`, `#[spread]`, `#[retry]` and `timeout` run on any executor,
//!   waiting on `futures-timer`'s thread, and the forms above are compile errors that name
//!   the feature. (Tokio's `sync` and `time` types stay a dependency either way: the throttle
//!   queues on them, and neither needs a Tokio runtime.)
//! - `redis` (off by default; brings `tokio`): [`redis::RedisThrottle`] and
//!   `#[throttled(redis = ..)]`, one quota shared by every process through a Redis server.
//! - `tracing` (off by default): every group runs in a span named after its macro
//!   (`parallel`, `race`, ..., with `file` and `line`; a race records `winner` and
//!   `cancelled`, `try_parallel!` the branch that `failed`), every branch in a child span
//!   `branch` with its `name`; `#[throttled]`, `#[retry]`, `#[timeout]`, `#[spread]` and
//!   `#[batched]` emit events naming the function; spawned work runs in its spawner's span.
//!   All at target `async_dsl`. Without the feature no tracing code is compiled. The README
//!   ("Seeing what runs") lists every span, event and field, and what it costs.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs, missing_debug_implementations, unreachable_pub)]

// The map of these modules, and the rules that hold across them, is ARCHITECTURE.md.
mod attributes;
#[cfg(feature = "tokio")]
pub mod batch;
mod coop;
mod error;
pub mod fan_out;
mod group;
mod hash;
mod limit;
mod option;
mod rand;
#[cfg(feature = "redis")]
pub mod redis;
mod schedule;
mod sync;
#[cfg(feature = "tokio")]
mod task;
mod trace;
mod wake;

#[doc(hidden)]
pub mod __private;

#[cfg(feature = "tokio")]
pub use attributes::batched;
pub use attributes::{companions, retry, spread, throttled, timeout};
#[cfg(feature = "tokio")]
pub use batch::{BatchError, Batcher};
pub use error::{AllFailed, Elapsed};
pub use fan_out::collect;
pub use fan_out::{
    FanOut, Progress, for_each, from_stream, map, map_unordered, partition, try_for_each, try_map,
};
pub use limit::{Acquire, KeyedPermit, KeyedThrottle, Permit, Throttle};
pub use rand::seed;
pub use schedule::{Backoff, spread};
#[cfg(feature = "tokio")]
pub use schedule::{Repeat, repeat};
#[cfg(feature = "tokio")]
pub use task::{
    CancellationToken, JobHandle, Pool, PoolClosed, Scope, ScopeError, Task, TaskError, go,
    go_named, panic_message, set_panic_handler,
};

/// Runs every branch concurrently and resolves to all their outputs, typed.
///
/// ```
/// # use async_dsl::parallel;
/// # async fn fetch_user(id: u32) -> String { format!("user {id}") }
/// # async fn fetch_posts(id: u32) -> Vec<u32> { vec![id] }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// // Named: one public field per branch.
/// let r = parallel! { user => fetch_user(1), posts => fetch_posts(1) }.await;
/// let (user, posts): (String, Vec<u32>) = (r.user, r.posts);
///
/// // Positional: a tuple.
/// let (a, b, c) = parallel!(async { 1 }, async { "two" }, async { 3.0 }).await;
/// assert_eq!((a, b, c), (1, "two", 3.0));
///
/// // Dynamic fan-out: outputs in input order, at most `limit` in flight, the input pulled
/// // lazily as places free up.
/// let users: Vec<String> = parallel! { limit = 8; for id in 0..100 => fetch_user(id) }.await;
/// assert_eq!(users[42], "user 42");
/// # let _ = (user, posts);
/// # }
/// ```
///
/// # Options
/// - `timeout = "5s";` the output becomes `Result<Out, Elapsed>`; at expiry every branch is
///   dropped.
/// - `spawn;` each branch runs as its own Tokio task, so branches use several cores. Needs
///   `Send + 'static` branches; the tasks are aborted when the group is dropped, and their
///   panics still reach the caller.
/// - `limit = N;` (the `for` form only) at most `N` items in flight; a `usize` expression
///   works too (0 counts as 1). Without it, every item starts at once.
///
/// The named form's value is a struct defined by the expansion, with the branch names as
/// fields; it derives `Debug`, `Clone` and `PartialEq` where its fields do. With no branches,
/// `parallel!()` resolves to `()`, as `tokio::join!()` does.
///
/// # Cancel safety
/// Dropping the future drops every unfinished branch, and the outputs of the branches that
/// had finished: nothing runs on. Polling it again after it resolved panics.
#[doc(inline)]
pub use async_dsl_macros::parallel;

/// Runs fallible branches concurrently; the first error cancels the rest.
///
/// Every branch produces a `Result`. The output is `Result<Out, E>`, where `Out` holds the
/// `Ok` values in the same shape as [`parallel!`]. The first `Err` ends the group at once:
/// every other branch is dropped before the error is returned. Branch errors convert with
/// `From` into the first branch's error type, as `?` would, or into `error = Type;`.
///
/// ```
/// # use async_dsl::try_parallel;
/// #[derive(Debug, PartialEq)]
/// struct AppError(String);
/// impl From<std::num::ParseIntError> for AppError {
///     fn from(e: std::num::ParseIntError) -> Self { AppError(e.to_string()) }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let r = try_parallel! {
///     error = AppError;
///     a => async { Ok::<_, AppError>(1) },
///     b => async { "2".parse::<u32>() },
/// }
/// .await;
/// let r = r.unwrap();
/// assert_eq!((r.a, r.b), (1, 2));
///
/// let failed = try_parallel! { for s in ["1", "x", "3"] => async move { s.parse::<u32>() } }.await;
/// assert!(failed.is_err());
/// # }
/// ```
///
/// Options: `timeout`, `spawn` and `limit` as for [`parallel!`], and `error = Type;`.
///
/// # Cancel safety
/// As [`parallel!`]: dropping it drops every branch and every `Ok` kept so far.
#[doc(inline)]
pub use async_dsl_macros::try_parallel;

/// Resolves to the output of the first branch to finish; every other branch is dropped at
/// once.
///
/// The first round of polls starts at a random branch, so no branch wins ties by its
/// position; `biased;` polls in written order instead.
///
/// Branches that produce the same type race as they are. Branches of different types name
/// a mapping into one type, usually an enum of the caller's, after a second `=>`: the
/// caller then matches on the winner with its own patterns, and nothing is boxed.
///
/// ```
/// # use async_dsl::race;
/// # use std::time::Duration;
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// enum Hit { Cached(&'static str), Fresh(u64) }
///
/// let hit = race! {
///     cache => async { tokio::time::sleep(Duration::from_millis(30)).await; "old" } => Hit::Cached,
///     db    => async { tokio::time::sleep(Duration::from_millis(10)).await; 42 } => Hit::Fresh,
/// }
/// .await;
/// match hit {
///     Hit::Cached(text) => println!("cache won: {text}"),
///     Hit::Fresh(row) => assert_eq!(row, 42),
/// }
///
/// // Over a dynamic set: `None` when the input is empty.
/// let first = race! { for ms in [30u64, 10, 20] => async move {
///     tokio::time::sleep(Duration::from_millis(ms)).await;
///     ms
/// } }
/// .await;
/// assert_eq!(first, Some(10));
/// # }
/// ```
///
/// Options: `timeout = "3s";` (the output becomes `Result<T, Elapsed>`), `biased;`,
/// `spawn;`, and `limit` for the `for` form.
///
/// # Cancel safety
/// Dropping it drops every branch; no winner is lost, since the race resolves in the same
/// poll a branch finishes in.
#[doc(inline)]
pub use async_dsl_macros::race;

/// Resolves to the first `Ok`; if every branch fails, to [`AllFailed`] holding every error.
///
/// Errors of branches that fail early are kept while the others go on. When all fail, the
/// [`AllFailed`] value dereferences to the errors, each typed: by branch name in the named
/// form, by position in the positional form (a tuple), in input order in the `for` form (a
/// `Vec`).
///
/// ```
/// # use async_dsl::race_ok;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let r = race_ok! {
///     primary => async { Err::<u32, _>("primary down") },
///     replica => async { Ok::<u32, std::io::Error>(7) },
/// }
/// .await;
/// assert_eq!(r.unwrap(), 7);
///
/// let none = race_ok!(async { Err::<u8, _>(1) }, async { Err::<u8, _>("two") }).await;
/// let errors = none.unwrap_err();
/// assert_eq!((errors.0, errors.1), (1, "two"));
/// # }
/// ```
///
/// Options: as for [`race!`]. Mappings apply to the `Ok` value:
/// `name => future => Enum::Variant`.
///
/// # Cancel safety
/// Dropping it drops every branch and the errors of those that already failed.
#[doc(inline)]
pub use async_dsl_macros::race_ok;

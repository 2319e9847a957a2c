//! The attributes on `async fn`, re-exported with their documentation.
//!
//! Stacked, they apply in written order, the top one outermost:
//!
//! ```
//! use async_dsl::{retry, throttled, timeout};
//!
//! #[timeout("5s")]                              // 5 s for the whole call, every attempt included
//! #[retry(times = 3, backoff = "100ms..1s")]    // up to 4 attempts
//! #[throttled(rate = 5)]                        // each attempt waits its turn
//! async fn call_partner(q: u32) -> Result<u32, std::io::Error> {
//!     Ok(q * 2)
//! }
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() { assert_eq!(call_partner(21).await.unwrap(), 42); }
//! ```

/// Limits how often (and how many at once) calls of an `async fn` start; callers over the
/// limit wait, served in arrival order.
///
/// Arguments: `rate = N` (required: calls per window), `per = "1m"` (the window, default
/// `"1s"`), `burst = N` (up to N may start at once after a quiet spell, default 1),
/// `concurrency = N` (at most N calls in flight), `key = expr` (a separate limit per value of
/// `expr`, which may use the arguments). Calls are spaced evenly (GCRA): `rate = 5` starts
/// one every 200 ms. A caller dropped while waiting gives its place to the next. One limiter
/// serves the function in the whole process (for a method, all its receivers), created on
/// first use.
///
/// ```
/// use async_dsl::throttled;
/// use tokio::time::{Duration, Instant};
///
/// #[throttled(rate = 5)]
/// async fn call_partner_api(q: u32) -> u32 {
///     q + 1
/// }
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let start = Instant::now();
/// for q in 0..3 {
///     call_partner_api(q).await;
/// }
/// assert_eq!(start.elapsed(), Duration::from_millis(400)); // started at 0, 200, 400 ms
/// # }
/// ```
///
/// With the cargo feature `redis`, `redis = url` shares the limit with every process that
/// uses the same Redis and quota name (see `async_dsl::redis` where the feature is on):
/// `name = "partner-api"` (default: the crate's name and the function's path), `on_store_error
/// = Wait | Proceed | Local | Fail` (what a call does while Redis is away; `Fail` needs a
/// function returning a `Result` whose error converts from `StoreError`), and, with
/// `concurrency`, `lease = "30s"` (how long a place in flight is held without renewal). The
/// URL expression is evaluated on the first call.
///
#[cfg_attr(feature = "redis", doc = "```no_run")]
#[cfg_attr(not(feature = "redis"), doc = "```ignore")]
/// use async_dsl::throttled;
///
/// // Every replica of the service shares the 100 a second.
/// #[throttled(rate = 100, redis = std::env::var("REDIS_URL").unwrap_or_default(), name = "partner-api")]
/// async fn call_partner_api(q: u32) -> u32 {
///     q + 1
/// }
/// ```
///
/// # Cancel safety
/// A call dropped while it waits for its turn takes no slot and gives its place to the next
/// caller; dropped while its body runs, its place in flight (with `concurrency`) is freed.
/// With `redis`, see `RedisThrottle`'s cancel safety.
///
/// The same without the attribute:
///
/// ```
/// use async_dsl::Throttle;
/// use std::{num::NonZeroU32, sync::OnceLock, time::Duration};
///
/// async fn call_partner_api(q: u32) -> u32 {
///     static LIMIT: OnceLock<Throttle> = OnceLock::new();
///     let _permit = LIMIT
///         .get_or_init(|| Throttle::new(NonZeroU32::new(5).unwrap(), Duration::from_secs(1)))
///         .acquire()
///         .await;
///     q + 1
/// }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() { assert_eq!(call_partner_api(1).await, 2); }
/// ```
#[doc(inline)]
pub use async_dsl_macros::throttled;

/// Cuts a call off after a duration.
///
/// A function returning `Result<T, E>` with `E: From<Elapsed>` keeps its signature and
/// returns `Err(E::from(Elapsed))` at expiry; any other return type `T` becomes
/// `Result<T, Elapsed>`. The call's future is dropped at expiry.
///
/// ```
/// use async_dsl::{Elapsed, timeout};
/// use std::time::Duration;
///
/// #[timeout("1s")]
/// async fn slow() -> u32 {
///     tokio::time::sleep(Duration::from_secs(5)).await;
///     1
/// }
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let r: Result<u32, Elapsed> = slow().await;
/// assert_eq!(r, Err(Elapsed::default()));
/// # }
/// ```
///
/// The same without the attribute:
///
/// ```
/// use async_dsl::Elapsed;
/// use std::time::Duration;
///
/// async fn slow() -> Result<u32, Elapsed> {
///     tokio::time::timeout(Duration::from_secs(1), async {
///         tokio::time::sleep(Duration::from_secs(5)).await;
///         1
///     })
///     .await
///     .map_err(|_| Elapsed::default())
/// }
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() { assert!(slow().await.is_err()); }
/// ```
#[doc(inline)]
pub use async_dsl_macros::timeout;

/// Retries a call that returns `Err`: up to `times` retries after the first attempt, waiting
/// with exponential backoff and jitter between the attempts; the last error is returned.
///
/// Arguments: `times = N` (required), `backoff = "100ms..5s"` (retry `k`, from 0, waits a
/// random time between the lower bound and `lower * 2^(k+1)`, capped at the upper bound; this is
/// the default), `when = path` (a `fn(&E) -> bool` that picks which errors are retried).
///
/// Each attempt runs the function body again; arguments the body consumes by value are gone
/// after the first attempt, so clone them inside the body (the compiler says so).
///
/// ```
/// use async_dsl::retry;
/// use std::sync::atomic::{AtomicU32, Ordering};
///
/// static CALLS: AtomicU32 = AtomicU32::new(0);
///
/// fn is_transient(e: &String) -> bool { e.starts_with("busy") }
///
/// #[retry(times = 3, backoff = "10ms..1s", when = is_transient)]
/// async fn flaky() -> Result<u32, String> {
///     match CALLS.fetch_add(1, Ordering::SeqCst) {
///         0 | 1 => Err("busy".to_string()),
///         n => Ok(n),
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// assert_eq!(flaky().await, Ok(2)); // two failures, then success on the third attempt
/// # }
/// ```
///
/// The same without the attribute:
///
/// ```
/// use async_dsl::Backoff;
/// use std::time::Duration;
///
/// async fn flaky_once() -> Result<u32, String> { Ok(2) }
///
/// async fn flaky() -> Result<u32, String> {
///     let mut backoff = Backoff::new(3, Duration::from_millis(10), Duration::from_secs(1));
///     loop {
///         match flaky_once().await {
///             Ok(v) => return Ok(v),
///             Err(e) => match backoff.next(&e, |e| e.starts_with("busy")) {
///                 Some(wait) => tokio::time::sleep(wait).await,
///                 None => return Err(e),
///             },
///         }
///     }
/// }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() { assert_eq!(flaky().await, Ok(2)); }
/// ```
#[doc(inline)]
pub use async_dsl_macros::retry;

/// Adds a companion that starts many calls of the function evenly over a period.
///
/// On `async fn upload(file: File) -> R`, `upload(file)` works as before and
/// `upload::spread(files)` starts call `i` of `n` at `start + i * period / n` (50 files over
/// `"10s"` start every 200 ms), resolving to the outputs in input order. Start times are
/// absolute, so a slow call never delays the next. With several arguments, each input is a
/// tuple of them. In an `impl` block, which cannot hold a module, the companion is a sibling
/// `upload_spread(files)` (taking `&self` when `upload` does): put
/// [`#[companions]`](macro@companions) on the block. A `&self` method of an inherent impl gets
/// its sibling without it.
///
/// ```
/// use async_dsl::spread;
/// use tokio::time::Instant;
///
/// #[spread(period = "10s")]
/// async fn upload(name: String, start: Instant) -> (String, u128) {
///     (name, start.elapsed().as_millis())
/// }
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let start = Instant::now();
/// let files = (0..50).map(|i| (format!("file-{i}"), start));
/// let done = upload::spread(files).await;
/// assert_eq!(done[1], ("file-1".to_string(), 200));
/// assert_eq!(done[49].1, 9_800);
/// # }
/// ```
///
/// The same without the attribute:
///
/// ```
/// # use tokio::time::Instant;
/// # async fn upload(name: String, start: Instant) -> (String, u128) { (name, start.elapsed().as_millis()) }
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let start = Instant::now();
/// let files = (0..50).map(|i| (format!("file-{i}"), start));
/// let calls = files.map(|(name, start)| move || upload(name, start));
/// let done = async_dsl::spread(std::time::Duration::from_secs(10), calls).await;
/// assert_eq!(done[49].1, 9_800);
/// # }
/// ```
#[doc(inline)]
pub use async_dsl_macros::spread;

/// Coalesces concurrent single-key calls into batch calls, in the dataloader style.
///
/// On `async fn load(keys: Vec<K>) -> Vec<V>` (values by position), `-> HashMap<K, V>`
/// (values by key), or either inside a `Result<_, E>`, callers call `load::one(key)` and get
/// `Result<V, BatchError<E>>`: calls within `window` of the first, or up to `max` keys,
/// become one call of `load`. A key with no value is an error for its caller alone
/// ([`BatchError::Missing`](crate::BatchError::Missing)); a failed batch reaches every caller
/// in it ([`BatchError::Failed`](crate::BatchError::Failed)). `load` runs on the Tokio
/// runtime of the caller that opened the batch, so its future must be `Send + 'static`; `K`
/// must be `Clone + Eq + Hash` and `V` `Clone`. There is one batcher per function in the
/// process: callers on different runtimes share batches. In an `impl` block, an associated
/// `load(keys)` (no `self`) gets a sibling `load_one(key)`: put
/// [`#[companions]`](macro@companions) on the block.
///
/// ```
/// use async_dsl::batched;
/// use std::sync::atomic::{AtomicUsize, Ordering};
///
/// static BATCH_CALLS: AtomicUsize = AtomicUsize::new(0);
///
/// #[batched(max = 100, window = "5ms")]
/// async fn load_names(ids: Vec<u32>) -> Vec<String> {
///     BATCH_CALLS.fetch_add(1, Ordering::SeqCst);
///     ids.iter().map(|id| format!("user {id}")).collect()
/// }
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let names = futures::future::join_all((0..10).map(load_names::one)).await;
/// assert_eq!(names[3].as_deref(), Ok("user 3"));
/// assert_eq!(BATCH_CALLS.load(Ordering::SeqCst), 1);
/// # }
/// ```
///
/// The same without the attribute: see [`Batcher`](crate::Batcher).
#[doc(inline)]
#[cfg(feature = "tokio")]
pub use async_dsl_macros::batched;

/// Gives the `#[spread]` and `#[batched]` methods of an `impl` block their companions, as
/// sibling methods.
///
/// On a free function the companion lives in a module of the same name (`upload::spread`,
/// `load::one`), and an `impl` block cannot hold a module. An attribute on a method cannot see
/// the block around it, so the block says it: with `#[companions]` on the `impl`,
///
/// - `#[spread]` on `upload(&self, file)` or on an associated `upload(file)` adds
///   `upload_spread(inputs)` (taking `&self` when `upload` does);
/// - `#[batched]` on an associated `load(keys: Vec<K>)` adds `load_one(key)`. A batch method
///   cannot take `self`, since one batcher serves the whole process, and the `impl` cannot
///   have type parameters, since a generic one would share that batcher between its types.
///
/// In an inherent impl the siblings join the block. In a trait impl, which may hold only the
/// trait's items, they go in an inherent `impl` of the same type next to it and call the
/// trait's method; so the type must be one of this crate's, as for any inherent `impl`.
/// Other attributes on the methods (`#[throttled]`, `#[timeout]`, `#[retry]`) are untouched.
///
/// ```
/// use async_dsl::{batched, companions, spread};
///
/// struct Users;
///
/// #[companions]
/// impl Users {
///     #[batched(max = 50, window = "2ms")]
///     async fn names(ids: Vec<u32>) -> Vec<String> {
///         ids.iter().map(|id| format!("user {id}")).collect()
///     }
/// }
///
/// trait Store {
///     async fn put(&self, key: u32) -> u32;
/// }
///
/// struct Disk;
///
/// #[companions]
/// impl Store for Disk {
///     #[spread(period = "1s")]
///     async fn put(&self, key: u32) -> u32 {
///         key * 10
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// assert_eq!(Users::names_one(7).await.as_deref(), Ok("user 7"));
/// assert_eq!(Disk.put_spread([1, 2, 3]).await, [10, 20, 30]);
/// # }
/// ```
#[doc(inline)]
pub use async_dsl_macros::companions;

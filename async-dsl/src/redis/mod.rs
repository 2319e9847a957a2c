//! One quota shared by every process that uses the same Redis: [`RedisThrottle`].
//!
//! Written here rather than taken from a crate: the Redis rate limiters on crates.io (and the
//! `redis-cell` module) answer "retry after" and leave the caller to spin, while callers of
//! `#[throttled]` wait in order for their turn.
//!
//! How a call gets its turn: a Lua script reserves the next start time with GCRA on the
//! server's clock (`TIME`) and returns how long to wait; the caller sleeps that long. The
//! script runs on the server one call at a time, so calls from every process start in the
//! order of their reservations. In front of Redis, the callers of one process queue locally
//! (Tokio's fair mutex) and only the head of that queue holds a reservation, so waiting
//! callers cost the server nothing and a caller dropped in the local queue loses no slot.

mod lease;
mod script;

/// The Lua script that reserves a turn, as the throttle sends it (`EVALSHA`, loaded again on
/// `NOSCRIPT`). `KEYS[1]`: `async-dsl:quota:NAME`; ARGV: the interval and the tolerance
/// (interval times burst minus one) in microseconds; it returns the wait in microseconds and
/// the theoretical arrival time it left. For inspection, and for the benchmark that compares
/// a call with one bare round trip of it.
///
/// ```
/// assert!(async_dsl::redis::RESERVE_SCRIPT.contains("redis.call('TIME')"));
/// ```
pub const RESERVE_SCRIPT: &str = script::RESERVE_SCRIPT;

use std::collections::HashMap;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::{Arc, OnceLock, PoisonError};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::{Mutex, OnceCell};

use crate::limit::{KeyedPermit, KeyedThrottle, Permit, Throttle};

/// What a [`RedisThrottle`] does when Redis cannot be reached or does not answer.
///
/// ```
/// use async_dsl::redis::{OnStoreError, RedisThrottle};
/// use std::num::NonZeroU32;
/// use std::time::Duration;
///
/// let quota = RedisThrottle::new("redis://127.0.0.1:6379", "partner-api", NonZeroU32::new(100).unwrap(), Duration::from_secs(1))
///     .on_store_error(OnStoreError::Local);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OnStoreError {
    /// Keep waiting: retry with backoff (10 ms doubling to 1 s, jittered) until Redis
    /// answers. No call starts unthrottled; calls wait for as long as Redis is away. The
    /// default.
    #[default]
    Wait,
    /// Start the call at once, unthrottled.
    Proceed,
    /// Fall back to a limiter of this process with the same rate and burst until Redis
    /// answers again: the quota then holds per process instead of across them.
    Local,
    /// Return the error: [`RedisThrottle::acquire`] resolves to `Err`.
    Fail,
}

/// Why a [`RedisThrottle`] could not reserve a turn.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use async_dsl::redis::RedisThrottle;
/// let bad = RedisThrottle::new("redis://127.0.0.1:1", "has space", std::num::NonZeroU32::MIN, std::time::Duration::from_secs(1));
/// let error = bad.acquire().await.unwrap_err();
/// assert!(error.to_string().contains("quota name"), "{error}");
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct StoreError {
    kind: StoreErrorKind,
    message: String,
}

/// What kind of [`StoreError`] this is.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use async_dsl::redis::{OnStoreError, RedisThrottle, StoreErrorKind};
/// // Nothing listens on port 1: with `Fail`, the call returns the store's error.
/// let away = RedisThrottle::new("redis://127.0.0.1:1", "q", std::num::NonZeroU32::MIN, std::time::Duration::from_secs(1))
///     .on_store_error(OnStoreError::Fail);
/// assert_eq!(away.acquire().await.unwrap_err().kind(), StoreErrorKind::Store);
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreErrorKind {
    /// The throttle's settings cannot work (a malformed URL, a name Redis keys cannot hold, a
    /// rate the script's arithmetic cannot hold). Returned by every call, whatever the
    /// policy: no retry can fix it.
    Config,
    /// Redis could not be reached, or failed the script.
    Store,
}

impl StoreError {
    fn config(message: impl Into<String>) -> Self {
        StoreError {
            kind: StoreErrorKind::Config,
            message: message.into(),
        }
    }

    fn store(error: &redis::RedisError) -> Self {
        StoreError {
            kind: StoreErrorKind::Store,
            message: error.to_string(),
        }
    }

    /// What kind of error this is.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use async_dsl::redis::{RedisThrottle, StoreErrorKind};
    /// let bad = RedisThrottle::new("not a url", "q", std::num::NonZeroU32::MIN, std::time::Duration::from_secs(1));
    /// assert_eq!(bad.acquire().await.unwrap_err().kind(), StoreErrorKind::Config);
    /// # }
    /// ```
    pub fn kind(&self) -> StoreErrorKind {
        self.kind
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            StoreErrorKind::Config => write!(f, "the Redis throttle's settings: {}", self.message),
            StoreErrorKind::Store => write!(f, "the Redis throttle's store: {}", self.message),
        }
    }
}

impl std::error::Error for StoreError {}

/// At most `rate` calls start per `per` across every process that shares the Redis at `url`
/// and the quota `name`, evenly spaced (GCRA), with an optional burst. Callers wait for
/// their turn, in reservation order across processes and in arrival order within one.
///
/// Settings are checked at the first call, which returns a [`StoreErrorKind::Config`] error
/// if they cannot work. The connection is opened at the first call too, and reopened by
/// itself after Redis went away.
///
/// ```no_run
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), async_dsl::redis::StoreError> {
/// use async_dsl::redis::RedisThrottle;
/// use std::num::NonZeroU32;
/// use std::time::Duration;
///
/// let partner = RedisThrottle::new("redis://127.0.0.1:6379", "partner-api", NonZeroU32::new(100).unwrap(), Duration::from_secs(1));
/// let _turn = partner.acquire().await?; // this process and every other share the 100 a second
/// # Ok(())
/// # }
/// ```
///
/// # Cancel safety
/// A caller dropped while it waits in the local queue takes nothing. One dropped while it
/// holds a reservation (its script in flight, or sleeping until its turn) gives the
/// reservation back when it is still the latest one on the server; when another process
/// reserved after it, the slot it held goes unused (the quota runs one slot short, never
/// over). With [`concurrency`](Self::concurrency), one dropped while it asks for a place
/// gives the place back if the request took it (the removal follows the request on the same
/// connection); one dropped while its call runs frees its place at once.
pub struct RedisThrottle {
    url: String,
    name: String,
    rate: NonZeroU32,
    per: Duration,
    burst: NonZeroU32,
    policy: OnStoreError,
    /// The settings, checked once, at the first call.
    checked: OnceLock<Result<Arc<Quota>, StoreError>>,
    /// The connection, opened at the first call that needs it.
    connection: OnceCell<ConnectionManager>,
    /// This process's callers, in arrival order; the holder holds the one reservation.
    queue: Arc<Mutex<()>>,
    /// The same per key, for the keys with callers.
    key_queues: std::sync::Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// The limiters of [`OnStoreError::Local`].
    local: OnceLock<Throttle>,
    local_keyed: OnceLock<KeyedThrottle>,
    /// `concurrency`: the places in flight, as leases.
    leases: Option<lease::Leases>,
}

/// The checked settings: what the script is called with.
#[derive(Debug)]
struct Quota {
    client: redis::Client,
    key: String,
    interval_us: u64,
    tolerance_us: u64,
}

impl fmt::Debug for RedisThrottle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisThrottle")
            .field("name", &self.name)
            .field("rate", &self.rate)
            .field("per", &self.per)
            .field("burst", &self.burst)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// Held while a call a [`RedisThrottle`] let start runs.
///
/// ```no_run
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let quota = async_dsl::redis::RedisThrottle::new("redis://127.0.0.1:6379", "q", std::num::NonZeroU32::MIN, std::time::Duration::from_secs(1));
/// let permit: async_dsl::redis::RedisPermit = quota.acquire().await.unwrap();
/// assert!(!permit.unthrottled());
/// # }
/// ```
#[derive(Debug)]
#[must_use = "hold the permit for the call"]
pub struct RedisPermit {
    unthrottled: bool,
    /// The start the quota reserved, in microseconds of the server's clock since 1970.
    turn: Option<u64>,
    _local: Option<LocalPermit>,
    _lease: Option<lease::Lease>,
}

/// The permit of the fallback limiter, held like the shared one.
#[derive(Debug)]
enum LocalPermit {
    Plain(#[allow(dead_code)] Permit),
    Keyed(#[allow(dead_code)] KeyedPermit),
}

impl RedisPermit {
    /// Whether the call starts without the shared quota's consent: Redis was away and the
    /// policy is [`OnStoreError::Proceed`] or [`OnStoreError::Local`].
    ///
    /// ```no_run
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use async_dsl::redis::{OnStoreError, RedisThrottle};
    /// let nowhere = RedisThrottle::new("redis://127.0.0.1:1", "q", std::num::NonZeroU32::MIN, std::time::Duration::from_secs(1))
    ///     .on_store_error(OnStoreError::Proceed);
    /// assert!(nowhere.acquire().await.unwrap().unthrottled());
    /// # }
    /// ```
    pub fn unthrottled(&self) -> bool {
        self.unthrottled
    }

    /// The turn the shared quota gave this call: its theoretical start (GCRA), on the Redis
    /// server's clock (with a burst, a call may start up to `burst - 1` intervals before
    /// it); `None` for a call started without the quota. Turns are handed out one interval
    /// apart in the order the server received the reservations, so across every process no
    /// two calls get the same turn, and a call that started late can tell by how much.
    ///
    /// ```no_run
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let quota = async_dsl::redis::RedisThrottle::new("redis://127.0.0.1:6379", "q", std::num::NonZeroU32::MIN, std::time::Duration::from_secs(1));
    /// let permit = quota.acquire().await.unwrap();
    /// let late = std::time::SystemTime::now().duration_since(permit.turn().unwrap());
    /// # }
    /// ```
    pub fn turn(&self) -> Option<std::time::SystemTime> {
        self.turn
            .map(|us| std::time::UNIX_EPOCH + Duration::from_micros(us))
    }
}

/// Longest quota name, in bytes.
const MAX_NAME: usize = 200;

/// The largest interval times burst the script's arithmetic holds: its numbers are Lua
/// doubles, exact to 2^53, and it adds them to the server's clock in microseconds (about
/// 2^51 now). 2^52 microseconds is over 140 years.
const MAX_SPAN_US: u64 = 1 << 52;

impl RedisThrottle {
    /// At most `rate` calls per `per`, shared through the Redis at `url` (`redis://host:port`,
    /// `rediss://`, `unix://`) under the quota `name` (ASCII letters, digits and `-_.:/`, at
    /// most 200 bytes).
    ///
    /// ```
    /// use std::num::NonZeroU32;
    /// use std::time::Duration;
    /// let quota = async_dsl::redis::RedisThrottle::new("redis://127.0.0.1:6379", "partner-api", NonZeroU32::new(300).unwrap(), Duration::from_secs(60));
    /// ```
    pub fn new(
        url: impl Into<String>,
        name: impl Into<String>,
        rate: NonZeroU32,
        per: Duration,
    ) -> Self {
        RedisThrottle {
            url: url.into(),
            name: name.into(),
            rate,
            per,
            burst: NonZeroU32::MIN,
            policy: OnStoreError::default(),
            checked: OnceLock::new(),
            connection: OnceCell::new(),
            queue: Arc::default(),
            key_queues: std::sync::Mutex::default(),
            local: OnceLock::new(),
            local_keyed: OnceLock::new(),
            leases: None,
        }
    }

    /// Lets up to `burst` calls start at once after a quiet spell; the long-run rate is
    /// unchanged.
    ///
    /// ```
    /// # use std::num::NonZeroU32;
    /// # use std::time::Duration;
    /// let quota = async_dsl::redis::RedisThrottle::new("redis://127.0.0.1:6379", "q", NonZeroU32::new(10).unwrap(), Duration::from_secs(1))
    ///     .burst(NonZeroU32::new(5).unwrap());
    /// ```
    pub fn burst(mut self, burst: NonZeroU32) -> Self {
        self.burst = burst;
        self
    }

    /// At most `limit` calls in flight across every process of the quota, each holding a
    /// lease of `lease` (renewed every third of it while the call runs, so a process that
    /// dies gives its places back after at most `lease`). A waiter is told at once when a
    /// place comes free in any process. With [`acquire_key`](Self::acquire_key), each key
    /// has `limit` places of its own.
    ///
    /// A call that outlives a renewal by a whole lease (its process stalled that long) may
    /// find its place taken: the limit is exact for processes that keep running.
    ///
    /// ```
    /// # use std::num::NonZeroU32;
    /// # use std::time::Duration;
    /// let quota = async_dsl::redis::RedisThrottle::new("redis://127.0.0.1:6379", "q", NonZeroU32::new(100).unwrap(), Duration::from_secs(1))
    ///     .concurrency(NonZeroU32::new(4).unwrap(), Duration::from_secs(30));
    /// ```
    pub fn concurrency(mut self, limit: NonZeroU32, lease: Duration) -> Self {
        self.leases = Some(lease::Leases::new(limit.get(), lease));
        self
    }

    /// What to do when Redis cannot be reached ([`OnStoreError::Wait`] unless set).
    ///
    /// ```
    /// # use std::num::NonZeroU32;
    /// # use std::time::Duration;
    /// use async_dsl::redis::{OnStoreError, RedisThrottle};
    /// let quota = RedisThrottle::new("redis://127.0.0.1:6379", "q", NonZeroU32::MIN, Duration::from_secs(1))
    ///     .on_store_error(OnStoreError::Fail);
    /// ```
    pub fn on_store_error(mut self, policy: OnStoreError) -> Self {
        self.policy = policy;
        self
    }

    /// Waits for this call's turn in the shared quota; hold the permit for the call.
    ///
    /// `Err` when the settings cannot work or no Tokio runtime polls the call
    /// ([`StoreErrorKind::Config`]), and, with [`OnStoreError::Fail`], when Redis cannot be
    /// reached.
    ///
    /// ```no_run
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let quota = async_dsl::redis::RedisThrottle::new("redis://127.0.0.1:6379", "q", std::num::NonZeroU32::new(2).unwrap(), std::time::Duration::from_secs(1));
    /// let _first = quota.acquire().await.unwrap();
    /// let _second = quota.acquire().await.unwrap(); // half a second later
    /// # }
    /// ```
    ///
    /// # Cancel safety
    /// See [`RedisThrottle`]: dropped in the local queue it takes nothing; dropped holding a
    /// reservation it gives it back if it is still the latest.
    pub async fn acquire(&self) -> Result<RedisPermit, StoreError> {
        self.acquire_in(None).await
    }

    /// [`acquire`](Self::acquire) in the quota of `key`: one quota per key, shared by every
    /// process, kept in Redis under `async-dsl:quota:NAME:KEY` (the key as `Display` writes
    /// it). Callers of one key queue behind each other, not behind other keys.
    ///
    /// ```no_run
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let per_tenant = async_dsl::redis::RedisThrottle::new("redis://127.0.0.1:6379", "tenant-api", std::num::NonZeroU32::new(5).unwrap(), std::time::Duration::from_secs(1));
    /// let _acme = per_tenant.acquire_key("acme").await.unwrap();
    /// let _globex = per_tenant.acquire_key("globex").await.unwrap(); // its own 5 a second
    /// # }
    /// ```
    ///
    /// # Cancel safety
    /// As [`acquire`](Self::acquire).
    pub async fn acquire_key(
        &self,
        key: &(impl fmt::Display + ?Sized),
    ) -> Result<RedisPermit, StoreError> {
        self.acquire_in(Some(key.to_string())).await
    }

    /// The quota's or `key`'s turn, in this process's queue for it.
    async fn acquire_in(&self, key: Option<String>) -> Result<RedisPermit, StoreError> {
        let quota = self.quota()?;
        // The connection and the waits are Tokio's: polled elsewhere, say so instead of
        // letting the Redis client panic.
        if !crate::coop::in_tokio_runtime() {
            return Err(StoreError::config(
                "the quota is shared through a Tokio connection: acquire it inside a Tokio runtime",
            ));
        }
        let queue = self.queue_of(key.as_deref());
        let redis_key = match &key {
            None => quota.key.clone(),
            Some(key) => format!("{}:{key}", quota.key),
        };
        let turn = queue.lock().await;
        let permit = self.turn(&quota, redis_key, key.as_deref()).await;
        drop(turn);
        self.forget_queue(key.as_deref(), queue);
        permit
    }

    /// Takes a turn for `redis_key`, following the policy when Redis cannot be reached.
    async fn turn(
        &self,
        quota: &Quota,
        redis_key: String,
        key: Option<&str>,
    ) -> Result<RedisPermit, StoreError> {
        let mut backoff = RETRY_FIRST;
        loop {
            let error = match self.connection(quota).await {
                Ok(connection) => match self.shared_turn(quota, connection, &redis_key).await {
                    Ok(permit) => return Ok(permit),
                    Err(error) => error,
                },
                Err(error) => error,
            };
            match self.policy {
                OnStoreError::Fail => return Err(StoreError::store(&error)),
                OnStoreError::Proceed => {
                    return Ok(RedisPermit {
                        unthrottled: true,
                        turn: None,
                        _local: None,
                        _lease: None,
                    });
                }
                OnStoreError::Local => return Ok(self.local_turn(key).await),
                OnStoreError::Wait => {
                    // Jittered, so that the processes of a quota do not retry in step.
                    let jitter = crate::rand::below(backoff.as_micros() as usize / 2 + 1);
                    crate::option::sleep(backoff / 2 + Duration::from_micros(jitter as u64)).await;
                    backoff = (backoff * 2).min(RETRY_MOST);
                }
            }
        }
    }

    /// A place in flight first (when limited; taken after the rate's turn, a call could
    /// start later than its turn and crowd the next one), then the rate's turn.
    async fn shared_turn(
        &self,
        quota: &Quota,
        connection: ConnectionManager,
        redis_key: &str,
    ) -> Result<RedisPermit, redis::RedisError> {
        let lease = match &self.leases {
            Some(leases) => Some(
                leases
                    .take(&quota.client, connection.clone(), redis_key, &quota.key)
                    .await?,
            ),
            None => None,
        };
        let reservation =
            script::Reservation::take(connection, redis_key.to_owned(), quota).await?;
        // With the `tracing` feature, a turn the store made wait for is an event, named by
        // the quota's name (`crate:module::function` under `#[throttled(redis = ..)]`
        // without `name`). The store keeps no queue, so it has no place.
        #[cfg(feature = "tracing")]
        let delay = reservation.delay();
        let tat = reservation.wait().await;
        #[cfg(feature = "tracing")]
        if !delay.is_zero() {
            crate::trace::throttle_waited(&self.name, delay, None);
        }
        Ok(RedisPermit {
            unthrottled: false,
            turn: tat.checked_sub(quota.interval_us),
            _local: None,
            _lease: lease,
        })
    }

    /// A turn from this process's own limiter (per key when keyed).
    async fn local_turn(&self, key: Option<&str>) -> RedisPermit {
        let local = match key {
            None => LocalPermit::Plain(self.local().acquire().await),
            Some(key) => LocalPermit::Keyed(self.local_keyed().acquire(key).await),
        };
        RedisPermit {
            unthrottled: true,
            turn: None,
            _local: Some(local),
            _lease: None,
        }
    }

    /// This process's queue for the quota, or for `key`'s.
    fn queue_of(&self, key: Option<&str>) -> Arc<Mutex<()>> {
        match key {
            None => Arc::clone(&self.queue),
            Some(key) => {
                let mut queues = self
                    .key_queues
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                Arc::clone(queues.entry(key.to_owned()).or_default())
            }
        }
    }

    /// Drops `key`'s queue from the map once no caller holds it, so the map follows the keys
    /// in use. Checked under the map's lock, where callers take their clones.
    fn forget_queue(&self, key: Option<&str>, queue: Arc<Mutex<()>>) {
        if let Some(key) = key {
            let mut queues = self
                .key_queues
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            // The map's and this one: nobody else queues for the key.
            if Arc::strong_count(&queue) == 2 {
                queues.remove(key);
            }
        }
    }

    /// [`acquire`](Self::acquire) for a `#[throttled(redis = ..)]` function that cannot
    /// return the error: settings that cannot work are reported once on standard error (a
    /// function that returns no `Result` has no other way to say it) and its calls are
    /// throttled by a limiter of this process with the same rate instead; store errors follow
    /// the policy, which is not [`OnStoreError::Fail`] here (the macro refuses that).
    pub(crate) async fn acquire_or_local(&self, key: Option<String>) -> RedisPermit {
        let local_key = key.clone();
        match self.acquire_in(key).await {
            Ok(permit) => permit,
            Err(error) => {
                static REPORTED: std::sync::atomic::AtomicBool =
                    std::sync::atomic::AtomicBool::new(false);
                if !REPORTED.swap(true, std::sync::atomic::Ordering::Relaxed) {
                    eprintln!(
                        "async-dsl: quota `{}`: {error}; its calls are throttled per process instead",
                        self.name
                    );
                }
                self.local_turn(local_key.as_deref()).await
            }
        }
    }

    /// The limiter of [`OnStoreError::Local`], made on first use.
    fn local(&self) -> &Throttle {
        self.local.get_or_init(|| {
            let throttle = Throttle::new(self.rate, self.per).burst(self.burst);
            match &self.leases {
                Some(leases) => throttle.concurrency(leases.limit()),
                None => throttle,
            }
        })
    }

    /// The same per key.
    fn local_keyed(&self) -> &KeyedThrottle {
        let (rate, per, burst) = (self.rate, self.per, self.burst);
        let places = self.leases.as_ref().map(lease::Leases::limit);
        self.local_keyed.get_or_init(|| {
            KeyedThrottle::new(move || {
                let throttle = Throttle::new(rate, per).burst(burst);
                match places {
                    Some(places) => throttle.concurrency(places),
                    None => throttle,
                }
            })
        })
    }

    /// The settings, checked at the first call.
    fn quota(&self) -> Result<Arc<Quota>, StoreError> {
        self.checked
            .get_or_init(|| self.check().map(Arc::new))
            .clone()
    }

    fn check(&self) -> Result<Quota, StoreError> {
        check_name(&self.name)?;
        let client = redis::Client::open(self.url.as_str()).map_err(|error| {
            StoreError::config(format!("`{}` is not a Redis URL: {error}", self.url))
        })?;
        let interval_us =
            u64::try_from(self.per.as_micros() / u128::from(self.rate.get())).unwrap_or(u64::MAX);
        if self.per.is_zero() {
            return Err(StoreError::config(
                "`per` is zero: a shared quota needs a window longer than zero",
            ));
        }
        if interval_us == 0 {
            return Err(StoreError::config(format!(
                "{} calls per {:?} is more than one a microsecond, the script's resolution",
                self.rate, self.per
            )));
        }
        let span = interval_us.checked_mul(u64::from(self.burst.get()));
        if span.is_none_or(|span| span > MAX_SPAN_US) {
            return Err(StoreError::config(format!(
                "an interval of {interval_us} µs times a burst of {} is more than the script's arithmetic holds (2^52 µs)",
                self.burst
            )));
        }
        if let Some(leases) = &self.leases {
            let lease = leases.lease();
            if lease < MIN_LEASE || lease.as_micros() > u128::from(MAX_SPAN_US) {
                return Err(StoreError::config(format!(
                    "a lease of {lease:?} cannot be renewed in time: it is {MIN_LEASE:?} to 2^52 µs"
                )));
            }
        }
        Ok(Quota {
            client,
            key: format!("async-dsl:quota:{}", self.name),
            interval_us,
            tolerance_us: interval_us * u64::from(self.burst.get() - 1),
        })
    }

    /// The connection, made on first use. It connects lazily and reconnects by itself: a
    /// call while Redis is away gets an error (then the policy decides), and a later call
    /// finds it connected again.
    async fn connection(&self, quota: &Quota) -> Result<ConnectionManager, redis::RedisError> {
        self.connection
            .get_or_try_init(|| async {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(STORE_TIMEOUT))
                    .set_response_timeout(Some(STORE_TIMEOUT))
                    .set_number_of_retries(1)
                    .set_min_delay(RETRY_FIRST)
                    .set_max_delay(RETRY_MOST);
                ConnectionManager::new_lazy_with_config(quota.client.clone(), config)
            })
            .await
            .cloned()
    }
}

/// How long a connection attempt or a script may take before it counts as a store error
/// (so a Redis that hangs is treated as one that is away).
const STORE_TIMEOUT: Duration = Duration::from_secs(1);

/// The shortest lease: it is renewed every third of it, on a timer of millisecond ticks.
const MIN_LEASE: Duration = Duration::from_millis(30);

/// The first wait of [`OnStoreError::Wait`], and the longest.
const RETRY_FIRST: Duration = Duration::from_millis(10);
const RETRY_MOST: Duration = Duration::from_secs(1);

/// A quota name must make a readable Redis key: `async-dsl:quota:NAME`.
fn check_name(name: &str) -> Result<(), StoreError> {
    if name.is_empty() || name.len() > MAX_NAME {
        return Err(StoreError::config(format!(
            "a quota name has 1 to {MAX_NAME} bytes, `{name}` has {}",
            name.len()
        )));
    }
    match name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-_.:/".contains(*c)))
    {
        Some(bad) => Err(StoreError::config(format!(
            "a quota name holds ASCII letters, digits and `-_.:/`, `{name}` holds {bad:?}"
        ))),
        None => Ok(()),
    }
}

//! Rate and concurrency limits on Tokio's clock, with waiters served in arrival order.
//!
//! Written here rather than taken from `governor`: governor reads its own clock, so it cannot
//! be tested on Tokio's paused clock, and it keeps no queue, so waiters race for each slot
//! instead of being served in the order they came.

use std::fmt;
use std::future::Future;
use std::num::{NonZeroU32, NonZeroUsize};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::sync::AtomicU64;

/// Starts calls at most `rate` per `per`, evenly spaced (GCRA), optionally with a burst and a
/// limit on calls in flight. Callers over the limit wait; they are served in arrival order,
/// and one that is dropped while waiting gives its place to the next.
///
/// ```
/// use async_dsl::Throttle;
/// use std::num::NonZeroU32;
/// use std::time::Duration;
/// use tokio::time::Instant;
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let limit = Throttle::new(NonZeroU32::new(5).unwrap(), Duration::from_secs(1));
/// let start = Instant::now();
/// for _ in 0..3 {
///     let _permit = limit.acquire().await; // hold it for the call
/// }
/// assert_eq!(start.elapsed(), Duration::from_millis(400)); // at 0, 200 and 400 ms
/// # }
/// ```
#[derive(Debug)]
pub struct Throttle {
    /// Time between two starts, `per / rate`, in nanoseconds.
    interval: u64,
    /// How far ahead of its theoretical time a call may start, `interval * (burst - 1)`, in
    /// nanoseconds.
    tolerance: u64,
    /// Where `next` counts from, on Tokio's clock (so paused-clock tests hold).
    origin: Instant,
    /// The theoretical arrival time of the next call, as nanoseconds after `origin` plus one;
    /// 0 before the first call. Taken with a compare-and-swap while nobody waits.
    next: AtomicU64,
    /// Callers waiting for a slot. While there are any, newcomers wait behind them.
    waiting: AtomicUsize,
    /// The queue of waiting callers: Tokio's fair mutex, locked in arrival order.
    queue: tokio::sync::Mutex<()>,
    /// Calls in flight, when limited.
    in_flight: Option<Arc<Semaphore>>,
    /// The `#[throttled]` function it throttles, named in its events.
    #[cfg(feature = "tracing")]
    function: Option<&'static str>,
}

/// The future of [`Throttle::acquire`]. A call that need not wait takes its slot on the
/// first poll without allocating; only a caller that waits (or a throttle with a concurrency
/// limit) runs the boxed slow path, which queues.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let limit = async_dsl::Throttle::new(std::num::NonZeroU32::new(10).unwrap(), std::time::Duration::from_secs(1));
/// let acquire: async_dsl::Acquire<'_> = limit.acquire();
/// let _permit = acquire.await; // the first call is due at once
/// # }
/// ```
///
/// # Cancel safety
/// Dropped while it waits (under a timeout, say), the caller gives its place in the queue
/// back and takes no slot: the callers behind it move up at once. Once it resolved, the slot
/// is taken, and a concurrency place is held until the [`Permit`] is dropped.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Acquire<'a> {
    throttle: &'a Throttle,
    slow: Option<Pin<Box<dyn Future<Output = Permit> + Send + 'a>>>,
}

impl fmt::Debug for Acquire<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acquire")
            .field("waiting", &self.slow.is_some())
            .finish_non_exhaustive()
    }
}

impl Future for Acquire<'_> {
    type Output = Permit;

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Permit> {
        let throttle = self.throttle;
        let slow = match &mut self.slow {
            Some(slow) => slow,
            None => {
                if throttle.in_flight.is_none() && throttle.waiting.load(Ordering::Acquire) == 0 {
                    // One clock read, for both the check and the charge.
                    let arrival = throttle.ticks(Instant::now());
                    if throttle.try_take_tick(arrival, arrival).is_none() {
                        return Poll::Ready(Permit { _in_flight: None });
                    }
                }
                self.slow.insert(Box::pin(throttle.acquire_slow()))
            }
        };
        slow.as_mut().poll(cx)
    }
}

/// Held for the duration of a call that a [`Throttle`] let start; releases its place in the
/// concurrency limit when dropped.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let one_at_a_time = async_dsl::Throttle::new(std::num::NonZeroU32::MAX, std::time::Duration::ZERO)
///     .concurrency(std::num::NonZeroUsize::MIN);
/// let permit = one_at_a_time.acquire().await;
/// drop(permit); // the next caller may start
/// let _next = one_at_a_time.acquire().await;
/// # }
/// ```
#[derive(Debug)]
#[must_use = "the permit is released at once if it is not held"]
pub struct Permit {
    _in_flight: Option<OwnedSemaphorePermit>,
}

impl Throttle {
    /// At most `rate` calls start per `per`, evenly spaced. A zero `per` means no rate limit.
    ///
    /// ```
    /// use std::num::NonZeroU32;
    /// use std::time::Duration;
    /// let partner = async_dsl::Throttle::new(NonZeroU32::new(300).unwrap(), Duration::from_secs(60)); // 300 a minute
    /// ```
    pub fn new(rate: NonZeroU32, per: Duration) -> Self {
        Throttle {
            interval: nanos(per / rate.get()),
            tolerance: 0,
            origin: Instant::now(),
            next: AtomicU64::new(0),
            waiting: AtomicUsize::new(0),
            queue: tokio::sync::Mutex::new(()),
            in_flight: None,
            #[cfg(feature = "tracing")]
            function: None,
        }
    }

    /// The throttle of `#[throttled]` function `function`: a call that waits says so in an
    /// event.
    #[cfg(feature = "tracing")]
    pub(crate) fn named(mut self, function: &'static str) -> Self {
        self.function = Some(function);
        self
    }

    /// Lets up to `burst` calls start at once after a quiet spell; the long-run rate is
    /// unchanged.
    ///
    /// ```
    /// # use async_dsl::Throttle;
    /// # use std::num::NonZeroU32;
    /// # use std::time::Duration;
    /// let limit = Throttle::new(NonZeroU32::new(5).unwrap(), Duration::from_secs(1))
    ///     .burst(NonZeroU32::new(3).unwrap());
    /// ```
    pub fn burst(mut self, burst: NonZeroU32) -> Self {
        // Saturates: a burst too large to express is simply unbounded.
        self.tolerance = self.interval.saturating_mul(u64::from(burst.get() - 1));
        self
    }

    /// At most `limit` calls in flight: a permit is held from start to end of each call.
    ///
    /// ```
    /// # use async_dsl::Throttle;
    /// # use std::num::{NonZeroU32, NonZeroUsize};
    /// # use std::time::Duration;
    /// let limit = Throttle::new(NonZeroU32::new(100).unwrap(), Duration::from_secs(1))
    ///     .concurrency(NonZeroUsize::new(2).unwrap());
    /// ```
    pub fn concurrency(mut self, limit: NonZeroUsize) -> Self {
        self.in_flight = Some(Arc::new(Semaphore::new(super::permits(limit.get()))));
        self
    }

    /// Waits until a call may start, in arrival order; hold the permit for the call.
    ///
    /// Cancel-safe: dropping the future gives up its place, and a caller that was next in
    /// line leaves its slot to the one behind it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// use std::time::Duration;
    /// let limit = async_dsl::Throttle::new(std::num::NonZeroU32::new(2).unwrap(), Duration::from_secs(1));
    /// let start = tokio::time::Instant::now();
    /// let _first = limit.acquire().await;
    /// let _second = limit.acquire().await; // waits for its slot
    /// assert_eq!(start.elapsed(), Duration::from_millis(500));
    /// # }
    /// ```
    ///
    /// # Cancel safety
    /// See [`Acquire`]: dropping it while it waits takes no slot and gives the place back.
    pub fn acquire(&self) -> Acquire<'_> {
        Acquire {
            throttle: self,
            slow: None,
        }
    }

    /// Everything but the fast path of [`Acquire`]: the place in flight, then the queue.
    async fn acquire_slow(&self) -> Permit {
        #[cfg(feature = "tracing")]
        let start = Instant::now();
        // The place in flight first: taken after the rate slot, a call could start later
        // than its slot and crowd the next one.
        let in_flight = match &self.in_flight {
            // The semaphore is never closed, so acquiring cannot fail.
            Some(semaphore) => Arc::clone(semaphore).acquire_owned().await.ok(),
            None => None,
        };
        // Nobody waiting: take the slot with one compare-and-swap if it is due.
        let arrival = self.ticks(Instant::now());
        if self.waiting.load(Ordering::Acquire) == 0
            && self.try_take_tick(arrival, arrival).is_none()
        {
            #[cfg(feature = "tracing")]
            self.waited(start, None);
            return Permit {
                _in_flight: in_flight,
            };
        }
        // Otherwise queue. While anyone waits, newcomers skip the fast path, so callers start
        // in arrival order; a caller dropped while waiting leaves the queue and `next` as
        // they were, so its slot passes to the one behind it.
        let _place = self.waiting.fetch_add(1, Ordering::AcqRel) + 1;
        let _waiting = Waiting(&self.waiting);
        let _turn = self.queue.lock().await;
        let arrival = Instant::now();
        // Sleeping with the queue held keeps later callers behind this one. The loop only
        // repeats if a caller that passed the fast-path check just before this one queued
        // took the slot first, which is arrival order too.
        while let Some(due) = self.try_take_slot(Instant::now(), arrival) {
            crate::option::sleep_until(due).await;
        }
        #[cfg(feature = "tracing")]
        self.waited(start, Some(_place as u64));
        Permit {
            _in_flight: in_flight,
        }
    }

    /// With a function's name: the event of a call that waited since `start`, from `place`
    /// in the queue (1 = first) if it queued.
    #[cfg(feature = "tracing")]
    fn waited(&self, start: Instant, place: Option<u64>) {
        let waited = Instant::now().saturating_duration_since(start);
        if let Some(function) = self.function
            && (place.is_some() || !waited.is_zero())
        {
            crate::trace::throttle_waited(function, waited, place);
        }
    }

    /// Takes the next slot if it is due at `now`, charging it from `arrival`; otherwise
    /// returns when it will be due.
    ///
    /// The next slot follows from the arrival, not from when a sleep ended: a waiter that
    /// slept took its theoretical slot, so a late timer does not push every later slot back.
    /// And a caller that arrives up to one timer tick after its slot is still charged from
    /// the slot rather than restarting the schedule: that lateness is the scheduler's, and
    /// restarting would lose capacity (measured: 940 calls/s for a target of 1000 from
    /// 10 000 callers). Two starts may thus come up to one tick closer than the interval.
    /// A caller that comes after a quiet spell longer than a tick restarts the schedule from
    /// its arrival, so with `burst` 1 a quiet spell never lets two calls start at once.
    fn try_take_slot(&self, now: Instant, arrival: Instant) -> Option<Instant> {
        self.try_take_tick(self.ticks(now), self.ticks(arrival))
    }

    /// [`Throttle::try_take_slot`] with both instants already in the encoding of `next`.
    #[inline]
    fn try_take_tick(&self, now: u64, arrival: u64) -> Option<Instant> {
        let mut current = self.next.load(Ordering::Acquire);
        loop {
            let next = if current == 0 {
                now.saturating_add(self.interval)
            } else {
                let due = current.saturating_sub(self.tolerance).max(1);
                if due > now {
                    return Some(self.origin + Duration::from_nanos(due - 1));
                }
                // A caller at most one tick late to its slot is charged from the slot; one
                // that comes after a longer quiet spell starts the schedule afresh from its
                // arrival, so a quiet spell never lets two calls start at once with burst 1.
                let charged = if current.saturating_add(LATENESS_SLACK_NANOS) >= arrival {
                    current
                } else {
                    arrival
                };
                charged.saturating_add(self.interval)
            };
            match self.next.compare_exchange_weak(
                current,
                next,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return None,
                Err(actual) => current = actual,
            }
        }
    }

    /// `at` in the encoding of `next`: nanoseconds after `origin`, plus one.
    #[inline]
    fn ticks(&self, at: Instant) -> u64 {
        nanos(at.saturating_duration_since(self.origin)).saturating_add(1)
    }

    /// Whether the throttle holds nothing worth keeping: no call waiting or in flight, and
    /// enough time passed that a fresh throttle would behave the same.
    pub(super) fn is_idle(&self) -> bool {
        let in_flight_free = self
            .in_flight
            .as_ref()
            .is_none_or(|s| s.available_permits() > 0 && Arc::strong_count(s) == 1);
        let next = self.next.load(Ordering::Acquire);
        let recovered = next <= self.ticks(Instant::now());
        in_flight_free && recovered && self.waiting.load(Ordering::Acquire) == 0
    }
}

/// Decrements the count of waiting callers when a waiter leaves, however it leaves.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// `duration` in nanoseconds, saturating (in u64 arithmetic: `as_nanos` would go through
/// u128).
#[inline]
fn nanos(duration: Duration) -> u64 {
    duration
        .as_secs()
        .saturating_mul(1_000_000_000)
        .saturating_add(u64::from(duration.subsec_nanos()))
}

/// How late after its slot a caller may arrive and still be charged from the slot: one tick
/// of Tokio's timer (1 ms), in nanoseconds.
const LATENESS_SLACK_NANOS: u64 = 1_000_000;

/// Loom models of the slot taken with one compare-and-swap (run by `.ci/run` under
/// `--cfg async_dsl_loom`).
#[cfg(all(test, async_dsl_loom))]
mod loom_models {
    use super::Throttle;
    use loom::sync::Arc;
    use loom::thread;
    use std::num::NonZeroU32;
    use std::time::Duration;
    use tokio::time::Instant;

    /// Two callers racing for the slot at one instant with burst 1: exactly one takes it,
    /// the other is told when the next one is due.
    #[test]
    fn two_racing_callers_take_one_slot() {
        loom::model(|| {
            let throttle = Arc::new(Throttle::new(NonZeroU32::MIN, Duration::from_secs(1)));
            let now = Instant::now();
            let other = Arc::clone(&throttle);
            let a = thread::spawn(move || other.try_take_slot(now, now));
            let b = throttle.try_take_slot(now, now);
            let a = a.join().unwrap();
            assert!(
                a.is_none() ^ b.is_none(),
                "one slot, one taker: {a:?} {b:?}"
            );
        });
    }

    /// With burst 2, two racing callers both start and a third must wait.
    #[test]
    fn burst_two_admits_two_racing_callers() {
        loom::model(|| {
            let throttle = Arc::new(
                Throttle::new(NonZeroU32::MIN, Duration::from_secs(1))
                    .burst(NonZeroU32::new(2).unwrap()),
            );
            let now = Instant::now();
            let other = Arc::clone(&throttle);
            let a = thread::spawn(move || other.try_take_slot(now, now));
            let b = throttle.try_take_slot(now, now);
            assert!(a.join().unwrap().is_none() && b.is_none());
            assert!(throttle.try_take_slot(now, now).is_some());
        });
    }
}

//! Exponential backoff with jitter, for `#[retry]`.

use std::time::Duration;

/// The waits between the attempts of a retried call: attempt `k` (from 0) waits a random
/// time between `min` and `min * 2^k`, capped at `max`, and there are at most `retries`.
///
/// ```
/// use async_dsl::Backoff;
/// use std::time::Duration;
///
/// let mut backoff = Backoff::new(2, Duration::from_millis(100), Duration::from_secs(5));
/// let first = backoff.next(&"timeout", |_| true).unwrap();
/// assert!(first >= Duration::from_millis(100) && first <= Duration::from_millis(100));
/// let second = backoff.next(&"timeout", |_| true).unwrap();
/// assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200));
/// assert_eq!(backoff.next(&"timeout", |_| true), None, "two retries, then the error stands");
/// ```
#[derive(Debug, Clone)]
pub struct Backoff {
    retries_left: u32,
    done: u32,
    min: Duration,
    max: Duration,
}

impl Backoff {
    /// At most `retries` retries, waiting between `min` and `max`.
    ///
    /// ```
    /// let backoff = async_dsl::Backoff::new(3, std::time::Duration::from_millis(50), std::time::Duration::from_secs(2));
    /// # drop(backoff);
    /// ```
    pub fn new(retries: u32, min: Duration, max: Duration) -> Self {
        Backoff {
            retries_left: retries,
            done: 0,
            min,
            max: max.max(min),
        }
    }

    /// The wait before the next attempt, or `None` when `error` is final: retries are used
    /// up or `when` says the error is not worth another attempt.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut backoff = async_dsl::Backoff::new(5, Duration::from_millis(10), Duration::from_secs(1));
    /// let fatal = |e: &&str| *e != "forbidden";
    /// assert_eq!(backoff.next(&"forbidden", fatal), None, "not retried");
    /// assert!(backoff.next(&"busy", fatal).is_some());
    /// ```
    pub fn next<E>(&mut self, error: &E, when: impl FnOnce(&E) -> bool) -> Option<Duration> {
        if self.retries_left == 0 || !when(error) {
            return None;
        }
        self.retries_left -= 1;
        let ceiling = self
            .min
            .saturating_mul(1 << self.done.min(31))
            .min(self.max);
        self.done += 1;
        let spread = (ceiling - self.min).as_nanos();
        let extra = if spread == 0 {
            0
        } else {
            crate::rand::below(
                usize::try_from(spread)
                    .unwrap_or(usize::MAX)
                    .saturating_add(1),
            ) as u64
        };
        Some(self.min + Duration::from_nanos(extra))
    }
}

//! Exponential backoff with jitter, for `#[retry]`.

use std::time::Duration;

/// The waits between the attempts of a retried call: retry `k` (from 0) waits a random
/// time between `min` and `min * 2^(k+1)`, capped at `max`, and there are at most `retries`.
/// Every wait is jittered, the first too, unless `min` and `max` are equal.
///
/// ```
/// use async_dsl::Backoff;
/// use std::time::Duration;
///
/// let mut backoff = Backoff::new(2, Duration::from_millis(100), Duration::from_secs(5));
/// let first = backoff.next(&"timeout", |_| true).unwrap();
/// assert!(first >= Duration::from_millis(100) && first <= Duration::from_millis(200));
/// let second = backoff.next(&"timeout", |_| true).unwrap();
/// assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(400));
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
    /// At most `retries` retries, waiting between `min` and `max` (a `max` below `min`
    /// counts as `min`).
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
            .saturating_mul(2 << self.done.min(30))
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

    /// How many retries [`next`](Backoff::next) has granted so far: after the first failed
    /// attempt is retried, 1.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut backoff = async_dsl::Backoff::new(2, Duration::from_millis(10), Duration::from_secs(1));
    /// assert_eq!(backoff.retried(), 0);
    /// backoff.next(&"busy", |_| true);
    /// assert_eq!(backoff.retried(), 1);
    /// ```
    pub fn retried(&self) -> u32 {
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::Backoff;
    use std::time::Duration;

    #[test]
    fn every_wait_is_jittered_the_first_too() {
        let ms = Duration::from_millis;
        let firsts: std::collections::HashSet<Duration> = (0..64)
            .map(|_| {
                Backoff::new(1, ms(100), ms(5_000))
                    .next(&(), |_| true)
                    .unwrap()
            })
            .collect();
        assert!(firsts.iter().all(|w| (ms(100)..=ms(200)).contains(w)));
        assert!(firsts.len() > 1, "64 first waits were all {firsts:?}");
    }

    #[test]
    fn equal_bounds_and_many_retries_stay_in_bounds() {
        let mut fixed = Backoff::new(3, Duration::from_secs(1), Duration::from_secs(1));
        assert_eq!(fixed.next(&(), |_| true), Some(Duration::from_secs(1)));
        let mut long = Backoff::new(u32::MAX, Duration::from_nanos(1), Duration::MAX);
        for _ in 0..100 {
            assert!(long.next(&(), |_| true).is_some());
        }
    }
}

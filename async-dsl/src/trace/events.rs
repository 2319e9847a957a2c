//! The events of the attributes, each at target `async_dsl` with the function's path in
//! `function` (`module::name`, as `#[throttled]`, `#[retry]`, … expand it).
//!
//! | event                 | level | fields                                  |
//! |-----------------------|-------|-----------------------------------------|
//! | a throttled call waited | INFO | `function`, `waited`, `place`          |
//! | a retry               | WARN  | `function`, `attempt`, `error`, `wait`  |
//! | a timeout fired       | WARN  | `function`, `after`                     |
//! | a spread call started | DEBUG | `function`, `call`, `late`              |
//! | a batch call          | DEBUG | `function`, `size`                      |
//!
//! They depend on `tracing` alone, so any layer may emit them; the traced futures of the
//! attributes are in `wrapped.rs`.

use core::fmt;
use core::time::Duration;

/// A throttled call started after `waited`; `place` is where it stood in the queue of
/// waiting callers (1 = first), `None` when it did not queue: it waited only for a place in
/// flight, or for a turn a Redis store gave it (`function` is then the quota's name).
#[inline(never)]
pub fn throttle_waited(function: &str, waited: Duration, place: Option<u64>) {
    tracing::info!(
        target: "async_dsl",
        function,
        waited = ?waited,
        place,
        "throttled call waited"
    );
}

/// A retried call failed with `error` on attempt `attempt` (from 1) and waits `wait` before
/// the next.
#[inline(never)]
pub fn retry(function: &'static str, attempt: u32, error: Described<'_>, wait: Duration) {
    tracing::warn!(
        target: "async_dsl",
        function,
        attempt,
        error = %error,
        wait = ?wait,
        "retrying"
    );
}

/// A `#[timeout]` fired after `after`.
#[inline(never)]
pub(super) fn timeout_fired(function: &'static str, after: Duration) {
    tracing::warn!(target: "async_dsl", function, after = ?after, "timeout fired");
}

/// A `#[batched]` function is called with `size` keys.
#[inline(never)]
pub fn batch(function: &'static str, size: usize) {
    tracing::debug!(target: "async_dsl", function, size, "batch call");
}

/// An error as a retry event shows it: by `Display` when it has one, else by `Debug`, else
/// by its type's name. Chosen at the expansion by method resolution on
/// `(&&&Describe(&error)).describe()`, with the three traits in scope.
#[derive(Debug)]
pub struct Describe<'a, T>(pub &'a T);

/// What an error shows (see [`Describe`]).
pub enum Described<'a> {
    /// By `Display`.
    Display(&'a dyn fmt::Display),
    /// By `Debug`.
    Debug(&'a dyn fmt::Debug),
    /// Neither: the type's name.
    Type(&'static str),
}

impl fmt::Debug for Described<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for Described<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Described::Display(error) => error.fmt(f),
            Described::Debug(error) => error.fmt(f),
            Described::Type(name) => write!(f, "an error of type {name}"),
        }
    }
}

/// The first choice of [`Describe`]: `Display`.
pub trait DescribeDisplay<'a> {
    /// The error by `Display`.
    fn describe(&self) -> Described<'a>;
}

impl<'a, T: fmt::Display> DescribeDisplay<'a> for &&Describe<'a, T> {
    fn describe(&self) -> Described<'a> {
        Described::Display(self.0)
    }
}

/// The second choice of [`Describe`]: `Debug`.
pub trait DescribeDebug<'a> {
    /// The error by `Debug`.
    fn describe(&self) -> Described<'a>;
}

impl<'a, T: fmt::Debug> DescribeDebug<'a> for &Describe<'a, T> {
    fn describe(&self) -> Described<'a> {
        Described::Debug(self.0)
    }
}

/// The last choice of [`Describe`]: the type's name.
pub trait DescribeAny<'a> {
    /// The error's type.
    fn describe(&self) -> Described<'a>;
}

impl<'a, T> DescribeAny<'a> for Describe<'a, T> {
    fn describe(&self) -> Described<'a> {
        Described::Type(core::any::type_name::<T>())
    }
}

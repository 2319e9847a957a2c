//! Error values the macros hand to callers.

use core::fmt;
use core::ops::{Deref, DerefMut};

/// A deadline passed before the work finished: the error of a `timeout = "..";` option.
///
/// ```
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// use async_dsl::{Elapsed, parallel};
/// use std::time::Duration;
///
/// let slow = tokio::time::sleep(Duration::from_secs(10));
/// let r: Result<((),), Elapsed> = parallel!(timeout = "1s"; slow).await;
/// assert_eq!(r.unwrap_err().to_string(), "deadline elapsed");
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Elapsed(());

impl Elapsed {
    pub(crate) fn new() -> Self {
        Elapsed(())
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline elapsed")
    }
}

impl std::error::Error for Elapsed {}

impl From<Elapsed> for std::io::Error {
    fn from(_: Elapsed) -> Self {
        std::io::ErrorKind::TimedOut.into()
    }
}

/// Every branch of a `race_ok!` failed; holds each branch's error, typed.
///
/// It dereferences to the errors: a value with one field per branch for the named form
/// (`errors.cache`), a tuple for the positional form (`errors.0`), a `Vec` for the `for`
/// form.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use async_dsl::race_ok;
///
/// let r = race_ok! {
///     cache => async { Err::<u32, _>("miss") },
///     db    => async { Err::<u32, _>(std::io::Error::other("down")) },
/// }
/// .await;
/// let errors = r.unwrap_err();
/// assert_eq!(errors.cache, "miss");
/// assert_eq!(errors.db.to_string(), "down");
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AllFailed<E> {
    errors: E,
}

impl<E> AllFailed<E> {
    /// Wraps the errors of every branch (`race_ok!` does this for you).
    ///
    /// ```
    /// let failed = async_dsl::AllFailed::new(vec!["a down", "b down"]);
    /// assert_eq!(failed.len(), 2, "dereferences to the errors");
    /// ```
    pub fn new(errors: E) -> Self {
        AllFailed { errors }
    }

    /// The errors of every branch.
    ///
    /// ```
    /// let failed = async_dsl::AllFailed::new(("timeout", 503));
    /// assert_eq!(failed.into_inner(), ("timeout", 503));
    /// ```
    pub fn into_inner(self) -> E {
        self.errors
    }
}

impl<E> Deref for AllFailed<E> {
    type Target = E;
    fn deref(&self) -> &E {
        &self.errors
    }
}

impl<E> DerefMut for AllFailed<E> {
    fn deref_mut(&mut self) -> &mut E {
        &mut self.errors
    }
}

impl<E: fmt::Debug> fmt::Display for AllFailed<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "every branch failed: {:?}", self.errors)
    }
}

impl<E: fmt::Debug> std::error::Error for AllFailed<E> {}

//! How a [`Scope`](super::Scope) can end badly.

use std::fmt;

/// Why a [`Scope`](super::Scope) ended badly.
///
/// ```
/// use async_dsl::{Scope, ScopeError};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut scope = Scope::new();
/// scope.spawn_named("loader", async { Err("timeout") });
/// let error = scope.wait().await.unwrap_err();
/// assert_eq!(error, ScopeError::Failed { child: "loader".into(), error: "timeout" });
/// assert_eq!(error.to_string(), "child `loader` failed: timeout");
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeError<E> {
    /// A child returned an error; the others were cancelled.
    Failed {
        /// The child's name.
        child: String,
        /// Its error.
        error: E,
    },
    /// A child panicked; the others were cancelled.
    Panicked {
        /// The child's name.
        child: String,
        /// The panic's message.
        message: String,
    },
    /// [`Scope::shutdown`](super::Scope::shutdown)'s deadline passed; these children were still running and were
    /// aborted.
    TimedOut {
        /// Their names.
        still_running: Vec<String>,
    },
}

impl<E: fmt::Display> fmt::Display for ScopeError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScopeError::Failed { child, error } => write!(f, "child `{child}` failed: {error}"),
            ScopeError::Panicked { child, message } => {
                write!(f, "child `{child}` panicked: {message}")
            }
            ScopeError::TimedOut { still_running } => {
                write!(
                    f,
                    "shutdown deadline passed with {} still running: {}",
                    still_running.len(),
                    still_running.join(", ")
                )
            }
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for ScopeError<E> {}

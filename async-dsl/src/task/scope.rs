//! A group of spawned children in the errgroup style, sharing a tokio-util
//! [`CancellationToken`].

use crate::hash::BuildPassThrough;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::task::{Id, JoinSet};
use tokio_util::sync::CancellationToken;

use super::go::panic_message;
use super::scope_error::ScopeError;
use crate::limit::permits;

/// Spawned children that succeed or fail together, in the errgroup style.
///
/// Children run as Tokio tasks and return `Result<(), E>`. [`wait`](Scope::wait) resolves
/// when all have succeeded, or at the first error or panic, which cancels the
/// [`token`](Scope::token) and aborts every other child. An optional limit bounds how many
/// children run at once. Nothing outlives the scope: dropping it aborts every child.
///
/// ```
/// use async_dsl::{Scope, ScopeError};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut scope = Scope::with_limit(2);
/// for shard in 0..4 {
///     scope.spawn_named(format!("shard {shard}"), async move {
///         if shard == 3 { Err("corrupt index") } else { Ok(()) }
///     });
/// }
/// match scope.wait().await {
///     Err(ScopeError::Failed { child, error }) => assert_eq!((child.as_str(), error), ("shard 3", "corrupt index")),
///     other => panic!("{other:?}"),
/// }
/// # }
/// ```
pub struct Scope<E> {
    children: JoinSet<Result<(), E>>,
    // The names of named children not yet reaped. Unnamed ones cost no entry: errors and a
    // late shutdown name them by the task id their join result carries.
    names: HashMap<Id, String, BuildPassThrough>,
    // Spawns since the last reap: reaping every `REAP_EVERY` spawns keeps memory at the
    // running children plus that many, at a fraction of the cost of reaping at each.
    since_reap: usize,
    // Children whose future has not ended; each child's guard decrements it however it ends.
    running: Arc<AtomicUsize>,
    token: CancellationToken,
    limit: Option<Arc<Semaphore>>,
    // The first failure, kept here until a `wait` returns it, so that a `wait` dropped while
    // draining loses nothing.
    failure: Option<ScopeError<E>>,
}

impl<E> fmt::Debug for Scope<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scope")
            .field("running", &self.running.load(Ordering::Acquire))
            .field("cancelled", &self.token.is_cancelled())
            .finish()
    }
}

impl<E: Send + 'static> Default for Scope<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Send + 'static> Scope<E> {
    /// A scope with no limit on running children.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut scope: async_dsl::Scope<std::io::Error> = async_dsl::Scope::new();
    /// scope.spawn(async { Ok(()) });
    /// assert!(scope.wait().await.is_ok());
    /// # }
    /// ```
    pub fn new() -> Self {
        Scope {
            children: JoinSet::new(),
            names: HashMap::default(),
            since_reap: 0,
            running: Arc::new(AtomicUsize::new(0)),
            token: CancellationToken::new(),
            limit: None,
            failure: None,
        }
    }

    /// A scope that runs at most `limit` children at once (at least 1); the others wait.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut scope: async_dsl::Scope<()> = async_dsl::Scope::with_limit(4);
    /// for _ in 0..100 {
    ///     scope.spawn(async { Ok(()) }); // at most 4 run at a time
    /// }
    /// assert_eq!(scope.wait().await, Ok(()));
    /// # }
    /// ```
    pub fn with_limit(limit: usize) -> Self {
        Self::new().limit(limit)
    }

    /// The token the scope cancels at the first failure or on [`shutdown`](Scope::shutdown);
    /// children watch it to stop early.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut scope: async_dsl::Scope<&str> = async_dsl::Scope::new();
    /// let token = scope.token();
    /// scope.spawn(async move { token.cancelled().await; Ok(()) });
    /// scope.spawn(async { Err("fail") }); // cancels the token, so the first child ends too
    /// assert!(scope.wait().await.is_err());
    /// # }
    /// ```
    pub fn token(&self) -> CancellationToken {
        self.token.clone()
    }

    /// A scope whose token is a child of `parent`: cancelling `parent` (a server's shutdown
    /// token, say) cancels this scope's children too, while the scope's own cancellation at
    /// its first failure stays inside it.
    ///
    /// ```
    /// use async_dsl::CancellationToken; // tokio-util's, re-exported
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let shutdown = CancellationToken::new();
    /// let mut scope: async_dsl::Scope<()> = async_dsl::Scope::child_of(&shutdown);
    /// let token = scope.token();
    /// scope.spawn(async move { token.cancelled().await; Ok(()) });
    /// shutdown.cancel(); // reaches the child through the scope's token
    /// assert_eq!(scope.wait().await, Ok(()));
    /// assert!(scope.token().is_cancelled());
    /// # }
    /// ```
    pub fn child_of(parent: &CancellationToken) -> Self {
        Scope {
            token: parent.child_token(),
            ..Self::new()
        }
    }

    /// This scope, running at most `limit` children at once (at least 1); the others wait.
    /// The same as [`with_limit`](Scope::with_limit), for a scope made by
    /// [`child_of`](Scope::child_of).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let parent = async_dsl::CancellationToken::new();
    /// let mut scope: async_dsl::Scope<()> = async_dsl::Scope::child_of(&parent).limit(2);
    /// scope.spawn(async { Ok(()) });
    /// assert_eq!(scope.wait().await, Ok(()));
    /// # }
    /// ```
    pub fn limit(self, limit: usize) -> Self {
        Scope {
            limit: Some(Arc::new(Semaphore::new(permits(limit)))),
            ..self
        }
    }

    /// Spawns a child; errors and panics name it by its task id (`task 42`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut scope: async_dsl::Scope<()> = async_dsl::Scope::new();
    /// scope.spawn(async { Ok(()) });
    /// assert_eq!(scope.running(), 1);
    /// scope.wait().await.unwrap();
    /// # }
    /// ```
    ///
    /// # Panics
    /// Outside a Tokio runtime, with a message that names `Scope::spawn` and says so.
    pub fn spawn<F>(&mut self, child: F)
    where
        F: Future<Output = Result<(), E>> + Send + 'static,
    {
        self.start(child, None);
    }

    /// Spawns a child with a name that errors and panics report.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut scope: async_dsl::Scope<String> = async_dsl::Scope::new();
    /// scope.spawn_named("indexer", async { panic!("full disk") });
    /// assert_eq!(scope.wait().await.unwrap_err().to_string(), "child `indexer` panicked: full disk");
    /// # }
    /// ```
    ///
    /// # Panics
    /// Outside a Tokio runtime, with a message that names `Scope::spawn` and says so.
    pub fn spawn_named<F>(&mut self, name: impl Into<String>, child: F)
    where
        F: Future<Output = Result<(), E>> + Send + 'static,
    {
        self.start(child, Some(name.into()));
    }

    fn start<F>(&mut self, child: F, name: Option<String>)
    where
        F: Future<Output = Result<(), E>> + Send + 'static,
    {
        if tokio::runtime::Handle::try_current().is_err() {
            panic!(
                "`Scope::spawn` needs a Tokio runtime: call it from inside one (e.g. in a `#[tokio::main]` function)"
            );
        }
        self.since_reap += 1;
        if self.since_reap >= REAP_EVERY {
            self.since_reap = 0;
            self.reap();
        }
        let running = RunningGuard::new(&self.running);
        let limit = self.limit.clone();
        let handle = self.children.spawn(crate::trace::inherit(async move {
            let _running = running;
            let _permit = match limit {
                // The semaphore is never closed, so the permit always comes.
                Some(limit) => limit.acquire_owned().await.ok(),
                None => None,
            };
            child.await
        }));
        if let Some(name) = name {
            self.names.insert(handle.id(), name);
        }
    }

    /// Takes every child that has finished off the set, recording the first failure.
    fn reap(&mut self) {
        while let Some(joined) = self.children.try_join_next_with_id() {
            self.record(joined);
        }
    }

    /// Records one finished child: at the first error or panic, cancels the token and aborts
    /// the others.
    fn record(&mut self, joined: Result<(tokio::task::Id, Result<(), E>), tokio::task::JoinError>) {
        let failure = match joined {
            Ok((id, Ok(()))) => {
                self.names.remove(&id);
                return;
            }
            Ok((id, Err(error))) => ScopeError::Failed {
                child: self.name(id),
                error,
            },
            Err(error) if error.is_panic() => {
                let child = self.name(error.id());
                let message = panic_message(error.into_panic().as_ref());
                ScopeError::Panicked { child, message }
            }
            // Aborted by the scope itself after a failure, or by the runtime shutting down:
            // nothing to report for that child.
            Err(error) => {
                self.names.remove(&error.id());
                return;
            }
        };
        if self.failure.is_none() {
            self.failure = Some(failure);
            self.token.cancel();
            self.children.abort_all();
        }
    }

    /// Waits for every child; at the first error or panic, cancels the token, aborts the
    /// others and returns it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut scope: async_dsl::Scope<u8> = async_dsl::Scope::new();
    /// scope.spawn(async { Ok(()) });
    /// scope.spawn(async { Ok(()) });
    /// assert_eq!(scope.wait().await, Ok(()));
    /// # }
    /// ```
    ///
    /// # Cancel safety
    /// Cancel-safe: dropped at its await (under a timeout, say), it loses nothing. A failure
    /// it saw stays in the scope and the next `wait` returns it; children keep running.
    pub async fn wait(&mut self) -> Result<(), ScopeError<E>> {
        // `join_next` is cancel-safe and a failure is kept in `self` until it is returned, so
        // dropping this future at any await loses nothing: a later `wait` goes on.
        while let Some(joined) = self.children.join_next_with_id().await {
            self.record(joined);
        }
        self.names.clear();
        match self.failure.take() {
            Some(failure) => Err(failure),
            None => Ok(()),
        }
    }

    /// Graceful shutdown: cancels the token, then waits up to `deadline` for the children to
    /// finish; those still running then are aborted and named in the error.
    ///
    /// ```
    /// use std::time::Duration;
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let mut scope: async_dsl::Scope<()> = async_dsl::Scope::new();
    /// let token = scope.token();
    /// scope.spawn_named("server", async move { token.cancelled().await; Ok(()) });
    /// assert_eq!(scope.shutdown(Duration::from_secs(5)).await, Ok(()));
    /// # }
    /// ```
    ///
    /// # Cancel safety
    /// The token is cancelled at the first poll and stays cancelled. Dropped before the
    /// deadline, it loses nothing (as [`wait`](Scope::wait)); dropped while it aborts the
    /// late children, they are aborted all the same and a later `wait` reaps them.
    pub async fn shutdown(&mut self, deadline: Duration) -> Result<(), ScopeError<E>> {
        self.token.cancel();
        match tokio::time::timeout(deadline, self.wait()).await {
            Ok(result) => result,
            Err(_) => {
                // Every child still here was running at the deadline, named or not: each
                // comes back aborted, with its id.
                self.children.abort_all();
                let mut still_running = Vec::new();
                while let Some(joined) = self.children.join_next_with_id().await {
                    match joined {
                        Err(error) if error.is_cancelled() => {
                            still_running.push(self.name(error.id()));
                        }
                        // Finished in the meantime: not late.
                        other => self.record(other),
                    }
                }
                self.names.clear();
                still_running.sort();
                Err(ScopeError::TimedOut { still_running })
            }
        }
    }

    /// Children spawned and not yet finished.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut scope: async_dsl::Scope<()> = async_dsl::Scope::new();
    /// assert_eq!(scope.running(), 0);
    /// scope.spawn(std::future::pending());
    /// assert_eq!(scope.running(), 1);
    /// # }
    /// ```
    pub fn running(&self) -> usize {
        self.running.load(Ordering::Acquire)
    }

    fn name(&mut self, id: Id) -> String {
        self.names
            .remove(&id)
            .unwrap_or_else(|| format!("task {id}"))
    }
}

/// Spawns between reaps of finished children.
const REAP_EVERY: usize = 64;

/// Counts a child as running from its spawn until its future ends or is dropped.
struct RunningGuard(Arc<AtomicUsize>);

impl RunningGuard {
    fn new(running: &Arc<AtomicUsize>) -> Self {
        running.fetch_add(1, Ordering::AcqRel);
        RunningGuard(Arc::clone(running))
    }
}

impl Drop for RunningGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

//! Coalescing single-key calls into batch calls, in the dataloader style.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::oneshot;

/// Why one key of a batch has no value.
///
/// ```
/// use async_dsl::BatchError;
/// let missing: BatchError<std::io::Error> = BatchError::Missing;
/// assert_eq!(missing.to_string(), "the batch returned no value for this key");
/// ```
#[derive(Debug)]
pub enum BatchError<E> {
    /// The batch call succeeded but returned no value for this key.
    Missing,
    /// The batch call failed; every caller in the batch gets the same error.
    Failed(Arc<E>),
    /// The batch call panicked, or the runtime that was to run it shut down first.
    Lost,
    /// [`Batcher::load`] was called outside a Tokio runtime, which it needs to run the batch
    /// call; the key was not queued, so nobody else's batch is affected.
    NoRuntime,
}

impl<E> Clone for BatchError<E> {
    fn clone(&self) -> Self {
        match self {
            BatchError::Missing => BatchError::Missing,
            BatchError::Failed(e) => BatchError::Failed(Arc::clone(e)),
            BatchError::Lost => BatchError::Lost,
            BatchError::NoRuntime => BatchError::NoRuntime,
        }
    }
}

impl<E: PartialEq> PartialEq for BatchError<E> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (BatchError::Missing, BatchError::Missing)
            | (BatchError::Lost, BatchError::Lost)
            | (BatchError::NoRuntime, BatchError::NoRuntime) => true,
            (BatchError::Failed(a), BatchError::Failed(b)) => a == b,
            _ => false,
        }
    }
}

impl<E: fmt::Display> fmt::Display for BatchError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BatchError::Missing => f.write_str("the batch returned no value for this key"),
            BatchError::Failed(e) => write!(f, "the batch failed: {e}"),
            BatchError::Lost => f.write_str("the batch call panicked or was cancelled"),
            BatchError::NoRuntime => {
                f.write_str("`Batcher::load` needs a Tokio runtime to run the batch call")
            }
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for BatchError<E> {}

/// What a batch call returned: values by position (the `n`th for the `n`th key) or by key.
///
/// ```
/// use async_dsl::batch::Values;
/// let by_position: Values<u32, &str> = Values::ByPosition(vec!["a", "b"]);
/// let by_key: Values<u32, &str> = Values::ByKey([(1, "a")].into_iter().collect());
/// # drop((by_position, by_key));
/// ```
#[derive(Debug)]
pub enum Values<K, V> {
    /// The value of key `i` at index `i`.
    ByPosition(Vec<V>),
    /// The value of each key under that key.
    ByKey(HashMap<K, V>),
}

/// Collects single-key calls for one window (or until `max` keys) and runs one batch call for
/// them; each caller gets its own value.
///
/// The batch call runs as its own task, so a caller that gives up does not cancel it for the
/// others. Keys are not deduplicated: a key asked for twice in one window appears twice.
///
/// ```
/// use async_dsl::{Batcher, batch::Values};
/// use std::sync::OnceLock;
/// use std::time::Duration;
///
/// async fn load_names(ids: Vec<u32>) -> Vec<String> {
///     ids.iter().map(|id| format!("user {id}")).collect()
/// }
///
/// async fn name(id: u32) -> Result<String, async_dsl::BatchError<std::convert::Infallible>> {
///     static NAMES: OnceLock<Batcher<u32, String, std::convert::Infallible>> = OnceLock::new();
///     NAMES
///         .get_or_init(|| {
///             Batcher::new(100, Duration::from_millis(5), |ids| async move {
///                 Ok(Values::ByPosition(load_names(ids).await))
///             })
///         })
///         .load(id)
///         .await
/// }
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let (a, b) = tokio::join!(name(1), name(2)); // one batch call with [1, 2]
/// assert_eq!((a.unwrap(), b.unwrap()), ("user 1".to_string(), "user 2".to_string()));
/// # }
/// ```
pub struct Batcher<K, V, E> {
    // Shared with the window's timer task, so that a batcher needs no `'static` borrow: it
    // may live in a `static`, an `Arc` or a struct field.
    shared: Arc<Shared<K, V, E>>,
}

struct Shared<K, V, E> {
    max: usize,
    window: Duration,
    open: Mutex<Open<K, V, E>>,
    // Given once, at construction: every batch goes through the same call.
    load: Loader<K, V, E>,
}

type Reply<V, E> = oneshot::Sender<Result<V, BatchError<E>>>;

/// A closed batch: its keys, and the reply to each caller, in the same order.
type Batch<K, V, E> = (Vec<K>, Vec<Reply<V, E>>);

/// The batch call, boxed so that a batcher's type names only its keys, values and error
/// (it lives in a `static` of the `#[batched]` expansion). One allocation per batch.
type Loader<K, V, E> = Box<
    dyn Fn(Vec<K>) -> Pin<Box<dyn Future<Output = Result<Values<K, V>, E>> + Send>> + Send + Sync,
>;

struct Open<K, V, E> {
    /// Counts batches, so a window's timer flushes only the batch it was started for.
    generation: u64,
    keys: Vec<K>,
    replies: Vec<Reply<V, E>>,
}

impl<K, V, E> fmt::Debug for Batcher<K, V, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batcher")
            .field("max", &self.shared.max)
            .field("window", &self.shared.window)
            .finish_non_exhaustive()
    }
}

impl<K, V, E> Batcher<K, V, E>
where
    K: Clone + Eq + Hash + Send + 'static,
    V: Clone + Send + 'static,
    E: Send + Sync + 'static,
{
    /// Batches of at most `max` keys (at least 1), each collected for at most `window` after
    /// its first key, and run through `load`, the batch call.
    ///
    /// ```
    /// use async_dsl::{Batcher, batch::Values};
    /// use std::time::Duration;
    /// let batcher: Batcher<u32, String, std::io::Error> =
    ///     Batcher::new(100, Duration::from_millis(5), |ids: Vec<u32>| async move {
    ///         Ok(Values::ByPosition(ids.iter().map(|id| format!("user {id}")).collect()))
    ///     });
    /// # drop(batcher);
    /// ```
    pub fn new<L, F>(max: usize, window: Duration, load: L) -> Self
    where
        L: Fn(Vec<K>) -> F + Send + Sync + 'static,
        F: Future<Output = Result<Values<K, V>, E>> + Send + 'static,
    {
        Batcher {
            shared: Arc::new(Shared {
                max: max.max(1),
                window,
                open: Mutex::new(Open {
                    generation: 0,
                    keys: Vec::new(),
                    replies: Vec::new(),
                }),
                load: Box::new(move |keys| Box::pin(load(keys))),
            }),
        }
    }

    /// Loads `key` as part of the current batch. Needs a Tokio runtime, which runs the batch
    /// call: outside one, this is [`BatchError::NoRuntime`] and nothing is queued.
    ///
    /// ```
    /// use async_dsl::{Batcher, batch::Values};
    /// use std::{convert::Infallible, sync::OnceLock, time::Duration};
    /// static SQUARES: OnceLock<Batcher<u64, u64, Infallible>> = OnceLock::new();
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let batcher = SQUARES.get_or_init(|| {
    ///     Batcher::new(10, Duration::from_millis(1), |keys: Vec<u64>| async move {
    ///         Ok(Values::ByPosition(keys.iter().map(|k| k * k).collect()))
    ///     })
    /// });
    /// assert_eq!(batcher.load(7).await, Ok(49));
    /// # }
    /// ```
    ///
    /// # Cancel safety
    /// Dropped while it waits, the caller's key stays in its batch (the batch call runs for
    /// the others all the same) and only this caller's value is dropped.
    pub async fn load(&self, key: K) -> Result<V, BatchError<E>> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(BatchError::NoRuntime);
        }
        let (reply, answer) = oneshot::channel();
        let shared = &self.shared;
        let step = {
            let mut open = shared.open.lock().unwrap_or_else(PoisonError::into_inner);
            open.keys.push(key);
            open.replies.push(reply);
            if open.keys.len() >= shared.max {
                Step::Run(take(&mut open))
            } else if open.keys.len() == 1 {
                Step::OpenWindow(open.generation)
            } else {
                Step::Wait
            }
        };
        match step {
            Step::Run((keys, replies)) => {
                let batch = (shared.load)(keys.clone());
                tokio::spawn(run(keys, replies, batch));
            }
            Step::OpenWindow(generation) => {
                // The first key opens the window; its timer runs this batch, unless `max`
                // keys already did. If the timer task is dropped first (its runtime shut
                // down), the guard closes the window, so no later caller waits on it.
                let mut window = Window {
                    shared: Arc::clone(shared),
                    generation: Some(generation),
                };
                tokio::spawn(async move {
                    tokio::time::sleep(window.shared.window).await;
                    if let Some((keys, replies)) = window.close() {
                        let batch = (window.shared.load)(keys.clone());
                        run(keys, replies, batch).await;
                    }
                });
            }
            Step::Wait => {}
        }
        answer.await.unwrap_or(Err(BatchError::Lost))
    }
}

/// The window a first key opened, held by its timer task.
struct Window<K, V, E> {
    shared: Arc<Shared<K, V, E>>,
    /// `None` once closed, so the drop after a normal close takes no lock.
    generation: Option<u64>,
}

impl<K, V, E> Window<K, V, E> {
    /// Takes this window's batch, unless `max` keys already ran it; at most once.
    fn close(&mut self) -> Option<Batch<K, V, E>> {
        let generation = self.generation.take()?;
        let mut open = self
            .shared
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        (open.generation == generation).then(|| take(&mut open))
    }
}

impl<K, V, E> Drop for Window<K, V, E> {
    /// A timer task dropped before it fired (its runtime shut down) closes its window: the
    /// callers in it get [`BatchError::Lost`] (their replies are dropped) and the next
    /// caller opens a new window on its own runtime. After the timer fired and closed the
    /// window, this does nothing.
    fn drop(&mut self) {
        drop(self.close());
    }
}

/// Closes the open batch: its keys and replies, and a new generation for the next one.
fn take<K, V, E>(open: &mut Open<K, V, E>) -> Batch<K, V, E> {
    open.generation += 1;
    (
        std::mem::take(&mut open.keys),
        std::mem::take(&mut open.replies),
    )
}

enum Step<K, V, E> {
    Run(Batch<K, V, E>),
    OpenWindow(u64),
    Wait,
}

/// Runs one batch call and answers every caller in it.
/// Awaits one batch call and answers every caller in it.
async fn run<K, V, E, F>(asked: Vec<K>, replies: Vec<Reply<V, E>>, batch: F)
where
    K: Clone + Eq + Hash,
    V: Clone,
    F: Future<Output = Result<Values<K, V>, E>>,
{
    match batch.await {
        Ok(Values::ByPosition(values)) => {
            let mut values = values.into_iter();
            for reply in replies {
                // A caller that gave up no longer listens; nothing to do for it.
                let _ = reply.send(values.next().ok_or(BatchError::Missing));
            }
        }
        Ok(Values::ByKey(values)) => {
            for (key, reply) in asked.iter().zip(replies) {
                let _ = reply.send(values.get(key).cloned().ok_or(BatchError::Missing));
            }
        }
        Err(error) => {
            let error = Arc::new(error);
            for reply in replies {
                let _ = reply.send(Err(BatchError::Failed(Arc::clone(&error))));
            }
        }
    }
}

/// Turns what a `#[batched]` function returns into [`Values`]: `Vec<V>`, `HashMap<K, V>`, or
/// either inside a `Result`.
///
/// ```
/// use async_dsl::batch::IntoValues;
/// let values: Result<_, std::convert::Infallible> = IntoValues::<u32, &str>::into_values(vec!["a"]);
/// assert!(values.is_ok());
/// ```
pub trait IntoValues<K, V> {
    /// The batch call's error type (`Infallible` when it cannot fail).
    type Error;
    /// The values, or the batch's error.
    fn into_values(self) -> Result<Values<K, V>, Self::Error>;
}

impl<K, V> IntoValues<K, V> for Vec<V> {
    type Error = std::convert::Infallible;
    fn into_values(self) -> Result<Values<K, V>, Self::Error> {
        Ok(Values::ByPosition(self))
    }
}

impl<K, V, S> IntoValues<K, V> for HashMap<K, V, S>
where
    K: Eq + Hash,
{
    type Error = std::convert::Infallible;
    fn into_values(self) -> Result<Values<K, V>, Self::Error> {
        Ok(Values::ByKey(self.into_iter().collect()))
    }
}

impl<K, V, T: IntoValues<K, V, Error = std::convert::Infallible>, E> IntoValues<K, V>
    for Result<T, E>
{
    type Error = E;
    fn into_values(self) -> Result<Values<K, V>, E> {
        match self {
            Ok(values) => Ok(values.into_values().unwrap_or_else(|never| match never {})),
            Err(error) => Err(error),
        }
    }
}

//! A fixed set of workers running submitted jobs from a bounded queue.

use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use futures_util::FutureExt;
use tokio::sync::{mpsc, oneshot};

use super::go::panic_message;
use super::handle::{Task, TaskError};
use crate::limit::permits;

type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

/// `workers` tasks that run submitted jobs one at a time each, from a queue of bounded size.
///
/// [`submit`](Pool::submit) waits while the queue is full, so producers slow to the pool's
/// pace. Each job's output (or its panic, as a [`TaskError`]) comes back on its own
/// [`JobHandle`]; a panicking job does not take its worker down. [`close`](Pool::close)
/// stops new jobs, [`join`](Pool::join) closes and waits for the queue to drain. Dropping the
/// pool aborts its workers.
///
/// ```
/// use async_dsl::Pool;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let pool = Pool::new(4, 16);
/// let mut handles = Vec::new();
/// for n in 0..10u64 {
///     handles.push(pool.submit(async move { n * n }).await.unwrap());
/// }
/// pool.join().await;
/// let mut squares = Vec::new();
/// for handle in handles {
///     squares.push(handle.await.unwrap());
/// }
/// assert_eq!(squares[9], 81);
/// # }
/// ```
pub struct Pool {
    queue: Mutex<Option<mpsc::Sender<Job>>>,
    workers: Vec<Task<()>>,
}

impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("workers", &self.workers.len())
            .field("closed", &self.is_closed())
            .finish()
    }
}

/// The pool was closed before the job was submitted.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let pool = async_dsl::Pool::new(1, 1);
/// pool.close();
/// assert_eq!(pool.submit(async {}).await.err(), Some(async_dsl::PoolClosed));
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolClosed;

impl fmt::Display for PoolClosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the pool is closed")
    }
}

impl std::error::Error for PoolClosed {}

/// The result of one submitted job: its output, or [`TaskError::Panicked`] if it panicked,
/// or [`TaskError::Cancelled`] if the pool was dropped before it ran.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let pool = async_dsl::Pool::new(2, 4);
/// let handle = pool.submit(async { "resized" }).await.unwrap();
/// assert_eq!(handle.await, Ok("resized"));
/// # }
/// ```
///
/// # Cancel safety
/// Dropping the handle loses only the job's output: the job runs to its end all the same
/// (its output, or its panic, is dropped on the worker).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct JobHandle<T> {
    result: oneshot::Receiver<Result<T, TaskError>>,
}

impl<T> Future for JobHandle<T> {
    type Output = Result<T, TaskError>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.result)
            .poll(cx)
            .map(|received| received.unwrap_or(Err(TaskError::Cancelled)))
    }
}

impl Pool {
    /// `workers` workers (at least 1) and room for `queue` waiting jobs (at least 1), on the
    /// current Tokio runtime.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let pool = async_dsl::Pool::new(8, 100); // 8 workers, up to 100 jobs waiting
    /// pool.join().await;
    /// # }
    /// ```
    ///
    /// # Panics
    /// Outside a Tokio runtime: the workers are Tokio tasks.
    pub fn new(workers: usize, queue: usize) -> Self {
        let (sender, receiver) = mpsc::channel::<Job>(permits(queue));
        let receiver = Arc::new(tokio::sync::Mutex::new(receiver));
        let workers = (0..workers.max(1))
            .map(|_| {
                let receiver = Arc::clone(&receiver);
                Task::spawn_untraced(async move {
                    loop {
                        // One worker at a time takes the next job; the lock is not held
                        // while the job runs.
                        let job = receiver.lock().await.recv().await;
                        match job {
                            // A job catches its own panics; this catches the rest (an output
                            // or a future that panics when dropped), so a worker survives
                            // anything a job does.
                            Some(job) => {
                                let _ = AssertUnwindSafe(job).catch_unwind().await;
                            }
                            None => return Ok(()),
                        }
                    }
                })
            })
            .collect();
        Pool {
            queue: Mutex::new(Some(sender)),
            workers,
        }
    }

    /// Queues `job`, waiting while the queue is full; `Err(PoolClosed)` after
    /// [`close`](Pool::close).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let pool = async_dsl::Pool::new(1, 1);
    /// let job = pool.submit(async { 2 + 2 }).await.expect("open");
    /// assert_eq!(job.await, Ok(4));
    /// # }
    /// ```
    ///
    /// # Cancel safety
    /// Dropped while it waits for room in the queue, nothing was queued and the job is dropped
    /// unrun. Once it resolved, the job is queued and runs whatever happens to the handle.
    pub async fn submit<F, T>(&self, job: F) -> Result<JobHandle<T>, PoolClosed>
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let sender = self
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or(PoolClosed)?;
        let (reply, result) = oneshot::channel();
        // In the span current at submit, with the `tracing` feature.
        let job: Job = Box::pin(crate::trace::inherit(async move {
            let outcome = AssertUnwindSafe(job)
                .catch_unwind()
                .await
                .map_err(|payload| TaskError::Panicked(panic_message(payload.as_ref())));
            // The submitter may have stopped listening; the job ran all the same, and its
            // output is dropped here (a panic in that drop is the worker's to catch).
            let _ = reply.send(outcome);
        }));
        sender.send(job).await.map_err(|_| PoolClosed)?;
        Ok(JobHandle { result })
    }

    /// Stops accepting jobs; queued jobs still run.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let pool = async_dsl::Pool::new(1, 4);
    /// let queued = pool.submit(async { 1 }).await.unwrap();
    /// pool.close();
    /// assert!(pool.is_closed());
    /// assert_eq!(queued.await, Ok(1), "a job queued before close still runs");
    /// # }
    /// ```
    pub fn close(&self) {
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }

    /// Whether [`close`](Pool::close) was called.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let pool = async_dsl::Pool::new(1, 1);
    /// assert!(!pool.is_closed());
    /// # }
    /// ```
    pub fn is_closed(&self) -> bool {
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_none()
    }

    /// Closes the pool and waits until every queued job has run and the workers have ended.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let pool = async_dsl::Pool::new(2, 8);
    /// let done = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    /// for _ in 0..5 {
    ///     let done = std::sync::Arc::clone(&done);
    ///     drop(pool.submit(async move { done.fetch_add(1, std::sync::atomic::Ordering::SeqCst); }).await);
    /// }
    /// pool.join().await;
    /// assert_eq!(done.load(std::sync::atomic::Ordering::SeqCst), 5);
    /// # }
    /// ```
    ///
    /// # Cancel safety
    /// The pool is closed at the first poll. Dropped while it waits, the workers are aborted with
    /// the pool: queued jobs that had not started are dropped unrun.
    pub async fn join(self) {
        self.close();
        for worker in self.workers {
            // Workers catch job panics, so they end only by running out of jobs.
            let _ = worker.await;
        }
    }
}

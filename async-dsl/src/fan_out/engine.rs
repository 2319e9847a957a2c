//! The engine: `limit` places, each running one item's future, refilled from the source.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, ready};

use futures_util::Stream;
use pin_project_lite::pin_project;

use super::collect::Collect;
use super::progress::{NoProgress, OnProgress, Progress};
use super::source::Source;
use crate::wake::{WakeTable, rotate_at_random};

/// Item polls one `poll` call may make before it yields to the executor, so that a huge
/// fan-out of always-ready futures cannot monopolise a worker thread.
const POLL_BUDGET: usize = 4096;
pin_project! {
    /// Runs `make(item)` for every item of a source, at most `limit` at a time, on the
    /// polling task: a future of what its collector `C` makes of the outputs, or, for
    /// [`map_unordered`](super::map_unordered), a stream of the outputs in completion order.
    ///
    /// Items are pulled only when a place is free, so memory grows with the limit, not with
    /// the input. Each place keeps its waker and its future's allocation for the next item,
    /// and a poll re-polls only the places woken since the last one.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let fan_out = async_dsl::map(vec![3, 1, 2], |n| async move { n * 10 }).limit(2);
    /// assert_eq!(fan_out.await, [30, 10, 20]);
    /// # }
    /// ```
    ///
    /// # Cancel safety
    /// Dropping it drops every item in flight and the outputs collected so far; items not yet
    /// pulled stay in the input, which is dropped with it.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct FanOut<S, M, Fut, C, P> {
        #[pin]
        input: S,
        input_done: bool,
        make: M,
        limit: usize,
        places: Vec<Place<Fut>>,
        wakers: Option<WakeTable>,
        free: Vec<usize>,
        // The places due for a poll and how far through them this fan-out is.
        due: Vec<u32>,
        cursor: usize,
        next_seq: usize,
        in_flight: usize,
        done: usize,
        total: Option<usize>,
        // Whether each round of due items starts at a random one (a race's fairness).
        fair: bool,
        collect: Option<C>,
        progress: P,
    }
}

struct Place<Fut> {
    future: Pin<Box<Option<Fut>>>,
    seq: usize,
}

impl<S, M, Fut, C> FanOut<S, M, Fut, C, NoProgress> {
    /// A fan-out over `input`; `limit` is clamped to at least 1.
    pub(crate) fn new(limit: usize, input: S, make: M, collect: C) -> Self {
        FanOut {
            input,
            input_done: false,
            make,
            limit: limit.max(1),
            places: Vec::new(),
            wakers: None,
            free: Vec::new(),
            due: Vec::new(),
            cursor: 0,
            next_seq: 0,
            in_flight: 0,
            done: 0,
            total: None,
            fair: false,
            collect: Some(collect),
            progress: NoProgress,
        }
    }
}

impl<S, M, Fut, C, P> FanOut<S, M, Fut, C, P> {
    /// At most `limit` items in flight (at least 1). The default is no limit.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let squares = async_dsl::map(1..=4, |n| async move { n * n }).limit(2).await;
    /// assert_eq!(squares, [1, 4, 9, 16]);
    /// # }
    /// ```
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit.max(1);
        self
    }

    /// Calls `report` with the [`Progress`] after each completed item, e.g. to drive a
    /// progress bar.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut seen = Vec::new();
    /// async_dsl::for_each(0..3, |_| async {})
    ///     .on_progress(|p| seen.push((p.done, p.total)))
    ///     .await;
    /// assert_eq!(seen, [(1, Some(3)), (2, Some(3)), (3, Some(3))]);
    /// # }
    /// ```
    pub fn on_progress<Q: FnMut(Progress)>(self, report: Q) -> FanOut<S, M, Fut, C, Q> {
        FanOut {
            input: self.input,
            input_done: self.input_done,
            make: self.make,
            limit: self.limit,
            places: self.places,
            wakers: self.wakers,
            free: self.free,
            due: self.due,
            cursor: self.cursor,
            next_seq: self.next_seq,
            in_flight: self.in_flight,
            done: self.done,
            total: self.total,
            fair: self.fair,
            collect: self.collect,
            progress: report,
        }
    }

    /// Starts each round of due items at a random one, so that when several complete in the
    /// same round none wins a race by its position.
    pub(crate) fn fair(mut self) -> Self {
        self.fair = true;
        self
    }

    pub(crate) fn with_total(mut self, total: Option<usize>) -> Self {
        self.total = total;
        self
    }
}

impl<S, M, Fut, C, P> fmt::Debug for FanOut<S, M, Fut, C, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FanOut")
            .field("limit", &self.limit)
            .field("started", &self.next_seq)
            .field("in_flight", &self.in_flight)
            .field("done", &self.done)
            .field("input_done", &self.input_done)
            .finish()
    }
}

impl<S, M, Fut, C, P> FanOut<S, M, Fut, C, P>
where
    S: Source,
    M: FnMut(S::Item) -> Fut,
    Fut: Future,
    P: OnProgress,
{
    /// The next completed output with its input position, `Ready(None)` once the input is
    /// exhausted and every item completed.
    fn poll_output(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        budget: &mut usize,
    ) -> Poll<Option<(usize, Fut::Output)>> {
        let mut this = self.project();
        let wakers = this.wakers.get_or_insert_with(|| WakeTable::idle(0));
        let mut registered = false;
        loop {
            // Start new items while there is room.
            while !*this.input_done && *this.in_flight < *this.limit {
                let item = match this.input.as_mut().poll_item(cx) {
                    Poll::Ready(Some(item)) => item,
                    Poll::Ready(None) => {
                        *this.input_done = true;
                        break;
                    }
                    // A stream with nothing yet; it wakes this task when it has.
                    Poll::Pending => break,
                };
                let future = (this.make)(item);
                let index = match this.free.pop() {
                    Some(index) => {
                        this.places[index].future.set(Some(future));
                        index
                    }
                    None => {
                        this.places.push(Place {
                            future: Box::pin(Some(future)),
                            seq: 0,
                        });
                        wakers.grow(this.places.len());
                        this.places.len() - 1
                    }
                };
                this.places[index].seq = *this.next_seq;
                *this.next_seq += 1;
                *this.in_flight += 1;
                wakers.schedule(index);
            }

            if *this.cursor >= this.due.len() {
                wakers.recycle(std::mem::take(this.due));
                *this.cursor = 0;
                *this.due = wakers.take_due();
                if *this.fair {
                    rotate_at_random(this.due);
                }
                if this.due.is_empty() {
                    if *this.input_done && *this.in_flight == 0 {
                        return Poll::Ready(None);
                    }
                    if registered {
                        return Poll::Pending;
                    }
                    // Register, then look once more: a wake before the registration is in
                    // the mask, one after it wakes the task.
                    wakers.register(cx.waker());
                    registered = true;
                    continue;
                }
            }
            if *budget == 0 {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            *budget -= 1;
            let index = this.due[*this.cursor] as usize;
            *this.cursor += 1;
            let place = &mut this.places[index];
            let polled = wakers.poll_slot(index, |cx| match place.future.as_mut().as_pin_mut() {
                Some(future) => future.poll(cx),
                None => Poll::Pending,
            });
            if let Poll::Ready(output) = polled {
                place.future.set(None);
                this.free.push(index);
                *this.in_flight -= 1;
                *this.done += 1;
                let progress = Progress {
                    started: *this.next_seq,
                    done: *this.done,
                    total: *this.total,
                };
                this.progress.report(progress);
                return Poll::Ready(Some((place.seq, output)));
            }
        }
    }

    /// Drops every item in flight and stops pulling input.
    fn stop(self: Pin<&mut Self>) {
        let this = self.project();
        for place in this.places.iter_mut() {
            place.future.set(None);
        }
        *this.input_done = true;
        *this.in_flight = 0;
    }
}

impl<S, M, Fut, C, P> Future for FanOut<S, M, Fut, C, P>
where
    S: Source,
    M: FnMut(S::Item) -> Fut,
    Fut: Future,
    C: Collect<Fut::Output>,
    P: OnProgress,
{
    type Output = C::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<C::Output> {
        // Tokio's task budget, as for the fixed groups (see `coop`).
        ready!(crate::coop::poll_proceed(cx));
        let mut budget = POLL_BUDGET;
        loop {
            let (seq, output) = match self.as_mut().poll_output(cx, &mut budget) {
                Poll::Ready(Some(next)) => next,
                Poll::Ready(None) => return Poll::Ready(finish(self.project().collect)),
                Poll::Pending => return Poll::Pending,
            };
            let collect = self.as_mut().project().collect;
            let Some(collect) = collect.as_mut() else {
                panic!("`FanOut` polled after it completed");
            };
            if collect.push(seq, output).is_break() {
                self.as_mut().stop();
                return Poll::Ready(finish(self.project().collect));
            }
        }
    }
}

fn finish<T, C: Collect<T>>(collect: &mut Option<C>) -> C::Output {
    match collect.take() {
        Some(collect) => collect.finish(),
        None => panic!("`FanOut` polled after it completed"),
    }
}

/// The collector of [`map_unordered`](super::map_unordered): none, the outputs are streamed.
///
/// ```
/// use futures::StreamExt;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut outputs = async_dsl::map_unordered([1, 2], |n| async move { n });
/// let first = outputs.next().await;
/// assert!(first.is_some());
/// # }
/// ```
#[derive(Debug, Default, Clone, Copy)]
pub struct Unordered;

impl<S, M, Fut, P> Stream for FanOut<S, M, Fut, Unordered, P>
where
    S: Source,
    M: FnMut(S::Item) -> Fut,
    Fut: Future,
    P: OnProgress,
{
    type Item = Fut::Output;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Fut::Output>> {
        // Tokio's task budget, as for the fixed groups (see `coop`).
        ready!(crate::coop::poll_proceed(cx));
        let mut budget = POLL_BUDGET;
        self.poll_output(cx, &mut budget)
            .map(|next| next.map(|(_, output)| output))
    }
}

//! The future behind the `for` form: a lazily pulled, bounded fan-out over an iterator.

use core::fmt;
use core::future::Future;
use core::ops::ControlFlow;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::collections::VecDeque;

use pin_project_lite::pin_project;

use crate::slot::IsResult;
use crate::wake::WakeTable;

/// Branch polls one `poll` call may make before it yields to the executor, so that a huge
/// fan-out of always-ready futures cannot monopolise a worker thread.
const POLL_BUDGET: usize = 4096;

/// What a fan-out does with each output: keep it, or end the fan-out early.
pub trait Collect<T> {
    /// The fan-out's output.
    type Output;
    /// Takes the output of item number `seq` (input order, from 0); `Break` ends the fan-out
    /// and drops every unfinished item.
    fn push(&mut self, seq: usize, item: T) -> ControlFlow<()>;
    /// The fan-out's output once every item completed or one broke off.
    fn finish(self) -> Self::Output;
}

pin_project! {
    /// Runs `make(item)` for every item of an iterator, at most `limit` at a time, on the
    /// polling task.
    ///
    /// Items are pulled only when a place is free, so memory grows with `limit`, not with
    /// the input. Each place keeps its waker and its future's allocation for the next item,
    /// and a poll re-polls only the places woken since the last one.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct FanOut<I, M, Fut, C> {
        input: Option<I>,
        make: M,
        limit: usize,
        places: Vec<Place<Fut>>,
        wakers: Option<WakeTable>,
        free: Vec<usize>,
        next_seq: usize,
        in_flight: usize,
        collect: Option<C>,
    }
}

struct Place<Fut> {
    future: Pin<Box<Option<Fut>>>,
    seq: usize,
}

impl<I, M, Fut, C> FanOut<I, M, Fut, C> {
    /// A fan-out over `input`; `limit` is clamped to at least 1.
    pub fn new(limit: usize, input: I, make: M, collect: C) -> Self {
        FanOut {
            input: Some(input),
            make,
            limit: limit.max(1),
            places: Vec::new(),
            wakers: None,
            free: Vec::new(),
            next_seq: 0,
            in_flight: 0,
            collect: Some(collect),
        }
    }
}

impl<I, M, Fut, C> fmt::Debug for FanOut<I, M, Fut, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FanOut")
            .field("limit", &self.limit)
            .field("started", &self.next_seq)
            .field("in_flight", &self.in_flight)
            .field("input_done", &self.input.is_none())
            .finish()
    }
}

impl<I, M, Fut, C> Future for FanOut<I, M, Fut, C>
where
    I: Iterator,
    M: FnMut(I::Item) -> Fut,
    Fut: Future,
    C: Collect<Fut::Output>,
{
    type Output = C::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<C::Output> {
        let this = self.project();
        let wakers = this.wakers.get_or_insert_with(|| WakeTable::idle(0));
        wakers.register(cx.waker());

        let mut budget = POLL_BUDGET;
        loop {
            // Start new items while there is room.
            while *this.in_flight < *this.limit {
                let Some(item) = this.input.as_mut().and_then(Iterator::next) else {
                    *this.input = None;
                    break;
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

            let due = wakers.take_due();
            if due.is_empty() {
                wakers.recycle(due);
                break;
            }
            for &index in &due {
                let index = index as usize;
                let place = &mut this.places[index];
                let polled =
                    wakers.poll_slot(index, |cx| match place.future.as_mut().as_pin_mut() {
                        Some(future) => future.poll(cx),
                        None => Poll::Pending,
                    });
                budget = budget.saturating_sub(1);
                let Poll::Ready(output) = polled else {
                    continue;
                };
                place.future.set(None);
                this.free.push(index);
                *this.in_flight -= 1;
                let collect = this
                    .collect
                    .as_mut()
                    .expect("`FanOut` polled after it completed");
                if collect.push(place.seq, output).is_break() {
                    for place in this.places.iter_mut() {
                        place.future.set(None);
                    }
                    *this.input = None;
                    *this.in_flight = 0;
                    return Poll::Ready(finish(this.collect));
                }
            }
            wakers.recycle(due);
            if budget == 0 {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
        }

        if this.input.is_none() && *this.in_flight == 0 {
            return Poll::Ready(finish(this.collect));
        }
        Poll::Pending
    }
}

fn finish<T, C: Collect<T>>(collect: &mut Option<C>) -> C::Output {
    collect
        .take()
        .expect("`FanOut` polled after it completed")
        .finish()
}

/// Keeps outputs in input order: `parallel!`'s `for` form.
#[derive(Debug)]
pub struct Ordered<T> {
    done: Vec<T>,
    /// Outputs that finished ahead of an earlier item, from `done.len()` on.
    waiting: VecDeque<Option<T>>,
}

impl<T> Ordered<T> {
    /// An empty collector.
    pub fn new() -> Self {
        Ordered {
            done: Vec::new(),
            waiting: VecDeque::new(),
        }
    }

    fn put(&mut self, seq: usize, item: T) {
        let offset = seq - self.done.len();
        if offset >= self.waiting.len() {
            self.waiting.resize_with(offset + 1, || None);
        }
        self.waiting[offset] = Some(item);
        while let Some(Some(_)) = self.waiting.front() {
            if let Some(Some(item)) = self.waiting.pop_front() {
                self.done.push(item);
            }
        }
    }
}

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Collect<T> for Ordered<T> {
    type Output = Vec<T>;
    fn push(&mut self, seq: usize, item: T) -> ControlFlow<()> {
        self.put(seq, item);
        ControlFlow::Continue(())
    }
    fn finish(self) -> Vec<T> {
        self.done
    }
}

/// Keeps `Ok` values in input order and stops at the first error: `try_parallel!`'s `for`
/// form.
#[derive(Debug)]
pub struct TryOrdered<T, E> {
    ok: Ordered<T>,
    error: Option<E>,
}

impl<T, E> TryOrdered<T, E> {
    /// An empty collector.
    pub fn new() -> Self {
        TryOrdered {
            ok: Ordered::new(),
            error: None,
        }
    }
}

impl<T, E> Default for TryOrdered<T, E> {
    fn default() -> Self {
        Self::new()
    }
}

/// The error is the item's own; `try_parallel!`'s `error = Type;` converts each item's
/// error before it gets here.
impl<R: IsResult> Collect<R> for TryOrdered<R::Ok, R::Err> {
    type Output = Result<Vec<R::Ok>, R::Err>;
    fn push(&mut self, seq: usize, item: R) -> ControlFlow<()> {
        match item.into_result() {
            Ok(value) => {
                self.ok.put(seq, value);
                ControlFlow::Continue(())
            }
            Err(error) => {
                self.error = Some(error);
                ControlFlow::Break(())
            }
        }
    }
    fn finish(self) -> Self::Output {
        match self.error {
            Some(error) => Err(error),
            None => Ok(self.ok.done),
        }
    }
}

/// Keeps the first output: `race!`'s `for` form; `None` for an empty input.
#[derive(Debug)]
pub struct First<T>(Option<T>);

impl<T> First<T> {
    /// An empty collector.
    pub fn new() -> Self {
        First(None)
    }
}

impl<T> Default for First<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Collect<T> for First<T> {
    type Output = Option<T>;
    fn push(&mut self, _: usize, item: T) -> ControlFlow<()> {
        self.0 = Some(item);
        ControlFlow::Break(())
    }
    fn finish(self) -> Option<T> {
        self.0
    }
}

/// Keeps the first `Ok` value, or every error in input order: `race_ok!`'s `for` form.
#[derive(Debug)]
pub struct FirstOk<T, E> {
    ok: Option<T>,
    errors: Ordered<E>,
}

impl<T, E> FirstOk<T, E> {
    /// An empty collector.
    pub fn new() -> Self {
        FirstOk {
            ok: None,
            errors: Ordered::new(),
        }
    }
}

impl<T, E> Default for FirstOk<T, E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<R: IsResult> Collect<R> for FirstOk<R::Ok, R::Err> {
    type Output = Result<R::Ok, crate::AllFailed<Vec<R::Err>>>;
    fn push(&mut self, seq: usize, item: R) -> ControlFlow<()> {
        match item.into_result() {
            Ok(value) => {
                self.ok = Some(value);
                ControlFlow::Break(())
            }
            Err(error) => {
                self.errors.put(seq, error);
                ControlFlow::Continue(())
            }
        }
    }
    fn finish(self) -> Self::Output {
        match self.ok {
            Some(value) => Ok(value),
            None => Err(crate::AllFailed::new(self.errors.done)),
        }
    }
}

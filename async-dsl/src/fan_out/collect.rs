//! What a fan-out does with each output: the collectors behind `parallel!`'s and its
//! siblings' `for` forms and behind [`map`](crate::map) and its siblings.

use core::ops::ControlFlow;
use std::collections::VecDeque;

use crate::error::AllFailed;
use crate::group::IsResult;

/// What a fan-out does with each output: keep it, or end the fan-out early.
///
/// ```
/// use async_dsl::collect::{Collect, Ordered};
/// let mut ordered = Ordered::new();
/// assert!(ordered.push(1, "b").is_continue());
/// assert!(ordered.push(0, "a").is_continue());
/// assert_eq!(ordered.finish(), ["a", "b"]);
/// ```
pub trait Collect<T> {
    /// The fan-out's output.
    type Output;
    /// Takes the output of item number `seq` (input order, from 0); `Break` ends the fan-out
    /// and drops every unfinished item.
    fn push(&mut self, seq: usize, item: T) -> ControlFlow<()>;
    /// The fan-out's output once every item completed or one broke off.
    fn finish(self) -> Self::Output;
}

/// Keeps outputs in input order: `parallel!`'s `for` form and [`map`](crate::map).
///
/// ```
/// use async_dsl::collect::*;
/// let mut keep = Ordered::new();
/// let _ = keep.push(0, 'x');
/// assert_eq!(keep.finish(), ['x']);
/// ```
#[derive(Debug)]
pub struct Ordered<T> {
    done: Vec<T>,
    /// Outputs that finished ahead of an earlier item, from `done.len()` on.
    waiting: VecDeque<Option<T>>,
}

impl<T> Ordered<T> {
    /// An empty collector.
    ///
    /// ```
    /// let empty: async_dsl::collect::Ordered<u8> = async_dsl::collect::Ordered::new();
    /// # drop(empty);
    /// ```
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
/// form and [`try_map`](crate::try_map).
///
/// ```
/// use async_dsl::collect::*;
/// let mut keep: TryOrdered<u8, &str> = TryOrdered::new();
/// assert!(keep.push(0, Ok::<u8, &str>(1)).is_continue());
/// assert!(keep.push(1, Err("bad")).is_break());
/// assert_eq!(Collect::<Result<u8, &str>>::finish(keep), Err("bad"));
/// ```
#[derive(Debug)]
pub struct TryOrdered<T, E> {
    ok: Ordered<T>,
    error: Option<E>,
}

impl<T, E> TryOrdered<T, E> {
    /// An empty collector.
    ///
    /// ```
    /// let empty: async_dsl::collect::TryOrdered<u8, String> = async_dsl::collect::TryOrdered::new();
    /// # drop(empty);
    /// ```
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
///
/// ```
/// use async_dsl::collect::*;
/// let mut first = First::new();
/// assert!(first.push(3, "winner").is_break());
/// assert_eq!(first.finish(), Some("winner"));
/// ```
#[derive(Debug)]
pub struct First<T>(Option<T>);

impl<T> First<T> {
    /// An empty collector.
    ///
    /// ```
    /// let empty: async_dsl::collect::First<u8> = async_dsl::collect::First::new();
    /// # drop(empty);
    /// ```
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
///
/// ```
/// use async_dsl::collect::*;
/// let mut first_ok: FirstOk<u8, &str> = FirstOk::new();
/// assert!(first_ok.push(0, Err::<u8, &str>("down")).is_continue());
/// assert!(first_ok.push(1, Ok(7)).is_break());
/// assert_eq!(Collect::<Result<u8, &str>>::finish(first_ok).unwrap(), 7);
/// ```
#[derive(Debug)]
pub struct FirstOk<T, E> {
    ok: Option<T>,
    errors: Ordered<E>,
}

impl<T, E> FirstOk<T, E> {
    /// An empty collector.
    ///
    /// ```
    /// let empty: async_dsl::collect::FirstOk<u8, String> = async_dsl::collect::FirstOk::new();
    /// # drop(empty);
    /// ```
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
    type Output = Result<R::Ok, AllFailed<Vec<R::Err>>>;
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
            None => Err(AllFailed::new(self.errors.done)),
        }
    }
}

/// Drops every output: [`for_each`](crate::for_each).
///
/// ```
/// use async_dsl::collect::*;
/// let mut drop_all = Discard;
/// assert!(drop_all.push(0, "ignored").is_continue());
/// Collect::<&str>::finish(drop_all);
/// ```
#[derive(Debug, Default)]
pub struct Discard;

impl<T> Collect<T> for Discard {
    type Output = ();
    fn push(&mut self, _: usize, _: T) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
    fn finish(self) {}
}

/// Drops `Ok` outputs and stops at the first error: [`try_for_each`](crate::try_for_each).
///
/// ```
/// use async_dsl::collect::*;
/// let mut until_error: TryDiscard<&str> = TryDiscard::default();
/// assert!(until_error.push(0, Err::<(), _>("disk full")).is_break());
/// assert_eq!(Collect::<Result<(), &str>>::finish(until_error), Err("disk full"));
/// ```
#[derive(Debug)]
pub struct TryDiscard<E>(Option<E>);

impl<E> Default for TryDiscard<E> {
    fn default() -> Self {
        TryDiscard(None)
    }
}

impl<R: IsResult> Collect<R> for TryDiscard<R::Err> {
    type Output = Result<(), R::Err>;
    fn push(&mut self, _: usize, item: R) -> ControlFlow<()> {
        match item.into_result() {
            Ok(_) => ControlFlow::Continue(()),
            Err(error) => {
                self.0 = Some(error);
                ControlFlow::Break(())
            }
        }
    }
    fn finish(self) -> Result<(), R::Err> {
        self.0.map_or(Ok(()), Err)
    }
}

//! The list of a group's branch slots: [`Cons`] cells ending in [`Nil`], so that one
//! generic group future serves any number of branches of any types without boxing.

use core::future::Future;
use core::ops::ControlFlow;
use core::pin::Pin;
use core::task::{Context, Poll};

use pin_project_lite::pin_project;

use super::slot::{IsResult, RaceOkSlot, RaceSlot, Slot};

pin_project! {
    /// A non-empty list of slots: `head` is branch 0, `tail` the rest.
    #[derive(Debug)]
    pub struct Cons<S, R> {
        #[pin]
        head: S,
        #[pin]
        tail: R,
    }
}

impl<S, R> Cons<S, R> {
    /// Prepends `head` to `tail`.
    pub fn new(head: S, tail: R) -> Self {
        Cons { head, tail }
    }
}

/// Links a `race!` branch in front of the branches after it, checking at the branch that
/// it produces what they produce.
pub fn race_cons<F: Future, R: RaceTail<F::Output>>(future: F, tail: R) -> Cons<RaceSlot<F>, R> {
    Cons::new(RaceSlot::new(future), tail)
}

/// The branches after a `race!` branch whose output is `T`.
pub trait RaceTail<T> {}

impl<T> RaceTail<T> for Nil {}

impl<T, L: Slots> RaceTail<T> for L where T: SameAs<L::Break> {}

/// `Self` and `T` are one type. A trait bound rather than a type equality, so that a
/// mismatch is reported with the message below instead of a bare "type mismatch".
#[diagnostic::on_unimplemented(
    message = "`race!` branches must produce one type: this branch produces `{T}`, the one before it `{Self}`",
    label = "this branch's output differs from the branch before it",
    note = "map each branch into one type, such as an enum of yours: `name => future => Enum::Variant`"
)]
pub trait SameAs<T> {}

impl<T> SameAs<T> for T {}

/// Links a `race_ok!` branch in front of the branches after it, checking at the branch that
/// it succeeds with what they succeed with.
pub fn race_ok_cons<F, R>(future: F, tail: R) -> Cons<RaceOkSlot<F>, R>
where
    F: Future<Output: IsResult>,
    R: RaceOkTail<<F::Output as IsResult>::Ok>,
{
    Cons::new(RaceOkSlot::new(future), tail)
}

/// The branches after a `race_ok!` branch whose `Ok` value is `T`.
pub trait RaceOkTail<T> {}

impl<T> RaceOkTail<T> for Nil {}

impl<T, L: Slots> RaceOkTail<T> for L where T: SameOk<L::Break> {}

/// [`SameAs`] for the `Ok` values of `race_ok!` branches.
#[diagnostic::on_unimplemented(
    message = "`race_ok!` branches must succeed with one type: this branch's `Ok` is `{T}`, the one before it `{Self}`",
    label = "this branch's `Ok` type differs from the branch before it",
    note = "map each branch's `Ok` value into one type, such as an enum of yours: `name => future => Enum::Variant`"
)]
pub trait SameOk<T> {}

impl<T> SameOk<T> for T {}

/// The end of a list of slots.
#[derive(Debug, Clone, Copy, Default)]
pub struct Nil;

/// Polls one slot on behalf of a walk over a list ([`Slots::poll_range`]).
pub trait Poller<B> {
    /// Polls `slot`, number `index` of its list, and accounts for the result.
    fn poll<S: Slot<Break = B>>(&mut self, index: usize, slot: Pin<&mut S>) -> ControlFlow<B>;
}

/// A list of slots whose early results share one type.
pub trait Slots {
    /// Number of slots.
    const LEN: usize;
    /// The kept outputs, nested as `(a, (b, (c, ())))`.
    type Output;
    /// What ends the group early.
    type Break;
    /// Polls slot `index`.
    fn poll_at(
        self: Pin<&mut Self>,
        index: usize,
        cx: &mut Context<'_>,
    ) -> Poll<ControlFlow<Self::Break>>;
    /// Polls, in list order, every slot whose index (this list's first being `first`) lies in
    /// `range`, through `poller`; stops at the first `Break`. A walk rather than `poll_at` per
    /// index, so that each slot's poll is inlined.
    fn poll_range<P: Poller<Self::Break>>(
        self: Pin<&mut Self>,
        first: usize,
        range: &core::ops::Range<usize>,
        poller: &mut P,
    ) -> ControlFlow<Self::Break>;
    /// Takes every kept output; `None` unless every slot completed normally.
    fn take_all(self: Pin<&mut Self>) -> Option<Self::Output>;
}

impl<S: Slot, S2, R> Slots for Cons<S, Cons<S2, R>>
where
    Cons<S2, R>: Slots<Break = S::Break>,
{
    const LEN: usize = 1 + <Cons<S2, R>>::LEN;
    type Output = (S::Output, <Cons<S2, R> as Slots>::Output);
    type Break = S::Break;

    #[inline]
    fn poll_at(
        self: Pin<&mut Self>,
        index: usize,
        cx: &mut Context<'_>,
    ) -> Poll<ControlFlow<S::Break>> {
        let this = self.project();
        match index {
            0 => this.head.poll_slot(cx),
            _ => this.tail.poll_at(index - 1, cx),
        }
    }

    #[inline]
    fn poll_range<P: Poller<S::Break>>(
        self: Pin<&mut Self>,
        first: usize,
        range: &core::ops::Range<usize>,
        poller: &mut P,
    ) -> ControlFlow<S::Break> {
        let this = self.project();
        if range.contains(&first) {
            poller.poll(first, this.head)?;
        }
        this.tail.poll_range(first + 1, range, poller)
    }

    #[inline]
    fn take_all(self: Pin<&mut Self>) -> Option<Self::Output> {
        let this = self.project();
        let head = this.head.take()?;
        Some((head, this.tail.take_all()?))
    }
}

/// The last slot of a list fixes nothing about the others; `Nil` only ends the list.
impl<S: Slot> Slots for Cons<S, Nil> {
    const LEN: usize = 1;
    type Output = (S::Output, ());
    type Break = S::Break;

    #[inline]
    fn poll_at(
        self: Pin<&mut Self>,
        _: usize,
        cx: &mut Context<'_>,
    ) -> Poll<ControlFlow<S::Break>> {
        self.project().head.poll_slot(cx)
    }

    #[inline]
    fn poll_range<P: Poller<S::Break>>(
        self: Pin<&mut Self>,
        first: usize,
        range: &core::ops::Range<usize>,
        poller: &mut P,
    ) -> ControlFlow<S::Break> {
        if range.contains(&first) {
            poller.poll(first, self.project().head)?;
        }
        ControlFlow::Continue(())
    }

    #[inline]
    fn take_all(self: Pin<&mut Self>) -> Option<Self::Output> {
        Some((self.project().head.take()?, ()))
    }
}

//! Branch slots: what one branch of a fixed-arity group does when it completes.
//!
//! A group is a list of slots (see [`crate::list`]), so one generic [`Group`] future serves
//! any number of branches of any types without boxing. Each slot kind decides
//! whether its branch's output is kept for the end ([`ControlFlow::Continue`]) or ends the
//! group at once ([`ControlFlow::Break`]): a join keeps, a race breaks, a try-join breaks on
//! `Err`, a race for the first `Ok` breaks on `Ok` and keeps errors.
//!
//! [`Group`]: crate::group::Group

use core::convert::Infallible;
use core::future::Future;
use core::ops::ControlFlow;
use core::pin::Pin;
use core::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

/// One branch of a group.
pub trait Slot {
    /// What the branch leaves for the end of the group when it completes normally.
    type Output;
    /// What the branch hands over when it ends the group early.
    type Break;
    /// Polls the branch. `Ready` only on the poll that completes it; a slot that completed
    /// normally returns `Pending`. A slot that ended the group (`Break`) is never polled
    /// again: the group drops every slot at once.
    fn poll_slot(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<ControlFlow<Self::Break>>;
    /// Takes the kept output, if the branch completed normally and it was not taken yet.
    fn take(self: Pin<&mut Self>) -> Option<Self::Output>;
}

pin_project! {
    /// A branch's future, then what it left behind.
    #[project = StateProj]
    #[project_replace = StateReplace]
    pub enum State<F, T> {
        Running { #[pin] future: F },
        Done { output: T },
        Gone,
    }
}

impl<F, T> State<F, T> {
    fn name(&self) -> &'static str {
        match self {
            State::Running { .. } => "running",
            State::Done { .. } => "done",
            State::Gone => "gone",
        }
    }

    #[inline]
    fn take(mut self: Pin<&mut Self>) -> Option<T> {
        match self.as_mut().project() {
            StateProj::Done { .. } => match self.project_replace(State::Gone) {
                StateReplace::Done { output } => Some(output),
                _ => None,
            },
            _ => None,
        }
    }

    /// Polls a running future; `None` when there is none.
    fn poll_future(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<F::Output>>
    where
        F: Future,
    {
        match self.project() {
            StateProj::Running { future } => future.poll(cx).map(Some),
            _ => Poll::Ready(None),
        }
    }
}

macro_rules! slot_type {
    ($(#[$doc:meta])* $name:ident<$($param:ident),*> holds $held:ty $(where $($bound:tt)*)?) => {
        pin_project! {
            $(#[$doc])*
            pub struct $name<$($param),*> where F: Future, $($($bound)*)? {
                #[pin]
                state: State<F, $held>,
                marker: core::marker::PhantomData<fn() -> ($($param,)*)>,
            }
        }

        impl<$($param),*> $name<$($param),*> where F: Future, $($($bound)*)? {
            fn from_future(future: F) -> Self {
                Self { state: State::Running { future }, marker: core::marker::PhantomData }
            }
        }

        impl<$($param),*> core::fmt::Debug for $name<$($param),*> where F: Future, $($($bound)*)? {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_struct(stringify!($name)).field("state", &self.state.name()).finish()
            }
        }
    };
}

slot_type! {
    /// A `parallel!` branch: keeps its output.
    JoinSlot<F> holds F::Output
}

impl<F: Future> JoinSlot<F> {
    /// Wraps a branch future.
    pub fn new(future: F) -> Self {
        Self::from_future(future)
    }
}

impl<F: Future> Slot for JoinSlot<F> {
    type Output = F::Output;
    type Break = Infallible;

    fn poll_slot(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<ControlFlow<Infallible>> {
        let mut state = self.project().state;
        match ready!(state.as_mut().poll_future(cx)) {
            Some(output) => {
                state.set(State::Done { output });
                Poll::Ready(ControlFlow::Continue(()))
            }
            None => Poll::Pending,
        }
    }

    fn take(self: Pin<&mut Self>) -> Option<F::Output> {
        self.project().state.take()
    }
}

/// The output of a `try_parallel!` branch: a `Result`.
#[diagnostic::on_unimplemented(
    message = "`try_parallel!` and `race_ok!` branches must produce a `Result`, this one produces `{Self}`",
    label = "this branch does not produce a `Result`",
    note = "wrap the value in `Ok(..)`, or use `parallel!` / `race!` for branches that cannot fail"
)]
pub trait IsResult {
    /// The success type.
    type Ok;
    /// The error type.
    type Err;
    /// Converts into a `Result`.
    fn into_result(self) -> Result<Self::Ok, Self::Err>;
    /// Builds a success.
    fn from_ok(value: Self::Ok) -> Self;
    /// Builds a failure.
    fn from_err(error: Self::Err) -> Self;
    /// Whether it is a success, without taking it apart.
    fn is_ok(&self) -> bool;
}

impl<T, E> IsResult for Result<T, E> {
    type Ok = T;
    type Err = E;
    fn into_result(self) -> Self {
        self
    }
    fn from_ok(value: T) -> Self {
        Ok(value)
    }
    fn from_err(error: E) -> Self {
        Err(error)
    }
    fn is_ok(&self) -> bool {
        Result::is_ok(self)
    }
}

type OkOf<F> = <<F as Future>::Output as IsResult>::Ok;
type ErrOf<F> = <<F as Future>::Output as IsResult>::Err;

slot_type! {
    /// A `try_parallel!` branch: keeps its `Ok` value, ends the group with its error
    /// converted into the group's error type `E`.
    TrySlot<F, E> holds F::Output
}

impl<F: Future, E> TrySlot<F, E>
where
    F::Output: IsResult,
{
    /// Wraps a branch future; its error converts into `E` with `From`.
    ///
    /// The bound is `Into` (that is, `From` seen from the branch's error) so that rustc waits
    /// for the branch's error type before choosing an impl: on `E: From<ErrOf<F>>` it would
    /// pick `E`'s reflexive `From<E>` and report a type mismatch instead of the missing `From`.
    pub fn new(future: F) -> Self
    where
        ErrOf<F>: Into<E>,
    {
        Self::from_future(future)
    }
}

impl<F: Future> TrySlot<F, ErrOf<F>>
where
    F::Output: IsResult,
{
    /// Wraps the first branch of a group whose error type is this branch's own.
    pub fn first(future: F) -> Self {
        Self::from_future(future)
    }
}

impl<F: Future, E> Slot for TrySlot<F, E>
where
    F::Output: IsResult,
    ErrOf<F>: Into<E>,
{
    type Output = OkOf<F>;
    type Break = E;

    fn poll_slot(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<ControlFlow<E>> {
        let mut state = self.project().state;
        match ready!(state.as_mut().poll_future(cx)).map(IsResult::into_result) {
            Some(Ok(value)) => {
                state.set(State::Done {
                    output: F::Output::from_ok(value),
                });
                Poll::Ready(ControlFlow::Continue(()))
            }
            Some(Err(error)) => {
                state.set(State::Gone);
                Poll::Ready(ControlFlow::Break(error.into()))
            }
            None => Poll::Pending,
        }
    }

    fn take(self: Pin<&mut Self>) -> Option<OkOf<F>> {
        self.project().state.take()?.into_result().ok()
    }
}

pin_project! {
    /// A `race!` branch: its output ends the group. It holds its future alone, as `select!`
    /// does: it is never polled after it completed, since the group then drops every branch.
    #[derive(Debug)]
    pub struct RaceSlot<F> {
        #[pin]
        future: F,
    }
}

impl<F: Future> RaceSlot<F> {
    /// Wraps a branch future.
    pub fn new(future: F) -> Self {
        RaceSlot { future }
    }
}

impl<F: Future> Slot for RaceSlot<F> {
    type Output = Infallible;
    type Break = F::Output;

    #[inline]
    fn poll_slot(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<ControlFlow<F::Output>> {
        self.project().future.poll(cx).map(ControlFlow::Break)
    }

    fn take(self: Pin<&mut Self>) -> Option<Infallible> {
        None
    }
}

slot_type! {
    /// A `race_ok!` branch: its `Ok` value ends the group, its error is kept in case every
    /// branch fails.
    RaceOkSlot<F> holds F::Output
}

impl<F: Future> RaceOkSlot<F>
where
    F::Output: IsResult,
{
    /// Wraps a branch future.
    pub fn new(future: F) -> Self {
        Self::from_future(future)
    }
}

impl<F: Future> Slot for RaceOkSlot<F>
where
    F::Output: IsResult,
{
    type Output = ErrOf<F>;
    type Break = OkOf<F>;

    fn poll_slot(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<ControlFlow<OkOf<F>>> {
        let mut state = self.project().state;
        match ready!(state.as_mut().poll_future(cx)).map(IsResult::into_result) {
            Some(Ok(value)) => {
                state.set(State::Gone);
                Poll::Ready(ControlFlow::Break(value))
            }
            Some(Err(error)) => {
                state.set(State::Done {
                    output: F::Output::from_err(error),
                });
                Poll::Ready(ControlFlow::Continue(()))
            }
            None => Poll::Pending,
        }
    }

    fn take(self: Pin<&mut Self>) -> Option<ErrOf<F>> {
        self.project().state.take()?.into_result().err()
    }
}

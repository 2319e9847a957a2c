//! The future behind small fixed groups: every poll polls every unfinished branch with the
//! task's own waker, as `tokio::join!` and `select!` do.
//!
//! A branch's wake is then the task's wake: no table of per-branch wakers, no record of which
//! branch woke, nothing allocated, and one copy of each branch's poll in the code. The price
//! is that a wake re-polls the group's other unfinished branches too. For a few branches that
//! is cheaper than the bookkeeping it replaces; for many it is not, so groups of more than
//! [`SMALL`] branches use [`Group`](super::Group), whose wakes cost O(1) each.

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::ops::ControlFlow;
use core::pin::Pin;
use core::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

use super::future::{Order, complete, debug_group, polled_after_completion, stop, walk};
use super::list::{Poller, Slots};
use super::slot::Slot;

/// The most branches a group polls all together on each wake. Above it the macros build a
/// [`Group`](super::Group) instead (see the crate's README, "How it runs", for the
/// measurements behind the number).
pub const SMALL: usize = 16;

pin_project! {
    /// Runs a list of at most [`SMALL`] branch slots on the polling task, polling every
    /// unfinished one on each poll, and hands the result to a finishing function.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Direct<L, F, O> {
        #[pin]
        stage: Stage<L>,
        finish: F,
        order: PhantomData<O>,
    }
}

pin_project! {
    /// The branches with their count, until the group resolves and drops them all at once
    /// (so a race's slots need no state of their own, as `select!`'s futures have none).
    #[project = StageProj]
    enum Stage<L> {
        Running {
            #[pin]
            slots: L,
            // Branches that have not completed yet.
            remaining: u32,
            // Whether the group was polled before: Tokio's budget is asked on first polls
            // only.
            started: bool,
        },
        Done,
    }
}

impl<L: Slots, F, O> Direct<L, F, O> {
    /// A group over `slots`; `finish` receives `Continue` with every kept output, or the
    /// first `Break`.
    pub fn new(slots: L, finish: F) -> Self {
        const {
            assert!(
                L::LEN <= SMALL,
                "a direct group holds at most `SMALL` branches"
            )
        };
        Direct {
            stage: Stage::Running {
                slots,
                // At most `SMALL`, checked above.
                remaining: L::LEN as u32,
                started: false,
            },
            finish,
            order: PhantomData,
        }
    }
}

impl<L, F, O: Order> fmt::Debug for Direct<L, F, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let remaining = match &self.stage {
            Stage::Running { remaining, .. } => Some(*remaining as usize),
            Stage::Done => None,
        };
        debug_group::<L, O>(f, "Direct", remaining)
    }
}

impl<L, F, T, O> Future for Direct<L, F, O>
where
    L: Slots,
    F: Fn(ControlFlow<L::Break, L::Output>) -> T,
    O: Order,
{
    type Output = T;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = self.project();
        let mut stage = this.stage;
        let StageProj::Running {
            mut slots,
            remaining,
            started,
        } = stage.as_mut().project()
        else {
            polled_after_completion(O::MACROS)
        };
        if !*started {
            // Tokio's task budget (see `coop`), on first polls only: a later poll follows a
            // wake, so the group was waiting on something. A group that yields here stays
            // unpolled.
            ready!(crate::coop::poll_proceed(cx));
            *started = true;
        }
        // A race starts each poll at a random branch, so that no branch wins ties by its
        // position.
        match poll_every::<L, O, _>(slots.as_mut(), cx, remaining) {
            Round::Stopped(early) => {
                // Every other branch is dropped before the result is handed over.
                stage.set(Stage::Done);
                Poll::Ready(stop(this.finish, early, None))
            }
            Round::Finished(outputs) => {
                stage.set(Stage::Done);
                Poll::Ready(complete(outputs, this.finish, None, O::MACROS))
            }
            Round::Waiting => Poll::Pending,
        }
    }
}

/// What a round of polls of every unfinished branch with the task's context came to.
pub(super) enum Round<B, K> {
    /// A branch ended the group: drop the others, hand this over.
    Stopped(B),
    /// Every branch completed: their kept outputs, taken (`None` if one was taken before).
    Finished(Option<K>),
    /// Some branch is still running.
    Waiting,
}

/// Polls every unfinished branch with `cx`, counting completions in `remaining`: a small
/// group's every poll, and a large group's first.
#[inline]
pub(super) fn poll_every<L, O, N>(
    mut slots: Pin<&mut L>,
    cx: &mut Context<'_>,
    remaining: &mut N,
) -> Round<L::Break, L::Output>
where
    L: Slots,
    O: Order,
    N: Copy + PartialEq + core::ops::SubAssign + From<u8>,
{
    let mut each = Each {
        cx,
        remaining: *remaining,
    };
    let polled = walk::<L, _, O>(slots.as_mut(), &mut each);
    *remaining = each.remaining;
    match polled {
        ControlFlow::Break(early) => Round::Stopped(early),
        ControlFlow::Continue(()) if each.remaining == N::from(0) => {
            Round::Finished(slots.take_all())
        }
        ControlFlow::Continue(()) => Round::Waiting,
    }
}

/// Polls each unfinished slot with the task's context and counts completions. A slot that
/// completed earlier answers `Pending` at once.
struct Each<'a, 'b, N> {
    cx: &'a mut Context<'b>,
    remaining: N,
}

impl<B, N: Copy + core::ops::SubAssign + From<u8>> Poller<B> for Each<'_, '_, N> {
    #[inline]
    fn poll<S: Slot<Break = B>>(&mut self, _: usize, slot: Pin<&mut S>) -> ControlFlow<B> {
        match slot.poll_slot(self.cx) {
            Poll::Pending => ControlFlow::Continue(()),
            Poll::Ready(ControlFlow::Continue(())) => {
                self.remaining -= N::from(1);
                ControlFlow::Continue(())
            }
            Poll::Ready(ControlFlow::Break(early)) => ControlFlow::Break(early),
        }
    }
}

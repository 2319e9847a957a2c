//! The future behind `parallel!`, `try_parallel!`, `race!` and `race_ok!` with fixed branches.

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::ops::ControlFlow;
use core::pin::Pin;
use core::task::{Context, Poll, Waker, ready};

use pin_project_lite::pin_project;

use super::direct::{Round, poll_every};
use super::list::{Poller, Slots};
use crate::wake::{WakeTable, rotate_at_random};

pin_project! {
    /// Runs a list of branch slots concurrently on the polling task and hands the result to a
    /// finishing function.
    ///
    /// For groups of more than [`SMALL`](super::SMALL) branches. The first poll polls every
    /// branch with the task's waker, as a small group does, so a group whose branches all
    /// finish at once allocates nothing. The first wake cannot tell which branch woke, so its
    /// poll polls every unfinished branch again, this time each with a waker of its own from
    /// a spare table of the thread; from then on a poll re-polls only the branches woken
    /// since the last one, in the [`Order`] `O` gives.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Group<L, F, O> {
        #[pin]
        stage: Stage<L>,
        finish: F,
        order: PhantomData<O>,
    }
}

pin_project! {
    /// The branches and their wakers, until the group resolves and drops them all at once.
    #[project = StageProj]
    enum Stage<L> {
        Running {
            #[pin]
            slots: L,
            // Set by the first wake.
            wakers: Option<Box<WakeTable>>,
            // Branches that have not completed yet.
            remaining: usize,
            // Whether the group was polled before.
            started: bool,
        },
        Done,
    }
}

/// The order in which a group polls its branches.
pub trait Order {
    /// The macros that build groups of this order, for the message of a poll after
    /// completion.
    const MACROS: &'static str;
    /// Rounds of polls start at a random branch (else at the first written).
    const RANDOM_START: bool;
    /// Later polls take woken branches strictly in written order (else races rotate it).
    const WRITTEN_ORDER: bool;
}

/// For races: every round of polls starts at a random branch, so no branch wins ties by its
/// position.
#[derive(Debug)]
pub enum Fair {}

/// For joins, where the order decides nothing: written order. A fixed start
/// keeps the first poll's branches predictable to the CPU (a random one measured 17 ns more
/// on a three-branch join).
#[derive(Debug)]
pub enum InOrder {}

/// `biased;`: always written order.
#[derive(Debug)]
pub enum Biased {}

impl Order for Fair {
    const MACROS: &'static str = "`race!` or `race_ok!`";
    const RANDOM_START: bool = true;
    const WRITTEN_ORDER: bool = false;
}

impl Order for InOrder {
    const MACROS: &'static str = "`parallel!` or `try_parallel!`";
    const RANDOM_START: bool = false;
    const WRITTEN_ORDER: bool = false;
}

impl Order for Biased {
    const MACROS: &'static str = "`race!` or `race_ok!`";
    const RANDOM_START: bool = false;
    const WRITTEN_ORDER: bool = true;
}

impl<L: Slots, F, O> Group<L, F, O> {
    /// A group over `slots`; `finish` receives `Continue` with every kept output, or the
    /// first `Break`.
    pub fn new(slots: L, finish: F) -> Self {
        Group {
            stage: Stage::Running {
                slots,
                wakers: None,
                remaining: L::LEN,
                started: false,
            },
            finish,
            order: PhantomData,
        }
    }
}

impl<L, F, O: Order> fmt::Debug for Group<L, F, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let remaining = match &self.stage {
            Stage::Running { remaining, .. } => Some(*remaining),
            Stage::Done => None,
        };
        debug_group::<L, O>(f, "Group", remaining)
    }
}

/// What both group futures show of themselves; `remaining` is `None` once resolved.
pub(super) fn debug_group<L, O: Order>(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    remaining: Option<usize>,
) -> fmt::Result {
    f.debug_struct(name)
        .field("branches", &std::any::type_name::<L>())
        .field("remaining", &remaining)
        .field("random_start", &O::RANDOM_START)
        .field("written_order", &O::WRITTEN_ORDER)
        .finish()
}

/// Polls every branch through `poller`, in written order, or for a race starting at a random
/// branch; stops at the first `Break`.
#[inline]
pub(super) fn walk<L: Slots, P: Poller<L::Break>, O: Order>(
    mut slots: Pin<&mut L>,
    poller: &mut P,
) -> ControlFlow<L::Break> {
    if O::RANDOM_START && L::LEN > 1 {
        let start = crate::rand::below(L::LEN);
        slots.as_mut().poll_range(0, &(start..L::LEN), poller)?;
        slots.poll_range(0, &(0..start), poller)
    } else {
        slots.poll_range(0, &(0..L::LEN), poller)
    }
}

impl<L, F, T, O> Future for Group<L, F, O>
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
            wakers: table,
            remaining,
            started,
        } = stage.as_mut().project()
        else {
            polled_after_completion(O::MACROS)
        };
        if !*started {
            // Tokio's task budget (see `coop`), on first polls only: a loop of groups whose
            // branches are always ready yields now and then, so it cannot starve the other
            // tasks of its runtime. A group that yields here stays unpolled.
            ready!(crate::coop::poll_proceed(cx));
            *started = true;
            // First poll: every branch with the task's waker, as a small group does, so a
            // group whose branches finish at once takes no table.
            return match poll_every::<L, O, _>(slots.as_mut(), cx, remaining) {
                Round::Stopped(early) => {
                    stage.set(Stage::Done);
                    Poll::Ready(stop(this.finish, early, None))
                }
                Round::Finished(outputs) => {
                    stage.set(Stage::Done);
                    Poll::Ready(complete(outputs, this.finish, None, O::MACROS))
                }
                Round::Waiting => Poll::Pending,
            };
        }
        // The first wake: which branch woke is unknown (they all hold the task's waker), so
        // this round polls every one, each with its own waker from now on.
        let wakers = table.get_or_insert_with(|| every_branch_due(L::LEN));

        let due = due_round(wakers, cx.waker(), O::WRITTEN_ORDER, O::RANDOM_START);
        let mut early = None;
        for &index in &due {
            let index = index as usize;
            match wakers.poll_slot(index, |cx| slots.as_mut().poll_at(index, cx)) {
                Poll::Pending => {}
                Poll::Ready(ControlFlow::Continue(())) => *remaining -= 1,
                Poll::Ready(ControlFlow::Break(stopped)) => {
                    early = Some(stopped);
                    break;
                }
            }
        }
        // Before the table is given back, so its buffer is reused by the next group too.
        wakers.recycle(due);
        if let Some(early) = early {
            let wakers = table.take();
            stage.set(Stage::Done);
            return Poll::Ready(stop(this.finish, early, wakers));
        }
        if *remaining > 0 {
            return Poll::Pending;
        }
        let wakers = table.take();
        let outputs = slots.take_all();
        stage.set(Stage::Done);
        Poll::Ready(complete(outputs, this.finish, wakers, O::MACROS))
    }
}

// The steps of a poll that do not depend on the branches, out of line: a group's `poll` is
// generated once per call site, and these need not be (`benches/src/bin/compile_cost.rs`
// measures what a group costs to build).

/// A group is a future: polled again after it resolved, it panics, as `tokio::join!`'s do.
#[cold]
#[inline(never)]
pub(crate) fn polled_after_completion(macros: &str) -> ! {
    panic!("a {macros} future was polled after it completed; a group resolves once")
}

/// A table for a group's first wake, with every branch scheduled.
#[inline(never)]
fn every_branch_due(len: usize) -> Box<WakeTable> {
    let mut wakers = WakeTable::take(len);
    for index in 0..len {
        wakers.schedule(index);
    }
    wakers
}

/// The branches a later poll polls, in order: strictly by index for `biased;`, else as due,
/// rotated to a random first one for races so that no branch wins ties of one round by its
/// position.
#[inline(never)]
fn due_round(
    wakers: &mut WakeTable,
    parent: &Waker,
    written_order: bool,
    random_start: bool,
) -> Vec<u32> {
    wakers.register(parent);
    let mut due = wakers.take_due();
    if written_order {
        due.sort_unstable();
    } else if random_start {
        rotate_at_random(&mut due);
    }
    due
}

/// Ends the group early, once every branch is dropped.
pub(super) fn stop<B, K, T>(
    finish: &impl Fn(ControlFlow<B, K>) -> T,
    early: B,
    wakers: Option<Box<WakeTable>>,
) -> T {
    // After the branches are gone, so that the table is reused only if none kept a waker.
    if let Some(wakers) = wakers {
        wakers.give_back();
    }
    finish(ControlFlow::Break(early))
}

/// Ends the group with every kept output, once every branch is dropped.
pub(super) fn complete<B, K, T>(
    outputs: Option<K>,
    finish: &impl Fn(ControlFlow<B, K>) -> T,
    wakers: Option<Box<WakeTable>>,
    macros: &str,
) -> T {
    if let Some(wakers) = wakers {
        wakers.give_back();
    }
    match outputs {
        Some(outputs) => finish(ControlFlow::Continue(outputs)),
        None => polled_after_completion(macros),
    }
}

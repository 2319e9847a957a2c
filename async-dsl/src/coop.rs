//! Taking part in Tokio's task budget, at a cost a ready group can afford.
//!
//! Tokio gives each task a budget of work per poll (128 units); its resources spend it and
//! yield when it is gone, so one task cannot starve the others. A group whose branches are
//! always ready would never yield on its own, so groups spend it too: one first poll in
//! [`EVERY`] of the groups on a thread (for a fan-out, any of its polls) (counted in a plain thread-local) spends one unit, as a
//! Tokio resource does for each operation, and yields instead when none is left. A loop of
//! always-ready groups therefore yields after at most `129 * EVERY` of them. Outside a Tokio
//! runtime the budget is unlimited.
//!
//! Measured (criterion, ready groups): asking Tokio in the prologue of every poll made a
//! three-branch join 27 → 48 ns, and one poll in 16 there still 37-42 ns; in the first-poll
//! block, one in 16 measured within noise (27-28 ns) and every one 29.5 ns. Later polls need
//! no check: they follow a wake, so the group was waiting on something.

use std::cell::Cell;
use std::task::{Context, Poll};

/// First polls of a group per unit of Tokio's budget.
pub(crate) const EVERY: u32 = 16;

thread_local! {
    static POLLS: Cell<u32> = const { Cell::new(0) };
}

/// `Pending`, with the task's waker scheduled, when this poll is one that asks and the
/// task's budget is spent: the group should yield without polling its branches. An asking
/// poll spends one unit of the budget.
#[inline]
pub(crate) fn poll_proceed(cx: &mut Context<'_>) -> Poll<()> {
    // `try_with`: a group polled while the thread's locals are torn down skips the budget.
    let ask = POLLS
        .try_with(|polls| {
            let n = polls.get().wrapping_add(1);
            polls.set(n);
            n % EVERY == 0
        })
        .unwrap_or(false);
    if ask { spend(cx) } else { Poll::Ready(()) }
}

// Out of line: the asking polls are one in `EVERY`.
#[cfg(feature = "tokio")]
#[cold]
#[inline(never)]
fn spend(cx: &mut Context<'_>) -> Poll<()> {
    let coop = std::task::ready!(tokio::task::coop::poll_proceed(cx));
    coop.made_progress();
    Poll::Ready(())
}

/// Without the `tokio` feature there is no Tokio runtime to share a budget with.
#[cfg(not(feature = "tokio"))]
fn spend(_: &mut Context<'_>) -> Poll<()> {
    Poll::Ready(())
}

/// Whether a Tokio runtime is polling this thread's work (never, without the `tokio`
/// feature): the timer choice of every wait (`option::timeout`) rests on it.
#[inline]
pub(crate) fn in_tokio_runtime() -> bool {
    #[cfg(feature = "tokio")]
    {
        tokio::runtime::Handle::try_current().is_ok()
    }
    #[cfg(not(feature = "tokio"))]
    {
        false
    }
}

//! The future behind `parallel!`, `try_parallel!`, `race!` and `race_ok!` with fixed branches.
//!
//! A macro turns each branch into a *slot* (`slot`: a join slot keeps the output, a try slot
//! stops at the first `Err`, a race slot stops at the first output, a race-ok slot at the
//! first `Ok`). The slots are chained into a typed cons list (`list`), so any number of
//! branches of any types needs neither boxing nor one copy of the code per arity. [`Group`]
//! (`future`) polls that list with the wakers of [`crate::wake`], in the [`Order`] the macro
//! chose, and hands the outputs, or the first early stop, to the expansion's finishing
//! closure.

mod direct;
mod future;
mod list;
mod slot;

pub use direct::{Direct, SMALL};
#[cfg(feature = "tracing")]
pub(crate) use future::polled_after_completion;
pub use future::{Biased, Fair, Group, InOrder, Order};
pub use list::{
    Cons, Nil, Poller, RaceOkTail, RaceTail, SameAs, SameOk, Slots, race_cons, race_ok_cons,
};
pub use slot::{IsResult, JoinSlot, RaceOkSlot, RaceSlot, Slot, TrySlot};

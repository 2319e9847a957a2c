//! Wakers per branch: how a group learns which of its branches were woken.
//!
//! [`WakeTable`] (in `table`) gives every branch slot its own waker; a wake marks the slot due
//! and wakes the polling task, so a group re-polls only what was woken. `borrowed` holds the
//! waker a group hands its branches on the first poll: it points at the stack and costs
//! nothing unless a branch clones it, and then turns into a table waker. `borrowed` is the
//! one module of the crate allowed `unsafe` code.

mod borrowed;
mod table;

pub(crate) use borrowed::FirstPollWakers;
pub(crate) use table::{WakeTable, rotate_at_random};

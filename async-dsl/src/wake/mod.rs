//! Wakers per branch: how a large group or a fan-out learns which of its branches were woken.
//!
//! [`WakeTable`] (in `table`) gives every branch slot its own waker; a wake marks the slot due
//! and wakes the polling task, so a group re-polls only what was woken.

mod table;

pub(crate) use table::{WakeTable, rotate_at_random};

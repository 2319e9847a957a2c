//! Per-branch wakers: the bookkeeping that lets a group re-poll only the branches that were
//! woken.
//!
//! Every branch slot owns one [`SlotWaker`]. Waking it pushes the slot's index onto a shared
//! ready list (once, until the group polls it again) and wakes the task that polls the group.
//! A group drains the list on each poll, so the cost of a wake is O(woken), not O(branches).
//! Slot wakers are allocated once per slot and reused for every future that slot runs, so a
//! `for` fan-out over a million items with `limit = 64` allocates 64 of them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Waker};

use futures_util::task::{ArcWake, AtomicWaker, waker_ref};

/// What every slot waker of one group shares.
#[derive(Debug, Default)]
struct Shared {
    /// The waker of the task polling the group.
    parent: AtomicWaker,
    /// Slots woken since the group last drained the list.
    woken: Mutex<Vec<u32>>,
}

#[derive(Debug)]
struct SlotWaker {
    shared: Arc<Shared>,
    index: u32,
    /// Set while the index sits on a ready list, so repeated wakes enqueue it once.
    queued: AtomicBool,
}

impl ArcWake for SlotWaker {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        if !arc_self.queued.swap(true, Ordering::AcqRel) {
            lock(&arc_self.shared.woken).push(arc_self.index);
            arc_self.shared.parent.wake();
        }
    }
}

fn lock(list: &Mutex<Vec<u32>>) -> std::sync::MutexGuard<'_, Vec<u32>> {
    // Nothing panics while the lock is held, so a poisoned list is still consistent.
    list.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The slot wakers of one group and the list of slots due for a poll.
#[derive(Debug)]
pub(crate) struct WakeTable {
    shared: Arc<Shared>,
    slots: Vec<Arc<SlotWaker>>,
    /// Slots the group itself scheduled (new work), kept apart from the locked list.
    scheduled: Vec<u32>,
}

impl WakeTable {
    /// A table with `len` slots, each due for its first poll. Unless `biased`, the first
    /// round starts at a random slot so that no branch wins ties by its position.
    pub(crate) fn new(len: usize, biased: bool) -> Self {
        let mut table = WakeTable {
            shared: Arc::default(),
            slots: Vec::with_capacity(len),
            scheduled: Vec::with_capacity(len),
        };
        table.grow(len);
        let start = if biased || len < 2 {
            0
        } else {
            crate::rand::below(len)
        };
        table
            .scheduled
            .extend((start..len).chain(0..start).map(slot_index));
        table
    }

    /// Adds slots up to `len` in total; new slots are not scheduled.
    pub(crate) fn grow(&mut self, len: usize) {
        while self.slots.len() < len {
            self.slots.push(Arc::new(SlotWaker {
                shared: Arc::clone(&self.shared),
                index: slot_index(self.slots.len()),
                queued: AtomicBool::new(true),
            }));
        }
    }

    /// Records the waker of the task polling the group; call on every poll, before polling
    /// any slot.
    pub(crate) fn register(&self, parent: &Waker) {
        self.shared.parent.register(parent);
    }

    /// Schedules slot `index` for a poll without waking anyone (the group is being polled).
    pub(crate) fn schedule(&mut self, index: usize) {
        self.slots[index].queued.store(true, Ordering::Release);
        self.scheduled.push(slot_index(index));
    }

    /// Moves the slots due for a poll into `into` (which must be empty): first those the
    /// group scheduled, then the woken ones in the order they were woken.
    pub(crate) fn drain_due(&mut self, into: &mut Vec<u32>) {
        std::mem::swap(into, &mut self.scheduled);
        let mut woken = lock(&self.shared.woken);
        if into.is_empty() {
            std::mem::swap(into, &mut woken);
        } else {
            into.append(&mut woken);
        }
    }

    /// Gives back a drained (and processed) buffer so its allocation is reused.
    pub(crate) fn recycle(&mut self, mut buffer: Vec<u32>) {
        if self.scheduled.is_empty() {
            buffer.clear();
            self.scheduled = buffer;
        }
    }

    /// Polls slot `index` through `poll`, with a context whose waker is the slot's own.
    pub(crate) fn poll_slot<R>(&self, index: usize, poll: impl FnOnce(&mut Context<'_>) -> R) -> R {
        let slot = &self.slots[index];
        // Cleared before the poll: a wake during or after it schedules the slot again.
        slot.queued.store(false, Ordering::Release);
        let waker = waker_ref(slot);
        poll(&mut Context::from_waker(&waker))
    }
}

fn slot_index(index: usize) -> u32 {
    // Groups are bounded by memory long before 2^32 live slots; saturate rather than wrap.
    u32::try_from(index).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Wake;

    struct CountingWaker(std::sync::atomic::AtomicUsize);
    impl Wake for CountingWaker {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn a_slot_woken_twice_is_due_once_and_the_parent_is_woken() {
        let parent = Arc::new(CountingWaker(Default::default()));
        let mut table = WakeTable::new(3, true);
        table.register(&Waker::from(Arc::clone(&parent)));
        let mut due = Vec::new();
        table.drain_due(&mut due);
        assert_eq!(
            due,
            [0, 1, 2],
            "every slot is due for its first poll, in order"
        );
        let saved = (0..3)
            .map(|i| table.poll_slot(i, |cx| cx.waker().clone()))
            .collect::<Vec<_>>();
        table.recycle(due);

        saved[2].wake_by_ref();
        saved[2].wake_by_ref();
        saved[0].wake_by_ref();
        let mut due = Vec::new();
        table.drain_due(&mut due);
        assert_eq!(due, [2, 0], "woken slots come in wake order, each once");
        assert_eq!(
            parent.0.load(Ordering::SeqCst),
            1,
            "the parent is woken until it re-registers"
        );
    }
}

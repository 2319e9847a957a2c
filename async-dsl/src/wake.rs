//! Per-branch wakers: the bookkeeping that lets a group re-poll only the branches that were
//! woken.
//!
//! Every branch slot owns one [`SlotWaker`]. Waking it pushes the slot's index onto a shared
//! ready list (once, until the group polls it again) and wakes the task that polls the group.
//! A group drains the list on each poll, so the cost of a wake is O(woken), not O(branches).
//! Slot wakers are allocated once per slot and reused for every future that slot runs, so a
//! `for` fan-out over a million items with `limit = 64` allocates 64 of them.

use std::cell::RefCell;
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
    /// A table with `len` slots, none of them due.
    pub(crate) fn idle(len: usize) -> Self {
        let mut table = WakeTable {
            shared: Arc::default(),
            slots: Vec::with_capacity(len),
            scheduled: Vec::new(),
        };
        table.grow(len);
        table
    }

    /// Adds slots up to `len` in total; new slots are not scheduled.
    pub(crate) fn grow(&mut self, len: usize) {
        while self.slots.len() < len {
            self.slots.push(Arc::new(SlotWaker {
                shared: Arc::clone(&self.shared),
                index: slot_index(self.slots.len()),
                queued: AtomicBool::new(false),
            }));
        }
    }

    /// Records the waker of the task polling the group; call on every poll, before polling
    /// any slot.
    pub(crate) fn register(&self, parent: &Waker) {
        self.shared.parent.register(parent);
    }

    /// Schedules slot `index` for a poll without waking anyone (the group is being polled);
    /// a slot already due is not scheduled twice.
    pub(crate) fn schedule(&mut self, index: usize) {
        if !self.slots[index].queued.swap(true, Ordering::AcqRel) {
            self.scheduled.push(slot_index(index));
        }
    }

    /// A waker for slot `index` that may be kept.
    pub(crate) fn waker(&self, index: usize) -> Waker {
        futures_util::task::waker(Arc::clone(&self.slots[index]))
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

    /// A table with at least `len` slots, none of them due: a spare one of this thread's if
    /// there is one, so that a group that runs often allocates its wakers once.
    pub(crate) fn take(len: usize) -> Box<WakeTable> {
        match SPARE
            .try_with(|spare| spare.borrow_mut().pop())
            .ok()
            .flatten()
        {
            Some(mut table) => {
                table.grow(len);
                table
            }
            None => Box::new(WakeTable::idle(len)),
        }
    }

    /// Keeps the table as a spare for [`WakeTable::take`] when nothing outside it still holds
    /// one of its wakers (then no stale wake can reach the next group); drops it otherwise.
    pub(crate) fn give_back(mut self: Box<Self>) {
        let alone = Arc::strong_count(&self.shared) == 1 + self.slots.len()
            && self.slots.iter().all(|slot| Arc::strong_count(slot) == 1);
        if !alone || self.slots.len() > SPARE_SLOTS {
            return;
        }
        drop(self.shared.parent.take());
        lock(&self.shared.woken).clear();
        for slot in &self.slots {
            slot.queued.store(false, Ordering::Relaxed);
        }
        self.scheduled.clear();
        let _ = SPARE.try_with(|spare| {
            let mut spare = spare.borrow_mut();
            if spare.len() < SPARE_TABLES {
                spare.push(self);
            }
        });
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

/// Spare tables a thread keeps, and the most slots a kept table may have: enough for nested
/// groups and the branch counts people write, small enough to be no memory concern.
const SPARE_TABLES: usize = 16;
const SPARE_SLOTS: usize = 64;

thread_local! {
    // Boxed: a table moves between a group and this list whole, never its contents.
    #[allow(clippy::vec_box)]
    static SPARE: RefCell<Vec<Box<WakeTable>>> = const { RefCell::new(Vec::new()) };
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
        let mut table = WakeTable::idle(3);
        table.register(&Waker::from(Arc::clone(&parent)));
        (0..3).for_each(|i| table.schedule(i));
        table.schedule(1);
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

    #[test]
    fn a_table_is_reused_only_when_none_of_its_wakers_is_held_elsewhere() {
        let held = WakeTable::take(2);
        let held_shared = Arc::as_ptr(&held.shared);
        let escaped = held.waker(1);
        held.give_back();
        let fresh = WakeTable::take(2);
        assert_ne!(
            Arc::as_ptr(&fresh.shared),
            held_shared,
            "a table with a live waker is not reused"
        );
        drop(escaped);

        let fresh_shared = Arc::as_ptr(&fresh.shared);
        fresh.waker(0).wake_by_ref();
        fresh.give_back();
        let mut reused = WakeTable::take(3);
        assert_eq!(
            Arc::as_ptr(&reused.shared),
            fresh_shared,
            "a table nobody else holds is reused"
        );
        let mut due = Vec::new();
        reused.drain_due(&mut due);
        assert!(due.is_empty(), "a reused table starts with nothing due");
        assert_eq!(reused.slots.len(), 3, "and grows to the size asked for");
    }
}

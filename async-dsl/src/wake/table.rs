//! Per-branch wakers: the bookkeeping that lets a group re-poll only the branches that were
//! woken.
//!
//! Every branch slot owns one slot waker. Waking it marks the slot due (once, until the group
//! polls it again) and wakes the task that polls the group; a group polls only the slots due,
//! so the cost of a wake is O(1) and of a poll O(woken), not O(branches). Slots 0 to 63 are
//! marked in one atomic bit mask (a wake is one `fetch_or`, a drain one `swap`); any further
//! slots go on a locked list. Slot wakers are allocated once per slot and reused for every
//! future that slot runs, so a `for` fan-out over a million items with `limit = 64`
//! allocates 64 of them, and fixed groups reuse whole tables per thread.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::sync::AtomicU64;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Waker};

use futures_util::task::{ArcWake, AtomicWaker, WakerRef, waker_ref};

/// Slots below this index are marked in the bit mask.
const MASKED: usize = 64;

/// What every slot waker of one group shares.
#[derive(Debug, Default)]
struct Shared {
    /// The waker of the task polling the group.
    parent: AtomicWaker,
    /// Slots `0..64` woken since the group last drained.
    low: AtomicU64,
    /// Slots from 64 on woken since the group last drained, in wake order.
    high: Mutex<Vec<u32>>,
}

#[derive(Debug)]
struct SlotWaker {
    shared: Arc<Shared>,
    index: u32,
    /// For slots from 64 on: set while the index sits on the list, so it is listed once.
    queued: AtomicBool,
}

impl ArcWake for SlotWaker {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        let shared = &arc_self.shared;
        let index = arc_self.index as usize;
        let newly_due = if index < MASKED {
            mark_due(&shared.low, index)
        } else if !arc_self.queued.swap(true, Ordering::AcqRel) {
            lock(&shared.high).push(arc_self.index);
            true
        } else {
            false
        };
        if newly_due {
            shared.parent.wake();
        }
    }
}

/// Marks masked slot `index` due; true if it was not due yet (then the parent is woken).
/// One `fetch_or`: a wake racing a drain is seen by that drain or left for the next one.
fn mark_due(mask: &AtomicU64, index: usize) -> bool {
    let bit = 1 << index;
    mask.fetch_or(bit, Ordering::AcqRel) & bit == 0
}

/// Takes every masked slot marked due since the last drain.
fn drain_due(mask: &AtomicU64) -> u64 {
    mask.swap(0, Ordering::AcqRel)
}

fn lock(list: &Mutex<Vec<u32>>) -> std::sync::MutexGuard<'_, Vec<u32>> {
    // Nothing panics while the lock is held, so a poisoned list is still consistent.
    list.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The slot wakers of one group and the record of which slots are due for a poll.
#[derive(Debug)]
pub(crate) struct WakeTable {
    shared: Arc<Shared>,
    slots: Vec<Arc<SlotWaker>>,
    /// Slots the group itself scheduled (new work): `0..64` as bits, the rest listed.
    scheduled_low: u64,
    scheduled_high: Vec<u32>,
    /// The buffer `take_due` lends out, kept to reuse its allocation.
    due: Vec<u32>,
}

impl WakeTable {
    /// A table with `len` slots, none of them due.
    pub(crate) fn idle(len: usize) -> Self {
        let mut table = WakeTable {
            shared: Arc::default(),
            slots: Vec::with_capacity(len),
            scheduled_low: 0,
            scheduled_high: Vec::new(),
            due: Vec::new(),
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
        if index < MASKED {
            self.scheduled_low |= 1 << index;
        } else if !self.slots[index].queued.swap(true, Ordering::AcqRel) {
            self.scheduled_high.push(slot_index(index));
        }
    }

    /// The slots due for a poll, each once: slots `0..64` in index order, then the others,
    /// those the group scheduled first. Hand the buffer back with [`WakeTable::recycle`].
    pub(crate) fn take_due(&mut self) -> Vec<u32> {
        let mut due = std::mem::take(&mut self.due);
        let mut low = std::mem::take(&mut self.scheduled_low) | drain_due(&self.shared.low);
        while low != 0 {
            due.push(low.trailing_zeros());
            low &= low - 1;
        }
        if self.slots.len() > MASKED {
            due.append(&mut self.scheduled_high);
            due.append(&mut lock(&self.shared.high));
        }
        due
    }

    /// Gives back the buffer of [`WakeTable::take_due`], so its allocation is reused.
    pub(crate) fn recycle(&mut self, mut due: Vec<u32>) {
        due.clear();
        self.due = due;
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
        // Spares have at most `MASKED` slots, so only the mask needs resetting.
        // Only slot wakers hold `shared`, so the table is alone exactly when this table is the
        // one owner of every slot waker. `Arc::get_mut` says that with the synchronisation a
        // unique owner needs (it sees a clone dropped on another thread just now); comparing
        // `strong_count` promises nothing of the kind.
        let alone = self
            .slots
            .iter_mut()
            .all(|slot| Arc::get_mut(slot).is_some());
        if !alone || self.slots.len() > MASKED {
            return;
        }
        drop(self.shared.parent.take());
        self.shared.low.store(0, Ordering::Relaxed);
        self.scheduled_low = 0;
        let _ = SPARE.try_with(|spare| {
            let mut spare = spare.borrow_mut();
            if spare.len() < SPARE_TABLES {
                spare.push(self);
            }
        });
    }

    /// Polls slot `index` through `poll`, with a context whose waker is the slot's own.
    pub(crate) fn poll_slot<R>(&self, index: usize, poll: impl FnOnce(&mut Context<'_>) -> R) -> R {
        let waker = self.slot_waker(index);
        poll(&mut Context::from_waker(&waker))
    }

    /// Slot `index`'s waker, lent for one poll of the slot. Inlined: out of line, it made a
    /// 12-branch group's waiting polls 25% slower (criterion), for 2% less code.
    #[inline]
    fn slot_waker(&self, index: usize) -> WakerRef<'_> {
        let slot = &self.slots[index];
        if index >= MASKED {
            // Cleared before the poll: a wake during or after it lists the slot again.
            slot.queued.store(false, Ordering::Release);
        }
        waker_ref(slot)
    }
}

/// Spare tables a thread keeps: enough for nested groups, small enough to be no memory
/// concern (a spare has at most 64 slots).
const SPARE_TABLES: usize = 16;

thread_local! {
    // Boxed: a table moves between a group and this list whole, never its contents.
    #[allow(clippy::vec_box)]
    static SPARE: RefCell<Vec<Box<WakeTable>>> = const { RefCell::new(Vec::new()) };
}

/// Rotates a round of due slots to start at a random one, so that when several are due in
/// the same round none wins by its position (races, and `race!`'s `for` form).
pub(crate) fn rotate_at_random(due: &mut [u32]) {
    if due.len() > 1 {
        let shift = crate::rand::below(due.len());
        due.rotate_left(shift);
    }
}

fn slot_index(index: usize) -> u32 {
    // Groups are bounded by memory long before 2^32 live slots; saturate rather than wrap.
    u32::try_from(index).unwrap_or(u32::MAX)
}

#[cfg(all(test, not(async_dsl_loom)))]
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
    fn a_slot_woken_twice_is_due_once_and_the_parent_is_woken_once() {
        let parent = Arc::new(CountingWaker(Default::default()));
        let mut table = WakeTable::idle(3);
        table.register(&Waker::from(Arc::clone(&parent)));
        (0..3).for_each(|i| table.schedule(i));
        table.schedule(1);
        let due = table.take_due();
        assert_eq!(due, [0, 1, 2], "scheduled slots come in order, each once");
        let saved = (0..3)
            .map(|i| table.poll_slot(i, |cx| cx.waker().clone()))
            .collect::<Vec<_>>();
        table.recycle(due);

        saved[2].wake_by_ref();
        saved[2].wake_by_ref();
        saved[0].wake_by_ref();
        let due = table.take_due();
        assert_eq!(due, [0, 2], "woken slots come each once");
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
        let escaped = held.poll_slot(1, |cx| cx.waker().clone());
        held.give_back();
        let fresh = WakeTable::take(2);
        assert_ne!(
            Arc::as_ptr(&fresh.shared),
            held_shared,
            "a table with a live waker is not reused"
        );
        drop(escaped);

        let fresh_shared = Arc::as_ptr(&fresh.shared);
        fresh.poll_slot(0, |cx| cx.waker().clone()).wake_by_ref();
        fresh.give_back();
        let mut reused = WakeTable::take(3);
        assert_eq!(
            Arc::as_ptr(&reused.shared),
            fresh_shared,
            "a table nobody else holds is reused"
        );
        assert!(
            reused.take_due().is_empty(),
            "a reused table starts with nothing due"
        );
        assert_eq!(reused.slots.len(), 3, "and grows to the size asked for");
    }

    #[test]
    fn slots_past_the_mask_are_listed_in_wake_order_each_once() {
        let mut table = WakeTable::idle(70);
        let wakers: Vec<Waker> = (0..70)
            .map(|i| table.poll_slot(i, |cx| cx.waker().clone()))
            .collect();
        wakers[69].wake_by_ref();
        wakers[3].wake_by_ref();
        wakers[66].wake_by_ref();
        wakers[69].wake_by_ref();
        table.schedule(65);
        table.schedule(1);
        assert_eq!(table.take_due(), [1, 3, 65, 69, 66]);
        table.poll_slot(69, |_| ());
        wakers[69].wake_by_ref();
        assert_eq!(
            table.take_due(),
            [69],
            "polling a listed slot lets it be listed again"
        );
    }
}

/// Loom models of the wake mask (run by `.ci/run` under `--cfg async_dsl_loom`).
#[cfg(all(test, async_dsl_loom))]
mod loom_models {
    use super::{drain_due, mark_due};
    use crate::sync::AtomicU64;
    use loom::sync::Arc;
    use loom::thread;

    /// Two branches woken from two threads while the group drains: every wake is seen by
    /// exactly one drain, and the parent is woken for each newly due slot.
    #[test]
    fn no_wake_is_lost_or_seen_twice() {
        loom::model(|| {
            let mask = Arc::new(AtomicU64::new(0));
            let wakers: Vec<_> = [3usize, 40]
                .into_iter()
                .map(|index| {
                    let mask = Arc::clone(&mask);
                    thread::spawn(move || mark_due(&mask, index))
                })
                .collect();
            let first = drain_due(&mask);
            let woke: Vec<bool> = wakers.into_iter().map(|w| w.join().unwrap()).collect();
            let second = drain_due(&mask);
            assert_eq!(first & second, 0, "a wake seen by two drains");
            assert_eq!(first | second, (1 << 3) | (1 << 40), "a wake lost");
            assert_eq!(woke, [true, true], "each newly due slot wakes the parent");
        });
    }

    /// The same slot woken twice before a drain wakes the parent once.
    #[test]
    fn a_slot_woken_twice_wakes_the_parent_once() {
        loom::model(|| {
            let mask = Arc::new(AtomicU64::new(0));
            let other = Arc::clone(&mask);
            let a = thread::spawn(move || mark_due(&other, 5));
            let b = mark_due(&mask, 5);
            let a = a.join().unwrap();
            assert!(
                a ^ b,
                "exactly one of two wakes of one slot wakes the parent"
            );
            assert_eq!(drain_due(&mask), 1 << 5);
        });
    }
}

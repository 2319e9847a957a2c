//! A branch waker that costs nothing unless the branch keeps it.
//!
//! A group's first poll gives each branch a *borrowed* waker that points at a probe on the
//! stack of that poll. Waking it by reference records the branch as due and wakes the task;
//! cloning it (which a branch does to be woken later, after the poll) creates the group's
//! [`WakeTable`] and hands out that table's ordinary, reference-counted waker for the branch.
//! So a group whose branches finish in their first poll allocates nothing, like
//! `tokio::join!`, and every waker that outlives a poll is a safe `Arc` waker.
//!
//! This is the crate's only `unsafe` code. It pays: the `join 3 ready` benchmark measured
//! 147 ns with a table allocated up front against 25 ns for `tokio::join!` (see the README).

#![allow(unsafe_code)]

use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::task::{Context, RawWaker, RawWakerVTable, Waker};

use super::table::WakeTable;

/// The state borrowed wakers of one first poll share.
pub(crate) struct FirstPollWakers<'a> {
    parent: &'a Waker,
    len: usize,
    table: OnceLock<Box<WakeTable>>,
    /// Branches woken by reference during the first poll: the first 64 as bits (no
    /// allocation), any others in a list.
    woken_bits: AtomicU64,
    woken_more: Mutex<Vec<u32>>,
}

// A borrowed waker may be used from another thread while the poll lasts (a scoped thread
// can borrow `cx.waker()`), so what its probe points at must be `Sync`.
const _: () = {
    const fn assert_sync<T: Sync>() {}
    assert_sync::<FirstPollWakers<'static>>();
    assert_sync::<Probe<'static>>();
};

/// What a borrowed waker's data pointer points at.
struct Probe<'a> {
    first_wakers: &'a FirstPollWakers<'a>,
    index: usize,
}

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_borrowed);

impl<'a> FirstPollWakers<'a> {
    /// Borrowed wakers for `len` branches of a group polled by `parent`.
    pub(crate) fn new(parent: &'a Waker, len: usize) -> Self {
        FirstPollWakers {
            parent,
            len,
            table: OnceLock::new(),
            woken_bits: AtomicU64::new(0),
            woken_more: Mutex::new(Vec::new()),
        }
    }

    /// Polls branch `index` through `poll` with a borrowed waker.
    pub(crate) fn poll<R>(&self, index: usize, poll: impl FnOnce(&mut Context<'_>) -> R) -> R {
        let probe = Probe {
            first_wakers: self,
            index,
        };
        // SAFETY: the waker's data points at `probe`, which lives until the end of this
        // function, and the waker cannot outlive it: it is dropped at the end of this
        // function (declared after `probe`, so dropped first), it is reachable only through
        // the `&mut Context` lent to `poll` for this call, and a `Context` gives out only
        // `&Waker`, so nothing can move the waker out. Code that keeps a waker past the call
        // must clone it, and `clone` returns an independent `Arc` waker. Every vtable
        // function reads the probe through a shared reference, and `Probe` is `Sync` (checked
        // above), so uses from other threads during the call are sound.
        let waker = unsafe { Waker::from_raw(RawWaker::new((&raw const probe).cast(), &VTABLE)) };
        poll(&mut Context::from_waker(&waker))
    }

    /// The table, if a branch kept its waker, and the branches woken by reference.
    pub(crate) fn into_parts(self) -> (Option<Box<WakeTable>>, impl Iterator<Item = usize>) {
        let bits = self.woken_bits.into_inner();
        let more = self
            .woken_more
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        // Only the set bits, lowest first.
        let low = std::iter::successors((bits != 0).then_some(bits), |&rest| {
            let rest = rest & (rest - 1); // `rest` is never zero here
            (rest != 0).then_some(rest)
        })
        .map(|rest| rest.trailing_zeros() as usize);
        (
            self.table.into_inner(),
            low.chain(more.into_iter().map(|i| i as usize)),
        )
    }

    /// A waker for branch `index` that may be kept: the table's.
    fn keep(&self, index: usize) -> Waker {
        let table = self.table.get_or_init(|| {
            let table = WakeTable::take(self.len);
            // Registered at once: the kept waker may fire before the first poll ends.
            table.register(self.parent);
            table
        });
        table.waker(index)
    }

    fn wake(&self, index: usize) {
        if index < 64 {
            self.woken_bits.fetch_or(1 << index, Ordering::AcqRel);
        } else {
            self.woken_more
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(index as u32);
        }
        self.parent.wake_by_ref();
    }
}

/// # Safety
/// `data` must be the pointer `FirstPollWakers::poll` made, during that call.
unsafe fn probe<'a>(data: *const ()) -> &'a Probe<'a> {
    // SAFETY: the caller guarantees `data` points at a live `Probe` (see `FirstPollWakers::poll`).
    unsafe { &*data.cast::<Probe<'a>>() }
}

unsafe fn clone(data: *const ()) -> RawWaker {
    // SAFETY: the standard library calls vtable functions only with the data pointer of a
    // waker built from this vtable, and those exist only inside `FirstPollWakers::poll`.
    let probe = unsafe { probe(data) };
    let kept = ManuallyDrop::new(probe.first_wakers.keep(probe.index));
    // Ownership of the kept waker's reference passes to the returned `RawWaker`.
    RawWaker::new(kept.data(), kept.vtable())
}

unsafe fn wake_by_ref(data: *const ()) {
    // SAFETY: as in `clone`.
    let probe = unsafe { probe(data) };
    probe.first_wakers.wake(probe.index);
}

unsafe fn wake(data: *const ()) {
    // A borrowed waker owns nothing, so waking by value is waking by reference.
    // SAFETY: as in `clone`.
    unsafe { wake_by_ref(data) }
}

unsafe fn drop_borrowed(_: *const ()) {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;

    struct Counter(AtomicUsize);
    impl Wake for Counter {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn a_borrowed_waker_allocates_nothing_until_kept_and_the_kept_one_outlives_the_poll() {
        let counter = Arc::new(Counter(AtomicUsize::new(0)));
        let parent = Waker::from(Arc::clone(&counter));
        let first_wakers = FirstPollWakers::new(&parent, 71);

        first_wakers.poll(0, |cx| cx.waker().wake_by_ref());
        assert!(
            first_wakers.table.get().is_none(),
            "waking by reference creates no table"
        );
        first_wakers.poll(70, |cx| cx.waker().wake_by_ref());
        assert_eq!(
            counter.0.load(Ordering::SeqCst),
            2,
            "each wake by reference wakes the parent"
        );

        let kept = first_wakers.poll(2, |cx| {
            let kept = cx.waker().clone();
            assert!(
                !kept.will_wake(cx.waker()),
                "the kept waker is the table's, not the probe"
            );
            // Used from another thread while the poll lasts.
            let waker = cx.waker();
            std::thread::scope(|s| {
                s.spawn(|| waker.wake_by_ref());
            });
            kept
        });
        let (table, woken) = first_wakers.into_parts();
        let mut table = table.expect("cloning created the table");
        assert_eq!(woken.collect::<Vec<_>>(), [0, 2, 70]);

        kept.wake_by_ref();
        let due = table.take_due();
        assert_eq!(
            due,
            [2],
            "the kept waker wakes its own branch through the table"
        );
        assert_eq!(counter.0.load(Ordering::SeqCst), 4);
        drop(table);
        kept.wake(); // the table is gone; the kept waker is still valid
    }
}

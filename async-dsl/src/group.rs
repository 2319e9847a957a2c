//! The future behind `parallel!`, `try_parallel!`, `race!` and `race_ok!` with fixed branches.

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::ops::ControlFlow;
use core::pin::Pin;
use core::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::slot::Slots;
use crate::wake::WakeTable;

pin_project! {
    /// Runs a list of branch slots concurrently on the polling task and hands the result to a
    /// finishing function.
    ///
    /// Each branch has its own waker; a poll re-polls only the branches woken since the last
    /// one. The first poll starts at a random branch unless `O` is [`Biased`], so no branch wins ties
    /// by its position.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Group<L, F, O> {
        #[pin]
        slots: L,
        // Boxed and created on the first poll: a group that is never polled allocates
        // nothing, and the future stays one pointer larger than its branches.
        table: Option<Box<Progress>>,
        finish: F,
        order: PhantomData<O>,
    }
}

/// The order in which a group polls its branches.
pub trait Order {
    /// Written order when true; a random start on the first poll otherwise.
    const BIASED: bool;
}

/// Random start on the first poll, then wake order.
#[derive(Debug)]
pub enum Fair {}

/// Written order (`biased;`).
#[derive(Debug)]
pub enum Biased {}

impl Order for Fair {
    const BIASED: bool = false;
}

impl Order for Biased {
    const BIASED: bool = true;
}

struct Progress {
    wakers: WakeTable,
    /// Branches that have not completed yet.
    remaining: usize,
}

impl<L, F, O> Group<L, F, O> {
    /// A group over `slots`; `finish` receives `Continue` with every kept output, or the
    /// first `Break`.
    pub fn new(slots: L, finish: F) -> Self {
        Group {
            slots,
            table: None,
            finish,
            order: PhantomData,
        }
    }
}

impl<L, F, O: Order> fmt::Debug for Group<L, F, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Group")
            .field("branches", &std::any::type_name::<L>())
            .field("remaining", &self.table.as_ref().map(|t| t.remaining))
            .field("biased", &O::BIASED)
            .finish()
    }
}

impl<L, F, T, O> Future for Group<L, F, O>
where
    L: Slots,
    F: Fn(ControlFlow<L::Break, L::Output>) -> T,
    O: Order,
{
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = self.project();
        let mut slots = this.slots;
        let progress = this.table.get_or_insert_with(|| {
            Box::new(Progress {
                wakers: WakeTable::new(L::LEN, O::BIASED),
                remaining: L::LEN,
            })
        });
        progress.wakers.register(cx.waker());

        let mut due = Vec::new();
        progress.wakers.drain_due(&mut due);
        if O::BIASED {
            due.sort_unstable();
        }
        for &index in &due {
            let index = index as usize;
            let polled = progress
                .wakers
                .poll_slot(index, |cx| slots.as_mut().poll_at(index, cx));
            match polled {
                Poll::Pending => {}
                Poll::Ready(ControlFlow::Continue(())) => progress.remaining -= 1,
                Poll::Ready(ControlFlow::Break(early)) => {
                    // Every other branch is dropped before the result is handed over.
                    slots.as_mut().clear_all();
                    return Poll::Ready((this.finish)(ControlFlow::Break(early)));
                }
            }
        }
        progress.wakers.recycle(due);

        if progress.remaining > 0 {
            return Poll::Pending;
        }
        match slots.take_all() {
            Some(outputs) => Poll::Ready((this.finish)(ControlFlow::Continue(outputs))),
            None => panic!("`async_dsl` group polled after it completed"),
        }
    }
}

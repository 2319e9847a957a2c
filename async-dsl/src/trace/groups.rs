//! The spans of groups and their branches.
//!
//! The expansion wraps each branch in a [`Branch`] and the whole group in a [`Traced`].
//! Both create their span on their first poll, not where the macro stands: by then the
//! group's span is entered around the group's poll, so a branch's span finds its parent as
//! the current span, and a group nested in a branch finds that branch's span. No handle
//! passes from group to branch, so the expansion stays one expression (temporaries in the
//! branch expressions live as long as they do without the feature).
//!
//! What a group records when it resolves (its winner, its failed branch, how many branches
//! were dropped unfinished) is learned from its branches through a tally of the thread:
//! every branch of a group is polled and dropped inside the group's poll, and each poll of a
//! group opens a fresh tally and restores the one outside it, so nested groups keep apart.
//!
//! With no subscriber interested at `INFO` (one load of the level), a group or branch makes,
//! enters and tallies nothing: its poll and its drop take small paths of their own, which
//! the group's poll inlines as it inlines an untraced branch; the traced paths are out of
//! line.

use core::cell::Cell;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use pin_project_lite::pin_project;
use tracing::Span;
use tracing::field::Empty;

use crate::fan_out::collect::Collect;
use crate::fan_out::{FanOut, IntoSource};
use crate::group::{Fair, InOrder, IsResult, Order, polled_after_completion};

/// The macro behind a group: its span's name, and what the span records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `parallel!`: fields `file`, `line`.
    Parallel,
    /// `try_parallel!`: also `failed` (the branch whose error ended it) and `cancelled`.
    TryParallel,
    /// `race!`: also `winner` and `cancelled`.
    Race,
    /// `race_ok!`: also `winner` (none if every branch failed) and `cancelled`.
    RaceOk,
}

impl Kind {
    /// The macros a group's panic names: the words of the untraced group's, so a panic
    /// message does not change with the feature.
    fn macros(self) -> &'static str {
        match self {
            Kind::Parallel | Kind::TryParallel => <InOrder as Order>::MACROS,
            Kind::Race | Kind::RaceOk => <Fair as Order>::MACROS,
        }
    }
}

/// A branch as its span's `name` field shows it: its name in the named form, its position
/// in the positional form, its item's index in the `for` form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name {
    /// `name => future`.
    Named(&'static str),
    /// A position or an item's index.
    Index(usize),
}

// For any lifetime, not only `'static`: a spawned group's `Send` check asks for it so.
impl From<&Name> for Name {
    #[inline]
    fn from(name: &Name) -> Name {
        *name
    }
}

/// What one poll of a group learned from its branches.
#[derive(Debug, Clone, Copy)]
struct Tally {
    /// The branch whose output decided the group.
    decided: Option<Name>,
    /// Branches dropped before they finished.
    cancelled: u64,
}

const FRESH: Tally = Tally {
    decided: None,
    cancelled: 0,
};

thread_local! {
    /// The tally of the innermost group being polled (or dropped) on this thread.
    static TALLY: Cell<Tally> = const { Cell::new(FRESH) };
}

/// Changes the current tally. A branch dropped while the thread's locals are torn down
/// reports nothing.
fn note(change: impl FnOnce(&mut Tally)) {
    let _ = TALLY.try_with(|cell| {
        let mut tally = cell.get();
        change(&mut tally);
        cell.set(tally);
    });
}

/// A fresh tally for one poll or drop of a group; the outer one comes back when it ends,
/// by a panic too.
struct Scope {
    outer: Tally,
}

impl Scope {
    fn open() -> Self {
        Scope {
            outer: TALLY.try_with(|cell| cell.replace(FRESH)).unwrap_or(FRESH),
        }
    }

    fn tally(&self) -> Tally {
        TALLY.try_with(Cell::get).unwrap_or(FRESH)
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        let _ = TALLY.try_with(|cell| cell.set(self.outer));
    }
}

pin_project! {
    /// A future, then nothing once it completed or was dropped in its span.
    #[project = StageProj]
    enum Stage<F> {
        Running { #[pin] future: F },
        Done,
    }
}

impl<F: Future> Stage<F> {
    /// Polls the future; once it is ready, drops it and returns its output. `None` if it
    /// had completed already.
    #[inline]
    fn poll_to_end(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Option<Poll<F::Output>> {
        let output = match self.as_mut().project() {
            StageProj::Running { future } => match future.poll(cx) {
                Poll::Pending => return Some(Poll::Pending),
                Poll::Ready(output) => output,
            },
            StageProj::Done => return None,
        };
        self.set(Stage::Done);
        Some(Poll::Ready(output))
    }
}

/// A branch is polled once more after it completed: never by the library's groups.
#[cold]
#[inline(never)]
fn branch_polled_again() -> ! {
    panic!("a group's branch was polled after it completed")
}

/// Whether any subscriber may want the library's spans (all are at `INFO`): one load. With
/// none, a group or branch makes, enters, records and tallies nothing.
#[inline]
fn active() -> bool {
    tracing::level_enabled!(tracing::Level::INFO)
}

/// The span in `slot`, made by `make` if there is none yet and kept only if a subscriber
/// wants it. Tried again on every poll until it is kept, so a subscriber installed later
/// sees the rest of the run.
#[inline]
fn made(slot: &mut Option<Span>, make: impl FnOnce() -> Span) -> Option<&Span> {
    if slot.is_none() && active() {
        let span = make();
        if !span.is_disabled() {
            *slot = Some(span);
        }
    }
    slot.as_ref()
}

/// What a branch's output tells its group's span.
pub trait Outcome<T> {
    /// Whether `output` decided the group: a race's winner, a `try_parallel!`'s failure.
    fn decides(output: &T) -> bool;
}

/// A `parallel!` branch: no output decides.
#[derive(Debug)]
pub enum Joined {}

/// A `race!` branch: any output wins.
#[derive(Debug)]
pub enum Won {}

/// A `race_ok!` branch: an `Ok` wins.
#[derive(Debug)]
pub enum WonIfOk {}

/// A `try_parallel!` branch: an `Err` ends the group.
#[derive(Debug)]
pub enum FailedIfErr {}

impl<T> Outcome<T> for Joined {
    fn decides(_: &T) -> bool {
        false
    }
}

impl<T> Outcome<T> for Won {
    fn decides(_: &T) -> bool {
        true
    }
}

impl<T: IsResult> Outcome<T> for WonIfOk {
    fn decides(output: &T) -> bool {
        output.is_ok()
    }
}

impl<T: IsResult> Outcome<T> for FailedIfErr {
    fn decides(output: &T) -> bool {
        !output.is_ok()
    }
}

pin_project! {
    /// A branch that runs inside a span named `branch`, entered only while it is polled
    /// (and while it is dropped). Outermost around the branch, outside `spawn;`: a spawned
    /// branch is spawned inside this span, so its task runs in it too.
    ///
    /// # Cancel safety
    /// As the branch it wraps; dropped before it finished, it counts as cancelled in its
    /// group's span.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Branch<F, K, L> {
        #[pin]
        stage: Stage<F>,
        name: L,
        span: Option<Span>,
        outcome: PhantomData<fn() -> K>,
    }

    impl<F, K, L> PinnedDrop for Branch<F, K, L> {
        // Kept small, the unfinished case out of line: a finished branch's drop is inlined
        // into its group's.
        fn drop(this: Pin<&mut Self>) {
            if matches!(this.stage, Stage::Running { .. }) {
                let this = this.project();
                dropped_unfinished(this.stage, this.span.as_ref());
            }
        }
    }
}

/// A branch dropped before it finished: it counts as cancelled, and its future is dropped
/// in its span.
#[inline(never)]
fn dropped_unfinished<F>(mut stage: Pin<&mut Stage<F>>, span: Option<&Span>) {
    if active() {
        note(|tally| tally.cancelled += 1);
    }
    let _entered = span.map(Span::enter);
    stage.set(Stage::Done);
}

impl<F, K, L: Copy + Into<Name>> core::fmt::Debug for Branch<F, K, L> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Branch")
            .field("name", &self.name.into())
            .field("done", &matches!(self.stage, Stage::Done))
            .finish_non_exhaustive()
    }
}

/// `future` as the branch `name` of a group, reporting to the group as `K` says. The name
/// is a `&'static Name` (a constant of the expansion's, so a branch holds one reference) or,
/// in the `for` form, a [`Name`] itself.
pub fn branch<K, F, L>(name: L, future: F) -> Branch<F, K, L>
where
    F: Future,
    K: Outcome<F::Output>,
    L: Copy + Into<Name>,
{
    Branch {
        stage: Stage::Running { future },
        name,
        span: None,
        outcome: PhantomData,
    }
}

impl<F, K, L> Future for Branch<F, K, L>
where
    F: Future,
    K: Outcome<F::Output>,
    L: Copy + Into<Name>,
{
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // With no subscriber, the branch as it is: this path stays small enough for the
        // group's poll to inline it, as it inlines an untraced branch.
        if self.span.is_none() && !active() {
            return match self.project().stage.poll_to_end(cx) {
                Some(poll) => poll,
                None => branch_polled_again(),
            };
        }
        self.poll_traced(cx)
    }
}

impl<F, K, L> Branch<F, K, L>
where
    F: Future,
    K: Outcome<F::Output>,
    L: Copy + Into<Name>,
{
    /// A poll with a subscriber: in the branch's span, and reporting what decided.
    #[inline(never)]
    fn poll_traced(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let mut this = self.project();
        let name = (*this.name).into();
        let span = made(this.span, || branch_span(name));
        let entered = span.map(Span::enter);
        // Finished, the future is dropped inside the span.
        let output = match this.stage.as_mut().poll_to_end(cx) {
            Some(Poll::Ready(output)) => output,
            Some(Poll::Pending) => return Poll::Pending,
            None => branch_polled_again(),
        };
        drop(entered);
        if K::decides(&output) && active() {
            note(|tally| tally.decided = Some(name));
        }
        Poll::Ready(output)
    }
}

/// The span of a branch, a child of the current span (its group's, entered around the poll
/// that creates it).
#[inline(never)]
fn branch_span(name: Name) -> Span {
    match name {
        Name::Named(name) => tracing::info_span!(target: "async_dsl", "branch", name),
        Name::Index(name) => tracing::info_span!(target: "async_dsl", "branch", name),
    }
}

pin_project! {
    /// A group that runs inside a span named after its macro, entered while it is polled.
    /// When it resolves, the span records what decided it.
    ///
    /// # Cancel safety
    /// As the group it wraps: dropping it drops every branch (inside the span).
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Traced<G> {
        #[pin]
        stage: Stage<G>,
        site: &'static Site,
        span: Option<Span>,
    }

    impl<G> PinnedDrop for Traced<G> {
        fn drop(this: Pin<&mut Self>) {
            let mut this = this.project();
            if matches!(*this.stage, Stage::Running { .. }) {
                // Its branches, dropped unfinished, are nobody else's business.
                let _scope = active().then(Scope::open);
                let _entered = this.span.as_ref().map(Span::enter);
                this.stage.set(Stage::Done);
            }
        }
    }
}

impl<G> core::fmt::Debug for Traced<G> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Traced")
            .field("site", self.site)
            .finish_non_exhaustive()
    }
}

/// Where a group is written, and with which macro: a constant of the expansion's, so a
/// group holds one reference to it until its span is made.
#[derive(Debug)]
pub struct Site {
    /// The macro.
    pub kind: Kind,
    /// `file!()` at the macro's call.
    pub file: &'static str,
    /// `line!()` at the macro's call.
    pub line: u32,
}

/// The group `future`, written at `site`, in its span.
pub fn group<G: Future>(site: &'static Site, future: G) -> Traced<G> {
    Traced {
        stage: Stage::Running { future },
        site,
        span: None,
    }
}

impl<G: Future> Future for Traced<G> {
    type Output = G::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<G::Output> {
        // With no subscriber, the group as it is (see `Branch::poll`).
        if self.span.is_none() && !active() {
            let kind = self.site.kind;
            return match self.project().stage.poll_to_end(cx) {
                Some(poll) => poll,
                None => group_polled_again(kind),
            };
        }
        self.poll_traced(cx)
    }
}

impl<G: Future> Traced<G> {
    /// A poll with a subscriber: in the group's span, recording what decided it.
    #[inline(never)]
    fn poll_traced(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<G::Output> {
        let mut this = self.project();
        let site = *this.site;
        let span = made(this.span, || group_span(site));
        let entered = span.map(Span::enter);
        // A group whose span a subscriber declined still keeps its branches' reports from
        // the group around it.
        let scope = active().then(Scope::open);
        // Finished, the group is dropped inside its span and its tally: its leftovers count,
        // whether it dropped them already or not.
        let output = match this.stage.as_mut().poll_to_end(cx) {
            Some(Poll::Ready(output)) => output,
            Some(Poll::Pending) => return Poll::Pending,
            None => group_polled_again(site.kind),
        };
        if let (Some(span), Some(scope)) = (span, scope) {
            let tally = scope.tally();
            drop(scope);
            drop(entered);
            record(span, site.kind, tally);
        }
        Poll::Ready(output)
    }
}

/// A group is polled once more after it resolved: it panics as the untraced group does.
#[cold]
#[inline(never)]
fn group_polled_again(kind: Kind) -> ! {
    polled_after_completion(kind.macros())
}

/// The span of a group, a child of the current span.
#[inline(never)]
fn group_span(site: &Site) -> Span {
    let Site { kind, file, line } = *site;
    // A span's name must be a literal: one call per macro, the decided ones alike.
    macro_rules! decided {
        ($name:literal, $decided:ident) => {
            tracing::info_span!(
                target: "async_dsl",
                $name,
                file,
                line,
                $decided = Empty,
                cancelled = Empty
            )
        };
    }
    match kind {
        Kind::Parallel => tracing::info_span!(target: "async_dsl", "parallel", file, line),
        Kind::TryParallel => decided!("try_parallel", failed),
        Kind::Race => decided!("race", winner),
        Kind::RaceOk => decided!("race_ok", winner),
    }
}

/// Writes what decided a resolved group into its span (a span kept, so not disabled).
fn record(span: &Span, kind: Kind, tally: Tally) {
    let field = match kind {
        Kind::Parallel => return,
        Kind::TryParallel => "failed",
        Kind::Race | Kind::RaceOk => "winner",
    };
    match tally.decided {
        Some(Name::Named(name)) => span.record(field, name),
        Some(Name::Index(index)) => span.record(field, index),
        None => span,
    };
    span.record("cancelled", tally.cancelled);
}

/// The `for` form's fan-out with each item's future a [`Branch`] named by its index; `fair`
/// for a race's, each round of due items started at a random one. It takes the input as
/// `__private::fan_out` does, rather than wrapping `make` for it, so that the closure is
/// typed by the input's items where the expansion writes it.
pub fn fan_out<K, I, M, Fut, C, T>(
    fair: bool,
    limit: usize,
    input: I,
    make: M,
    collect: C,
) -> impl Future<Output = T>
where
    I: IntoIterator,
    M: FnMut(I::Item) -> Fut,
    Fut: Future,
    K: Outcome<Fut::Output>,
    C: Collect<Fut::Output, Output = T>,
{
    let fan_out = FanOut::new(
        limit,
        IntoSource::into_source(input),
        indexed::<K, _, _, _>(make),
        collect,
    );
    match fair {
        true => fan_out.fair(),
        false => fan_out,
    }
}

/// `make`, with the future of the `n`th item (from 0, in input order) a branch named `n`.
fn indexed<K, A, M, Fut>(mut make: M) -> impl FnMut(A) -> Branch<Fut, K, Name>
where
    M: FnMut(A) -> Fut,
    Fut: Future,
    K: Outcome<Fut::Output>,
{
    let mut next = 0;
    move |item| {
        let index = next;
        next += 1;
        branch(Name::Index(index), make(item))
    }
}

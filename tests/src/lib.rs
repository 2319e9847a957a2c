//! Behaviour tests live in `tests/`; this library holds what they share with the helper
//! binaries (`src/bin`): a `redis-server` of their own.

pub mod redis_server;

/// With the `tracing` feature, the code a group replaces is the tokio macro with a span on
/// every branch and on the whole, written by hand: `future` instrumented so, as a size
/// comparison's other side.
#[cfg(feature = "tracing")]
pub fn instrumented<F: std::future::Future>(future: F) -> tracing::instrument::Instrumented<F> {
    tracing::Instrument::instrument(future, tracing::info_span!("by_hand", name = 0))
}

/// The bytes a group may hold beyond the spans themselves, to make its spans at its first
/// poll: a reference to its call site (file, line, macro), and for each of `branches` a
/// reference to its name and whether it is done (its future is dropped when it finishes,
/// inside its span). A branch's span must be a child of its group's, which exists only
/// then, so neither can be made when the group is built, as instrumenting by hand makes
/// them. (The group's own done flag is left out: the bound holds without it.)
#[cfg(feature = "tracing")]
pub const fn held_for_spans(branches: usize) -> usize {
    std::mem::size_of::<&()>() + std::mem::size_of::<(&(), usize)>() * branches
}

/// With the `tracing` feature, a subscriber for the whole process that takes every span (the
/// bare registry, which keeps each span until it closes), so that a test runs the library's
/// traced paths rather than the no-subscriber ones; once per process. Without the feature,
/// nothing. `scripts/test-all` runs the behaviour tests both ways.
pub fn subscribe_to_everything() {
    #[cfg(feature = "tracing")]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            // A test binary that set one already keeps it.
            let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry());
        });
        let probe = tracing::info_span!(target: "async_dsl", "probe");
        assert!(
            !probe.is_disabled(),
            "the process's subscriber takes no spans"
        );
    }
}

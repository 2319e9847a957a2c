//! A group's future is no larger than the tokio macro's it replaces: each branch's future (or
//! output) in place, plus a count no wider than tokio's.

use std::future::{Future, ready};
use std::mem::size_of_val;

use async_dsl::{parallel, race, try_parallel};

async fn leaf(n: u64) -> u64 {
    let buffer = [n; 4];
    std::future::pending::<()>().await;
    buffer.iter().sum()
}

async fn fallible(n: u64) -> Result<u64, String> {
    Ok(leaf(n).await)
}

/// Both sides awaited inside an async block, since `tokio::join!` has no future of its own
/// to name: the blocks hold one future each across their only await. With the `tracing`
/// feature tokio's side is instrumented by hand (`by_hand!` around each branch and the
/// whole), and may also hold what a group keeps to make its spans at first poll.
fn sizes(branches: usize, ours: impl Future, tokio: impl Future) -> (usize, usize) {
    #[cfg(not(feature = "tracing"))]
    let held = {
        let _ = branches;
        0
    };
    #[cfg(feature = "tracing")]
    let held = async_dsl_tests::held_for_spans(branches);
    (size_of_val(&ours), size_of_val(&tokio) + held)
}

/// A future as the hand-written code would run it: itself, or with the `tracing` feature in
/// a span of its own.
macro_rules! by_hand {
    ($future:expr) => {{
        #[cfg(feature = "tracing")]
        let future = async_dsl_tests::instrumented($future);
        #[cfg(not(feature = "tracing"))]
        let future = $future;
        future
    }};
}

#[test]
fn a_join_is_no_larger_than_tokio_join() {
    let three = sizes(
        3,
        async { parallel!(leaf(1), leaf(2), leaf(3)).await },
        by_hand!(async { tokio::join!(by_hand!(leaf(1)), by_hand!(leaf(2)), by_hand!(leaf(3))) }),
    );
    assert!(
        three.0 <= three.1,
        "3 branches: ours {} bytes, tokio {}",
        three.0,
        three.1
    );
    let mixed = sizes(
        3,
        async { parallel!(leaf(1), ready(2u8), async { [0u8; 100] }).await },
        by_hand!(async {
            tokio::join!(
                by_hand!(leaf(1)),
                by_hand!(ready(2u8)),
                by_hand!(async { [0u8; 100] })
            )
        }),
    );
    assert!(
        mixed.0 <= mixed.1,
        "mixed: ours {} bytes, tokio {}",
        mixed.0,
        mixed.1
    );
}

#[test]
fn a_try_join_is_no_larger_than_tokio_try_join() {
    let (ours, tokio) = sizes(
        2,
        async { try_parallel!(fallible(1), fallible(2)).await },
        by_hand!(async { tokio::try_join!(by_hand!(fallible(1)), by_hand!(fallible(2))) }),
    );
    assert!(ours <= tokio, "ours {ours} bytes, tokio {tokio}");
}

#[test]
fn a_race_is_no_larger_than_tokio_select() {
    let (ours, tokio) = sizes(
        2,
        async { race!(leaf(1), leaf(2)).await },
        by_hand!(async {
            tokio::select! {
                a = by_hand!(leaf(1)) => a,
                b = by_hand!(leaf(2)) => b,
            }
        }),
    );
    assert!(ours <= tokio, "ours {ours} bytes, tokio {tokio}");
}

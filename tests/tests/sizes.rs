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
/// to name: the blocks hold one future each across their only await.
fn sizes(ours: impl Future, tokio: impl Future) -> (usize, usize) {
    (size_of_val(&ours), size_of_val(&tokio))
}

#[test]
fn a_join_is_no_larger_than_tokio_join() {
    let three = sizes(
        async { parallel!(leaf(1), leaf(2), leaf(3)).await },
        async { tokio::join!(leaf(1), leaf(2), leaf(3)) },
    );
    assert!(
        three.0 <= three.1,
        "3 branches: ours {} bytes, tokio {}",
        three.0,
        three.1
    );
    let mixed = sizes(
        async { parallel!(leaf(1), ready(2u8), async { [0u8; 100] }).await },
        async { tokio::join!(leaf(1), ready(2u8), async { [0u8; 100] }) },
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
        async { try_parallel!(fallible(1), fallible(2)).await },
        async { tokio::try_join!(fallible(1), fallible(2)) },
    );
    assert!(ours <= tokio, "ours {ours} bytes, tokio {tokio}");
}

#[test]
fn a_race_is_no_larger_than_tokio_select() {
    let (ours, tokio) = sizes(async { race!(leaf(1), leaf(2)).await }, async {
        tokio::select! {
            a = leaf(1) => a,
            b = leaf(2) => b,
        }
    });
    assert!(ours <= tokio, "ours {ours} bytes, tokio {tokio}");
}

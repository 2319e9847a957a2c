//! Faults an outside probe found in the group futures, each with the test that would have
//! caught it.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::pin;
use std::task::{Context, Poll};

use async_dsl::{parallel, race, race_ok, try_parallel};

/// Polls `future` to completion on a no-op waker (its branches are ready), then once more,
/// and returns the message of the panic that second poll must raise.
fn poll_after_completion<F: Future>(future: F) -> String {
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    assert!(future.as_mut().poll(&mut cx).is_ready(), "ready branches");
    let again = std::panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(&mut cx)));
    match again {
        Ok(Poll::Pending) => panic!("polled again, it hung silently (Pending forever)"),
        Ok(Poll::Ready(_)) => panic!("polled again, it resolved twice"),
        Err(payload) => async_dsl::panic_message(payload.as_ref()),
    }
}

/// Issue 9, fault 16: every group future polled after it completed panics with a message
/// that names the macros, never a silent `Pending`.
#[test]
fn a_completed_group_polled_again_panics_with_a_clear_message() {
    let joins = [
        poll_after_completion(parallel! { a => async { 1 }, b => async { 2 } }),
        poll_after_completion(try_parallel!(async { Ok::<_, ()>(1) })),
    ];
    for message in joins {
        assert!(
            message.contains("`parallel!` or `try_parallel!`"),
            "{message}"
        );
        assert!(message.contains("polled after it completed"), "{message}");
    }
    let races = [
        poll_after_completion(race! { a => async { 1 }, b => async { 2 } }),
        poll_after_completion(race! { biased; a => async { 1 }, b => async { 2 } }),
        poll_after_completion(race_ok!(async { Ok::<_, ()>(1) }, async { Err(()) })),
    ];
    for message in races {
        assert!(message.contains("`race!` or `race_ok!`"), "{message}");
        assert!(message.contains("polled after it completed"), "{message}");
    }
    let fan_outs = [
        poll_after_completion(parallel! { for n in 0..3 => async move { n } }),
        poll_after_completion(race! { for n in 0..3 => async move { n } }),
        poll_after_completion(race_ok! { for n in 0..3 => async move { Ok::<_, ()>(n) } }),
        poll_after_completion(try_parallel! { for n in 0..3 => async move { Ok::<_, ()>(n) } }),
    ];
    for message in fan_outs {
        assert!(message.contains("polled after it completed"), "{message}");
    }
}

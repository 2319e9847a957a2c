//! A retried flaky call with `#[retry]` and `#[timeout]`.
//!
//! Run with `cargo run --example flaky`. The service fails twice with a transient error,
//! then answers; a fatal error is not retried; and the whole call, retries included, has a
//! deadline.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use async_dsl::{Elapsed, retry, timeout};

#[derive(Debug)]
enum ServiceError {
    Unavailable,
    BadRequest,
    TimedOut,
}

impl From<Elapsed> for ServiceError {
    fn from(_: Elapsed) -> Self {
        ServiceError::TimedOut
    }
}

fn is_transient(error: &ServiceError) -> bool {
    matches!(error, ServiceError::Unavailable)
}

static CALLS: AtomicU32 = AtomicU32::new(0);

/// Fails twice with 503, then answers; asking for id 0 is a bad request.
#[timeout("2s")]
#[retry(times = 4, backoff = "50ms..400ms", when = is_transient)]
async fn get_balance(account: u32, started: Instant) -> Result<u64, ServiceError> {
    let call = CALLS.fetch_add(1, Ordering::SeqCst);
    println!(
        "  attempt {} at {:>4} ms",
        call + 1,
        started.elapsed().as_millis()
    );
    match (account, call % 3) {
        (0, _) => Err(ServiceError::BadRequest),
        (_, 0 | 1) => Err(ServiceError::Unavailable),
        _ => Ok(u64::from(account) * 100),
    }
}

#[tokio::main]
async fn main() {
    let started = Instant::now();
    println!("balance of account 7 (transient failures are retried):");
    println!("  -> {:?}", get_balance(7, started).await);
    CALLS.store(0, Ordering::SeqCst);
    println!("balance of account 0 (a bad request is not retried):");
    println!("  -> {:?}", get_balance(0, started).await);
}

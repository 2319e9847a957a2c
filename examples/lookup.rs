//! A batched lookup with `#[batched]`.
//!
//! Run with `cargo run --example lookup`. A thousand concurrent single-user lookups become a
//! handful of batch queries; a user the database does not have is an error for that caller
//! only.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use async_dsl::{BatchError, batched};

static QUERIES: AtomicUsize = AtomicUsize::new(0);

/// One database round trip (simulated: 20 ms) for many ids; ids divisible by 97 do not exist.
#[batched(max = 250, window = "2ms")]
async fn users(ids: Vec<u32>) -> Result<HashMap<u32, String>, std::io::Error> {
    QUERIES.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(20)).await;
    Ok(ids
        .into_iter()
        .filter(|id| id % 97 != 0)
        .map(|id| (id, format!("user-{id}")))
        .collect())
}

#[tokio::main]
async fn main() {
    let started = Instant::now();
    let found = futures::future::join_all((1..=1000).map(users::one)).await;
    let missing = found
        .iter()
        .filter(|r| matches!(r, Err(BatchError::Missing)))
        .count();
    println!(
        "1000 lookups answered by {} queries in {} ms (one query per lookup would take 20 s)",
        QUERIES.load(Ordering::SeqCst),
        started.elapsed().as_millis()
    );
    println!("  user 42 -> {:?}", found[41]);
    println!(
        "  user 97 -> {:?} ({missing} ids not found)",
        found[96].as_ref().map_err(ToString::to_string)
    );
}

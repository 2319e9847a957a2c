//! Calls to a rate-limited partner API with `#[throttled]`.
//!
//! Run with `cargo run --example partner_api`. Twenty requests are made at once; the partner
//! allows 5 per second with bursts of 2 and at most 3 in flight. The log shows the starts
//! spaced 200 ms apart after the burst, in the order the requests were made.

use std::time::{Duration, Instant};

use async_dsl::throttled;

struct Quote {
    sku: u32,
    cents: u64,
}

/// The partner's quote endpoint, simulated: 300 ms per request.
#[throttled(rate = 5, burst = 2, concurrency = 3)]
async fn fetch_quote(sku: u32, started: Instant) -> Quote {
    println!(
        "  request {sku:>2} starts at {:>5} ms",
        started.elapsed().as_millis()
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    Quote {
        sku,
        cents: 1_000 + u64::from(sku) * 25,
    }
}

#[tokio::main]
async fn main() {
    let started = Instant::now();
    println!("20 quote requests, partner limit 5/s (burst 2, 3 in flight):");
    let quotes = futures::future::join_all((1..=20).map(|sku| fetch_quote(sku, started))).await;
    let total: u64 = quotes.iter().map(|q| q.cents).sum();
    let cheapest = quotes.iter().min_by_key(|q| q.cents).map_or(0, |q| q.sku);
    println!(
        "{} quotes, cheapest sku {cheapest}, total {}.{:02}, in {} ms",
        quotes.len(),
        total / 100,
        total % 100,
        started.elapsed().as_millis()
    );
}

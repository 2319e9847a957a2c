//! What the concurrency did, seen through `tracing`: the `tracing` feature.
//!
//! Run with `cargo run --example tracing --features tracing`. One request to a small service
//! fans out to three calls at once: quotes from a partner whose API allows 4 calls a second
//! (`#[throttled]`, so the later quotes wait their turn), the user's orders from a service
//! that fails twice before it answers (`#[retry]`), and a price raced between a cache and a
//! database (`race!`). The code below holds no tracing calls of its own beyond the request's
//! span: every group, branch, wait and retry in the output comes from the library.
//!
//! The output is `tracing-subscriber`'s pretty format: each event, then the spans it happened
//! in, innermost first, down to the request (`in async_dsl::branch with name: "orders"`, `in
//! async_dsl::parallel with file: .., line: ..`). Each span also prints an event when it
//! closes, with how long it was busy and idle. The fields say what the concurrency did: a
//! branch's `name`, a race's `winner` and `cancelled`, a throttled call's `waited` and
//! `place`, a retry's `attempt`, `error` and `wait`.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use async_dsl::{parallel, race, retry, throttled};
use tracing::Instrument;
use tracing_subscriber::fmt::format::FmtSpan;

/// The partner's quote endpoint, simulated: 20 ms a call, 4 calls a second.
#[throttled(rate = 4, burst = 1)]
async fn partner_quote(sku: u32) -> u64 {
    tokio::time::sleep(Duration::from_millis(20)).await;
    1_000 + u64::from(sku) * 25
}

#[derive(Debug)]
struct Unavailable;

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("503 service unavailable")
    }
}

static ORDER_CALLS: AtomicU32 = AtomicU32::new(0);

/// The order service, simulated: it fails twice, then answers.
#[retry(times = 3, backoff = "40ms..200ms")]
async fn orders(user: u32) -> Result<Vec<u32>, Unavailable> {
    tokio::time::sleep(Duration::from_millis(10)).await;
    match ORDER_CALLS.fetch_add(1, Ordering::SeqCst) {
        0 | 1 => Err(Unavailable),
        _ => Ok(vec![user * 100 + 1, user * 100 + 2]),
    }
}

/// A price from whichever answers first: the cache (fast) or the database (slow).
async fn price(sku: u32) -> u64 {
    race! {
        cache => async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            u64::from(sku) * 99
        },
        database => async {
            tokio::time::sleep(Duration::from_millis(80)).await;
            u64::from(sku) * 99
        },
    }
    .await
}

/// One request: three calls at once, the quotes themselves a fan-out.
async fn handle(user: u32) -> (Vec<u64>, Result<Vec<u32>, Unavailable>, u64) {
    let page = parallel! {
        quotes => parallel! { for sku in [1, 2, 3] => partner_quote(sku) },
        orders => orders(user),
        price => price(7),
    }
    .await;
    (page.quotes, page.orders, page.price)
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_span_events(FmtSpan::CLOSE)
        .pretty()
        .with_ansi(std::io::stdout().is_terminal())
        .with_file(false)
        .with_line_number(false)
        .init();

    let (quotes, orders, price) = handle(7)
        .instrument(tracing::info_span!("request", user = 7))
        .await;
    println!("quotes {quotes:?}, orders {orders:?}, price {price}");
}

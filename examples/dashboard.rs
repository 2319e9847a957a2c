//! A dashboard assembled from several simulated services.
//!
//! Run with `cargo run --example dashboard`. The timings printed show the calls overlapping:
//! the page takes as long as its slowest service, not the sum of all of them. Then a race
//! with a fallback: a fast cache that misses, a slower database that answers.

use std::time::{Duration, Instant};

use async_dsl::{parallel, race, race_ok, try_parallel};

#[derive(Debug)]
struct User {
    name: String,
}

#[derive(Debug)]
struct Order {
    id: u32,
    total_cents: u64,
}

/// A service call that takes `ms` milliseconds and logs when it ran.
async fn call<T>(service: &str, ms: u64, started: Instant, value: T) -> T {
    let begin = started.elapsed().as_millis();
    tokio::time::sleep(Duration::from_millis(ms)).await;
    println!(
        "  {service:<12} {begin:>4} ms -> {:>4} ms",
        started.elapsed().as_millis()
    );
    value
}

async fn fetch_user(id: u32, t: Instant) -> User {
    call(
        "users",
        120,
        t,
        User {
            name: format!("customer #{id}"),
        },
    )
    .await
}

async fn fetch_orders(id: u32, t: Instant) -> Vec<Order> {
    call(
        "orders",
        180,
        t,
        vec![
            Order {
                id: id * 100,
                total_cents: 4_250,
            },
            Order {
                id: id * 100 + 1,
                total_cents: 999,
            },
        ],
    )
    .await
}

async fn fetch_recommendations(t: Instant) -> Vec<&'static str> {
    call("recommend", 90, t, vec!["kettle", "teapot"]).await
}

async fn fetch_unread(t: Instant) -> usize {
    call("inbox", 60, t, 3).await
}

async fn price(order: &Order, t: Instant) -> Result<u64, String> {
    call("pricing", 50, t, Ok(order.total_cents)).await
}

async fn from_cache(key: &str, t: Instant) -> Result<String, String> {
    call("cache", 15, t, Err(format!("cache miss for {key}"))).await
}

async fn from_db(key: &str, t: Instant) -> Result<String, String> {
    call("database", 70, t, Ok(format!("{key} = dark mode"))).await
}

#[tokio::main]
async fn main() {
    let id = 42;
    let t = Instant::now();
    println!("dashboard for user {id}: four services at once");
    let page = parallel! {
        timeout = "2s";
        user    => fetch_user(id, t),
        orders  => fetch_orders(id, t),
        recs    => fetch_recommendations(t),
        unread  => fetch_unread(t),
    }
    .await
    .expect("every service answered within 2 s");
    let total_ms = t.elapsed().as_millis();
    println!(
        "  -> {} with {} orders, {} recommendations, {} unread in {total_ms} ms (sequential: 450 ms)",
        page.user.name,
        page.orders.len(),
        page.recs.len(),
        page.unread,
    );

    println!("\nprices of every order, two at a time (stops at the first error)");
    let t = Instant::now();
    let orders = &page.orders;
    let prices = try_parallel! { limit = 2; for order in orders => price(order, t) }.await;
    match prices {
        Ok(prices) => {
            for (order, cents) in orders.iter().zip(&prices) {
                println!(
                    "  order {:>5}: {:>4}.{:02}",
                    order.id,
                    cents / 100,
                    cents % 100
                );
            }
        }
        Err(error) => println!("  pricing failed: {error}"),
    }

    println!("\nsettings: cache and database race; the first answer that is not an error wins");
    let t = Instant::now();
    let settings = race_ok! {
        timeout = "1s";
        cache => from_cache("theme", t),
        db    => from_db("theme", t),
    }
    .await;
    match settings {
        Ok(Ok(value)) => println!("  -> {value} after {} ms", t.elapsed().as_millis()),
        Ok(Err(errors)) => println!(
            "  -> every source failed: cache: {}, db: {}",
            errors.cache, errors.db
        ),
        Err(elapsed) => println!("  -> {elapsed}"),
    }

    println!("\nbanner: whichever of two CDNs answers first");
    let t = Instant::now();
    let banner = race!(
        call("cdn-east", 40, t, "east.png"),
        call("cdn-west", 25, t, "west.png")
    )
    .await;
    println!("  -> {banner} after {} ms", t.elapsed().as_millis());
}

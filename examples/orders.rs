//! Order details fetched in two stages: the dependent-calls pattern.
//!
//! Run with `cargo run --example orders`. Stage one fetches the order; stage two needs its
//! customer and item ids, and fetches the customer, the shipping status and every item at
//! once (items at most 4 at a time). A failure anywhere stops the rest.

use std::time::{Duration, Instant};

use async_dsl::{try_map, try_parallel};

#[derive(Debug)]
struct Order {
    id: u32,
    customer: u32,
    items: Vec<u32>,
}

#[derive(Debug)]
struct Item {
    name: String,
    cents: u64,
}

async fn service<T>(name: &str, ms: u64, t: Instant, value: T) -> Result<T, String> {
    let begin = t.elapsed().as_millis();
    tokio::time::sleep(Duration::from_millis(ms)).await;
    println!(
        "  {name:<16} {begin:>4} -> {:>4} ms",
        t.elapsed().as_millis()
    );
    Ok(value)
}

async fn fetch_order(id: u32, t: Instant) -> Result<Order, String> {
    service(
        "order",
        80,
        t,
        Order {
            id,
            customer: 7,
            items: vec![11, 12, 13, 14, 15, 16],
        },
    )
    .await
}

async fn fetch_customer(id: u32, t: Instant) -> Result<String, String> {
    service("customer", 120, t, format!("customer #{id}")).await
}

async fn fetch_shipping(order: u32, t: Instant) -> Result<&'static str, String> {
    service(
        "shipping",
        90,
        t,
        if order.is_multiple_of(2) {
            "in transit"
        } else {
            "delivered"
        },
    )
    .await
}

async fn fetch_item(id: u32, t: Instant) -> Result<Item, String> {
    let value = Item {
        name: format!("item {id}"),
        cents: u64::from(id) * 150,
    };
    service(&format!("item {id}"), 50 + u64::from(id % 3) * 20, t, value).await
}

async fn order_details(id: u32) -> Result<(), String> {
    let t = Instant::now();
    println!("stage 1: the order");
    let order = fetch_order(id, t).await?;
    println!("stage 2: everything the order points at, at once");
    let details = try_parallel! {
        customer => fetch_customer(order.customer, t),
        shipping => fetch_shipping(order.id, t),
        items    => try_map(order.items.iter().copied(), |item| fetch_item(item, t)).limit(4),
    }
    .await?;
    let total: u64 = details.items.iter().map(|i| i.cents).sum();
    let names: Vec<&str> = details.items.iter().map(|i| i.name.as_str()).collect();
    println!(
        "order {} for {} ({}): {} items, {}.{:02} total, in {} ms",
        order.id,
        details.customer,
        details.shipping,
        names.len(),
        total / 100,
        total % 100,
        t.elapsed().as_millis()
    );
    Ok(())
}

#[tokio::main]
async fn main() {
    if let Err(error) = order_details(42).await {
        println!("failed: {error}");
    }
}

use async_dsl::{retry, throttled};

#[throttled(rate = 5)]
fn not_async() {}

#[retry(times = 2)]
fn also_not_async() -> Result<(), ()> {
    Ok(())
}

fn main() {}

// Attribute arguments of the wrong shape, each reported at the value.
use async_dsl::{retry, throttled};

#[throttled(rate 5)]
async fn no_equals() {}

#[throttled(rate = 1, per = 5)]
async fn per_not_a_string() {}

#[retry(times = 2, backoff = 100)]
async fn backoff_not_a_string() -> Result<(), String> {
    Ok(())
}

#[retry(times = 2, backoff = "1s")]
async fn backoff_not_a_range() -> Result<(), String> {
    Ok(())
}

fn main() {}

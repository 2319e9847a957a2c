//! Attributes taken off a function by the one above them still count as used imports.
#![deny(unused_imports, warnings)]

use async_dsl::{retry, throttled, timeout};

#[timeout("1s")]
#[retry(times = 2)]
#[throttled(rate = 5)]
async fn call() -> Result<(), std::io::Error> {
    Ok(())
}

fn main() {
    drop(call());
}

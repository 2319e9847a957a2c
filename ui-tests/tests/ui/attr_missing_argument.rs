use async_dsl::{batched, retry, spread, throttled};

#[throttled(per = "1m")]
async fn call() {}

#[retry(backoff = "1s..2s")]
async fn flaky() -> Result<(), ()> {
    Ok(())
}

#[spread]
async fn upload(_file: u32) {}

#[batched(max = 10)]
async fn load(keys: Vec<u32>) -> Vec<u32> {
    keys
}

fn main() {}

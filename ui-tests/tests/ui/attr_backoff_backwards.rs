use async_dsl::retry;

#[retry(times = 3, backoff = "5s..100ms")]
async fn flaky() -> Result<(), ()> {
    Ok(())
}

fn main() {}

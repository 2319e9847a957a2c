use async_dsl::{throttled, timeout};

#[throttled(rate = 5)]
#[timeout("1s")]
#[throttled(rate = 6)]
async fn call() -> Result<u32, async_dsl::Elapsed> {
    Ok(1)
}

fn main() {
    let _ = call();
}

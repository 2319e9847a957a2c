use async_dsl::retry;

#[retry(times = 3)]
async fn count() -> u32 {
    3
}

fn main() {}

use async_dsl::throttled;

#[throttled(rate = 5, rate = 6)]
async fn call() {}

fn main() {}

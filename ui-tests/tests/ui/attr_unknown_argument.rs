use async_dsl::throttled;

#[throttled(rate = 5, brust = 3)]
async fn call() {}

fn main() {}

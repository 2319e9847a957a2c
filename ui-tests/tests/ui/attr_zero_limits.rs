use async_dsl::throttled;

#[throttled(rate = 0)]
async fn never() {}

#[throttled(rate = 5, burst = 0)]
async fn no_burst() {}

#[throttled(rate = 5, concurrency = 0)]
async fn no_room() {}

fn main() {}

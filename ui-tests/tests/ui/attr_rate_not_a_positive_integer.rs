use async_dsl::throttled;

#[throttled(rate = -5)]
async fn negative() {}

#[throttled(rate = 2.5)]
async fn fraction() {}

#[throttled(rate = "5")]
async fn text() {}

fn main() {}

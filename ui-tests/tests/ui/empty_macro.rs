// A race needs something to race (an empty join is `()`, as `tokio::join!()` is).
use async_dsl::{race, race_ok};

async fn run() {
    let _ = race!().await;
    let _ = race_ok! {}.await;
}

fn main() {}

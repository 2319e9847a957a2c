use async_dsl::{parallel, race};

async fn run() {
    let _ = parallel! { timeout = "5 sec"; a => async { 1 } }.await;
    let _ = race! { timeout = "1s1m"; a => async { 1 } }.await;
    let _ = race! { timeout = "0ms"; a => async { 1 } }.await;
}

fn main() {}

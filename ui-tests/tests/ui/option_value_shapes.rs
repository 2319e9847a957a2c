// An option given a value it does not take, or missing the value it needs.
use async_dsl::{parallel, race};

async fn run() {
    let _ = parallel! { spawn = true; a => async { 1 } }.await;
    let _ = parallel! { timeout; a => async { 1 } }.await;
    let _ = race! { timeout = ; a => async { 1 } }.await;
}

fn main() {}

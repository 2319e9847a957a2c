// A branch must be a future (or `IntoFuture`), reported at the branch.
use async_dsl::{parallel, race};

async fn run() {
    let _ = parallel! { a => 1u32, b => async { 2 } }.await;
    let _ = race!(async { 1 }, "two").await;
}

fn main() {}

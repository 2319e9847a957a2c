use async_dsl::{parallel, race};

async fn run() {
    let _ = parallel! { biased; limit = 4; error = String; a => async { 1 } }.await;
    let _ = race! { error = String; a => async { 1 } }.await;
}

fn main() {}

use async_dsl::{parallel, race};

async fn run() {
    let _ = parallel! {}.await;
    let _ = race!().await;
}

fn main() {}

use async_dsl::parallel;

async fn run() {
    let _ = parallel! { limit = 0; for id in 0..10 => async move { id } }.await;
}

fn main() {}

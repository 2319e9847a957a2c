use async_dsl::parallel;

async fn run() {
    let _ = parallel! { timeout = "1s" }.await;
}

fn main() {}

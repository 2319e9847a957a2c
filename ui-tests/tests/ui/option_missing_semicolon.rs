use async_dsl::parallel;

async fn fetch_user() -> u32 { 1 }

async fn run() {
    let _ = parallel! { timeout = "1s" user => fetch_user() }.await;
}

fn main() {}

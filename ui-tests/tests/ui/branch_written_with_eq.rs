use async_dsl::parallel;

async fn fetch_user() -> u32 { 1 }

async fn run() {
    let _ = parallel! { user = fetch_user(), posts = fetch_user() }.await;
}

fn main() {}

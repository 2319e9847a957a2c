use async_dsl::try_parallel;

async fn count() -> u32 { 3 }

async fn run() {
    let _ = try_parallel! { a => async { Ok::<u32, String>(1) }, b => count() }.await;
}

fn main() {}

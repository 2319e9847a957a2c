use async_dsl::race;

async fn run() {
    let _ = race! { cache => async { "cached" }, db => async { 42u64 } }.await;
}

fn main() {}

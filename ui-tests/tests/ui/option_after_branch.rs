use async_dsl::parallel;

async fn run() {
    let _ = parallel! { a => async { 1 }, timeout = "5s"; b => async { 2 } }.await;
}

fn main() {}

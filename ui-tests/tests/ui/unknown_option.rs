use async_dsl::parallel;

async fn run() {
    let _ = parallel! { timeuot = "5s"; a => async { 1 } }.await;
}

fn main() {}

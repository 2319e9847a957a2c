use async_dsl::parallel;

async fn run() {
    let _ = parallel! { user => async { 1 }, posts => async { 2 }, user => async { 3 } }.await;
}

fn main() {}

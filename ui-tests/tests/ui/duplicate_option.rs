use async_dsl::race;

async fn run() {
    let _ = race! { timeout = "1s"; biased; timeout = "2s"; a => async { 1 } }.await;
}

fn main() {}

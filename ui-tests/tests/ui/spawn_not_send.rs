use async_dsl::parallel;
use std::rc::Rc;

async fn run() {
    let shared = Rc::new(5);
    let _ = parallel! {
        spawn;
        fine => async { 1 },
        local => async move { *shared + 1 },
    }
    .await;
}

fn main() {}

// Each way a duration literal can be wrong, named at the literal.
use async_dsl::parallel;

async fn run() {
    let _ = parallel! { timeout = ""; a => async { 1 } }.await;
    let _ = parallel! { timeout = "ms"; a => async { 1 } }.await;
    let _ = parallel! { timeout = "10"; a => async { 1 } }.await;
    let _ = parallel! { timeout = "1.2.3s"; a => async { 1 } }.await;
    let _ = parallel! { timeout = "0.5ns"; a => async { 1 } }.await;
}

fn main() {}

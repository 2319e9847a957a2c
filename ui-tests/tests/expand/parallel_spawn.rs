use async_dsl::parallel;

pub async fn run() {
    let _ = parallel! { spawn; a => async { 1 }, b => async { 2 } }.await;
}

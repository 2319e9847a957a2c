use async_dsl::parallel;

pub async fn run() {
    let _ = parallel!(timeout = "1.5s"; async { 1 }, async { "two" }).await;
}

use async_dsl::race;

pub async fn run() -> u8 {
    race!(biased; async { 1u8 }, async { 2u8 }).await
}

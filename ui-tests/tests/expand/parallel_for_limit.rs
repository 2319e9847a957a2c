use async_dsl::parallel;

async fn fetch_user(id: u32) -> u64 {
    u64::from(id)
}

pub async fn run(ids: Vec<u32>) -> Vec<u64> {
    parallel! { limit = 8; for id in ids => fetch_user(id) }.await
}

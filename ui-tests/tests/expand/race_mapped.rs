use async_dsl::race;

pub enum Hit {
    Cached(&'static str),
    Fresh(u64),
}

pub async fn run() -> Result<Hit, async_dsl::Elapsed> {
    race! {
        timeout = "3s";
        cache => async { "cached" } => Hit::Cached,
        db => async { 42u64 } => Hit::Fresh,
    }
    .await
}

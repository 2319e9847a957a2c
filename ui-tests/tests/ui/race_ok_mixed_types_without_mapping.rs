use async_dsl::race_ok;

async fn from_cache() -> Result<&'static str, ()> { Ok("cached") }
async fn from_db() -> Result<u64, ()> { Ok(42) }

async fn run() {
    let _ = race_ok! { cache => from_cache(), db => from_db() }.await;
}

fn main() {}

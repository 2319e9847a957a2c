use async_dsl::race_ok;

pub async fn run() -> Option<u32> {
    let r = race_ok! {
        primary => async { Err::<u32, &'static str>("down") },
        replica => async { Ok::<u32, std::io::Error>(7) },
    }
    .await;
    r.ok()
}

use async_dsl::race_ok;

pub async fn run(mirrors: Vec<u32>) -> Option<u32> {
    race_ok! { for m in mirrors => async move { if m > 2 { Ok(m) } else { Err(m) } } }.await.ok()
}

use async_dsl::batched;

#[batched(max = 100, window = "5ms")]
pub async fn load(keys: Vec<u32>) -> Result<Vec<u64>, std::io::Error> {
    Ok(keys.into_iter().map(u64::from).collect())
}

use std::collections::HashMap;

#[async_dsl::spread(period = "1s")]
#[async_dsl::batched(max = 10, window = "5ms")]
async fn load(keys: Vec<u32>) -> HashMap<u32, u32> {
    keys.into_iter().map(|k| (k, k)).collect()
}

#[async_dsl::batched(max = 10, window = "5ms")]
#[async_dsl::spread(period = "1s")]
async fn fetch(keys: Vec<u32>) -> HashMap<u32, u32> {
    keys.into_iter().map(|k| (k, k)).collect()
}

fn main() {}

use async_dsl::batched;

#[batched(max = 10, window = "5ms")]
async fn by_one(key: u32) -> u32 {
    key
}

#[batched(max = 10, window = "5ms")]
async fn returns_a_count(keys: Vec<u32>) -> usize {
    keys.len()
}

#[batched(max = 10, window = "5ms")]
async fn generic<T: Clone>(keys: Vec<T>) -> Vec<T> {
    keys
}

fn main() {}

// A companion attribute given twice is an error at the second, on a function and on a method.
use async_dsl::{batched, companions, spread};

#[spread(period = "1s")]
#[spread(period = "2s")]
async fn upload(file: u32) -> u32 {
    file
}

#[batched(max = 2, window = "1ms")]
#[batched(max = 3, window = "1ms")]
async fn load(keys: Vec<u32>) -> Vec<u32> {
    keys
}

struct Store;

#[companions]
impl Store {
    #[spread(period = "1s")]
    #[spread(period = "2s")]
    async fn put(&self, key: u32) -> u32 {
        key
    }
}

fn main() {}

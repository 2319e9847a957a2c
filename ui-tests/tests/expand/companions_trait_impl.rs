use async_dsl::{batched, companions, spread};

pub trait Store {
    async fn put(&self, key: u32) -> u32;
    async fn get(keys: Vec<u32>) -> Vec<u32>;
}

pub struct Disk;

#[companions]
impl Store for Disk {
    #[spread(period = "1s")]
    async fn put(&self, key: u32) -> u32 {
        key
    }

    #[batched(max = 10, window = "1ms")]
    async fn get(keys: Vec<u32>) -> Vec<u32> {
        keys
    }
}

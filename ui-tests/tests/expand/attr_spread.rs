use async_dsl::spread;

#[spread(period = "10s")]
pub async fn upload(name: u32, size: u64) -> u64 {
    u64::from(name) + size
}

pub struct Uploader;

impl Uploader {
    #[spread(period = "1s")]
    pub async fn put(&self, name: u32) -> u32 {
        name
    }
}

use async_dsl::spread;

#[spread(period = "10s")]
async fn tick() {}

struct Uploader;

impl Uploader {
    #[spread(period = "10s")]
    async fn put(&mut self, _file: u32) {}
}

fn main() {}

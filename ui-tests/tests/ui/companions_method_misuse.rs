// Methods `#[companions]` cannot give a companion, each reported at its token.
use async_dsl::{batched, companions, spread};

struct Repo;

#[companions]
impl Repo {
    // One batcher serves the process: it cannot call one receiver's method.
    #[batched(max = 10, window = "1ms")]
    async fn load(&self, keys: Vec<u32>) -> Vec<u32> {
        keys
    }

    // Calls run concurrently: `&mut self` cannot be shared.
    #[spread(period = "1s")]
    async fn put(&mut self, n: u32) -> u32 {
        n
    }

    // One companion per method.
    #[spread(period = "1s")]
    #[batched(max = 10, window = "1ms")]
    async fn both(keys: Vec<u32>) -> Vec<u32> {
        keys
    }
}

struct Generic<T>(T);

#[companions]
impl<T> Generic<T> {
    // A generic impl would share one batcher between its types.
    #[batched(max = 10, window = "1ms")]
    async fn load(keys: Vec<u32>) -> Vec<u32> {
        keys
    }
}

struct Direct;

impl Direct {
    // The same rule without `#[companions]`.
    #[batched(max = 10, window = "1ms")]
    async fn load(&self, keys: Vec<u32>) -> Vec<u32> {
        keys
    }
}

fn main() {}

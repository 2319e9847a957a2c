// `#[companions]` belongs on an `impl` block with a `#[spread]` or `#[batched]` method.
use async_dsl::{companions, spread};

#[companions]
struct NotAnImpl;

struct Repo;

#[companions(all)]
impl Repo {
    #[spread(period = "1s")]
    async fn put(&self, n: u32) -> u32 {
        n
    }
}

struct Plain;

#[companions]
impl Plain {
    async fn get(&self) -> u32 {
        1
    }
}

fn main() {}

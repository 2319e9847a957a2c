use async_dsl::batched;

#[batched(max = 10, window = "1ms")]
async fn load(keys: Vec<u32>) -> Vec<u32> {
    keys
}

fn main() {}

#[async_dsl::throttled(rate = 5, key = price)]
async fn quote_for(price: f64) -> u32 {
    price as u32
}

fn main() {}

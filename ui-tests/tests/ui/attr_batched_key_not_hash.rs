#[async_dsl::batched(max = 10, window = "5ms")]
async fn load(prices: Vec<f64>) -> Vec<(f64, u32)> {
    prices.into_iter().map(|p| (p, p as u32)).collect()
}

fn main() {}

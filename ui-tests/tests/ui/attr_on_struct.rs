#[async_dsl::throttled(rate = 5)]
struct Partner;

fn main() {}

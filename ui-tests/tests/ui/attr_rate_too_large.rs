#[async_dsl::throttled(rate = 4294967296)]
async fn call_partner_api() -> u32 { 1 }

#[async_dsl::throttled(rate = 5, concurrency = 18446744073709551616)]
async fn call_other_api() -> u32 { 1 }

fn main() {}

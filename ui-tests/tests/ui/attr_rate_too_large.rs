#[async_dsl::throttled(rate = 99999999999)]
async fn call_partner_api() -> u32 { 1 }

#[async_dsl::throttled(rate = 5, concurrency = 999999999999999999999999999999999999999999)]
async fn call_other_api() -> u32 { 1 }

fn main() {}

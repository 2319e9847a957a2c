use async_dsl::throttled;

#[throttled(rate = 5, burst = 2, concurrency = 4)]
pub async fn call(q: u32) -> u32 {
    q + 1
}

#[throttled(rate = 1, per = "1m", key = tenant)]
pub async fn per_tenant(tenant: &str) -> usize {
    tenant.len()
}

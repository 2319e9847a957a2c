use async_dsl::throttled;

#[throttled(rate = 5, name = "orphan")]
async fn name_without_redis() {}

#[throttled(rate = 5, redis = "http://localhost", on_store_error = Retry)]
async fn not_a_redis_url_nor_a_policy() {}

#[throttled(rate = 5, redis = "redis://127.0.0.1:6379", on_store_error = Fail)]
async fn fail_without_a_result() -> u32 {
    1
}

#[throttled(rate = 5, redis = "redis://127.0.0.1:6379", name = "has space")]
async fn bad_name() {}

#[throttled(rate = 5, redis = "redis://127.0.0.1:6379", name = partner)]
async fn name_not_a_literal() {}

#[throttled(rate = 2000000, redis = "redis://127.0.0.1:6379")]
async fn more_than_one_a_microsecond() {}

#[throttled(rate = 1, per = "1h", burst = 4000000000, redis = "redis://127.0.0.1:6379")]
async fn burst_beyond_the_arithmetic() {}

#[throttled(rate = 5, redis = "redis://127.0.0.1:6379", key = vec![1u8])]
async fn key_without_display() {}

#[throttled(rate = 5, redis = "redis://127.0.0.1:6379", concurrency = 5000000000)]
async fn places_beyond_a_u32() {}

#[throttled(rate = 5, concurrency = 2, lease = "10s")]
async fn lease_without_redis() {}



#[throttled(rate = 5, redis = "redis://127.0.0.1:6379", name = "")]
async fn empty_name() {}
fn main() {}

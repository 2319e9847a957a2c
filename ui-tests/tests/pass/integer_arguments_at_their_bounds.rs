// The largest values the integer arguments take compile: `rate`/`burst` are `u32`,
// `concurrency` a `usize` (the case one past each bound is `ui/attr_rate_too_large.rs`).
#[async_dsl::throttled(rate = 4294967295, burst = 4294967295, concurrency = 18446744073709551615)]
async fn widest() -> u32 {
    1
}

#[async_dsl::throttled(rate = 1, burst = 1, concurrency = 1)]
async fn narrowest() -> u32 {
    2
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    assert_eq!(widest().await + narrowest().await, 3);
}

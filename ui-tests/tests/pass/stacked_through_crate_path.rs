// Our attributes are recognised by bare name or through `async_dsl::`, and stack either way.
#[async_dsl::throttled(rate = 100)]
#[async_dsl::timeout("1s")]
async fn call() -> u32 {
    1
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    assert_eq!(call().await, Ok(1));
}

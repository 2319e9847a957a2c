use async_dsl::batched;
pub async fn load(keys: Vec<u32>) -> Result<Vec<u64>, std::io::Error> {
    Ok(keys.into_iter().map(u64::from).collect())
}
///The companion of [`load`](fn@load) made by `#[batched]`.
pub mod load {
    #[allow(unused_imports)]
    use super::*;
    ///Loads one key through [`load`](fn@super::load): concurrent calls within the window (or up to the batch size) become one batch call, and each caller gets its own value.
    pub async fn one(
        key: u32,
    ) -> ::core::result::Result<u64, ::async_dsl::BatchError<std::io::Error>> {
        static BATCHER: ::std::sync::OnceLock<
            ::async_dsl::Batcher<u32, u64, std::io::Error>,
        > = ::std::sync::OnceLock::new();
        BATCHER
            .get_or_init(|| ::async_dsl::Batcher::new(
                100,
                ::core::time::Duration::from_nanos(5000000u64),
                |keys| async move {
                    ::async_dsl::batch::IntoValues::into_values(super::load(keys).await)
                },
            ))
            .load(key)
            .await
    }
}

use async_dsl::{batched, companions, spread};
pub trait Store {
    async fn put(&self, key: u32) -> u32;
    async fn get(keys: Vec<u32>) -> Vec<u32>;
}
pub struct Disk;
impl Store for Disk {
    async fn put(&self, key: u32) -> u32 {
        #[allow(unused_imports)]
        use spread as _;
        key
    }
    async fn get(keys: Vec<u32>) -> Vec<u32> {
        #[allow(unused_imports)]
        use batched as _;
        keys
    }
}
impl Disk {
    ///Calls `put` (of the trait impl) once per input, starting the calls evenly over the period given to `#[spread]`; outputs come in input order. Each input is one call's arguments.
    pub async fn put_spread(
        &self,
        inputs: impl ::core::iter::IntoIterator<Item = u32>,
    ) -> ::std::vec::Vec<u32> {
        ::async_dsl::spread(
                ::core::time::Duration::from_nanos(1000000000u64),
                inputs.into_iter().map(|arg0| move || <Self as Store>::put(self, arg0)),
            )
            .await
    }
    ///Loads one key through `get` (of the trait impl): concurrent calls within the window (or up to the batch size) become one batch call, and each caller gets its own value.
    pub async fn get_one(
        key: u32,
    ) -> ::core::result::Result<
        u32,
        ::async_dsl::BatchError<::core::convert::Infallible>,
    > {
        static BATCHER: ::std::sync::OnceLock<
            ::async_dsl::Batcher<u32, u32, ::core::convert::Infallible>,
        > = ::std::sync::OnceLock::new();
        BATCHER
            .get_or_init(|| ::async_dsl::Batcher::new(
                10,
                ::core::time::Duration::from_nanos(1000000u64),
                |keys| async move {
                    ::async_dsl::batch::IntoValues::into_values(
                        <Self as Store>::get(keys).await,
                    )
                },
            ))
            .load(key)
            .await
    }
}

use async_dsl::spread;
pub async fn upload(name: u32, size: u64) -> u64 {
    u64::from(name) + size
}
///The companion of [`upload`](fn@upload) made by `#[spread]`.
pub mod upload {
    #[allow(unused_imports)]
    use super::*;
    ///Calls [`upload`](fn@super::upload) once per input, starting the calls evenly over the period given to `#[spread]`; outputs come in input order. Each input is one call's arguments.
    pub async fn spread(
        inputs: impl ::core::iter::IntoIterator<Item = (u32, u64)>,
    ) -> ::std::vec::Vec<u64> {
        ::async_dsl::spread(
                ::core::time::Duration::from_nanos(10000000000u64),
                inputs.into_iter().map(|(arg0, arg1)| move || super::upload(arg0, arg1)),
            )
            .await
    }
}
pub struct Uploader;
impl Uploader {
    pub async fn put(&self, name: u32) -> u32 {
        name
    }
    ///Calls [`put`](Self::put) once per input, starting the calls evenly over the period given to `#[spread]`; outputs come in input order. Each input is one call's arguments.
    pub async fn put_spread(
        &self,
        inputs: impl ::core::iter::IntoIterator<Item = u32>,
    ) -> ::std::vec::Vec<u32> {
        ::async_dsl::spread(
                ::core::time::Duration::from_nanos(1000000000u64),
                inputs.into_iter().map(|arg0| move || Self::put(self, arg0)),
            )
            .await
    }
}

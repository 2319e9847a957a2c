use async_dsl::parallel;
async fn fetch_user(id: u32) -> u64 {
    u64::from(id)
}
pub async fn run(ids: Vec<u32>) -> Vec<u64> {
    ::async_dsl::__private::fan_out(
            8usize,
            ids,
            |id| ::core::future::IntoFuture::into_future(fetch_user(id)),
            ::async_dsl::__private::Ordered::new(),
        )
        .await
}

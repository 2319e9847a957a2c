use async_dsl::race_ok;
pub async fn run(mirrors: Vec<u32>) -> Option<u32> {
    ::async_dsl::__private::race_fan_out(
            ::core::primitive::usize::MAX,
            mirrors,
            |m| ::core::future::IntoFuture::into_future(async move {
                if m > 2 { Ok(m) } else { Err(m) }
            }),
            ::async_dsl::__private::FirstOk::new(),
        )
        .await
        .ok()
}

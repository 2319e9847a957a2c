use async_dsl::try_parallel;
pub struct AppError;
#[automatically_derived]
impl ::core::fmt::Debug for AppError {
    #[inline]
    fn fmt(&self, f: &mut ::core::fmt::Formatter) -> ::core::fmt::Result {
        ::core::fmt::Formatter::write_str(f, "AppError")
    }
}
impl From<std::num::ParseIntError> for AppError {
    fn from(_: std::num::ParseIntError) -> Self {
        AppError
    }
}
pub async fn run(inputs: Vec<&str>) -> Result<Vec<u32>, AppError> {
    ::async_dsl::__private::fan_out(
            4usize,
            inputs,
            |s| ::async_dsl::__private::err_into::<
                AppError,
                _,
            >(::core::future::IntoFuture::into_future(async move { s.parse::<u32>() })),
            ::async_dsl::__private::TryOrdered::new(),
        )
        .await
}

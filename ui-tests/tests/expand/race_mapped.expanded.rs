use async_dsl::race;
pub enum Hit {
    Cached(&'static str),
    Fresh(u64),
}
pub async fn run() -> Result<Hit, async_dsl::Elapsed> {
    ::async_dsl::__private::timeout(
            ::core::time::Duration::from_nanos(3000000000u64),
            ::async_dsl::__private::race(
                ::async_dsl::__private::race_cons(
                    ::async_dsl::__private::map(
                        ::core::future::IntoFuture::into_future(async { "cached" }),
                        Hit::Cached,
                    ),
                    ::async_dsl::__private::race_cons(
                        ::async_dsl::__private::map(
                            ::core::future::IntoFuture::into_future(async { 42u64 }),
                            Hit::Fresh,
                        ),
                        ::async_dsl::__private::Nil,
                    ),
                ),
                {
                    |result| match result {
                        ::async_dsl::__private::ControlFlow::Break(winner) => winner,
                        ::async_dsl::__private::ControlFlow::Continue((never, _)) => {
                            match never {}
                        }
                    }
                },
            ),
        )
        .await
}

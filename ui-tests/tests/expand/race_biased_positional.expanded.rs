use async_dsl::race;
pub async fn run() -> u8 {
    ::async_dsl::__private::race_biased(
            ::async_dsl::__private::race_cons(
                ::core::future::IntoFuture::into_future(async { 1u8 }),
                ::async_dsl::__private::race_cons(
                    ::core::future::IntoFuture::into_future(async { 2u8 }),
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
        )
        .await
}

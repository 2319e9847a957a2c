use async_dsl::parallel;
pub async fn run() {
    let _ = ::async_dsl::__private::timeout(
            ::core::time::Duration::from_nanos(1500000000u64),
            ::async_dsl::__private::join(
                ::async_dsl::__private::Cons::new(
                    ::async_dsl::__private::JoinSlot::new(
                        ::core::future::IntoFuture::into_future(async { 1 }),
                    ),
                    ::async_dsl::__private::Cons::new(
                        ::async_dsl::__private::JoinSlot::new(
                            ::core::future::IntoFuture::into_future(async { "two" }),
                        ),
                        ::async_dsl::__private::Nil,
                    ),
                ),
                {
                    |result| match result {
                        ::async_dsl::__private::ControlFlow::Continue((v0, (v1, ()))) => {
                            (v0, v1)
                        }
                        ::async_dsl::__private::ControlFlow::Break(never) => {
                            match never {}
                        }
                    }
                },
            ),
        )
        .await;
}

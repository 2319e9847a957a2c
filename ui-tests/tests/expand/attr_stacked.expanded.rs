use async_dsl::{retry, throttled, timeout};
pub struct Error;
#[automatically_derived]
impl ::core::fmt::Debug for Error {
    #[inline]
    fn fmt(&self, f: &mut ::core::fmt::Formatter) -> ::core::fmt::Result {
        ::core::fmt::Formatter::write_str(f, "Error")
    }
}
impl From<async_dsl::Elapsed> for Error {
    fn from(_: async_dsl::Elapsed) -> Self {
        Error
    }
}
fn transient(_: &Error) -> bool {
    true
}
pub async fn call(q: u32) -> Result<u32, Error> {
    #[allow(unused_imports)]
    use retry as _;
    #[allow(unused_imports)]
    use throttled as _;
    match ::async_dsl::__private::timeout(
            ::core::time::Duration::from_nanos(5000000000u64),
            async {
                if let ::core::option::Option::Some(value) = ::async_dsl::__private::no_value::<
                    Result<u32, Error>,
                >() {
                    return value;
                }
                let mut backoff = ::async_dsl::__private::Backoff::new(
                    3,
                    ::core::time::Duration::from_nanos(100000000u64),
                    ::core::time::Duration::from_nanos(5000000000u64),
                );
                loop {
                    match async {
                        if let ::core::option::Option::Some(value) = ::async_dsl::__private::no_value::<
                            Result<u32, Error>,
                        >() {
                            return value;
                        }
                        let permit = {
                            static THROTTLE: ::std::sync::OnceLock<
                                ::async_dsl::Throttle,
                            > = ::std::sync::OnceLock::new();
                            THROTTLE
                                .get_or_init(|| ::async_dsl::__private::throttle(
                                    5,
                                    ::core::time::Duration::from_secs(1),
                                    1,
                                    0,
                                ))
                        }
                            .acquire()
                            .await;
                        Ok(q)
                    }
                        .await
                    {
                        ::core::result::Result::Ok(value) => {
                            break ::core::result::Result::Ok(value);
                        }
                        ::core::result::Result::Err(error) => {
                            match backoff.next(&error, transient) {
                                ::core::option::Option::Some(wait) => {
                                    ::async_dsl::__private::sleep(wait).await
                                }
                                ::core::option::Option::None => {
                                    break ::core::result::Result::Err(error);
                                }
                            }
                        }
                    }
                }
            },
        )
        .await
    {
        ::core::result::Result::Ok(output) => output,
        ::core::result::Result::Err(elapsed) => {
            ::core::result::Result::Err(::core::convert::From::from(elapsed))
        }
    }
}
pub async fn count() -> ::core::result::Result<u32, ::async_dsl::Elapsed> {
    ::async_dsl::__private::timeout(
            ::core::time::Duration::from_nanos(250000000u64),
            async {
                if let ::core::option::Option::Some(value) = ::async_dsl::__private::no_value::<
                    u32,
                >() {
                    return value;
                }
                3
            },
        )
        .await
}

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
pub fn call(q: u32) -> impl ::core::future::Future<Output = Result<u32, Error>> {
    #[allow(unused_imports)]
    use retry as _;
    #[allow(unused_imports)]
    use throttled as _;
    ::async_dsl::__private::timeout_into(
        ::core::time::Duration::from_nanos(5000000000u64),
        async move {
            let q = q;
            if false {
                return ::async_dsl::__private::never::<Result<u32, Error>>();
            }
            let mut backoff = ::async_dsl::__private::Backoff::new(
                3,
                ::core::time::Duration::from_nanos(100000000u64),
                ::core::time::Duration::from_nanos(5000000000u64),
            );
            loop {
                match async {
                    if false {
                        return ::async_dsl::__private::never::<Result<u32, Error>>();
                    }
                    let permit = {
                        static THROTTLE: ::async_dsl::__private::ThrottleCell = ::async_dsl::__private::ThrottleCell::new(
                            5,
                            ::core::time::Duration::from_secs(1),
                            1,
                            0,
                        );
                        THROTTLE.acquire()
                    }
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
        {
            #[allow(clippy::useless_conversion)]
            let into = |elapsed| ::core::convert::From::from(elapsed);
            into
        },
    )
}
pub fn count() -> impl ::core::future::Future<
    Output = ::core::result::Result<u32, ::async_dsl::Elapsed>,
> {
    ::async_dsl::__private::timeout(
        ::core::time::Duration::from_nanos(250000000u64),
        async move {
            if false {
                return ::async_dsl::__private::never::<u32>();
            }
            3
        },
    )
}

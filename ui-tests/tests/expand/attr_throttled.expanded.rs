use async_dsl::throttled;
pub fn call(q: u32) -> impl ::core::future::Future<Output = u32> {
    static THROTTLE: ::async_dsl::__private::ThrottleCell = ::async_dsl::__private::ThrottleCell::new(
        5,
        ::core::time::Duration::from_secs(1),
        2,
        4,
    );
    ::async_dsl::__private::throttled(
        &THROTTLE,
        async move {
            let q = q;
            if false {
                return ::async_dsl::__private::never::<u32>();
            }
            q + 1
        },
    )
}
pub fn per_tenant(tenant: &str) -> impl ::core::future::Future<Output = usize> {
    static THROTTLE: ::async_dsl::__private::KeyedThrottleCell = ::async_dsl::__private::KeyedThrottleCell::new(
        1,
        ::core::time::Duration::from_nanos(60000000000u64),
        1,
        0,
    );
    ::async_dsl::__private::keyed_throttled(
        &THROTTLE,
        move || {
            let tenant = tenant;
            (
                ::async_dsl::__private::key_hash(&THROTTLE, &(tenant)),
                async move {
                    if false {
                        return ::async_dsl::__private::never::<usize>();
                    }
                    tenant.len()
                },
            )
        },
    )
}

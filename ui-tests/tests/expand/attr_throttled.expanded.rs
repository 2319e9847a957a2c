use async_dsl::throttled;
pub async fn call(q: u32) -> u32 {
    let permit = {
        static THROTTLE: ::std::sync::OnceLock<::async_dsl::Throttle> = ::std::sync::OnceLock::new();
        THROTTLE
            .get_or_init(|| ::async_dsl::__private::throttle(
                5,
                ::core::time::Duration::from_secs(1),
                2,
                4,
            ))
    }
        .acquire()
        .await;
    q + 1
}
pub async fn per_tenant(tenant: &str) -> usize {
    let permit = {
        static THROTTLE: ::std::sync::OnceLock<::async_dsl::KeyedThrottle> = ::std::sync::OnceLock::new();
        let throttle = THROTTLE
            .get_or_init(|| ::async_dsl::__private::keyed_throttle(
                1,
                ::core::time::Duration::from_nanos(60000000000u64),
                1,
                0,
            ));
        ::async_dsl::__private::keyed_acquire(
            throttle,
            ::async_dsl::__private::key_hash(throttle, &(tenant)),
        )
    }
        .await;
    tenant.len()
}

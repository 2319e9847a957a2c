//! `try_parallel!`: every `Ok` value, or the first error with the rest cancelled.

mod support;

use std::task::Poll;

use async_dsl::try_parallel;
use support::{Log, ms_since, sleep_ms};
use tokio::time::Instant;

#[derive(Debug, PartialEq)]
struct AppError(String);

impl From<std::num::ParseIntError> for AppError {
    fn from(e: std::num::ParseIntError) -> Self {
        AppError(format!("parse: {e}"))
    }
}

impl From<&'static str> for AppError {
    fn from(e: &'static str) -> Self {
        AppError(e.to_string())
    }
}

#[tokio::test(start_paused = true)]
async fn ok_values_come_back_typed() {
    async_dsl_tests::subscribe_to_everything();
    let r = try_parallel! {
        id => async { Ok::<u32, AppError>(7) },
        name => async { Ok::<_, AppError>("seven".to_string()) },
    }
    .await;
    let r = r.unwrap();
    let (id, name): (u32, String) = (r.id, r.name);
    assert_eq!((id, name.as_str()), (7, "seven"));

    let (a, b) = try_parallel!(async { Ok::<_, AppError>(1) }, async {
        Ok::<_, AppError>(2)
    })
    .await
    .unwrap();
    assert_eq!((a, b), (1, 2));
}

#[tokio::test(start_paused = true)]
async fn the_first_error_drops_the_siblings_before_the_group_resolves() {
    async_dsl_tests::subscribe_to_everything();
    let log = Log::default();
    let guard = log.guard("sibling");
    let start = Instant::now();
    let mut group = Box::pin(try_parallel! {
        slow => async move { let _g = guard; sleep_ms(1_000).await; Ok::<u32, AppError>(1) },
        fails => async { sleep_ms(10).await; Err::<u32, AppError>(AppError("boom".into())) },
    });
    let result = loop {
        match futures::poll!(group.as_mut()) {
            Poll::Ready(result) => break result,
            Poll::Pending => tokio::time::advance(std::time::Duration::from_millis(1)).await,
        }
    };
    // The group future still exists here, so its siblings were dropped by the group itself.
    assert!(
        log.contains("dropped sibling"),
        "sibling dropped before the error was handed over"
    );
    assert_eq!(result.unwrap_err(), AppError("boom".into()));
    assert_eq!(ms_since(start), 10);
    drop(group);
}

#[tokio::test(start_paused = true)]
async fn branch_errors_convert_into_the_first_branchs_error_type() {
    async_dsl_tests::subscribe_to_everything();
    let r = try_parallel! {
        a => async { Ok::<u32, AppError>(1) },
        b => async { "x".parse::<u32>() },
    }
    .await;
    assert_eq!(
        r.unwrap_err(),
        AppError("parse: invalid digit found in string".into())
    );
}

#[tokio::test(start_paused = true)]
async fn the_error_option_names_the_group_error_type() {
    async_dsl_tests::subscribe_to_everything();
    let r = try_parallel! {
        error = AppError;
        a => async { "12".parse::<u32>() },
        b => async { Err::<u32, _>("not found") },
    }
    .await;
    assert_eq!(r.unwrap_err(), AppError("not found".into()));
}

#[tokio::test(start_paused = true)]
async fn the_for_form_stops_pulling_and_drops_the_rest_at_the_first_error() {
    async_dsl_tests::subscribe_to_everything();
    let log = Log::default();
    let pulled = std::cell::Cell::new(0);
    let input = (0..).inspect(|_| pulled.set(pulled.get() + 1));
    let r = try_parallel! {
        limit = 4;
        for i in input => {
            let guard = log.guard(&format!("item {i}"));
            async move {
                let _g = guard;
                sleep_ms(10 * (i % 4 + 1)).await;
                if i == 9 { Err(AppError(format!("item {i}"))) } else { Ok(i) }
            }
        }
    }
    .await;
    assert_eq!(r.unwrap_err(), AppError("item 9".into()));
    assert!(
        pulled.get() <= 9 + 4,
        "an endless input is pulled only as places free: {}",
        pulled.get()
    );
    let dropped = log.events().len();
    assert_eq!(
        dropped,
        pulled.get(),
        "every started item was dropped, none leaked"
    );
}

#[tokio::test(start_paused = true)]
async fn the_for_form_keeps_ok_values_in_input_order() {
    async_dsl_tests::subscribe_to_everything();
    let r = try_parallel! { limit = 3; for ms in [30u64, 10, 20, 5] => async move {
        sleep_ms(ms).await;
        Ok::<_, AppError>(ms)
    } }
    .await;
    assert_eq!(r, Ok(vec![30, 10, 20, 5]));
}

#[tokio::test(start_paused = true)]
async fn the_for_form_converts_errors_with_the_error_option() {
    async_dsl_tests::subscribe_to_everything();
    let r = try_parallel! { error = AppError; for s in ["1", "2", "z"] => async move { s.parse::<u8>() } }.await;
    assert_eq!(
        r.unwrap_err(),
        AppError("parse: invalid digit found in string".into())
    );
}

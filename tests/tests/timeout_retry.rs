//! `#[timeout]`, `#[retry]`, and stacked attributes, on Tokio's paused clock.

mod support;

use std::cell::{Cell, RefCell};
use std::time::Duration;

use async_dsl::{Elapsed, retry, throttled, timeout};
use support::{ms_since, sleep_ms};
use tokio::time::Instant;

#[derive(Debug, PartialEq)]
enum AppError {
    TimedOut,
    Busy(u32),
    Fatal,
}

impl From<Elapsed> for AppError {
    fn from(_: Elapsed) -> Self {
        AppError::TimedOut
    }
}

#[timeout("100ms")]
async fn fallible(ms: u64) -> Result<u64, AppError> {
    sleep_ms(ms).await;
    Ok(ms)
}

#[timeout("1.5s")]
async fn infallible(ms: u64) -> u64 {
    sleep_ms(ms).await;
    ms
}

#[tokio::test(start_paused = true)]
async fn timeout_keeps_a_result_type_and_converts_elapsed() {
    async_dsl_tests::subscribe_to_everything();
    assert_eq!(fallible(50).await, Ok(50));
    let start = Instant::now();
    assert_eq!(fallible(500).await, Err(AppError::TimedOut));
    assert_eq!(ms_since(start), 100);
}

#[tokio::test(start_paused = true)]
async fn timeout_turns_any_other_output_into_a_result() {
    async_dsl_tests::subscribe_to_everything();
    let ok: Result<u64, Elapsed> = infallible(1_000).await;
    assert_eq!(ok, Ok(1_000));
    assert_eq!(infallible(2_000).await, Err(Elapsed::default()));
}

// Its error type is `Elapsed` itself: the expansion's conversion is then the identity, and
// the workspace's clippy run (-D warnings) checks that it reports nothing in user code.
#[timeout("100ms")]
async fn elapsed_is_the_error(ms: u64) -> Result<u64, Elapsed> {
    sleep_ms(ms).await;
    Ok(ms)
}

#[tokio::test(start_paused = true)]
async fn timeout_with_elapsed_as_the_error_type_returns_it() {
    async_dsl_tests::subscribe_to_everything();
    assert_eq!(elapsed_is_the_error(50).await, Ok(50));
    assert_eq!(elapsed_is_the_error(500).await, Err(Elapsed::default()));
}

thread_local! {
    static ATTEMPTS: RefCell<Vec<u128>> = const { RefCell::new(Vec::new()) };
}

fn attempt(start: Instant) -> usize {
    ATTEMPTS.with_borrow_mut(|a| {
        a.push(ms_since(start));
        a.len()
    })
}

#[retry(times = 3, backoff = "100ms..1s")]
async fn always_busy(start: Instant) -> Result<(), AppError> {
    Err(AppError::Busy(attempt(start) as u32))
}

#[tokio::test(start_paused = true)]
async fn retry_makes_at_most_times_plus_one_attempts_and_returns_the_last_error() {
    async_dsl_tests::subscribe_to_everything();
    let start = Instant::now();
    assert_eq!(always_busy(start).await, Err(AppError::Busy(4)));
    let at = ATTEMPTS.take();
    assert_eq!(at.len(), 4);
    let waits: Vec<u128> = at.windows(2).map(|w| w[1] - w[0]).collect();
    // Retry k waits between 100 ms and 100 ms * 2^(k+1), capped at 1 s.
    for (k, wait) in waits.iter().enumerate() {
        let ceiling = (100 * (2 << k)).min(1_000);
        assert!(
            (100..=ceiling).contains(wait),
            "wait {k} was {wait} ms, outside 100..={ceiling}"
        );
    }
}

#[retry(times = 20, backoff = "100ms..300ms")]
async fn capped(start: Instant) -> Result<(), AppError> {
    Err(AppError::Busy(attempt(start) as u32))
}

#[tokio::test(start_paused = true)]
async fn retry_waits_stay_within_the_upper_bound_and_vary() {
    async_dsl_tests::subscribe_to_everything();
    let start = Instant::now();
    let _ = capped(start).await;
    let at = ATTEMPTS.take();
    let waits: Vec<u128> = at.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(
        waits.iter().all(|w| (100..=300).contains(w)),
        "waits {waits:?}"
    );
    assert!(
        waits.iter().any(|&w| w != waits[waits.len() - 1]),
        "jitter makes waits differ: {waits:?}"
    );
}

fn is_busy(e: &AppError) -> bool {
    matches!(e, AppError::Busy(_))
}

#[retry(times = 5, backoff = "10ms..10ms", when = is_busy)]
async fn busy_then_fatal(start: Instant) -> Result<(), AppError> {
    match attempt(start) {
        1 => Err(AppError::Busy(1)),
        _ => Err(AppError::Fatal),
    }
}

#[tokio::test(start_paused = true)]
async fn retry_when_picks_which_errors_are_retried() {
    async_dsl_tests::subscribe_to_everything();
    let start = Instant::now();
    assert_eq!(busy_then_fatal(start).await, Err(AppError::Fatal));
    assert_eq!(ATTEMPTS.take(), [0, 10], "busy was retried, fatal was not");
}

#[timeout("1s")]
#[retry(times = 10, backoff = "300ms..300ms")]
async fn bounded_retries(start: Instant) -> Result<(), AppError> {
    Err(AppError::Busy(attempt(start) as u32))
}

#[tokio::test(start_paused = true)]
async fn stacked_attributes_apply_top_outermost() {
    async_dsl_tests::subscribe_to_everything();
    let start = Instant::now();
    // The timeout wraps every attempt: at 0, 300, 600 and 900 ms, then it expires at 1 s.
    assert_eq!(bounded_retries(start).await, Err(AppError::TimedOut));
    assert_eq!(ms_since(start), 1_000);
    assert_eq!(ATTEMPTS.take(), [0, 300, 600, 900]);
}

#[retry(times = 2, backoff = "10ms..10ms")]
#[throttled(rate = 2)]
async fn throttled_attempts(start: Instant) -> Result<(), AppError> {
    Err(AppError::Busy(attempt(start) as u32))
}

#[tokio::test(start_paused = true)]
async fn each_retried_attempt_waits_its_turn_at_an_inner_throttle() {
    async_dsl_tests::subscribe_to_everything();
    let start = Instant::now();
    let _ = throttled_attempts(start).await;
    assert_eq!(ATTEMPTS.take(), [0, 500, 1_000]);
}

// Shapes the attributes keep: methods, generics, borrowed and `impl Trait` arguments.

struct Account {
    balance: Cell<u64>,
    log: Vec<u64>,
}

impl Account {
    /// Docs and other attributes stay on the function.
    #[must_use]
    #[timeout("1s")]
    async fn read(&self) -> u64 {
        self.balance.get()
    }

    #[retry(times = 1)]
    async fn deposit(&mut self, amount: &u64) -> Result<u64, AppError> {
        self.log.push(*amount);
        self.balance.set(self.balance.get() + amount);
        Ok(self.balance.get())
    }

    #[throttled(rate = 10)]
    async fn close(self) -> Vec<u64> {
        self.log
    }
}

#[throttled(rate = 10)]
#[timeout("1s")]
async fn describe<T: std::fmt::Debug>(
    label: &str,
    value: T,
    extra: impl std::fmt::Display,
) -> String {
    format!("{label}: {value:?} ({extra})")
}

#[tokio::test(start_paused = true)]
async fn attributes_keep_methods_generics_borrowed_and_impl_trait_arguments() {
    async_dsl_tests::subscribe_to_everything();
    let mut account = Account {
        balance: Cell::new(5),
        log: Vec::new(),
    };
    assert_eq!(account.read().await, Ok(5));
    assert_eq!(account.deposit(&7).await, Ok(12));
    assert_eq!(account.close().await, [7]);
    let label = String::from("answer");
    assert_eq!(describe(&label, 42u8, 'x').await.unwrap(), "answer: 42 (x)");
    assert_eq!(
        describe("list", vec![1], "y").await.unwrap(),
        "list: [1] (y)"
    );
}

#[tokio::test(start_paused = true)]
async fn retry_backoff_works_without_the_attribute() {
    async_dsl_tests::subscribe_to_everything();
    let mut backoff =
        async_dsl::Backoff::new(1, Duration::from_millis(5), Duration::from_millis(5));
    assert_eq!(backoff.next(&(), |_| true), Some(Duration::from_millis(5)));
    assert_eq!(backoff.next(&(), |_| true), None);
}

#[async_dsl::timeout("10ms")]
async fn never_answers() -> u32 {
    std::future::pending().await
}

/// Issue 9, fault 15: the `timeout` option and `#[timeout]` fire on an executor that is not
/// Tokio (they panicked outside a Tokio runtime). A real 10 ms wait: the point is that the
/// deadline fires at all, so nothing about its precision is asserted.
#[test]
fn timeouts_fire_outside_a_tokio_runtime() {
    async_dsl_tests::subscribe_to_everything();
    let raced = futures::executor::block_on(async_dsl::race! {
        timeout = "10ms";
        never => std::future::pending::<u32>(),
    });
    assert_eq!(raced, Err(Elapsed::default()));
    assert_eq!(
        futures::executor::block_on(never_answers()),
        Err(Elapsed::default())
    );
    let done =
        futures::executor::block_on(async_dsl::parallel! { timeout = "1h"; a => async { 1 } });
    assert_eq!(done.map(|r| r.a), Ok(1));
}

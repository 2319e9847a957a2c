// `#[other_crate::retry]` is not ours: `#[throttled]` must leave it on the function (rustc
// then reports the unknown crate) instead of taking it as `#[retry]` and rejecting the
// non-`Result` return type.
use async_dsl::throttled;

#[throttled(rate = 5)]
#[other_crate::retry(times = 3)]
async fn call() -> u32 {
    1
}

fn main() {
    let _ = call();
}

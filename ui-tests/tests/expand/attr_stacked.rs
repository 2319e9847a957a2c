use async_dsl::{retry, throttled, timeout};

#[derive(Debug)]
pub struct Error;

impl From<async_dsl::Elapsed> for Error {
    fn from(_: async_dsl::Elapsed) -> Self {
        Error
    }
}

fn transient(_: &Error) -> bool {
    true
}

#[timeout("5s")]
#[retry(times = 3, backoff = "100ms..5s", when = transient)]
#[throttled(rate = 5)]
pub async fn call(q: u32) -> Result<u32, Error> {
    Ok(q)
}

#[timeout("250ms")]
pub async fn count() -> u32 {
    3
}

// A type error in the body of a wrapped function is reported in the body, at the user's
// token, not at the attribute.
use async_dsl::{retry, timeout};

#[timeout("5s")]
async fn plain() -> u32 {
    return "x";
}

#[derive(Debug)]
struct MyErr;

impl From<async_dsl::Elapsed> for MyErr {
    fn from(_: async_dsl::Elapsed) -> Self { MyErr }
}

#[timeout("5s")]
async fn fallible() -> Result<u32, MyErr> {
    Ok("x")
}

#[retry(times = 3)]
async fn retried() -> Result<u32, MyErr> {
    if true {
        return Ok(1);
    }
    Ok(2.5)
}

fn main() {}

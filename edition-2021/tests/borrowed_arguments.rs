//! An attributed `async fn` becomes `fn .. -> impl Future`. Written by hand in edition 2021,
//! such a return type captures no lifetime it does not name, and a borrowed argument is an
//! error (E0700). The expansion's tokens carry the macro crate's edition, 2024, whose rules
//! capture them; these functions borrow in each way a caller can, in a crate of edition 2021.

use async_dsl::{retry, throttled, timeout};

#[throttled(rate = 1000)]
async fn elided(name: &str, bytes: &[u8]) -> usize {
    name.len() + bytes.len()
}

#[throttled(rate = 1000, key = tenant)]
async fn keyed(tenant: &str, n: u32) -> u32 {
    n + tenant.len() as u32
}

#[timeout("1s")]
async fn named<'a>(text: &'a str) -> &'a str {
    text.trim()
}

#[retry(times = 1)]
#[throttled(rate = 1000)]
async fn stacked(text: &str) -> Result<usize, String> {
    Ok(text.len())
}

struct Store(Vec<u32>);

trait Lookup {
    async fn find(&self, at: &usize) -> Option<u32>;
}

impl Store {
    #[throttled(rate = 1000)]
    async fn first(&self) -> Option<&u32> {
        self.0.first()
    }
}

impl Lookup for Store {
    #[throttled(rate = 1000)]
    async fn find(&self, at: &usize) -> Option<u32> {
        self.0.get(*at).copied()
    }
}

#[tokio::test(start_paused = true)]
async fn borrowed_arguments_and_receivers_compile_and_run() {
    let owned = String::from(" ab ");
    assert_eq!(elided(&owned, b"xyz").await, 7);
    assert_eq!(keyed(&owned, 1).await, 5);
    assert_eq!(named(&owned).await, Ok("ab"));
    assert_eq!(stacked(&owned).await, Ok(4));
    let store = Store(vec![7, 8]);
    assert_eq!(store.first().await, Some(&7));
    assert_eq!(store.find(&1).await, Some(8));
}

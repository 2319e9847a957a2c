// Every token of an option's value is consumed or reported: before, the tokens after the
// value were skipped up to the `;`, so `spawn` here was silently dropped.
use async_dsl::parallel;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let _ = parallel! { timeout = "250ms" spawn; x => async { 1 } }.await;
    let _ = parallel! { limit = 2 rate; for n in 0..2 => async move { n } }.await;
}

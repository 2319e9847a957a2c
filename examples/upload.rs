//! A spread upload of 50 files with `#[spread]`.
//!
//! Run with `cargo run --example upload`. Fifty files are uploaded over 5 seconds, one
//! starting every 100 ms, instead of all at once; slow uploads overlap without delaying the
//! next start.

use std::time::{Duration, Instant};

use async_dsl::spread;

/// Uploads one file (simulated: 150 to 850 ms).
#[spread(period = "5s")]
async fn upload(name: String, bytes: u64, started: Instant) -> (String, u128) {
    let at = started.elapsed().as_millis();
    tokio::time::sleep(Duration::from_millis(150 + bytes % 700)).await;
    (name, at)
}

#[tokio::main]
async fn main() {
    let started = Instant::now();
    let files = (0..50).map(|i| (format!("photo-{i:02}.jpg"), 10_000 + i * 37_931, started));
    let done = upload::spread(files).await;
    for (name, at) in done.iter().step_by(7) {
        println!("  {name} started at {at:>4} ms");
    }
    let drift = done
        .iter()
        .enumerate()
        .map(|(i, (_, at))| at.abs_diff(i as u128 * 100))
        .max()
        .unwrap_or(0);
    println!(
        "{} files in {} ms; largest distance from the 100 ms grid: {drift} ms",
        done.len(),
        started.elapsed().as_millis()
    );
}

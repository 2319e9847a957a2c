//! A batch job through a worker pool, with a progress bar.
//!
//! Run with `cargo run --example batch_job`. 200 images are resized by 8 workers; submitting
//! waits while the pool's queue is full, a corrupt image fails its own job only, and a bar,
//! redrawn every 50 ms by a repeating job, shows the jobs completed so far.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use async_dsl::{Pool, repeat};

const IMAGES: usize = 200;

async fn resize(image: usize) -> Result<usize, String> {
    tokio::time::sleep(Duration::from_millis(10 + (image % 7) as u64 * 5)).await;
    if image.is_multiple_of(53) {
        Err(format!("image {image} is corrupt"))
    } else {
        Ok(image)
    }
}

fn draw(done: usize) {
    let filled = done * 30 / IMAGES;
    print!(
        "\r[{}{}] {done:>3}/{IMAGES}",
        "#".repeat(filled),
        ".".repeat(30 - filled)
    );
    let _ = std::io::stdout().flush();
}

#[tokio::main]
async fn main() {
    let started = Instant::now();
    let done = Arc::new(AtomicUsize::new(0));
    let progress = Arc::clone(&done);
    let bar = repeat(Duration::from_millis(50), move || {
        let progress = Arc::clone(&progress);
        async move { draw(progress.load(Ordering::Relaxed)) }
    });

    let pool = Pool::new(8, 16);
    let mut handles = Vec::with_capacity(IMAGES);
    for image in 1..=IMAGES {
        let done = Arc::clone(&done);
        let job = async move {
            let result = resize(image).await;
            done.fetch_add(1, Ordering::Relaxed);
            result
        };
        // Waits while 16 jobs are queued: the producer keeps the pool's pace.
        handles.push(pool.submit(job).await.expect("the pool is open"));
    }
    pool.join().await;
    bar.stop().await.expect("drawing does not panic");
    draw(done.load(Ordering::Relaxed));

    let mut failures = Vec::new();
    for handle in handles {
        match handle.await {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => failures.push(error),
            Err(panic) => failures.push(panic.to_string()),
        }
    }
    println!(
        "\n{} resized, {} failed ({}) in {} ms",
        IMAGES - failures.len(),
        failures.len(),
        failures.join("; "),
        started.elapsed().as_millis()
    );
}

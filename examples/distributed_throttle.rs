//! One quota shared by three processes through Redis: each worker calls a partner API that
//! allows 30 calls a second in all, with `#[throttled(rate = 30, redis = ..)]`, and the
//! example prints how many calls each process started in each second. The three share the
//! 30 (about 10 each), instead of each taking 30.
//!
//! `cargo run --example distributed_throttle` starts its own `redis-server` on a free
//! loopback port (install one with `apt-get install redis-server`, or set `REDIS_URL` to use
//! a running server), then runs three copies of itself as the workers.

use std::io::BufRead;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use async_dsl::throttled;

const WORKERS: usize = 3;
const SECONDS: u64 = 4;

/// The partner's API: 30 calls a second across every process of the service.
#[throttled(rate = 30, redis = std::env::var("REDIS_URL").unwrap_or_default(), name = "example-partner-api")]
async fn call_partner_api(request: u32) -> u32 {
    request
}

/// A worker: calls the API for `SECONDS` and prints, per call, the second it started in.
fn worker() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let start = Instant::now();
        let mut request = 0;
        while start.elapsed() < Duration::from_secs(SECONDS) {
            call_partner_api(request).await;
            request += 1;
            println!("{}", start.elapsed().as_secs());
        }
    });
}

/// A `redis-server` of the example's own, stopped when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_server() -> Result<(String, Server), String> {
    let port = TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free loopback port: {e}"))?
        .port();
    let child = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| {
            format!("cannot start redis-server ({e}): install it (`apt-get install redis-server`) or set REDIS_URL")
        })?;
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err("redis-server did not come up".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok((format!("redis://127.0.0.1:{port}"), server))
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("--worker") {
        return worker();
    }
    let (url, _server) = match std::env::var("REDIS_URL") {
        Ok(url) => (url, None),
        Err(_) => match start_server() {
            Ok((url, server)) => (url, Some(server)),
            Err(why) => {
                eprintln!("{why}");
                std::process::exit(1);
            }
        },
    };
    println!("{WORKERS} workers, one quota of 30 calls/s in Redis at {url}, {SECONDS} s\n");
    let exe = std::env::current_exe().expect("this example's path");
    let workers: Vec<Child> = (0..WORKERS)
        .map(|_| {
            Command::new(&exe)
                .arg("--worker")
                .env("REDIS_URL", &url)
                .stdout(Stdio::piped())
                .spawn()
                .expect("a worker process")
        })
        .collect();
    // Per worker, per second: calls started.
    let mut counts = vec![vec![0u32; SECONDS as usize]; WORKERS];
    for (worker, counts) in workers.into_iter().zip(&mut counts) {
        let output = worker.wait_with_output().expect("the worker's output");
        for line in output.stdout.lines() {
            let second: usize = line.expect("a line").parse().expect("a second");
            if let Some(count) = counts.get_mut(second) {
                *count += 1;
            }
        }
    }
    print!("{:<10}", "second");
    for w in 0..WORKERS {
        print!("{:>10}", format!("worker {w}"));
    }
    println!("{:>10}", "all");
    for second in 0..SECONDS as usize {
        print!("{second:<10}");
        let mut all = 0;
        for counts in &counts {
            print!("{:>10}", counts[second]);
            all += counts[second];
        }
        println!("{all:>10}");
    }
    println!("\nEach worker alone would have started 30 a second; together they keep to 30.");
}

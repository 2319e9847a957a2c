//! One process of the shared-quota test (`tests/redis_throttle.rs`): takes turns from a
//! `RedisThrottle` from a given moment for a given time, then prints, one call per line, its
//! start time and the turn the quota gave it (both Unix microseconds, the turn on the
//! server's clock).
//!
//! Usage: `quota_worker URL NAME RATE START_UNIX_MICROS RUN_MILLIS`

use std::num::NonZeroU32;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_dsl::redis::RedisThrottle;

fn unix_micros() -> u64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970");
    u64::try_from(since.as_micros()).expect("a 64-bit clock")
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, name, rate, start, run] = args.as_slice() else {
        panic!("usage: quota_worker URL NAME RATE START_UNIX_MICROS RUN_MILLIS");
    };
    let rate: NonZeroU32 = rate.parse().expect("RATE");
    let start: u64 = start.parse().expect("START_UNIX_MICROS");
    let end = start + run.parse::<u64>().expect("RUN_MILLIS") * 1000;
    let quota = RedisThrottle::new(url.as_str(), name.as_str(), rate, Duration::from_secs(1));
    tokio::time::sleep(Duration::from_micros(start.saturating_sub(unix_micros()))).await;
    let mut starts = Vec::new();
    loop {
        let permit = quota.acquire().await.expect("the quota's store answers");
        let now = unix_micros();
        if now >= end {
            break;
        }
        assert!(!permit.unthrottled(), "the store stayed up");
        let turn = permit.turn().expect("a turn from the quota");
        let turn = turn
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_micros();
        starts.push((now, turn));
    }
    for (at, turn) in starts {
        println!("{at} {turn}");
    }
}

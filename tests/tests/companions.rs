//! `#[companions]`: the method forms of `#[spread]` and `#[batched]`, in inherent and trait
//! impls, on Tokio's paused clock.

mod support;

use std::fmt::Display;
use std::sync::Mutex;

use async_dsl::{batched, companions, spread, throttled};
use futures::future::join_all;
use support::ms_since;
use tokio::time::Instant;

static REPO_BATCHES: Mutex<Vec<Vec<u32>>> = Mutex::new(Vec::new());

struct Repo {
    prefix: &'static str,
}

#[companions]
impl Repo {
    /// An associated batch function: `Repo::names_one(id)`.
    #[batched(max = 100, window = "5ms")]
    async fn names(ids: Vec<u32>) -> Vec<String> {
        REPO_BATCHES.lock().unwrap().push(ids.clone());
        ids.iter().map(|id| format!("user {id}")).collect()
    }

    /// A method: `repo.put_spread(inputs)`.
    #[spread(period = "3s")]
    async fn put(&self, name: &'static str, start: Instant) -> String {
        format!("{}/{name}@{}", self.prefix, ms_since(start))
    }

    /// An associated function: `Repo::ping_spread(inputs)`.
    #[spread(period = "1s")]
    async fn ping(n: u32, start: Instant) -> (u32, u128) {
        (n, ms_since(start))
    }

    /// Other attributes are left to expand as usual.
    #[throttled(rate = 2)]
    async fn slow(&self, n: u32) -> u32 {
        n
    }
}

#[tokio::test(start_paused = true)]
async fn an_associated_batch_fn_in_an_inherent_impl_coalesces_callers() {
    let start = Instant::now();
    let got = join_all((0..40).map(Repo::names_one)).await;
    for (i, name) in got.iter().enumerate() {
        assert_eq!(name.as_deref(), Ok(format!("user {i}").as_str()));
    }
    assert_eq!(
        *REPO_BATCHES.lock().unwrap(),
        [(0..40).collect::<Vec<_>>()],
        "one batch call for every caller in the window"
    );
    assert_eq!(ms_since(start), 5);
    assert_eq!(
        Repo::names(vec![9]).await,
        ["user 9"],
        "the function itself is unchanged"
    );
}

#[tokio::test(start_paused = true)]
async fn spread_methods_and_associated_fns_in_an_inherent_impl() {
    let repo = Repo { prefix: "bucket" };
    let start = Instant::now();
    let put = repo
        .put_spread([("a", start), ("b", start), ("c", start)])
        .await;
    assert_eq!(put, ["bucket/a@0", "bucket/b@1000", "bucket/c@2000"]);

    let start = Instant::now();
    let pinged = Repo::ping_spread((0..4).map(|n| (n, start))).await;
    assert_eq!(pinged, [(0, 0), (1, 250), (2, 500), (3, 750)]);

    let start = Instant::now();
    assert_eq!((repo.slow(1).await, repo.slow(2).await), (1, 2));
    assert_eq!(
        ms_since(start),
        500,
        "the throttle on a sibling method still holds"
    );
}

trait Store {
    async fn write(&self, key: u32, start: Instant) -> (u32, u128);
    async fn read(keys: Vec<u32>) -> Result<Vec<u32>, String>;
}

struct Disk;

static DISK_BATCHES: Mutex<Vec<usize>> = Mutex::new(Vec::new());

#[companions]
impl Store for Disk {
    #[spread(period = "2s")]
    async fn write(&self, key: u32, start: Instant) -> (u32, u128) {
        (key * 10, ms_since(start))
    }

    #[batched(max = 3, window = "1s")]
    async fn read(keys: Vec<u32>) -> Result<Vec<u32>, String> {
        DISK_BATCHES.lock().unwrap().push(keys.len());
        match keys.contains(&13) {
            true => Err("unlucky batch".to_string()),
            false => Ok(keys.iter().map(|k| k + 1).collect()),
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_trait_impl_gets_its_companions_in_an_inherent_impl_beside_it() {
    let start = Instant::now();
    let written = Disk.write_spread((1..=4).map(|k| (k, start))).await;
    assert_eq!(written, [(10, 0), (20, 500), (30, 1000), (40, 1500)]);

    let start = Instant::now();
    let read = join_all((0..3).map(Disk::read_one)).await;
    assert_eq!(read, [Ok(1), Ok(2), Ok(3)]);
    assert_eq!(
        ms_since(start),
        0,
        "a full batch does not wait for the window"
    );
    let failed = join_all([12, 13].map(Disk::read_one)).await;
    assert!(
        failed.iter().all(
            |r| matches!(r, Err(async_dsl::BatchError::Failed(e)) if e.as_str() == "unlucky batch")
        ),
        "a failed batch reaches each of its callers: {failed:?}"
    );
    assert_eq!(*DISK_BATCHES.lock().unwrap(), [3, 2]);
    assert_eq!(<Disk as Store>::read(vec![1]).await, Ok(vec![2]));
}

struct Labelled<T> {
    label: T,
}

#[companions]
impl<T: Display + Sync> Labelled<T> {
    /// A generic impl is fine for `#[spread]`, which keeps no state between calls.
    #[spread(period = "1s")]
    async fn show(&self, n: u32) -> String {
        format!("{}{n}", self.label)
    }
}

#[tokio::test(start_paused = true)]
async fn spread_in_a_generic_impl() {
    let dashes = Labelled { label: '-' };
    let numbers = Labelled { label: 7u8 };
    assert_eq!(dashes.show_spread([1, 2]).await, ["-1", "-2"]);
    assert_eq!(numbers.show_spread([1]).await, ["71"]);
}

//! `RedisThrottle` against a real `redis-server`, started by each test on a free loopback
//! port (`async_dsl_tests::redis_server`). The server keeps its own clock, so these tests run
//! on real time: they assert orders, counts and lower bounds, and the shared-quota test the
//! 2% the issue names, never a paused clock.

use std::num::NonZeroU32;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use async_dsl::redis::{OnStoreError, RedisThrottle, StoreErrorKind};
use async_dsl_tests::redis_server::RedisServer;
use redis::AsyncCommands;

/// Held by the tests that measure a rate, so that they do not share the two cores with each
/// other (the others are short).
static MEASURING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn per_second(rate: u32) -> (NonZeroU32, Duration) {
    (NonZeroU32::new(rate).unwrap(), Duration::from_secs(1))
}

fn quota(url: &str, name: &str, rate: u32) -> RedisThrottle {
    let (rate, per) = per_second(rate);
    RedisThrottle::new(url, name, rate, per)
}

#[tokio::test]
async fn settings_that_cannot_work_are_an_error_at_the_first_call() {
    let cases = [
        quota("no scheme here", "q", 5),
        quota("redis://127.0.0.1:1", "", 5),
        quota("redis://127.0.0.1:1", "has space", 5),
        quota("redis://127.0.0.1:1", &"n".repeat(201), 5),
        // More than one a microsecond, and the most a `u32` holds.
        quota("redis://127.0.0.1:1", "q", 2_000_000),
        quota("redis://127.0.0.1:1", "q", u32::MAX),
        // A window of zero, then of the most a `Duration` holds (an interval beyond the
        // script's arithmetic).
        RedisThrottle::new("redis://127.0.0.1:1", "q", NonZeroU32::MIN, Duration::ZERO),
        RedisThrottle::new("redis://127.0.0.1:1", "q", NonZeroU32::MIN, Duration::MAX),
        // An interval of a day times a burst of four billion: beyond 2^52 µs.
        RedisThrottle::new(
            "redis://127.0.0.1:1",
            "q",
            NonZeroU32::MIN,
            Duration::from_secs(86_400),
        )
        .burst(NonZeroU32::MAX),
    ];
    for throttle in cases {
        let error = throttle.acquire().await.unwrap_err();
        assert_eq!(
            error.kind(),
            StoreErrorKind::Config,
            "{throttle:?}: {error}"
        );
        // Every policy: no retry can fix a setting.
        let again = throttle.acquire().await.unwrap_err();
        assert_eq!(again.to_string(), error.to_string());
    }
}

#[tokio::test]
async fn turns_are_spaced_by_the_rate_in_arrival_order() {
    let _alone = MEASURING.lock().await;
    let Some(server) = RedisServer::start() else {
        return;
    };
    let throttle = std::sync::Arc::new(quota(&server.url(), "spaced", 20));
    let start = Instant::now();
    let mut callers = Vec::new();
    for i in 0..8u32 {
        let throttle = std::sync::Arc::clone(&throttle);
        callers.push(tokio::spawn(async move {
            let _turn = throttle.acquire().await.unwrap();
            (i, start.elapsed())
        }));
        // Arrivals in a known order.
        tokio::task::yield_now().await;
    }
    let mut started = Vec::new();
    for caller in callers {
        started.push(caller.await.unwrap());
    }
    started.sort_by_key(|&(_, at)| at);
    let order: Vec<u32> = started.iter().map(|&(i, _)| i).collect();
    assert_eq!(order, [0, 1, 2, 3, 4, 5, 6, 7], "served in arrival order");
    // Twenty a second: the eighth starts at least 7 × 50 ms after the first could.
    assert!(started[7].1 >= Duration::from_millis(350), "{started:?}");
}

#[tokio::test]
async fn an_idle_quota_vanishes_from_redis() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let throttle = quota(&server.url(), "idle", 10);
    let _turn = throttle.acquire().await.unwrap();
    let mut redis = server.connection().await;
    let key = "async-dsl:quota:idle";
    let ttl: i64 = redis.pttl(key).await.unwrap();
    assert!(
        (1..=101).contains(&ttl),
        "expires once its 100 ms interval passed: {ttl} ms"
    );
    tokio::time::sleep(Duration::from_millis(150)).await;
    let exists: bool = redis.exists(key).await.unwrap();
    assert!(!exists, "gone after its expiry");
}

async fn tat(redis: &mut redis::aio::MultiplexedConnection, key: &str) -> Option<u64> {
    redis.get(key).await.unwrap()
}

#[tokio::test]
async fn a_caller_dropped_while_it_waits_gives_its_turn_back() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let throttle = quota(&server.url(), "given-back", 1);
    let mut redis = server.connection().await;
    let key = "async-dsl:quota:given-back";
    let _first = throttle.acquire().await.unwrap();
    let after_first = tat(&mut redis, key)
        .await
        .expect("the first turn is recorded");
    // The second waits a second for its turn; it is dropped after 50 ms.
    let dropped = tokio::time::timeout(Duration::from_millis(50), throttle.acquire()).await;
    assert!(dropped.is_err(), "the second had to wait");
    // Its turn was the latest, so it goes back (from a task of its own: give it a moment).
    let deadline = Instant::now() + Duration::from_secs(5);
    while tat(&mut redis, key).await != Some(after_first) {
        assert!(Instant::now() < deadline, "the turn was not given back");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn a_dropped_turn_that_is_not_the_latest_stays_used_and_the_quota_never_runs_over() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let url = server.url();
    let ours = quota(&url, "shared", 10);
    let theirs = quota(&url, "shared", 10);
    let _first = ours.acquire().await.unwrap();
    let mut waiting = Box::pin(ours.acquire());
    // Polled until its reservation is taken (100 ms ahead), then left waiting.
    assert!(futures::poll!(waiting.as_mut()).is_pending());
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(futures::poll!(waiting.as_mut()).is_pending());
    // Another "process" reserves after it, then ours is dropped: its turn cannot go back.
    let later = tokio::spawn(async move {
        let start = Instant::now();
        let _turn = theirs.acquire().await.unwrap();
        start.elapsed()
    });
    tokio::time::sleep(Duration::from_millis(20)).await;
    drop(waiting);
    // The other's turn is the third: about 200 ms after the first, never sooner.
    let waited = later.await.unwrap();
    assert!(waited >= Duration::from_millis(150), "{waited:?}");
}

#[tokio::test]
async fn half_of_many_waiting_callers_cancelled_the_rest_keep_the_rate() {
    let _alone = MEASURING.lock().await;
    let Some(server) = RedisServer::start() else {
        return;
    };
    let throttle = std::sync::Arc::new(quota(&server.url(), "crowd", 200));
    let mut callers = tokio::task::JoinSet::new();
    let mut cancelled = Vec::new();
    for i in 0..10_000u32 {
        let throttle = std::sync::Arc::clone(&throttle);
        let handle = callers.spawn(async move {
            let _turn = throttle.acquire().await.unwrap();
            Instant::now()
        });
        if i % 2 == 1 && i < 9_000 {
            cancelled.push(handle);
        }
    }
    // Let every caller queue, then cancel half of those still waiting.
    tokio::time::sleep(Duration::from_millis(10)).await;
    for handle in &cancelled {
        handle.abort();
    }
    // Run one second, then stop the rest.
    tokio::time::sleep(Duration::from_secs(1)).await;
    callers.abort_all();
    let mut starts = Vec::new();
    while let Some(joined) = callers.join_next().await {
        if let Ok(at) = joined {
            starts.push(at);
        }
    }
    starts.sort();
    let span = starts
        .last()
        .unwrap()
        .duration_since(starts[0])
        .as_secs_f64();
    let rate = (starts.len() - 1) as f64 / span;
    eprintln!("{} starts in {span:.3} s: {rate:.1}/s", starts.len());
    assert!(
        (190.0..=202.0).contains(&rate),
        "{} starts in {span:.3} s: {rate:.1}/s, target 200/s",
        starts.len()
    );
    assert_eq!(
        Arc::strong_count(&throttle),
        1,
        "no caller is left holding the throttle"
    );
}

use std::sync::Arc;

#[tokio::test]
async fn with_redis_gone_each_policy_does_what_it_says_and_recovers() {
    let Some(mut server) = RedisServer::start() else {
        return;
    };
    let url = server.url();
    let with = |policy| quota(&url, "policies", 1000).on_store_error(policy);
    let (fail, proceed, local, wait) = (
        with(OnStoreError::Fail),
        with(OnStoreError::Proceed),
        with(OnStoreError::Local),
        Arc::new(with(OnStoreError::Wait)),
    );
    for throttle in [&fail, &proceed, &local, &wait] {
        assert!(
            !throttle.acquire().await.unwrap().unthrottled(),
            "Redis is up"
        );
    }
    server.kill();
    assert_eq!(
        fail.acquire().await.unwrap_err().kind(),
        StoreErrorKind::Store
    );
    assert!(proceed.acquire().await.unwrap().unthrottled());
    assert!(local.acquire().await.unwrap().unthrottled());
    let waiting = tokio::spawn({
        let wait = Arc::clone(&wait);
        async move { wait.acquire().await.unwrap().unthrottled() }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiting.is_finished(), "`Wait` waits while Redis is away");
    server.restart();
    let deadline = tokio::time::timeout(Duration::from_secs(10), waiting).await;
    let unthrottled = deadline
        .expect("`Wait` recovers once Redis is back")
        .unwrap();
    assert!(!unthrottled, "and takes its turn from Redis");
    for throttle in [&fail, &proceed, &local] {
        let mut tries = 0;
        // The connection comes back by itself; a call or two may still see it down.
        while throttle.acquire().await.map_or(true, |p| p.unthrottled()) {
            tries += 1;
            assert!(tries < 100, "{throttle:?} did not recover");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn unix_micros() -> u64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    u64::try_from(since.as_micros()).unwrap()
}

#[test]
fn four_processes_share_one_quota() {
    let _alone = MEASURING.blocking_lock();
    let Some(server) = RedisServer::start() else {
        return;
    };
    let (rate, run_ms, processes) = (50u64, 2_000u64, 4);
    let start = unix_micros() + 500_000;
    let workers: Vec<_> = (0..processes)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_quota_worker"))
                .args([
                    &server.url(),
                    "four",
                    &rate.to_string(),
                    &start.to_string(),
                    &run_ms.to_string(),
                ])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .expect("the worker binary")
        })
        .collect();
    let mut per_process = Vec::new();
    let mut all = Vec::new();
    let mut turns = Vec::new();
    for worker in workers {
        let out = worker.wait_with_output().unwrap();
        assert!(out.status.success(), "a worker failed");
        let calls: Vec<(u64, u64)> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|line| {
                let (at, turn) = line.split_once(' ').unwrap();
                (at.parse().unwrap(), turn.parse().unwrap())
            })
            .collect();
        per_process.push(calls.len());
        all.extend(calls.iter().map(|&(at, _)| at));
        turns.extend(calls.iter().map(|&(_, turn)| turn));
    }
    // Reservation order: the server handed out one sequence of turns across the four
    // processes, each at least one interval (20 ms) after the one before (exactly one
    // while reservations keep coming; more after a pause).
    turns.sort_unstable();
    for pair in turns.windows(2) {
        assert!(
            pair[1] - pair[0] >= 20_000,
            "turns {} and {} closer than the interval",
            pair[0],
            pair[1]
        );
    }
    all.sort_unstable();
    let total = all.len() as f64;
    // rate × time + burst.
    let expected = (rate * run_ms / 1000 + 1) as f64;
    let closest = all.windows(2).map(|w| w[1] - w[0]).min().unwrap();
    eprintln!(
        "{total} starts ({per_process:?}), {expected} expected; closest two {closest} µs apart"
    );
    assert!(
        (total - expected).abs() <= expected * 0.02,
        "{total} starts, {expected} expected within 2% ({per_process:?})"
    );
    for &n in &per_process {
        assert!(
            n as f64 >= total / processes as f64 / 2.0,
            "a process starved: {per_process:?}"
        );
    }
}

/// The server the attribute tests' functions use: their quota cells are process-wide, so
/// one server serves every test of them.
static ATTRIBUTE_SERVER: std::sync::Mutex<Option<RedisServer>> = std::sync::Mutex::new(None);
static ATTRIBUTE_URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();

fn attribute_url() -> Option<String> {
    let mut server = ATTRIBUTE_SERVER.lock().unwrap();
    if server.is_none() {
        *server = Some(RedisServer::start()?);
    }
    Some(
        ATTRIBUTE_URL
            .get_or_init(|| server.as_ref().unwrap().url())
            .clone(),
    )
}

#[async_dsl::throttled(rate = 20, redis = ATTRIBUTE_URL.get().cloned().unwrap_or_default(), name = "attribute-spaced")]
async fn shared(i: u32) -> u32 {
    i
}

#[derive(Debug)]
enum CallError {
    Store(async_dsl::redis::StoreError),
}

impl From<async_dsl::redis::StoreError> for CallError {
    fn from(error: async_dsl::redis::StoreError) -> Self {
        CallError::Store(error)
    }
}

// A URL that cannot work, known only at run time: a `Result` function with `Fail` gets the
// error.
#[async_dsl::throttled(rate = 20, redis = String::from("tcp://nowhere"), on_store_error = Fail)]
async fn misconfigured() -> Result<u32, CallError> {
    Ok(1)
}

// The same for a function that cannot return it: throttled per process instead.
#[async_dsl::throttled(rate = 10, redis = String::from("tcp://nowhere"))]
async fn misconfigured_plain() -> u32 {
    2
}

#[tokio::test]
async fn the_attribute_shares_the_quota_through_redis() {
    let Some(url) = attribute_url() else { return };
    let start = Instant::now();
    let mut results = Vec::new();
    for i in 0..5 {
        results.push(shared(i).await);
    }
    assert_eq!(results, [0, 1, 2, 3, 4]);
    // Twenty a second: the fifth starts at least 4 × 50 ms after the first.
    assert!(
        start.elapsed() >= Duration::from_millis(200),
        "{:?}",
        start.elapsed()
    );
    let mut redis = redis::Client::open(url)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let exists: bool = redis
        .exists("async-dsl:quota:attribute-spaced")
        .await
        .unwrap();
    assert!(exists, "the quota lives in Redis under its name");
}

#[tokio::test]
async fn a_url_that_cannot_work_is_an_error_or_a_local_limit() {
    match misconfigured().await {
        Err(CallError::Store(error)) => assert_eq!(error.kind(), StoreErrorKind::Config),
        other => panic!("expected the settings' error, got {other:?}"),
    }
    let start = Instant::now();
    assert_eq!(
        [misconfigured_plain().await, misconfigured_plain().await],
        [2, 2]
    );
    assert!(
        start.elapsed() >= Duration::from_millis(100),
        "the local limit holds: {:?}",
        start.elapsed()
    );
}

#[async_dsl::throttled(rate = 10, redis = ATTRIBUTE_URL.get().cloned().unwrap_or_default(), name = "per-tenant", key = tenant)]
async fn per_tenant(tenant: &str) -> Instant {
    Instant::now()
}

#[tokio::test]
async fn a_key_gets_a_quota_of_its_own_in_redis() {
    let Some(url) = attribute_url() else { return };
    let start = Instant::now();
    // Ten a second per tenant: acme's second call waits 100 ms, globex's first does not.
    let acme = per_tenant("acme").await;
    let globex = per_tenant("globex").await;
    // Both quotas live in Redis under their keys until their 100 ms pass.
    let mut redis = redis::Client::open(url)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    for key in [
        "async-dsl:quota:per-tenant:acme",
        "async-dsl:quota:per-tenant:globex",
    ] {
        let exists: bool = redis.exists(key).await.unwrap();
        assert!(exists, "{key} holds the tenant's quota");
    }
    let acme_again = per_tenant("acme").await;
    // (99: the two instants are read after each call's round trip, which may differ by
    // less than a millisecond.)
    assert!(
        globex.duration_since(start) < Duration::from_millis(100),
        "{:?}",
        globex.duration_since(start)
    );
    assert!(
        acme_again.duration_since(acme) >= Duration::from_millis(99),
        "{:?}",
        acme_again.duration_since(acme)
    );
}

fn with_places(url: &str, name: &str, limit: u32, lease: Duration) -> RedisThrottle {
    quota(url, name, 1000).concurrency(NonZeroU32::new(limit).unwrap(), lease)
}

#[tokio::test]
async fn places_in_flight_are_shared_across_processes_and_freed_at_once() {
    let _alone = MEASURING.lock().await;
    let Some(server) = RedisServer::start() else {
        return;
    };
    // Two throttles of one quota stand for two processes; the lease is long, so a waiter that
    // started before it ran out was told of the release.
    let lease = Duration::from_secs(10);
    let throttles = [
        Arc::new(with_places(&server.url(), "places", 2, lease)),
        Arc::new(with_places(&server.url(), "places", 2, lease)),
    ];
    let in_flight = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let most = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = Instant::now();
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..6 {
        let (throttle, in_flight, most) = (
            Arc::clone(&throttles[i % 2]),
            Arc::clone(&in_flight),
            Arc::clone(&most),
        );
        calls.spawn(async move {
            let _place = throttle.acquire().await.unwrap();
            let now = in_flight.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            most.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(100)).await;
            in_flight.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        });
    }
    while calls.join_next().await.is_some() {}
    let took = start.elapsed();
    assert_eq!(
        most.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "two places, both used"
    );
    assert!(
        took >= Duration::from_millis(300),
        "six calls of 100 ms, two at a time: {took:?}"
    );
    assert!(
        took < lease,
        "waiters were told of each release, not left to the lease: {took:?}"
    );
}

#[tokio::test]
async fn a_place_a_dead_process_held_comes_back_when_its_lease_runs_out() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut redis = server.connection().await;
    // The only place, held by a process that died: its lease runs out in 300 ms.
    let (seconds, micros): (u64, u64) = redis::cmd("TIME").query_async(&mut redis).await.unwrap();
    let until = seconds * 1_000_000 + micros + 300_000;
    let _: () = redis
        .zadd("async-dsl:quota:dead:leases", "dead-process-1", until)
        .await
        .unwrap();
    let throttle = with_places(&server.url(), "dead", 1, Duration::from_secs(10));
    let start = Instant::now();
    let _place = throttle.acquire().await.unwrap();
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(250),
        "it waited for the lease: {waited:?}"
    );
    assert!(waited < Duration::from_secs(5), "and no longer: {waited:?}");
}

#[tokio::test]
async fn a_held_place_is_renewed_for_as_long_as_the_call_runs() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let lease = Duration::from_millis(90);
    let holder = with_places(&server.url(), "renewed", 1, lease);
    let other = Arc::new(with_places(&server.url(), "renewed", 1, lease));
    let place = holder.acquire().await.unwrap();
    let start = Instant::now();
    let waiting = tokio::spawn({
        let other = Arc::clone(&other);
        async move {
            let _place = other.acquire().await.unwrap();
            start.elapsed()
        }
    });
    // Four leases long: without renewal the other would start after 90 ms.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(!waiting.is_finished(), "the place is still held");
    drop(place);
    let waited = waiting.await.unwrap();
    assert!(waited >= Duration::from_millis(400), "{waited:?}");
}

#[tokio::test]
async fn settings_of_places_that_cannot_work_are_an_error() {
    // Leases too short to renew, or too long for the script, at 0, near 0 and the most a
    // `Duration` holds.
    for lease in [Duration::ZERO, Duration::from_millis(5), Duration::MAX] {
        let throttle = with_places("redis://127.0.0.1:1", "q", 1, lease);
        assert_eq!(
            throttle.acquire().await.unwrap_err().kind(),
            StoreErrorKind::Config,
            "{lease:?}"
        );
    }
}

#[tokio::test]
async fn the_script_is_loaded_again_after_the_server_forgot_it() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let throttle = quota(&server.url(), "flushed", 1000);
    drop(throttle.acquire().await.unwrap());
    let mut redis = server.connection().await;
    let _: () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query_async(&mut redis)
        .await
        .unwrap();
    // `EVALSHA` now answers `NOSCRIPT`; the call loads the script and goes on.
    let permit = throttle.acquire().await.unwrap();
    assert!(!permit.unthrottled() && permit.turn().is_some());
}

fn tenant_of(id: u32) -> String {
    assert!(id != 0, "no tenant 0");
    format!("t{id}")
}

#[async_dsl::throttled(rate = 1000, redis = ATTRIBUTE_URL.get().cloned().unwrap_or_default(), name = "panicking-key", key = tenant_of(id))]
async fn by_tenant(id: u32) -> u32 {
    id
}

#[tokio::test]
async fn a_key_expression_that_panics_reaches_the_caller_and_the_quota_stays_usable() {
    use futures::FutureExt;
    let Some(_url) = attribute_url() else { return };
    let panicked = std::panic::AssertUnwindSafe(by_tenant(0))
        .catch_unwind()
        .await;
    let message = panicked.unwrap_err();
    assert_eq!(message.downcast_ref::<&str>(), Some(&"no tenant 0"));
    assert_eq!(by_tenant(7).await, 7, "the next call goes on");
}

static ONE_AT_A_TIME: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

#[async_dsl::throttled(rate = 1000, concurrency = 1, lease = "5s", redis = ATTRIBUTE_URL.get().cloned().unwrap_or_default(), name = "attribute-places")]
async fn one_in_flight() -> usize {
    let now = ONE_AT_A_TIME.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
    tokio::time::sleep(Duration::from_millis(20)).await;
    ONE_AT_A_TIME.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    now
}

#[tokio::test]
async fn the_attribute_limits_calls_in_flight_through_redis() {
    let Some(_url) = attribute_url() else { return };
    let calls: Vec<usize> = async_dsl::parallel! { for _ in 0..5 => one_in_flight() }.await;
    assert_eq!(calls, [1, 1, 1, 1, 1], "never two in flight");
}

#[tokio::test]
async fn a_waiting_acquire_dropped_after_each_of_its_polls_leaves_the_next_turn_free() {
    let _alone = MEASURING.lock().await;
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut redis = server.connection().await;
    for polls in 0..6 {
        let name = format!("dropped-{polls}");
        // Ten a second: the first call starts at once, the second must wait 100 ms.
        let throttle = quota(&server.url(), &name, 10);
        let first = throttle.acquire().await.unwrap().turn().unwrap();
        let mut second = Box::pin(throttle.acquire());
        for _ in 0..polls {
            assert!(
                futures::poll!(second.as_mut()).is_pending(),
                "it waits, after {polls} polls"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        drop(second);
        // Whatever it held goes back (from a task of its own): the quota's TAT returns to
        // the first call's, so the third call takes the second turn.
        let key = format!("async-dsl:quota:{name}");
        let first_tat =
            u64::try_from(first.duration_since(UNIX_EPOCH).unwrap().as_micros()).unwrap() + 100_000;
        let deadline = Instant::now() + Duration::from_secs(5);
        while tat(&mut redis, &key).await != Some(first_tat) {
            assert!(
                Instant::now() < deadline,
                "dropped after {polls} polls, its turn stayed taken"
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let third = throttle.acquire().await.unwrap().turn().unwrap();
        assert_eq!(
            third.duration_since(first).unwrap(),
            Duration::from_millis(100),
            "dropped after {polls} polls: the next call got the turn after the first"
        );
    }
}

static PER_KEY_IN_FLIGHT: std::sync::Mutex<Vec<(String, i32)>> = std::sync::Mutex::new(Vec::new());

#[async_dsl::throttled(rate = 1000, concurrency = 1, redis = ATTRIBUTE_URL.get().cloned().unwrap_or_default(), name = "places-per-key", key = tenant)]
async fn one_in_flight_per_tenant(tenant: &str) {
    PER_KEY_IN_FLIGHT
        .lock()
        .unwrap()
        .push((tenant.to_owned(), 1));
    tokio::time::sleep(Duration::from_millis(30)).await;
    PER_KEY_IN_FLIGHT
        .lock()
        .unwrap()
        .push((tenant.to_owned(), -1));
}

#[tokio::test]
async fn each_key_has_places_of_its_own() {
    let Some(_url) = attribute_url() else { return };
    let tenants = ["acme", "acme", "acme", "globex", "globex", "globex"];
    let _: Vec<()> = async_dsl::parallel! { for t in tenants => one_in_flight_per_tenant(t) }.await;
    let events = PER_KEY_IN_FLIGHT.lock().unwrap().clone();
    let (mut most, mut both) = (std::collections::HashMap::new(), 0);
    let mut now = std::collections::HashMap::new();
    for (tenant, step) in events {
        let n = now.entry(tenant.clone()).or_insert(0);
        *n += step;
        let m = most.entry(tenant).or_insert(0);
        *m = (*m).max(*n);
        both = both.max(now.values().sum::<i32>());
    }
    assert_eq!(most["acme"], 1, "one acme call in flight at a time");
    assert_eq!(most["globex"], 1, "one globex call in flight at a time");
    assert_eq!(both, 2, "the two tenants' calls ran side by side");
}

#[test]
fn acquire_outside_a_tokio_runtime_is_an_error_not_a_panic() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let throttle = quota(&server.url(), "outside", 10);
    let error = futures::executor::block_on(throttle.acquire()).unwrap_err();
    assert_eq!(error.kind(), StoreErrorKind::Config, "{error}");
    assert!(error.to_string().contains("Tokio runtime"), "{error}");
}

#[tokio::test]
async fn a_redis_that_hangs_counts_as_away_after_a_second() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let url = server.url();
    let fail = quota(&url, "hangs", 1000).on_store_error(OnStoreError::Fail);
    let proceed = quota(&url, "hangs", 1000).on_store_error(OnStoreError::Proceed);
    for throttle in [&fail, &proceed] {
        assert!(
            !throttle.acquire().await.unwrap().unthrottled(),
            "Redis answers"
        );
    }
    server.pause();
    let start = Instant::now();
    let error = fail.acquire().await.unwrap_err();
    let waited = start.elapsed();
    assert_eq!(error.kind(), StoreErrorKind::Store, "{error}");
    assert!(
        waited >= Duration::from_millis(900),
        "it waited for the answer first: {waited:?}"
    );
    assert!(
        waited < Duration::from_secs(5),
        "and not forever: {waited:?}"
    );
    assert!(proceed.acquire().await.unwrap().unthrottled());
    server.resume();
    let deadline = Instant::now() + Duration::from_secs(10);
    while fail.acquire().await.is_err() {
        assert!(
            Instant::now() < deadline,
            "did not recover once Redis answered again"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_call_dropped_while_taking_a_place_leaves_it_free() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    // One place, held ten seconds without renewal: a place left taken by a dropped call
    // would keep the next caller waiting that long.
    let throttle = with_places(&server.url(), "dropped-place", 1, Duration::from_secs(10));
    for polls in 0..5 {
        let mut taking = Box::pin(throttle.acquire());
        for _ in 0..polls {
            if futures::poll!(taking.as_mut()).is_ready() {
                break;
            }
            tokio::task::yield_now().await;
        }
        drop(taking);
        let next = tokio::time::timeout(Duration::from_secs(3), throttle.acquire()).await;
        assert!(
            next.is_ok(),
            "dropped after {polls} polls, its place stayed taken"
        );
    }
}

static URL_READS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A URL expression that panics on its first evaluation (a missing variable, say).
fn url_after_one_panic() -> String {
    if URL_READS.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
        panic!("REDIS_URL is not set");
    }
    ATTRIBUTE_URL.get().cloned().unwrap_or_default()
}

#[async_dsl::throttled(rate = 1000, redis = url_after_one_panic(), name = "panicking-url")]
async fn behind_a_panicking_url() -> u32 {
    5
}

#[tokio::test]
async fn a_url_expression_that_panics_reaches_the_caller_and_is_evaluated_again() {
    use futures::FutureExt;
    let Some(_url) = attribute_url() else { return };
    let panicked = std::panic::AssertUnwindSafe(behind_a_panicking_url())
        .catch_unwind()
        .await;
    assert_eq!(
        panicked.unwrap_err().downcast_ref::<&str>(),
        Some(&"REDIS_URL is not set")
    );
    assert_eq!(
        behind_a_panicking_url().await,
        5,
        "the next call evaluates the URL again"
    );
    assert_eq!(behind_a_panicking_url().await, 5);
    assert_eq!(
        URL_READS.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "and once it worked, never again"
    );
}

#[tokio::test]
async fn the_most_places_a_u32_holds_limit_nothing() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let throttle = with_places(
        &server.url(),
        "all-places",
        u32::MAX,
        Duration::from_secs(10),
    );
    let first = throttle.acquire().await.unwrap();
    let second = tokio::time::timeout(Duration::from_secs(3), throttle.acquire()).await;
    assert!(
        second.is_ok_and(|p| p.is_ok()),
        "a second place while the first is held"
    );
    drop(first);
}

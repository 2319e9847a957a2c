//! Calls in flight across processes: leases in a sorted set, each member a call, its score
//! the time (server clock, microseconds) the lease runs out.
//!
//! A call takes a lease when fewer than the limit are live; it renews it every third of the
//! lease while it runs and removes it when it ends, publishing on the quota's channel so that
//! waiters in every process try again at once. A process that dies stops renewing, so its
//! leases run out and their places come back after at most one lease time. A waiter that is
//! told nothing (no release, no message) tries again when the earliest lease runs out.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, OnceLock};
use std::time::Duration;

use futures_util::StreamExt;
use redis::aio::ConnectionManager;
use redis::{RedisError, Script};
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// KEYS[1]: the leases; ARGV: the limit, the lease in microseconds, this call's id. Drops the
/// leases that ran out, then takes one if a place is free: 0. Otherwise the microseconds
/// until the earliest lease runs out (at least 1).
static TAKE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now))
local lease = tonumber(ARGV[2])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], string.format('%d', now + lease), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], string.format('%d', math.floor(lease / 1000) + 1))
  return 0
end
local earliest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = tonumber(earliest[2]) - now
if wait < 1 then wait = 1 end
return wait
",
    )
});

/// KEYS[1]: the leases; ARGV: the lease in microseconds, the call's id. Extends the call's
/// lease if it still has one: 1, else 0.
static RENEW: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
if not redis.call('ZSCORE', KEYS[1], ARGV[2]) then return 0 end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local lease = tonumber(ARGV[1])
redis.call('ZADD', KEYS[1], 'XX', string.format('%d', now + lease), ARGV[2])
redis.call('PEXPIRE', KEYS[1], string.format('%d', math.floor(lease / 1000) + 1))
return 1
",
    )
});

/// KEYS[1]: the leases, KEYS[2]: the quota's channel; ARGV[1]: the call's id. Removes the
/// lease and, if it was live, tells every waiting process.
static RELEASE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
  redis.call('PUBLISH', KEYS[2], '1')
  return 1
end
return 0
",
    )
});

/// The limit on calls in flight of one quota (or one key's), as this process sees it.
#[derive(Debug)]
pub(super) struct Leases {
    limit: u32,
    lease: Duration,
    /// Woken by the quota's channel: a place came free somewhere.
    freed: Arc<Notify>,
    /// Stops the channel's listener when the throttle goes.
    stop: CancellationToken,
    listening: OnceLock<()>,
}

impl Drop for Leases {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// A place in flight, renewed while it is held and released when dropped.
#[derive(Debug)]
pub(super) struct Lease {
    connection: ConnectionManager,
    keys: (String, String),
    id: String,
    /// Set once the place is taken.
    renewing: Option<JoinHandle<()>>,
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(renewing) = &self.renewing {
            renewing.abort();
        }
        let (mut connection, keys, id) = (
            self.connection.clone(),
            self.keys.clone(),
            std::mem::take(&mut self.id),
        );
        // From a task of its own: drop cannot wait. Outside a runtime (one shutting down)
        // the lease runs out by itself.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let released: Result<i64, RedisError> = RELEASE
                    .key(&keys.0)
                    .key(&keys.1)
                    .arg(&id)
                    .invoke_async(&mut connection)
                    .await;
                // Nobody to tell: not released, the lease runs out within one lease time.
                let _ = released;
            });
        }
    }
}

/// Ids of this process's calls: unique across processes with the process id and a random
/// part (a restarted process may reuse an id number).
fn next_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    static PROCESS: LazyLock<String> = LazyLock::new(|| {
        format!(
            "{}-{:x}",
            std::process::id(),
            crate::rand::below(usize::MAX)
        )
    });
    format!("{}-{}", *PROCESS, NEXT.fetch_add(1, Ordering::Relaxed))
}

impl Leases {
    pub(super) fn new(limit: u32, lease: Duration) -> Self {
        Leases {
            limit,
            lease,
            freed: Arc::default(),
            stop: CancellationToken::new(),
            listening: OnceLock::new(),
        }
    }

    /// How long a place is held without renewal.
    pub(super) fn lease(&self) -> Duration {
        self.lease
    }

    /// The limit, as a count of places.
    pub(super) fn limit(&self) -> std::num::NonZeroUsize {
        std::num::NonZeroUsize::new(self.limit as usize).unwrap_or(std::num::NonZeroUsize::MIN)
    }

    /// Takes a place in flight under `key` (its sorted set `key:leases`), listening on the
    /// quota's channel `quota:freed` (one for all its keys). The caller is the head of this
    /// process's queue for `key`, so waiters ask in arrival order.
    pub(super) async fn take(
        &self,
        client: &redis::Client,
        mut connection: ConnectionManager,
        key: &str,
        quota: &str,
    ) -> Result<Lease, RedisError> {
        let keys = (format!("{key}:leases"), format!("{quota}:freed"));
        self.listen(client, &keys.1);
        let id = next_id();
        let lease_us = u64::try_from(self.lease.as_micros()).unwrap_or(u64::MAX);
        // The guard exists before the first request: dropped while a request that takes the
        // place is in flight, it removes the place again. Its removal goes over the same
        // connection after the request, so the server sees the two in that order (and a
        // removal of a place never taken changes nothing).
        let mut lease = Lease {
            connection: connection.clone(),
            keys,
            id,
            renewing: None,
        };
        loop {
            // Before asking: a release published while the script runs still wakes this.
            let freed = self.freed.notified();
            let mut freed = std::pin::pin!(freed);
            freed.as_mut().enable();
            let wait: i64 = TAKE
                .key(&lease.keys.0)
                .arg(self.limit)
                .arg(lease_us)
                .arg(&lease.id)
                .invoke_async(&mut connection)
                .await?;
            if wait == 0 {
                lease.renewing = Some(tokio::spawn(renew(
                    connection,
                    lease.keys.0.clone(),
                    lease.id.clone(),
                    self.lease,
                )));
                return Ok(lease);
            }
            let earliest = Duration::from_micros(u64::try_from(wait).unwrap_or(1));
            // Whichever comes first: a place freed somewhere, or the earliest lease's end.
            let ran_out = std::pin::pin!(crate::option::sleep(earliest));
            futures_util::future::select(freed, ran_out).await;
        }
    }

    /// Starts, once, the task that turns the quota's channel into wakes of `freed`. While it
    /// cannot subscribe (Redis away) it wakes the waiters every second, so they ask again.
    fn listen(&self, client: &redis::Client, channel: &str) {
        self.listening.get_or_init(|| {
            let (client, channel) = (client.clone(), channel.to_owned());
            let (freed, stop) = (Arc::clone(&self.freed), self.stop.clone());
            tokio::spawn(stop.clone().run_until_cancelled_owned(async move {
                loop {
                    if let Ok(mut pubsub) = client.get_async_pubsub().await
                        && pubsub.subscribe(&channel).await.is_ok()
                    {
                        let mut messages = pubsub.on_message();
                        while messages.next().await.is_some() {
                            freed.notify_waiters();
                        }
                    }
                    freed.notify_waiters();
                    crate::option::sleep(Duration::from_secs(1)).await;
                }
            }));
        });
    }
}

/// Renews a held lease every third of its time until the call ends (this task is aborted
/// then) or the lease is found gone.
async fn renew(mut connection: ConnectionManager, key: String, id: String, lease: Duration) {
    let lease_us = u64::try_from(lease.as_micros()).unwrap_or(u64::MAX);
    loop {
        crate::option::sleep(lease / 3).await;
        let held: Result<i64, RedisError> = RENEW
            .key(&key)
            .arg(lease_us)
            .arg(&id)
            .invoke_async(&mut connection)
            .await;
        if held == Ok(0) {
            return;
        }
    }
}

//! The two scripts (reserve a turn, give one back) and the reservation a caller holds.
//!
//! `redis::Script` sends a script by its SHA1 (`EVALSHA`) and loads it again when the server
//! answers `NOSCRIPT` (after a restart or `SCRIPT FLUSH`), so each call is one round trip.

use std::sync::LazyLock;
use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::{RedisError, Script};
use tokio::task::JoinHandle;

use super::Quota;

/// GCRA on the server's clock. KEYS[1]: the quota. ARGV: the interval and the tolerance
/// (interval times burst minus one), in microseconds. The theoretical arrival time (TAT) is
/// kept as an integer of microseconds; a quota whose TAT has passed is the same as none, so
/// the key expires then (`PX`). Returns how long the caller waits and the TAT it left, by
/// which it can give its turn back. Numbers are formatted with `%d`: Lua's default `%.14g`
/// would round a clock in microseconds.
pub(super) const RESERVE_SCRIPT: &str = r"
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local wait = tat - tolerance - now
if wait < 0 then wait = 0 end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX', string.format('%d', math.floor((next_tat - now) / 1000) + 1))
return { wait, next_tat }
";

static RESERVE: LazyLock<Script> = LazyLock::new(|| Script::new(RESERVE_SCRIPT));

/// Gives back the turn that left the TAT at ARGV[1], if no turn was reserved after it.
/// KEYS[1]: the quota; ARGV[2]: the interval. Returns 1 if it gave the turn back.
static GIVE_BACK: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
local tat = tonumber(redis.call('GET', KEYS[1]))
if tat ~= tonumber(ARGV[1]) then return 0 end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local back = tat - tonumber(ARGV[2])
if back <= now then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], string.format('%d', back), 'PX', string.format('%d', math.floor((back - now) / 1000) + 1))
end
return 1
",
    )
});

/// What a reservation needs to give itself back.
#[derive(Debug, Clone)]
struct Slot {
    connection: ConnectionManager,
    key: String,
    interval_us: u64,
}

impl Slot {
    /// Gives the turn that left `tat` back, from a task of its own: the caller that held it
    /// is being dropped. Outside a runtime (one shutting down) the turn stays used.
    fn give_back_later(self, tat: impl std::future::Future<Output = Option<u64>> + Send + 'static) {
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Some(tat) = tat.await {
                    let mut connection = self.connection;
                    let given: Result<i64, RedisError> = GIVE_BACK
                        .key(&self.key)
                        .arg(tat)
                        .arg(self.interval_us)
                        .invoke_async(&mut connection)
                        .await;
                    // Nothing to report to: the caller is gone, and a turn not given back
                    // only leaves the quota one slot short.
                    let _ = given;
                }
            });
        }
    }
}

/// A reserved turn: the caller starts once `wait` has passed.
#[derive(Debug)]
pub(super) struct Reservation {
    slot: Slot,
    tat: u64,
    wait: Duration,
    used: bool,
}

impl Reservation {
    /// Reserves the next turn of `quota` at Redis key `key`. The script runs in a task of its own, so a caller
    /// dropped while it is in flight still learns the turn and gives it back.
    pub(super) async fn take(
        connection: ConnectionManager,
        key: String,
        quota: &Quota,
    ) -> Result<Reservation, RedisError> {
        let slot = Slot {
            connection,
            key,
            interval_us: quota.interval_us,
        };
        let (mut connection, key) = (slot.connection.clone(), slot.key.clone());
        let (interval, tolerance) = (quota.interval_us, quota.tolerance_us);
        let mut in_flight = InFlight {
            task: Some(tokio::spawn(async move {
                RESERVE
                    .key(key)
                    .arg(interval)
                    .arg(tolerance)
                    .invoke_async::<(i64, i64)>(&mut connection)
                    .await
            })),
            slot: Some(slot),
        };
        let task = in_flight.task.as_mut().expect("set above");
        let reserved = task.await;
        in_flight.task = None;
        let slot = in_flight.slot.take().expect("set above");
        let (wait, tat) = match reserved {
            Ok(reserved) => reserved?,
            Err(join) => {
                return Err(RedisError::from(std::io::Error::other(format!(
                    "the reservation task failed: {join}"
                ))));
            }
        };
        Ok(Reservation {
            slot,
            tat: u64::try_from(tat).unwrap_or(0),
            wait: Duration::from_micros(u64::try_from(wait).unwrap_or(0)),
            used: false,
        })
    }

    /// How long the store said to wait for this turn.
    #[cfg(feature = "tracing")]
    pub(super) fn delay(&self) -> Duration {
        self.wait
    }

    /// Waits for the turn; it is used once this returns. Returns the theoretical arrival
    /// time the turn left, in microseconds of the server's clock.
    pub(super) async fn wait(mut self) -> u64 {
        if !self.wait.is_zero() {
            crate::option::sleep(self.wait).await;
        }
        self.used = true;
        self.tat
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if !self.used {
            let tat = self.tat;
            self.slot.clone().give_back_later(async move { Some(tat) });
        }
    }
}

/// The reservation script in flight, owned by a caller that may be dropped.
struct InFlight {
    task: Option<JoinHandle<Result<(i64, i64), RedisError>>>,
    slot: Option<Slot>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let (Some(task), Some(slot)) = (self.task.take(), self.slot.take()) {
            slot.give_back_later(async move {
                match task.await {
                    Ok(Ok((_, tat))) => u64::try_from(tat).ok(),
                    _ => None,
                }
            });
        }
    }
}

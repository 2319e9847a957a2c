//! `#[throttled]` and `Throttle`, on Tokio's paused clock.

mod support;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use async_dsl::throttled;
use futures::future::join_all;
use support::{ms_since, sleep_ms};
use tokio::time::Instant;

fn starts() -> Rc<RefCell<Vec<u128>>> {
    Rc::default()
}

#[throttled(rate = 5)]
async fn five_a_second(start: Instant, log: Rc<RefCell<Vec<u128>>>) {
    log.borrow_mut().push(ms_since(start));
}

#[tokio::test(start_paused = true)]
async fn rate_5_starts_ten_callers_200_ms_apart() {
    async_dsl_tests::subscribe_to_everything();
    let (start, log) = (Instant::now(), starts());
    join_all((0..10).map(|_| five_a_second(start, Rc::clone(&log)))).await;
    assert_eq!(*log.borrow(), (0..10).map(|i| i * 200).collect::<Vec<_>>());
}

#[throttled(rate = 5, burst = 3)]
async fn bursty(start: Instant, log: Rc<RefCell<Vec<u128>>>) {
    log.borrow_mut().push(ms_since(start));
}

#[tokio::test(start_paused = true)]
async fn burst_3_lets_three_start_at_once() {
    async_dsl_tests::subscribe_to_everything();
    let (start, log) = (Instant::now(), starts());
    join_all((0..6).map(|_| bursty(start, Rc::clone(&log)))).await;
    assert_eq!(*log.borrow(), [0, 0, 0, 200, 400, 600]);
}

#[throttled(rate = 2, per = "1m")]
async fn two_a_minute(start: Instant, log: Rc<RefCell<Vec<u128>>>) {
    log.borrow_mut().push(ms_since(start));
}

#[tokio::test(start_paused = true)]
async fn per_sets_the_window() {
    async_dsl_tests::subscribe_to_everything();
    let (start, log) = (Instant::now(), starts());
    join_all((0..3).map(|_| two_a_minute(start, Rc::clone(&log)))).await;
    assert_eq!(*log.borrow(), [0, 30_000, 60_000]);
}

thread_local! {
    static IN_FLIGHT: Cell<usize> = const { Cell::new(0) };
    static MOST: Cell<usize> = const { Cell::new(0) };
}

#[throttled(rate = 1000, concurrency = 2)]
async fn two_at_a_time(ms: u64) {
    IN_FLIGHT.set(IN_FLIGHT.get() + 1);
    MOST.set(MOST.get().max(IN_FLIGHT.get()));
    sleep_ms(ms).await;
    IN_FLIGHT.set(IN_FLIGHT.get() - 1);
}

#[tokio::test(start_paused = true)]
async fn concurrency_2_never_has_more_than_two_in_flight() {
    async_dsl_tests::subscribe_to_everything();
    let start = Instant::now();
    join_all((0..10).map(|i| two_at_a_time(50 + (i * 7) % 30))).await;
    assert_eq!(MOST.get(), 2);
    assert!(
        ms_since(start) >= 5 * 50,
        "ten calls of 50+ ms, two at a time"
    );
}

#[throttled(rate = 100)]
async fn in_order(n: usize, log: Rc<RefCell<Vec<usize>>>) {
    log.borrow_mut().push(n);
}

#[tokio::test(start_paused = true)]
async fn a_thousand_callers_start_in_arrival_order() {
    async_dsl_tests::subscribe_to_everything();
    let log = Rc::default();
    join_all((0..1_000).map(|n| in_order(n, Rc::clone(&log)))).await;
    assert_eq!(*log.borrow(), (0..1_000).collect::<Vec<_>>());
}

#[throttled(rate = 5)]
async fn droppable(start: Instant, log: Rc<RefCell<Vec<u128>>>) {
    log.borrow_mut().push(ms_since(start));
}

#[tokio::test(start_paused = true)]
async fn a_dropped_waiter_frees_its_place_at_once() {
    async_dsl_tests::subscribe_to_everything();
    let (start, log) = (Instant::now(), starts());
    droppable(start, Rc::clone(&log)).await; // at 0: the next slot is at 200
    let mut impatient = Box::pin(droppable(start, Rc::clone(&log)));
    assert!(
        futures::poll!(impatient.as_mut()).is_pending(),
        "waits for the 200 ms slot"
    );
    let patient = droppable(start, Rc::clone(&log));
    sleep_ms(100).await;
    drop(impatient); // gives up at 100 ms, before its slot
    patient.await;
    assert_eq!(
        *log.borrow(),
        [0, 200],
        "the patient caller takes the freed 200 ms slot"
    );
}

#[throttled(rate = 1, key = tenant)]
async fn per_tenant(
    tenant: &'static str,
    start: Instant,
    log: Rc<RefCell<Vec<(&'static str, u128)>>>,
) {
    log.borrow_mut().push((tenant, ms_since(start)));
}

#[tokio::test(start_paused = true)]
async fn two_keys_do_not_slow_each_other() {
    async_dsl_tests::subscribe_to_everything();
    let start = Instant::now();
    let log = Rc::default();
    join_all(["a", "b", "a", "b"].map(|t| per_tenant(t, start, Rc::clone(&log)))).await;
    let mut seen = log.borrow().clone();
    seen.sort();
    assert_eq!(seen, [("a", 0), ("a", 1_000), ("b", 0), ("b", 1_000)]);
}

struct Client {
    name: &'static str,
}

impl Client {
    #[throttled(rate = 10)]
    async fn call(&self, start: Instant, log: Rc<RefCell<Vec<(&'static str, u128)>>>) {
        log.borrow_mut().push((self.name, ms_since(start)));
    }
}

#[tokio::test(start_paused = true)]
async fn a_methods_limiter_is_shared_by_all_its_callers() {
    async_dsl_tests::subscribe_to_everything();
    let (a, b) = (Client { name: "a" }, Client { name: "b" });
    let start = Instant::now();
    let log = Rc::default();
    futures::join!(
        a.call(start, Rc::clone(&log)),
        b.call(start, Rc::clone(&log)),
        a.call(start, Rc::clone(&log))
    );
    assert_eq!(*log.borrow(), [("a", 0), ("b", 100), ("a", 200)]);
}

#[tokio::test(start_paused = true)]
async fn the_throttle_works_without_the_attribute() {
    async_dsl_tests::subscribe_to_everything();
    use async_dsl::Throttle;
    use std::num::NonZeroU32;
    let limit = Throttle::new(NonZeroU32::new(4).unwrap(), Duration::from_secs(1));
    let start = Instant::now();
    let stamps = join_all((0..4).map(|_| async {
        let _permit = limit.acquire().await;
        ms_since(start)
    }))
    .await;
    assert_eq!(stamps, [0, 250, 500, 750]);
}

#[tokio::test(start_paused = true)]
async fn a_keyed_throttle_forgets_idle_keys() {
    async_dsl_tests::subscribe_to_everything();
    use async_dsl::{KeyedThrottle, Throttle};
    use std::num::NonZeroU32;
    let keyed = KeyedThrottle::new(|| {
        Throttle::new(NonZeroU32::new(1_000).unwrap(), Duration::from_secs(1))
    });
    for tenant in 0..1_000u32 {
        let _permit = keyed.acquire(&tenant).await;
    }
    assert_eq!(
        keyed.key_count(),
        1_000,
        "a key's state is kept while it could still matter"
    );
    tokio::time::advance(Duration::from_millis(10)).await;
    // Traffic on one key: sweeps run in proportion to calls and drop the recovered keys.
    for _ in 0..1_100 {
        let _permit = keyed.acquire(&"hot").await;
    }
    assert_eq!(keyed.key_count(), 1, "only the key in use is remembered");
}

/// Records when it is dropped.
struct Guard(&'static str, Rc<RefCell<Vec<&'static str>>>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.1.borrow_mut().push(self.0);
    }
}

#[throttled(rate = 5)]
async fn holds(_unused: Guard, (a, b): (u32, u32), mut n: u32, _: Guard) -> u32 {
    n += a + b;
    sleep_ms(10).await;
    n
}

#[tokio::test(start_paused = true)]
async fn arguments_live_until_the_call_ends_as_in_an_async_fn() {
    async_dsl_tests::subscribe_to_everything();
    let log = Rc::new(RefCell::new(Vec::new()));
    let call = holds(
        Guard("unused", Rc::clone(&log)),
        (1, 2),
        3,
        Guard("wildcard", Rc::clone(&log)),
    );
    assert!(
        log.borrow().is_empty(),
        "nothing is dropped when the call is made"
    );
    assert_eq!(call.await, 6, "patterns and `mut` bind as written");
    assert_eq!(
        *log.borrow(),
        ["wildcard", "unused"],
        "dropped at the end, last first"
    );
}

static KEY_READS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn read_key(id: u32) -> u32 {
    KEY_READS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    id
}

#[throttled(rate = 5, key = read_key(id))]
async fn keyed_lazily(id: u32) -> u32 {
    id
}

#[tokio::test(start_paused = true)]
async fn the_key_expression_runs_on_the_first_poll_not_at_the_call() {
    async_dsl_tests::subscribe_to_everything();
    use std::sync::atomic::Ordering::SeqCst;
    let call = keyed_lazily(7);
    assert_eq!(KEY_READS.load(SeqCst), 0, "an unpolled call runs nothing");
    drop(call);
    assert_eq!(KEY_READS.load(SeqCst), 0);
    assert_eq!(keyed_lazily(7).await, 7);
    assert_eq!(KEY_READS.load(SeqCst), 1);
}

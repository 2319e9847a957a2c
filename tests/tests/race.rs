//! `race!` and `race_ok!`.

mod support;

use std::task::Poll;

use async_dsl::{Elapsed, race, race_ok};
use support::{Log, ms_since, sleep_ms};
use tokio::time::Instant;

async fn after(ms: u64, value: &'static str) -> &'static str {
    sleep_ms(ms).await;
    value
}

#[tokio::test(start_paused = true)]
async fn the_first_to_finish_wins_and_the_losers_are_dropped_at_once() {
    async_dsl_tests::subscribe_to_everything();
    let log = Log::default();
    let (g1, g2) = (log.guard("db"), log.guard("replica"));
    let start = Instant::now();
    let mut group = Box::pin(race! {
        cache => after(10, "cache"),
        db => async move { let _g = g1; after(50, "db").await },
        replica => async move { let _g = g2; after(90, "replica").await },
    });
    let winner = loop {
        match futures::poll!(group.as_mut()) {
            Poll::Ready(winner) => break winner,
            Poll::Pending => tokio::time::advance(std::time::Duration::from_millis(1)).await,
        }
    };
    let mut dropped = log.events();
    dropped.sort();
    assert_eq!(
        dropped,
        ["dropped db", "dropped replica"],
        "losers dropped while the group still lives"
    );
    assert_eq!((winner, ms_since(start)), ("cache", 10));
    drop(group);
}

#[derive(Debug, PartialEq)]
enum Hit {
    Cached(&'static str),
    Fresh(u64),
}

#[tokio::test(start_paused = true)]
async fn branches_of_different_types_map_into_the_callers_enum() {
    async_dsl_tests::subscribe_to_everything();
    let hit = race! {
        cache => after(30, "stale") => Hit::Cached,
        db => async { sleep_ms(10).await; 42u64 } => Hit::Fresh,
    }
    .await;
    match hit {
        Hit::Fresh(row) => assert_eq!(row, 42),
        Hit::Cached(_) => panic!("the cache was slower"),
    }
    let hit = race! {
        cache => after(5, "warm") => Hit::Cached,
        db => async { sleep_ms(10).await; 42u64 } => |row| Hit::Fresh(row + 1),
    }
    .await;
    assert_eq!(hit, Hit::Cached("warm"));
}

#[tokio::test(start_paused = true)]
async fn race_with_a_timeout_gives_elapsed_when_nothing_finishes() {
    async_dsl_tests::subscribe_to_everything();
    let start = Instant::now();
    let r = race! { timeout = "3s"; a => after(5_000, "a"), b => after(4_000, "b") }.await;
    assert_eq!((r, ms_since(start)), (Err(Elapsed::default()), 3_000));
    let r = race!(timeout = "3s"; after(5_000, "a"), after(20, "b")).await;
    assert_eq!(r, Ok("b"));
}

#[tokio::test(start_paused = true)]
async fn unbiased_race_is_fair_over_many_rounds() {
    async_dsl_tests::subscribe_to_everything();
    let mut wins = [0u32; 3];
    for _ in 0..3_000 {
        let winner = race!(async { 0 }, async { 1 }, async { 2 }).await;
        wins[winner] += 1;
    }
    // Each branch wins about 1000 times; a position bias would give one branch all 3000.
    assert!(
        wins.iter().all(|&n| (800..1_200).contains(&n)),
        "wins per branch: {wins:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn unbiased_race_is_fair_when_branches_wake_in_the_same_round() {
    async_dsl_tests::subscribe_to_everything();
    let mut wins = [0u32; 2];
    for _ in 0..2_000 {
        // Both timers fire at the same instant, so both branches are due in one poll.
        let winner = race!(after(10, "a"), after(10, "b")).await;
        wins[usize::from(winner == "b")] += 1;
    }
    assert!(
        wins.iter().all(|&n| (800..1_200).contains(&n)),
        "wins per branch: {wins:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_race_over_a_dynamic_set_is_fair_when_items_wake_in_the_same_round() {
    async_dsl_tests::subscribe_to_everything();
    let mut wins = [0u32; 2];
    for _ in 0..2_000 {
        let winner = race! { for i in 0..2usize => async move { sleep_ms(10).await; i } }.await;
        wins[winner.unwrap()] += 1;
    }
    assert!(
        wins.iter().all(|&n| (800..1_200).contains(&n)),
        "wins per item: {wins:?}"
    );
    let first = race! { biased; for i in 0..2usize => async move { sleep_ms(10).await; i } }.await;
    assert_eq!(first, Some(0), "biased takes the earliest item of a round");
}

#[tokio::test(start_paused = true)]
async fn biased_race_polls_in_written_order() {
    async_dsl_tests::subscribe_to_everything();
    for _ in 0..100 {
        let winner = race!(biased; async { 0 }, async { 1 }, async { 2 }).await;
        assert_eq!(winner, 0);
    }
}

#[tokio::test(start_paused = true)]
async fn race_over_a_dynamic_set_returns_the_first_or_none() {
    async_dsl_tests::subscribe_to_everything();
    let first = race! { for ms in [30u64, 10, 20] => async move { sleep_ms(ms).await; ms } }.await;
    assert_eq!(first, Some(10));
    let none = race! { for ms in Vec::<u64>::new() => async move { ms } }.await;
    assert_eq!(none, None);
}

#[tokio::test(start_paused = true)]
async fn race_ok_skips_early_errors() {
    async_dsl_tests::subscribe_to_everything();
    let start = Instant::now();
    let r = race_ok! {
        primary => async { sleep_ms(10).await; Err::<&str, _>("primary down") },
        replica => async { sleep_ms(20).await; Ok::<_, std::io::Error>("replica") },
        archive => async { sleep_ms(500).await; Ok::<_, String>("archive") },
    }
    .await;
    assert_eq!(r.unwrap(), "replica");
    assert_eq!(ms_since(start), 20);
}

#[tokio::test(start_paused = true)]
async fn race_ok_returns_every_error_typed_when_all_fail() {
    async_dsl_tests::subscribe_to_everything();
    let r = race_ok! {
        cache => async { sleep_ms(5).await; Err::<u32, _>("miss") },
        db => async { Err::<u32, _>(std::io::Error::other("down")) },
    }
    .await;
    let errors = r.unwrap_err();
    let (cache, db): (&str, &std::io::Error) = (errors.cache, &errors.db);
    assert_eq!((cache, db.to_string().as_str()), ("miss", "down"));
    assert!(errors.to_string().starts_with("every branch failed"));

    let r = race_ok!(async { Err::<u8, _>(1u8) }, async { Err::<u8, _>("two") }).await;
    let errors = r.unwrap_err().into_inner();
    assert_eq!(errors, (1, "two"));
}

#[tokio::test(start_paused = true)]
async fn race_ok_over_a_dynamic_set_keeps_errors_in_input_order() {
    async_dsl_tests::subscribe_to_everything();
    let r = race_ok! { for ms in [30u64, 10, 20] => async move {
        sleep_ms(ms).await;
        Err::<(), _>(ms)
    } }
    .await;
    assert_eq!(r.unwrap_err().into_inner(), [30, 10, 20]);
    let r = race_ok! { limit = 1; for ms in [30u64, 10, 20] => async move {
        sleep_ms(ms).await;
        if ms == 10 { Ok(ms) } else { Err(ms) }
    } }
    .await;
    assert_eq!(r, Ok(10));
}

#[tokio::test(start_paused = true)]
async fn race_ok_maps_the_ok_value() {
    async_dsl_tests::subscribe_to_everything();
    let r = race_ok! {
        a => async { Ok::<u8, ()>(1) } => Hit::Fresh_from_u8,
        b => async { sleep_ms(5).await; Ok::<&'static str, ()>("b") } => Hit::Cached,
    }
    .await;
    assert_eq!(r, Ok(Hit::Fresh(1)));
}

#[allow(non_snake_case)]
impl Hit {
    fn Fresh_from_u8(n: u8) -> Hit {
        Hit::Fresh(u64::from(n))
    }
}

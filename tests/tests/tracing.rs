//! The `tracing` feature, seen through a subscriber that records every span and event in
//! memory: span names, fields and parentage, what groups record when they resolve, the
//! attributes' events, and spawned work in its spawner's span. Without the feature
//! (`cargo test -p async-dsl-tests --test tracing`), the last test checks that nothing at
//! target `async_dsl` is recorded. Everything time-based runs on Tokio's paused clock.
// Without the feature only the last test reads the recorder, and only part of it.
#![cfg_attr(not(feature = "tracing"), allow(dead_code))]

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// A span as recorded: its fields as `Debug` writes them (strings without quotes).
#[derive(Debug, Clone)]
struct SpanRecord {
    name: &'static str,
    target: String,
    fields: BTreeMap<String, String>,
    /// The index of its parent in [`Recorded::spans`].
    parent: Option<usize>,
    /// How many times it was entered.
    enters: usize,
    closed: bool,
}

impl SpanRecord {
    /// A race's `winner` and `cancelled` fields, as recorded.
    fn decided(&self) -> (&str, &str) {
        (
            self.fields["winner"].as_str(),
            self.fields["cancelled"].as_str(),
        )
    }
}

#[derive(Debug, Clone)]
struct EventRecord {
    target: String,
    level: tracing::Level,
    fields: BTreeMap<String, String>,
    /// The index of the span it happened in.
    span: Option<usize>,
}

#[derive(Debug, Default)]
struct Recorded {
    spans: Vec<SpanRecord>,
    events: Vec<EventRecord>,
}

/// The index of a span in [`Recorded::spans`], kept in the registry's extensions (the
/// registry reuses ids of closed spans).
struct Index(usize);

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Recorded>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }
}

impl<S> Layer<S> for Recorder
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let span = ctx.span(id).expect("a new span is in the registry");
        let parent = span
            .parent()
            .and_then(|parent| parent.extensions().get::<Index>().map(|index| index.0));
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        let mut recorded = self.0.lock().unwrap();
        span.extensions_mut().insert(Index(recorded.spans.len()));
        recorded.spans.push(SpanRecord {
            name: attrs.metadata().name(),
            target: attrs.metadata().target().to_string(),
            fields,
            parent,
            enters: 0,
            closed: false,
        });
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let index = ctx
            .span(id)
            .and_then(|s| s.extensions().get::<Index>().map(|i| i.0));
        if let Some(index) = index {
            values.record(&mut Fields(&mut self.0.lock().unwrap().spans[index].fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let span = ctx
            .event_span(event)
            .and_then(|s| s.extensions().get::<Index>().map(|i| i.0));
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.0.lock().unwrap().events.push(EventRecord {
            target: event.metadata().target().to_string(),
            level: *event.metadata().level(),
            fields,
            span,
        });
    }

    fn on_enter(&self, id: &Id, ctx: Context<'_, S>) {
        let index = ctx
            .span(id)
            .and_then(|s| s.extensions().get::<Index>().map(|i| i.0));
        if let Some(index) = index {
            self.0.lock().unwrap().spans[index].enters += 1;
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let index = ctx
            .span(&id)
            .and_then(|s| s.extensions().get::<Index>().map(|i| i.0));
        if let Some(index) = index {
            self.0.lock().unwrap().spans[index].closed = true;
        }
    }
}

/// Records what happens on this thread until the guard drops.
fn record() -> (Recorder, tracing::subscriber::DefaultGuard) {
    let recorder = Recorder::default();
    let subscriber = tracing_subscriber::registry().with(recorder.clone());
    (recorder, tracing::subscriber::set_default(subscriber))
}

impl Recorder {
    fn spans(&self) -> Vec<SpanRecord> {
        self.0.lock().unwrap().spans.clone()
    }

    fn events(&self) -> Vec<EventRecord> {
        self.0.lock().unwrap().events.clone()
    }

    /// The indices of the spans named `name`, in creation order.
    fn named(&self, name: &str) -> Vec<usize> {
        let spans = self.spans();
        (0..spans.len())
            .filter(|&i| spans[i].name == name)
            .collect()
    }

    /// The one span named `name`.
    fn only(&self, name: &str) -> (usize, SpanRecord) {
        let found = self.named(name);
        assert_eq!(found.len(), 1, "spans named {name}: {:#?}", self.spans());
        (found[0], self.spans()[found[0]].clone())
    }

    /// The `name` fields of the branch spans whose parent is span `parent`, in creation
    /// order.
    fn branches_of(&self, parent: usize) -> Vec<String> {
        self.spans()
            .iter()
            .filter(|s| s.name == "branch" && s.parent == Some(parent))
            .map(|s| s.fields["name"].clone())
            .collect()
    }

    /// The events whose `message` is `message`.
    fn events_saying(&self, message: &str) -> Vec<EventRecord> {
        self.events()
            .into_iter()
            .filter(|e| e.fields.get("message").map(String::as_str) == Some(message))
            .collect()
    }
}

#[cfg(feature = "tracing")]
mod with_the_feature {
    use super::*;

    use std::time::Duration;

    use async_dsl::{
        Pool, Scope, Task, batched, parallel, race, race_ok, retry, spread, throttled, timeout,
        try_parallel,
    };
    use tokio::time::sleep;
    use tracing::Instrument;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[tokio::test(start_paused = true)]
    async fn a_group_and_its_branches_have_spans_with_names_call_site_and_parents() {
        let (recorder, _guard) = record();
        let line = line!() + 1;
        let out = parallel! {
            user => async { sleep(ms(10)).await; tracing::info!("in user"); 1 },
            posts => async { tracing::info!("in posts"); 2 },
        }
        .await;
        assert_eq!((out.user, out.posts), (1, 2));
        tracing::info!("after");

        let (group, span) = recorder.only("parallel");
        assert_eq!(span.target, "async_dsl");
        assert!(span.fields["file"].ends_with("tracing.rs"), "{span:?}");
        assert_eq!(span.fields["line"], line.to_string());
        assert_eq!(span.parent, None);
        assert!(span.closed);
        assert_eq!(recorder.branches_of(group), ["user", "posts"]);

        let spans = recorder.spans();
        for (i, s) in spans.iter().enumerate().filter(|(_, s)| s.name == "branch") {
            assert_eq!(s.target, "async_dsl");
            assert!(s.closed);
            let wanted = if s.fields["name"] == "user" {
                "in user"
            } else {
                "in posts"
            };
            let events = recorder.events_saying(wanted);
            assert_eq!(events.len(), 1);
            assert_eq!(events[0].span, Some(i), "{wanted} ran in its branch's span");
        }
        // `user` was polled twice (before and after its sleep); its span was entered only
        // then, and the user's event after the group is in no span of ours.
        let user = spans
            .iter()
            .find(|s| s.fields.get("name").map(String::as_str) == Some("user"));
        assert_eq!(user.unwrap().enters, 2);
        assert_eq!(recorder.events_saying("after")[0].span, None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_branch_span_is_entered_once_per_poll_and_not_between() {
        let (recorder, _guard) = record();
        let polls = std::cell::Cell::new(0);
        let mut slow = std::pin::pin!(sleep(ms(100)));
        let slow = std::future::poll_fn(|cx| {
            polls.set(polls.get() + 1);
            slow.as_mut().poll(cx)
        });
        let seen = parallel! {
            slow => slow,
            // Runs while `slow` sleeps: the current span is its own, never `slow`'s.
            fast => async {
                sleep(ms(50)).await;
                tracing::Span::current().metadata().map(|m| m.name())
            },
        }
        .await;
        assert_eq!(seen.fast, Some("branch"));
        let event_free = recorder.spans();
        let slow = event_free
            .iter()
            .find(|s| s.fields.get("name").map(String::as_str) == Some("slow"))
            .unwrap();
        assert_eq!(slow.enters, polls.get());
        assert!(polls.get() >= 2);
    }

    #[tokio::test(start_paused = true)]
    async fn positional_branches_are_named_by_position() {
        let (recorder, _guard) = record();
        let (a, b, c) = parallel!(async { 'a' }, async { 'b' }, async { 'c' }).await;
        assert_eq!((a, b, c), ('a', 'b', 'c'));
        let (group, _) = recorder.only("parallel");
        assert_eq!(recorder.branches_of(group), ["0", "1", "2"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_race_records_its_winner_and_how_many_it_cancelled() {
        let (recorder, _guard) = record();
        let hit = race! {
            cache => async { sleep(ms(5)).await; "cache" },
            db => async { sleep(ms(50)).await; "db" },
            replica => async { sleep(ms(60)).await; "replica" },
        }
        .await;
        assert_eq!(hit, "cache");
        let (group, span) = recorder.only("race");
        assert_eq!(span.fields["winner"], "cache");
        assert_eq!(span.fields["cancelled"], "2");
        // A race starts each poll at a random branch, so spans are made in any order.
        let mut branches = recorder.branches_of(group);
        branches.sort();
        assert_eq!(branches, ["cache", "db", "replica"]);
        assert!(recorder.spans().iter().all(|s| s.closed));
    }

    #[tokio::test(start_paused = true)]
    async fn race_ok_records_the_first_success_not_the_first_failure() {
        let (recorder, _guard) = record();
        let got: Result<u32, _> = race_ok! {
            broken => async { Err::<u32, &str>("down") },
            slow => async { sleep(ms(30)).await; Ok::<u32, &str>(2) },
            late => async { sleep(ms(90)).await; Ok::<u32, &str>(3) },
        }
        .await;
        assert_eq!(got.unwrap(), 2);
        let (_, span) = recorder.only("race_ok");
        assert_eq!(span.fields["winner"], "slow");
        assert_eq!(span.fields["cancelled"], "1");

        let (recorder, _guard) = record();
        let all: Result<u32, _> =
            race_ok!(async { Err::<u32, u8>(1) }, async { Err::<u32, u8>(2) }).await;
        assert!(all.is_err());
        let (_, span) = recorder.only("race_ok");
        assert!(!span.fields.contains_key("winner"), "no winner: {span:?}");
        assert_eq!(span.fields["cancelled"], "0");
    }

    #[tokio::test(start_paused = true)]
    async fn try_parallel_records_the_branch_that_failed() {
        let (recorder, _guard) = record();
        let out = try_parallel! {
            fine => async { Ok::<u8, String>(1) },
            bad => async { sleep(ms(10)).await; Err::<u8, String>("no".into()) },
            pending => async { sleep(ms(100)).await; Ok::<u8, String>(3) },
        }
        .await;
        assert_eq!(out.unwrap_err(), "no");
        let (_, span) = recorder.only("try_parallel");
        assert_eq!(span.fields["failed"], "bad");
        assert_eq!(span.fields["cancelled"], "1");

        let (recorder, _guard) = record();
        let ok = try_parallel!(async { Ok::<u8, ()>(1) }, async { Ok::<u8, ()>(2) }).await;
        assert_eq!(ok, Ok((1, 2)));
        let (_, span) = recorder.only("try_parallel");
        assert!(!span.fields.contains_key("failed"), "{span:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn the_for_form_names_each_branch_by_its_items_index() {
        let (recorder, _guard) = record();
        let out =
            parallel!(for n in [30_u64, 10, 20] => async move { sleep(ms(n)).await; n }).await;
        assert_eq!(out, [30, 10, 20]);
        let (group, _) = recorder.only("parallel");
        assert_eq!(recorder.branches_of(group), ["0", "1", "2"]);

        let (recorder, _guard) = record();
        let first = race!(for n in [30_u64, 10, 20] => async move { sleep(ms(n)).await; n }).await;
        assert_eq!(first, Some(10));
        let (_, span) = recorder.only("race");
        assert_eq!(span.fields["winner"], "1", "the item at index 1 won");
        assert_eq!(span.fields["cancelled"], "2");

        let (recorder, _guard) = record();
        let limited = try_parallel!(limit = 1; for n in 0..4_u8 => async move {
            if n == 2 { Err(n) } else { Ok(n) }
        })
        .await;
        assert_eq!(limited, Err(2));
        let (group, span) = recorder.only("try_parallel");
        assert_eq!(span.fields["failed"], "2");
        // With one at a time, item 3 never started: only started items have spans.
        assert_eq!(recorder.branches_of(group), ["0", "1", "2"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_nested_group_is_a_child_of_its_branch_and_keeps_its_own_tally() {
        let (recorder, _guard) = record();
        let out = race! {
            outer_fast => async {
                let inner = race! {
                    inner_a => async { sleep(ms(20)).await; "a" },
                    inner_b => async { sleep(ms(10)).await; "b" },
                }
                .await;
                sleep(ms(5)).await;
                inner
            },
            outer_slow => async { sleep(ms(100)).await; "slow" },
        }
        .await;
        assert_eq!(out, "b");
        let races = recorder.named("race");
        assert_eq!(races.len(), 2);
        let spans = recorder.spans();
        let (outer, inner) = (&spans[races[0]], &spans[races[1]]);
        let parent = inner.parent.unwrap();
        assert_eq!(spans[parent].name, "branch");
        assert_eq!(spans[parent].fields["name"], "outer_fast");
        assert_eq!(spans[parent].parent, Some(races[0]));
        assert_eq!(inner.decided(), ("inner_b", "1"));
        assert_eq!(outer.decided(), ("outer_fast", "1"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_group_with_a_timeout_runs_the_timeout_inside_its_span() {
        let (recorder, _guard) = record();
        let out = race!(timeout = "1s"; a => sleep(ms(5_000)), b => sleep(ms(6_000))).await;
        assert!(out.is_err());
        let (group, span) = recorder.only("race");
        assert!(!span.fields.contains_key("winner"));
        assert_eq!(span.fields["cancelled"], "2");
        let mut branches = recorder.branches_of(group);
        branches.sort();
        assert_eq!(branches, ["a", "b"]);
    }

    /// A subscriber may want some of the library's spans and not others. A group whose span
    /// it declined still keeps its branches' reports to itself: the `try_parallel!` here
    /// cancels its other branch, and the race around it counts only its own.
    #[tokio::test(start_paused = true)]
    async fn a_group_whose_span_is_declined_reports_nothing_to_the_group_around_it() {
        use tracing_subscriber::filter::filter_fn;
        let recorder = Recorder::default();
        let subscriber = tracing_subscriber::registry().with(
            recorder
                .clone()
                .with_filter(filter_fn(|meta| meta.name() != "try_parallel")),
        );
        let _guard = tracing::subscriber::set_default(subscriber);
        let out = race! {
            a => async {
                try_parallel! {
                    fails => async { Err::<i32, &str>("no") },
                    waits => async { sleep(ms(10)).await; Ok::<i32, &str>(1) },
                }
                .await
            },
            b => std::future::pending(),
        }
        .await;
        assert!(out.is_err());
        assert!(recorder.named("try_parallel").is_empty());
        let (_, race) = recorder.only("race");
        assert_eq!(race.decided(), ("a", "1"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_group_dropped_at_each_of_its_polls_closes_every_span_and_leaves_the_next_group_alone()
     {
        for polls in 0..4 {
            let (recorder, _guard) = record();
            {
                let mut group = std::pin::pin!(race! {
                    a => async { sleep(ms(10)).await; sleep(ms(10)).await; 1 },
                    b => async { sleep(ms(15)).await; sleep(ms(15)).await; 2 },
                });
                for _ in 0..polls {
                    let _ = futures::poll!(group.as_mut());
                    tokio::time::advance(ms(10)).await;
                }
            }
            let after = race!(x => async { 1 }, y => std::future::pending::<i32>()).await;
            assert_eq!(after, 1);
            let spans = recorder.spans();
            assert!(spans.iter().all(|s| s.closed), "{polls} polls: {spans:#?}");
            let races = recorder.named("race");
            let last = &spans[*races.last().unwrap()];
            assert_eq!(last.decided(), ("x", "1"));
        }
    }

    /// A branch that panics, two groups deep: the panic reaches the caller, every span the
    /// groups made is closed, and the thread's tally is back as it was, so the next group
    /// records only its own winner and cancellations.
    #[tokio::test(start_paused = true)]
    async fn a_branch_that_panics_closes_every_span_and_leaves_the_next_group_alone() {
        use futures::FutureExt;
        let (recorder, _guard) = record();
        let caught = std::panic::AssertUnwindSafe(race! {
            outer => async {
                parallel! {
                    fine => async { 1 },
                    boom => async {
                        sleep(ms(5)).await;
                        if true {
                            panic!("boom in a branch");
                        }
                        2
                    },
                }
                .await
                .fine
            },
            slow => async { sleep(ms(50)).await; 3 },
        })
        .catch_unwind()
        .await;
        let payload = caught.expect_err("the branch's panic reaches the caller");
        assert_eq!(
            async_dsl::panic_message(payload.as_ref()),
            "boom in a branch"
        );
        let after = race!(x => async { 1 }, y => std::future::pending::<i32>()).await;
        assert_eq!(after, 1);
        let spans = recorder.spans();
        assert!(spans.iter().all(|s| s.closed), "{spans:#?}");
        let races = recorder.named("race");
        assert_eq!(races.len(), 2);
        let last = &spans[races[1]];
        assert_eq!(last.decided(), ("x", "1"));
        assert!(!spans[races[0]].fields.contains_key("winner"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_spawned_branch_runs_in_its_branch_span() {
        let (recorder, _guard) = record();
        let out =
            parallel!(spawn; a => async { tracing::info!("spawned a"); 1 }, b => async { 2 }).await;
        assert_eq!((out.a, out.b), (1, 2));
        let (group, _) = recorder.only("parallel");
        let event = &recorder.events_saying("spawned a")[0];
        let span = event.span.expect("in a span");
        assert_eq!(recorder.spans()[span].fields["name"], "a");
        assert_eq!(recorder.spans()[span].parent, Some(group));
    }

    /// The index of the user's span named `caller`, and the span of the event `message`.
    fn caller_and_event(recorder: &Recorder, message: &str) -> (usize, Option<usize>) {
        let (caller, _) = recorder.only("caller");
        let events = recorder.events_saying(message);
        assert_eq!(events.len(), 1, "{message}: {:#?}", recorder.events());
        (caller, events[0].span)
    }

    #[tokio::test(start_paused = true)]
    async fn tasks_scope_children_go_repeat_and_pool_jobs_run_in_the_spawners_span() {
        let (recorder, _guard) = record();
        let pool = Pool::new(1, 4);
        async {
            Task::spawn(async { tracing::info!("task") }).await.unwrap();

            let mut scope = Scope::<()>::new();
            scope.spawn(async {
                tracing::info!("scope child");
                Ok(())
            });
            scope.wait().await.unwrap();

            let (tx, rx) = tokio::sync::oneshot::channel();
            async_dsl::go(async move {
                tracing::info!("go");
                let _ = tx.send(());
            });
            rx.await.unwrap();

            let repeat = async_dsl::repeat(ms(10), || async { tracing::info!("repeat") });
            sleep(ms(5)).await;
            repeat.stop().await.unwrap();

            pool.submit(async { tracing::info!("pool job") })
                .await
                .unwrap()
                .await
                .unwrap();
        }
        .instrument(tracing::info_span!("caller"))
        .await;
        pool.join().await;
        for message in ["task", "scope child", "go", "repeat", "pool job"] {
            let (caller, span) = caller_and_event(&recorder, message);
            assert_eq!(span, Some(caller), "{message}");
        }
    }

    #[derive(Debug)]
    struct Busy(u32);

    impl std::fmt::Display for Busy {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "busy, try again ({})", self.0)
        }
    }

    #[retry(times = 3, backoff = "100ms..100ms")]
    async fn flaky(calls: &Mutex<u32>) -> Result<u32, Busy> {
        let mut calls = calls.lock().unwrap();
        *calls += 1;
        if *calls < 3 {
            Err(Busy(*calls))
        } else {
            Ok(*calls)
        }
    }

    #[derive(Debug)]
    struct OnlyDebug;

    #[retry(times = 1, backoff = "1s..1s")]
    async fn debug_only() -> Result<(), OnlyDebug> {
        Err(OnlyDebug)
    }

    struct Opaque;

    #[retry(times = 1, backoff = "1s..1s")]
    async fn opaque() -> Result<(), Opaque> {
        Err(Opaque)
    }

    #[tokio::test(start_paused = true)]
    async fn each_retry_is_a_warning_with_its_attempt_error_and_wait() {
        let (recorder, _guard) = record();
        assert_eq!(flaky(&Mutex::new(0)).await.unwrap(), 3);
        let retries = recorder.events_saying("retrying");
        assert_eq!(retries.len(), 2, "two failures, two retries: {retries:#?}");
        for (n, retry) in retries.iter().enumerate() {
            assert_eq!(retry.target, "async_dsl");
            assert_eq!(retry.level, tracing::Level::WARN);
            assert_eq!(retry.fields["function"], "tracing::with_the_feature::flaky");
            assert_eq!(retry.fields["attempt"], (n + 1).to_string());
            assert_eq!(
                retry.fields["error"],
                format!("busy, try again ({})", n + 1)
            );
            assert_eq!(retry.fields["wait"], "100ms");
        }

        let (recorder, _guard) = record();
        assert!(debug_only().await.is_err());
        assert!(opaque().await.is_err());
        let retries = recorder.events_saying("retrying");
        assert_eq!(retries.len(), 2, "one retry each");
        assert_eq!(
            retries[0].fields["error"], "OnlyDebug",
            "by Debug without Display"
        );
        assert!(
            retries[1].fields["error"].contains("Opaque"),
            "by its type without either: {:?}",
            retries[1].fields
        );
    }

    #[throttled(rate = 1)]
    async fn partner(n: u32) -> u32 {
        n
    }

    #[throttled(rate = 1, key = tenant)]
    async fn per_tenant(tenant: u32, n: u32) -> u32 {
        tenant * 10 + n
    }

    /// A keyed throttle's waits are events too: each key waits for its own turns.
    #[tokio::test(start_paused = true)]
    async fn a_keyed_throttled_call_that_waited_says_so() {
        let (recorder, _guard) = record();
        let out = parallel!(per_tenant(1, 1), per_tenant(2, 1), per_tenant(1, 2)).await;
        assert_eq!(out, (11, 21, 12));
        let waits = recorder.events_saying("throttled call waited");
        assert_eq!(
            waits.len(),
            1,
            "only tenant 1's second call waits: {waits:#?}"
        );
        assert_eq!(
            (
                waits[0].fields["function"].as_str(),
                waits[0].fields["waited"].as_str(),
                waits[0].fields["place"].as_str()
            ),
            ("tracing::with_the_feature::per_tenant", "1s", "1")
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_throttled_call_that_waited_says_how_long_and_its_place() {
        let (recorder, _guard) = record();
        let out = parallel!(partner(1), partner(2), partner(3)).await;
        assert_eq!(out, (1, 2, 3));
        let waits = recorder.events_saying("throttled call waited");
        let seen: Vec<(&str, &str, &str)> = waits
            .iter()
            .map(|e| {
                (
                    e.fields["function"].as_str(),
                    e.fields["waited"].as_str(),
                    e.fields["place"].as_str(),
                )
            })
            .collect();
        let function = "tracing::with_the_feature::partner";
        assert_eq!(
            seen,
            [(function, "1s", "1"), (function, "2s", "2")],
            "the first call did not wait"
        );
        assert!(
            waits
                .iter()
                .all(|e| e.level == tracing::Level::INFO && e.target == "async_dsl")
        );
        // Each event is in the span of the branch whose call waited.
        let spans = recorder.spans();
        let names: Vec<&str> = waits
            .iter()
            .map(|e| spans[e.span.unwrap()].fields["name"].as_str())
            .collect();
        assert_eq!(names, ["1", "2"]);
    }

    #[timeout("1s")]
    async fn slow_lookup() -> u8 {
        sleep(ms(5_000)).await;
        1
    }

    #[timeout("200ms")]
    async fn slow_result() -> Result<u8, async_dsl::Elapsed> {
        sleep(ms(5_000)).await;
        Ok(1)
    }

    #[tokio::test(start_paused = true)]
    async fn a_timeout_that_fires_is_a_warning_and_one_that_does_not_is_silent() {
        let (recorder, _guard) = record();
        assert!(slow_lookup().await.is_err());
        assert!(slow_result().await.is_err());
        let fired = recorder.events_saying("timeout fired");
        let seen: Vec<(&str, &str)> = fired
            .iter()
            .map(|e| (e.fields["function"].as_str(), e.fields["after"].as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                ("tracing::with_the_feature::slow_lookup", "1s"),
                ("tracing::with_the_feature::slow_result", "200ms")
            ]
        );
        assert!(fired.iter().all(|e| e.level == tracing::Level::WARN));

        let (recorder, _guard) = record();
        let quick = tokio::time::timeout(ms(1), async { 5 }).await;
        assert_eq!(quick, Ok(5));
        assert!(recorder.events_saying("timeout fired").is_empty());
    }

    #[spread(period = "1s")]
    async fn send(n: u32) -> u32 {
        sleep(ms(700)).await;
        n
    }

    #[tokio::test(start_paused = true)]
    async fn each_spread_call_reports_its_lateness() {
        let (recorder, _guard) = record();
        assert_eq!(send::spread(0..4).await, [0, 1, 2, 3]);
        let started = recorder.events_saying("spread call started");
        let seen: Vec<(&str, &str)> = started
            .iter()
            .map(|e| (e.fields["call"].as_str(), e.fields["late"].as_str()))
            .collect();
        // On the paused clock every call starts on time.
        assert_eq!(
            seen,
            [("0", "0ns"), ("1", "0ns"), ("2", "0ns"), ("3", "0ns")]
        );
        assert!(started.iter().all(
            |e| e.fields["function"] == "tracing::with_the_feature::send"
                && e.level == tracing::Level::DEBUG
        ));
    }

    #[batched(max = 10, window = "5ms")]
    async fn load(keys: Vec<u32>) -> Vec<u32> {
        keys.iter().map(|k| k * 10).collect()
    }

    #[tokio::test(start_paused = true)]
    async fn a_batch_call_reports_its_size() {
        let (recorder, _guard) = record();
        let (a, b, c) = parallel!(load::one(1), load::one(2), load::one(3)).await;
        assert_eq!((a.unwrap(), b.unwrap(), c.unwrap()), (10, 20, 30));
        let batches = recorder.events_saying("batch call");
        assert_eq!(batches.len(), 1, "{batches:#?}");
        assert_eq!(batches[0].fields["size"], "3");
        assert_eq!(
            batches[0].fields["function"],
            "tracing::with_the_feature::load"
        );
        assert_eq!(batches[0].level, tracing::Level::DEBUG);
    }

    /// Redis's clock decides the wait, so this one runs on the real clock; it checks which
    /// call waited, not for how long.
    #[tokio::test]
    async fn a_redis_turn_the_store_made_wait_for_is_an_event_named_by_the_quota() {
        let Some(server) = async_dsl_tests::redis_server::RedisServer::start() else {
            return;
        };
        let (recorder, _guard) = record();
        let per = Duration::from_secs(1);
        let throttle = async_dsl::redis::RedisThrottle::new(
            server.url(),
            "traced",
            std::num::NonZeroU32::new(20).unwrap(),
            per,
        );
        drop(throttle.acquire().await.unwrap());
        assert!(
            recorder.events_saying("throttled call waited").is_empty(),
            "the first turn is free"
        );
        drop(throttle.acquire().await.unwrap());
        let waits = recorder.events_saying("throttled call waited");
        assert_eq!(waits.len(), 1, "{:#?}", recorder.events());
        assert_eq!(waits[0].fields["function"], "traced");
        assert!(
            !waits[0].fields.contains_key("place"),
            "no queue in the store: {:?}",
            waits[0]
        );
    }
}

/// Without the feature, the same code records nothing at target `async_dsl`; the user's own
/// event, recorded, shows the recorder works.
#[cfg(not(feature = "tracing"))]
#[tokio::test(start_paused = true)]
async fn without_the_feature_nothing_is_recorded() {
    use async_dsl::{parallel, race, retry, throttled};
    use std::time::Duration;

    #[throttled(rate = 1)]
    async fn partner(n: u32) -> u32 {
        n
    }

    #[retry(times = 2, backoff = "10ms..10ms")]
    async fn always_fails() -> Result<(), String> {
        Err("no".into())
    }

    let (recorder, _guard) = record();
    let out = parallel! {
        a => partner(1),
        b => partner(2),
        c => race!(for n in 0..3_u64 => tokio::time::sleep(Duration::from_millis(n))),
        d => always_fails(),
    }
    .await;
    assert_eq!((out.a, out.b), (1, 2));
    assert!(out.d.is_err());
    tracing::info!(target: "user", "control");
    let recorded = recorder.0.lock().unwrap();
    assert!(
        recorded.spans.iter().all(|s| s.target != "async_dsl"),
        "{:#?}",
        recorded.spans
    );
    assert!(
        recorded.events.iter().all(|e| e.target != "async_dsl"),
        "{:#?}",
        recorded.events
    );
    assert_eq!(recorded.events.len(), 1);
    assert_eq!(recorded.events[0].target, "user");
}

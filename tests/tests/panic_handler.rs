//! Issue 9, fault 12: the panic handler runs with no lock held, so it may set a new handler
//! (or panic itself) without a deadlock. Its own test binary: the handler is process-wide.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_dsl::{go_named, panic_message, set_panic_handler};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_may_replace_itself_and_may_panic() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let first = Arc::clone(&seen);
    set_panic_handler(move |name, payload| {
        first
            .lock()
            .unwrap()
            .push(format!("first {name}: {}", panic_message(payload.as_ref())));
        let second = Arc::clone(&first);
        // Before the fix this deadlocked: the handler ran under the handler's lock.
        set_panic_handler(move |name, _| {
            second.lock().unwrap().push(format!("second {name}"));
            panic!("the handler itself panics");
        });
    });
    go_named("a", async { panic!("one") });
    wait_for(&seen, 1).await;
    go_named("b", async { panic!("two") });
    wait_for(&seen, 2).await;
    // The handler's own panic did not wedge anything: a third panic is handled too.
    go_named("c", async { panic!("three") });
    wait_for(&seen, 3).await;
    assert_eq!(
        *seen.lock().unwrap(),
        ["first a: one", "second b", "second c"]
    );
}

async fn wait_for(seen: &Mutex<Vec<String>>, count: usize) {
    let waited = tokio::time::timeout(Duration::from_secs(10), async {
        while seen.lock().unwrap().len() < count {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    })
    .await;
    assert!(
        waited.is_ok(),
        "the handler never ran a {count}th time (deadlock?)"
    );
}

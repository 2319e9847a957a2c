//! Fire-and-forget spawning whose panics reach a handler instead of vanishing.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, RwLock};

use futures_util::FutureExt;

/// The message of a panic payload: panics carry a `&'static str` or a `String` (which one
/// depends on how the message was formatted); anything else reads as a placeholder. For
/// panic handlers.
///
/// ```
/// let payload = std::panic::catch_unwind(|| panic!("disk {} full", "/var")).unwrap_err();
/// assert_eq!(async_dsl::panic_message(payload.as_ref()), "disk /var full");
/// ```
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-string panic payload".to_string())
}

// An `Arc`, so that a panic is handled with a clone taken out of the lock: the handler runs
// with no lock held and may itself call `set_panic_handler` (or panic) without a deadlock.
type PanicHandler = Arc<dyn Fn(&str, Box<dyn Any + Send>) + Send + Sync>;

static PANIC_HANDLER: RwLock<Option<PanicHandler>> = RwLock::new(None);

/// Sets what [`go`] and [`go_named`] do with a panic: `handler` receives the task's name
/// (`"go"` for unnamed ones) and the panic payload. The default prints the name and message
/// to standard error.
///
/// ```
/// use std::sync::{Arc, Mutex};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let log = Arc::clone(&seen);
/// async_dsl::set_panic_handler(move |name, payload| {
///     let message = async_dsl::panic_message(payload.as_ref());
///     log.lock().unwrap().push(format!("{name}: {message}"));
/// });
/// async_dsl::go_named("indexer", async { panic!("disk full") });
/// while seen.lock().unwrap().is_empty() {
///     tokio::task::yield_now().await;
/// }
/// assert_eq!(seen.lock().unwrap()[0], "indexer: disk full");
/// # }
/// ```
pub fn set_panic_handler(handler: impl Fn(&str, Box<dyn Any + Send>) + Send + Sync + 'static) {
    let mut slot = PANIC_HANDLER
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    *slot = Some(Arc::new(handler));
}

/// Runs `future` on the current Tokio runtime and forgets it; a panic goes to the handler set
/// with [`set_panic_handler`] instead of vanishing.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// async_dsl::go(async { /* send a metric, warm a cache, ... */ });
/// # }
/// ```
///
/// # Panics
/// Outside a Tokio runtime: as `tokio::spawn` does.
pub fn go<F>(future: F)
where
    F: Future<Output = ()> + Send + 'static,
{
    go_named("go", future);
}

/// [`go`] with a name that the panic handler receives.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// async_dsl::go_named("cache warmer", async { /* ... */ });
/// # }
/// ```
///
/// # Panics
/// Outside a Tokio runtime: as `tokio::spawn` does.
pub fn go_named<F>(name: impl Into<String>, future: F)
where
    F: Future<Output = ()> + Send + 'static,
{
    let name = name.into();
    tokio::spawn(crate::trace::inherit(async move {
        if let Err(payload) = AssertUnwindSafe(future).catch_unwind().await {
            let handler = PANIC_HANDLER
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone();
            match handler {
                Some(handler) => handler(&name, payload),
                None => eprintln!(
                    "task `{name}` panicked: {}",
                    panic_message(payload.as_ref())
                ),
            }
        }
    }));
}

//! Work that runs as Tokio tasks, always owned by something that waits for it or aborts it.
//!
//! [`Task`] (`handle`) is a spawned task aborted when its handle is dropped; [`go`] (`go`)
//! spawns and forgets, sending panics to a handler; [`Scope`] (`scope`) is a group of children
//! in the errgroup style, where the first error cancels the rest; [`Pool`] (`pool`) is a fixed
//! set of workers fed through a bounded queue. This is the only concern that needs a Tokio
//! runtime to exist at all.

mod go;
mod handle;
mod pool;
mod scope;
mod scope_error;

pub use go::{go, go_named, panic_message, set_panic_handler};
pub use handle::{Task, TaskError};
pub use pool::{JobHandle, Pool, PoolClosed};
pub use scope::Scope;
pub use scope_error::ScopeError;
pub use tokio_util::sync::CancellationToken;

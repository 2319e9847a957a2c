//! The futures behind the group macros' options: `timeout = "..";` ([`Timeout`]) and
//! `spawn;` ([`Spawned`], a branch run as its own Tokio task and aborted with the group).

#[cfg(feature = "tokio")]
mod spawn;
mod timeout;

#[cfg(feature = "tokio")]
pub use spawn::Spawned;
pub use timeout::Timeout;
pub(crate) use timeout::{sleep, sleep_until};

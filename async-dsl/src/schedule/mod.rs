//! When work starts: [`spread`] (calls started evenly over a period, behind `#[spread]`),
//! [`repeat`] (a job on an interval, stopped gracefully) and [`Backoff`] (the jittered,
//! exponential waits between the attempts of `#[retry]`).

mod backoff;
#[cfg(feature = "tokio")]
mod repeat;
mod spread;

pub use backoff::Backoff;
#[cfg(feature = "tokio")]
pub use repeat::{Repeat, repeat};
pub use spread::spread;
#[cfg(feature = "tracing")]
pub(crate) use spread::spread_named;

//! Every rule that makes macro input valid, with the message that says the fix.
//!
//! [`crate::parse`] hands over syntax; the functions here decide what it means and turn it
//! into the checked forms that [`crate::expand`] builds from. Independent mistakes are
//! collected, so one compile shows them all.
//!
//! - `group`: the options and branches of `parallel!`, `try_parallel!`, `race!`, `race_ok!`.
//! - `attr`: the arguments of the wrapping attributes and the functions they accept.
//! - `companion`: the same for `#[spread]` and `#[batched]`.
//! - `duration`: duration literals (`"250ms"`, `"1m30s"`).

mod attr;
mod companion;
mod duration;
mod group;

pub(crate) use attr::{Layer, Throttled, is_result, layer, require_async, returns_result, stack};
pub(crate) use companion::{Batched, Spread, batched, second_companion, spread};
pub(crate) use duration::DurationLit;
pub(crate) use group::{Body, ForForm, Group, LimitValue, Macro, Timeout, group};

/// Independent errors gathered so that one compile shows them all.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// `Some(value)` for `Ok`, else the error kept and `None`.
    pub(crate) fn ok<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        result.map_err(|e| self.push(e)).ok()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    pub(crate) fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

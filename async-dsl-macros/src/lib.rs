//! Procedural macros of [`async-dsl`](https://docs.rs/async-dsl). Depend on `async-dsl`, which
//! re-exports every macro here with its documentation; expansions refer to it by path.
//!
//! Every macro runs the same pipeline: `parse` (syntax only, spans kept), `check` (every
//! rule of valid input, with its message), `expand` (code, one file per macro family).

mod check;
mod expand;
mod parse;

use proc_macro::TokenStream;

use check::Macro;
use parse::attr::Wrapper;

/// See `async_dsl::parallel!`.
#[proc_macro]
pub fn parallel(input: TokenStream) -> TokenStream {
    expand::group::expand(Macro::Parallel, input.into()).into()
}

/// See `async_dsl::try_parallel!`.
#[proc_macro]
pub fn try_parallel(input: TokenStream) -> TokenStream {
    expand::group::expand(Macro::TryParallel, input.into()).into()
}

/// See `async_dsl::race!`.
#[proc_macro]
pub fn race(input: TokenStream) -> TokenStream {
    expand::group::expand(Macro::Race, input.into()).into()
}

/// See `async_dsl::race_ok!`.
#[proc_macro]
pub fn race_ok(input: TokenStream) -> TokenStream {
    expand::group::expand(Macro::RaceOk, input.into()).into()
}

/// See `async_dsl::throttled`.
#[proc_macro_attribute]
pub fn throttled(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::wrap::expand(Wrapper::Throttled, args.into(), item.into()).into()
}

/// See `async_dsl::timeout`.
#[proc_macro_attribute]
pub fn timeout(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::wrap::expand(Wrapper::Timeout, args.into(), item.into()).into()
}

/// See `async_dsl::retry`.
#[proc_macro_attribute]
pub fn retry(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::wrap::expand(Wrapper::Retry, args.into(), item.into()).into()
}

/// See `async_dsl::spread`.
#[proc_macro_attribute]
pub fn spread(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::spread::expand(args.into(), item.into()).into()
}

/// See `async_dsl::batched`.
#[proc_macro_attribute]
pub fn batched(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::batched::expand(args.into(), item.into()).into()
}

/// See `async_dsl::companions`.
#[proc_macro_attribute]
pub fn companions(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::companions::expand(args.into(), item.into()).into()
}

#[cfg(test)]
mod fuzz;

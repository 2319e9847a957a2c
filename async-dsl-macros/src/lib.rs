//! Procedural macros of [`async-dsl`](https://docs.rs/async-dsl). Depend on `async-dsl`, which
//! re-exports every macro here with its documentation; expansions refer to it by path.

mod attr_args;
mod batched;
mod duration;
mod expand;
mod input;
mod layers;
mod parallel;
mod race;
mod spread;

use proc_macro::TokenStream;

/// See `async_dsl::parallel!`.
#[proc_macro]
pub fn parallel(input: TokenStream) -> TokenStream {
    parallel::expand(input.into()).into()
}

/// See `async_dsl::try_parallel!`.
#[proc_macro]
pub fn try_parallel(input: TokenStream) -> TokenStream {
    parallel::expand_try(input.into()).into()
}

/// See `async_dsl::race!`.
#[proc_macro]
pub fn race(input: TokenStream) -> TokenStream {
    race::expand(input.into()).into()
}

/// See `async_dsl::race_ok!`.
#[proc_macro]
pub fn race_ok(input: TokenStream) -> TokenStream {
    race::expand_ok(input.into()).into()
}

/// See `async_dsl::throttled`.
#[proc_macro_attribute]
pub fn throttled(args: TokenStream, item: TokenStream) -> TokenStream {
    layers::expand(layers::Kind::Throttled, args.into(), item.into()).into()
}

/// See `async_dsl::timeout`.
#[proc_macro_attribute]
pub fn timeout(args: TokenStream, item: TokenStream) -> TokenStream {
    layers::expand(layers::Kind::Timeout, args.into(), item.into()).into()
}

/// See `async_dsl::retry`.
#[proc_macro_attribute]
pub fn retry(args: TokenStream, item: TokenStream) -> TokenStream {
    layers::expand(layers::Kind::Retry, args.into(), item.into()).into()
}

/// See `async_dsl::spread`.
#[proc_macro_attribute]
pub fn spread(args: TokenStream, item: TokenStream) -> TokenStream {
    spread::expand(args.into(), item.into()).into()
}

/// See `async_dsl::batched`.
#[proc_macro_attribute]
pub fn batched(args: TokenStream, item: TokenStream) -> TokenStream {
    batched::expand(args.into(), item.into()).into()
}

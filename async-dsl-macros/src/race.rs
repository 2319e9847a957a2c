//! `race!` and `race_ok!`: the first branch to finish (or to succeed) wins.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::Expr;
use syn::spanned::Spanned;

use crate::expand::{self, Shape};
use crate::input::{Errors, Input};

const ALLOWED: &[&str] = &["biased"];

pub(crate) fn expand(tokens: TokenStream) -> TokenStream {
    let input = match Input::parse(tokens, "race") {
        Ok(input) => input,
        Err(error) => return expand::error_expr(error),
    };
    if let Err(error) = validate(&input, "race") {
        return expand::error_expr(error);
    }
    let shape = Shape {
        // `race_cons` wraps the slot itself and checks, at the branch, that it produces the
        // same type as the next one.
        slot: &|_, _, tokens| tokens,
        link: |future, slot, tail| quote_spanned!(future.span()=> ::async_dsl::__private::race_cons(#slot, #tail)),
        map: Some(
            |future, map: &Expr| quote_spanned!(map.span()=> ::async_dsl::__private::map(#future, #map)),
        ),
        finish: |_, _| {
            quote! {
                ::async_dsl::__private::ControlFlow::Break(winner) => winner,
                ::async_dsl::__private::ControlFlow::Continue((never, _)) => match never {},
            }
        },
        value_name: None,
        races: true,
        collect: quote!(::async_dsl::__private::First::new()),
        for_body: expand::as_is,
    };
    expand::expand(&input, &shape)
}

pub(crate) fn expand_ok(tokens: TokenStream) -> TokenStream {
    let input = match Input::parse(tokens, "race_ok") {
        Ok(input) => input,
        Err(error) => return expand::error_expr(error),
    };
    if let Err(error) = validate(&input, "race_ok") {
        return expand::error_expr(error);
    }
    let shape = Shape {
        slot: &|_, future, tokens| quote_spanned!(future.span()=> ::async_dsl::__private::RaceOkSlot::new(#tokens)),
        link: expand::cons,
        map: Some(
            |future, map: &Expr| quote_spanned!(map.span()=> ::async_dsl::__private::map_ok(#future, #map)),
        ),
        finish: |pattern, value| {
            quote! {
                ::async_dsl::__private::ControlFlow::Break(winner) => ::core::result::Result::Ok(winner),
                ::async_dsl::__private::ControlFlow::Continue(#pattern) => {
                    ::core::result::Result::Err(::async_dsl::__private::AllFailed::new(#value))
                }
            }
        },
        value_name: Some("Errors"),
        races: true,
        collect: quote!(::async_dsl::__private::FirstOk::new()),
        for_body: expand::as_is,
    };
    expand::expand(&input, &shape)
}

fn validate(input: &Input, macro_name: &str) -> syn::Result<()> {
    let mut errors = Errors::default();
    input.options.allow_only(macro_name, ALLOWED, &mut errors);
    expand::check_limit(input, &mut errors);
    errors.finish()
}

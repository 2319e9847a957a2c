//! `parallel!` and `try_parallel!`: run every branch, keep every output.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::expand::{self, Shape};
use crate::input::{Errors, Input};

pub(crate) fn expand(tokens: TokenStream) -> TokenStream {
    let input = match Input::parse(tokens, "parallel") {
        Ok(input) => input,
        Err(error) => return expand::error_expr(error),
    };
    if let Err(error) = validate(&input, "parallel", &[]) {
        return expand::error_expr(error);
    }
    let shape = Shape {
        slot: &|_, future, tokens| quote_spanned!(future.span()=> ::async_dsl::__private::JoinSlot::new(#tokens)),
        link: expand::cons,
        map: None,
        finish: |pattern, value| {
            quote! {
                ::async_dsl::__private::ControlFlow::Continue(#pattern) => #value,
                ::async_dsl::__private::ControlFlow::Break(never) => match never {},
            }
        },
        value_name: Some("Parallel"),
        races: false,
        collect: quote!(::async_dsl::__private::Ordered::new()),
        for_body: expand::as_is,
    };
    expand::expand(&input, &shape)
}

pub(crate) fn expand_try(tokens: TokenStream) -> TokenStream {
    let input = match Input::parse(tokens, "try_parallel") {
        Ok(input) => input,
        Err(error) => return expand::error_expr(error),
    };
    if let Err(error) = validate(&input, "try_parallel", &["error"]) {
        return expand::error_expr(error);
    }
    let error_type = input.options.error.as_ref().map(|(_, ty)| ty);
    let slot = |index: usize, future: &syn::Expr, tokens: TokenStream| match (error_type, index) {
        (Some(ty), _) => {
            quote_spanned!(future.span()=> ::async_dsl::__private::TrySlot::<_, #ty>::new(#tokens))
        }
        // The first branch's error type is the group's; the others convert into it.
        (None, 0) => {
            quote_spanned!(future.span()=> ::async_dsl::__private::TrySlot::first(#tokens))
        }
        (None, _) => quote_spanned!(future.span()=> ::async_dsl::__private::TrySlot::new(#tokens)),
    };
    let shape = Shape {
        slot: &slot,
        link: expand::cons,
        map: None,
        finish: |pattern, value| {
            quote! {
                ::async_dsl::__private::ControlFlow::Continue(#pattern) => ::core::result::Result::Ok(#value),
                ::async_dsl::__private::ControlFlow::Break(error) => ::core::result::Result::Err(error),
            }
        },
        value_name: Some("Parallel"),
        races: false,
        collect: quote!(::async_dsl::__private::TryOrdered::new()),
        for_body: |input, future| match &input.options.error {
            Some((_, ty)) => quote!(::async_dsl::__private::err_into::<#ty, _>(#future)),
            None => future,
        },
    };
    expand::expand(&input, &shape)
}

fn validate(input: &Input, macro_name: &str, allowed: &[&str]) -> syn::Result<()> {
    let mut errors = Errors::default();
    input.options.allow_only(macro_name, allowed, &mut errors);
    expand::check_limit(input, &mut errors);
    expand::reject_maps(input, macro_name, &mut errors);
    errors.finish()
}

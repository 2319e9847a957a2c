//! `#[spread(period = "10s")]`: a companion that starts many calls evenly over a period.
//!
//! On a free function `upload`, a module `upload` with `upload::spread(inputs)`; on a method
//! `upload(&self, ..)` (an `impl` cannot hold a module), a sibling method
//! `upload_spread(&self, inputs)`. Each input is one call's arguments, a tuple when there are
//! several.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote};
use syn::{FnArg, ItemFn, ReturnType, Type};

use super::{with_companion, with_error};
use crate::check;
use crate::parse::attr as parse;

/// The whole pipeline for `#[spread(args)]` on `item`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let checked = parse::function("spread", &item)
        .and_then(|function| Ok((check::spread(args, &function)?, function)));
    match checked {
        Ok((spread, function)) => build(&function, spread.period.to_expr()),
        Err(error) => with_error(item, error),
    }
}

fn typed_args(function: &ItemFn) -> Vec<&Type> {
    function
        .sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            FnArg::Typed(typed) => Some(&*typed.ty),
            FnArg::Receiver(_) => None,
        })
        .collect()
}

fn build(function: &ItemFn, period: TokenStream) -> TokenStream {
    let sig = &function.sig;
    let name = &sig.ident;
    let vis = &function.vis;
    let types = typed_args(function);
    let vars: Vec<_> = (0..types.len())
        .map(|i| format_ident!("arg{}", i, span = Span::mixed_site()))
        .collect();
    let (item, pattern) = match types.as_slice() {
        [one] => (quote!(#one), quote!(#(#vars)*)),
        _ => (quote!((#(#types),*)), quote!((#(#vars),*))),
    };
    let output = match &sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => ty.to_token_stream(),
    };
    let (generics, where_clause) = (&sig.generics, &sig.generics.where_clause);
    let is_method = matches!(sig.inputs.first(), Some(FnArg::Receiver(_)));
    let doc = format!(
        "Calls [`{name}`] once per input, starting the calls evenly over the period given to \
         `#[spread]`; outputs come in input order. Each input is one call's arguments."
    );
    if is_method {
        let spread_name = format_ident!("{}_spread", name);
        quote! {
            #function
            #[doc = #doc]
            #vis async fn #spread_name #generics (
                &self,
                inputs: impl ::core::iter::IntoIterator<Item = #item>,
            ) -> ::std::vec::Vec<#output> #where_clause {
                ::async_dsl::spread(#period, inputs.into_iter().map(|#pattern| move || self.#name(#(#vars),*))).await
            }
        }
    } else {
        let items = quote! {
            #[doc = #doc]
            pub async fn spread #generics (
                inputs: impl ::core::iter::IntoIterator<Item = #item>,
            ) -> ::std::vec::Vec<#output> #where_clause {
                ::async_dsl::spread(#period, inputs.into_iter().map(|#pattern| move || super::#name(#(#vars),*))).await
            }
        };
        with_companion(function, "spread", items)
    }
}

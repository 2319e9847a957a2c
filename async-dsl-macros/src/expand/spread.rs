//! `#[spread(period = "10s")]`: a companion that starts many calls evenly over a period.
//!
//! On a free function `upload`, a module `upload` with `upload::spread(inputs)`; on a method
//! `upload(&self, ..)` (an `impl` cannot hold a module), a sibling method
//! `upload_spread(&self, inputs)`; under `#[companions]`, the same sibling for associated
//! functions and for trait impls. Each input is one call's arguments, a tuple when there are
//! several.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote};
use syn::{FnArg, Ident, ItemFn, ReturnType, Type, Visibility};

use super::{Reach, TRACING, with_companion, with_error};
use crate::check;
use crate::parse::attr as parse;

/// The whole pipeline for `#[spread(args)]` on `item`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let checked = parse::function("spread", &item)
        .and_then(|function| Ok((check::spread(args, &function)?, function)));
    match checked {
        Ok((spread, function)) => build(&function, &spread),
        Err(error) => with_error(item, error),
    }
}

fn build(function: &ItemFn, spread: &check::Spread) -> TokenStream {
    let name = &function.sig.ident;
    if matches!(function.sig.inputs.first(), Some(FnArg::Receiver(_))) {
        let sibling = companion(
            function,
            spread,
            &function.vis,
            &format_ident!("{}_spread", name),
            &Reach::Inherent,
        );
        quote!(#function #sibling)
    } else {
        let public = Visibility::Public(Default::default());
        let spread_fn = companion(
            function,
            spread,
            &public,
            &Ident::new("spread", Span::call_site()),
            &Reach::Module,
        );
        with_companion(function, "spread", spread_fn)
    }
}

/// The companion function `companion_name` that spreads calls of `function`, reaching it as
/// `reach` says.
pub(crate) fn companion(
    function: &ItemFn,
    spread: &check::Spread,
    vis: &Visibility,
    companion_name: &Ident,
    reach: &Reach,
) -> TokenStream {
    let sig = &function.sig;
    let name = &sig.ident;
    let types: Vec<&Type> = sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            FnArg::Typed(typed) => Some(&*typed.ty),
            FnArg::Receiver(_) => None,
        })
        .collect();
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
    let receiver = matches!(sig.inputs.first(), Some(FnArg::Receiver(_)));
    let path = reach.call(name);
    let (self_arg, call) = match receiver {
        true => (quote!(&self,), quote!(#path(self, #(#vars),*))),
        false => (quote!(), quote!(#path(#(#vars),*))),
    };
    let doc = format!(
        "Calls {link} once per input, starting the calls evenly over the period \
         given to `#[spread]`; outputs come in input order. Each input is one call's arguments.",
        link = reach.doc_name(name),
    );
    let period = spread.period.to_expr();
    let calls = quote!(inputs.into_iter().map(|#pattern| move || #call));
    // With the `tracing` feature, each call's start is an event that says how late it was.
    let spread = match TRACING {
        true => {
            let function = reach.function_path(name);
            quote!(::async_dsl::__private::trace::spread(#function, #period, #calls))
        }
        false => quote!(::async_dsl::spread(#period, #calls)),
    };
    quote! {
        #[doc = #doc]
        #vis async fn #companion_name #generics (
            #self_arg
            inputs: impl ::core::iter::IntoIterator<Item = #item>,
        ) -> ::std::vec::Vec<#output> #where_clause {
            #spread.await
        }
    }
}

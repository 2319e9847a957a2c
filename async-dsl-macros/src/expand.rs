//! Expansion pieces the group macros share. Generated code reaches the runtime only through
//! `::async_dsl::__private`, and names its own locals with mixed-site hygiene.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, Ident};

use crate::input::{Body, ForForm, Input, LimitValue, Named, Timeout};

/// How one macro turns branches into slots and slot results into its output.
pub(crate) struct Shape<'a> {
    /// Wraps branch `index`'s (already spawned or mapped) future into its slot.
    pub(crate) slot: &'a dyn Fn(usize, &Expr, TokenStream) -> TokenStream,
    /// Links a slot in front of the rest: `(slot, tail) -> list`; `Cons::new` unless the
    /// macro checks something between neighbours.
    pub(crate) link: fn(&Expr, TokenStream, TokenStream) -> TokenStream,
    /// A mapping arm applied to a branch future: `(future, map) -> future`.
    pub(crate) map: Option<fn(TokenStream, &Expr) -> TokenStream>,
    /// The `match` arms of the finishing closure over `ControlFlow<Break, Outputs>`, given
    /// the pattern of the kept outputs and the value built from them.
    pub(crate) finish: fn(&TokenStream, &TokenStream) -> TokenStream,
    /// The name of the value a named form produces from the kept outputs; `None` when the
    /// macro keeps none (`race!`).
    pub(crate) value_name: Option<&'static str>,
    /// Whether the macro picks a winner, so that its rounds must start at a random branch or
    /// item unless `biased;`.
    pub(crate) races: bool,
    /// The collector of the `for` form.
    pub(crate) collect: TokenStream,
    /// Wraps the body future of the `for` form (after spawning and mapping).
    pub(crate) for_body: fn(&Input, TokenStream) -> TokenStream,
}

/// The whole expansion of a validated input.
pub(crate) fn expand(input: &Input, shape: &Shape<'_>) -> TokenStream {
    let future = match &input.body {
        Body::For(form) => fan_out(input, form, shape),
        Body::Named(branches) => {
            let names: Vec<&Ident> = branches.iter().map(|b| &b.name).collect();
            let futures = branches
                .iter()
                .map(|b| (&b.future, b.map.as_ref().map(|(_, map)| map)));
            group(input, futures, Some(&names), shape)
        }
        Body::Positional(branches) => group(input, branches.iter().map(|f| (f, None)), None, shape),
    };
    match &input.options.timeout {
        None => future,
        Some(timeout) => {
            let after = match timeout {
                Timeout::Literal(lit) => lit.to_expr(),
                Timeout::Expr(expr) => quote!(#expr),
            };
            quote!(::async_dsl::__private::timeout(#after, #future))
        }
    }
}

fn spawned(input: &Input, future: &Expr) -> TokenStream {
    match input.options.spawn {
        // Spanned at the branch: a branch that is not `Send + 'static` is reported there.
        Some(_) => quote_spanned!(future.span()=> ::async_dsl::__private::spawn(#future)),
        None => quote!(#future),
    }
}

fn group<'a>(
    input: &Input,
    branches: impl Iterator<Item = (&'a Expr, Option<&'a Expr>)>,
    names: Option<&[&Ident]>,
    shape: &Shape<'_>,
) -> TokenStream {
    let mut slots = Vec::new();
    for (index, (future, map)) in branches.enumerate() {
        let mut tokens = spawned(input, future);
        if let (Some(map), Some(apply)) = (map, shape.map) {
            tokens = apply(tokens, map);
        }
        slots.push((future, (shape.slot)(index, future, tokens)));
    }
    let list = slots.iter().rev().fold(
        quote!(::async_dsl::__private::Nil),
        |tail, (future, slot)| (shape.link)(future, slot.clone(), tail),
    );

    let span = Span::mixed_site();
    let vars: Vec<Ident> = (0..slots.len())
        .map(|i| format_ident!("v{}", i, span = span))
        .collect();
    let pattern = vars
        .iter()
        .rev()
        .fold(quote!(()), |tail, var| quote!((#var, #tail)));
    let (definition, value) = match (names, shape.value_name) {
        (_, None) => (quote!(), quote!(())),
        (Some(names), Some(value_name)) => {
            let name = Ident::new(value_name, Span::call_site());
            let params: Vec<Ident> = (0..names.len()).map(|i| format_ident!("T{}", i)).collect();
            let definition = quote! {
                #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
                #[allow(non_snake_case)]
                struct #name<#(#params),*> { #(pub #names: #params),* }
            };
            (definition, quote!(#name { #(#names: #vars),* }))
        }
        (None, Some(_)) => (quote!(), quote!((#(#vars,)*))),
    };
    let arms = (shape.finish)(&pattern, &value);
    let result = Ident::new("result", span);
    let constructor = Ident::new(
        match (input.options.biased.is_some(), shape.races) {
            (true, _) => "group_biased",
            (false, true) => "group",
            (false, false) => "join",
        },
        Span::call_site(),
    );
    quote! {
        ::async_dsl::__private::#constructor(#list, {
            #definition
            |#result| match #result { #arms }
        })
    }
}

fn fan_out(input: &Input, form: &ForForm, shape: &Shape<'_>) -> TokenStream {
    let ForForm {
        pat,
        input: iter,
        body,
        map,
    } = form;
    let mut future = spawned(input, body);
    if let (Some((_, map)), Some(apply)) = (map, shape.map) {
        future = apply(future, map);
    }
    let future = (shape.for_body)(input, future);
    let limit = match input.options.limit.as_ref().map(|l| &l.value) {
        None => quote!(::core::primitive::usize::MAX),
        Some(LimitValue::Literal(n)) => quote!(#n),
        Some(LimitValue::Expr(expr)) => quote!(#expr),
    };
    let collect = &shape.collect;
    // Call-site spans for the closure itself: lints such as `redundant_closure` see macro
    // output, not the caller's code. The pattern and body keep their own spans.
    let constructor = Ident::new(
        if shape.races && input.options.biased.is_none() {
            "fan_out_fair"
        } else {
            "fan_out"
        },
        Span::call_site(),
    );
    quote! {
        ::async_dsl::__private::#constructor(#limit, #iter, |#pat| #future, #collect)
    }
}

/// Rejects `=> map` arms on macros that have no use for them.
pub(crate) fn reject_maps(input: &Input, macro_name: &str, errors: &mut crate::input::Errors) {
    let maps: Vec<&syn::Token![=>]> = match &input.body {
        Body::Named(branches) => branches
            .iter()
            .filter_map(|b: &Named| b.map.as_ref().map(|(arrow, _)| arrow))
            .collect(),
        Body::For(form) => form.map.iter().map(|(arrow, _)| arrow).collect(),
        Body::Positional(_) => Vec::new(),
    };
    for arrow in maps {
        errors.push(syn::Error::new_spanned(
            arrow,
            format!("`{macro_name}!` branches take no mapping; a second `=>` is for `race!` and `race_ok!`"),
        ));
    }
}

/// Rejects `limit` outside the `for` form.
pub(crate) fn check_limit(input: &Input, errors: &mut crate::input::Errors) {
    if let (Some(limit), false) = (&input.options.limit, matches!(input.body, Body::For(_))) {
        errors.push(syn::Error::new_spanned(
            &limit.name,
            "`limit` applies only to the `for` form, e.g. `parallel! { limit = 8; for id in ids => fetch(id) }`",
        ));
    }
}

/// Links a slot in front of the rest of the list.
pub(crate) fn cons(_: &Expr, slot: TokenStream, tail: TokenStream) -> TokenStream {
    quote!(::async_dsl::__private::Cons::new(#slot, #tail))
}

/// A compile error (possibly several) that still stands as one expression, so the caller's
/// `.await` or `let` around the macro adds no noise of its own.
pub(crate) fn error_expr(error: syn::Error) -> TokenStream {
    let mut errors: Vec<TokenStream> = error.into_iter().map(|e| e.to_compile_error()).collect();
    let last = errors.pop();
    quote!({ #(#errors;)* (#last) })
}

/// The body of the `for` form, unchanged.
pub(crate) fn as_is(_: &Input, future: TokenStream) -> TokenStream {
    future
}

//! `parallel!`, `try_parallel!`, `race!` and `race_ok!`.
//!
//! Fixed branches become a cons list of slots driven by one `Group` future and a finishing
//! closure that builds the output (a struct named after the branches, or a tuple); the `for`
//! form becomes a `FanOut` with a collector. The macros differ only in the slot each branch
//! gets, the finishing arms and the collector, each chosen below by a `match` on [`Macro`].

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, Ident};

use super::{TRACING, error_expr, int_lit};
use crate::check::{self, Body, ForForm, Group, LimitValue, Macro, Timeout};
use crate::parse::group::Input;

/// The whole pipeline for one invocation of `kind`.
pub(crate) fn expand(kind: Macro, tokens: TokenStream) -> TokenStream {
    match Input::parse(tokens, kind.name()).and_then(|input| check::group(kind, input)) {
        Ok(group) => build(&group),
        Err(error) => error_expr(error),
    }
}

fn build(group: &Group) -> TokenStream {
    let future = match &group.body {
        Body::For(form) => fan_out(group, form),
        Body::Named(branches) => {
            let names: Vec<&Ident> = branches.iter().map(|b| &b.name).collect();
            let futures = branches.iter().map(|b| (&b.future, b.map.as_ref()));
            fixed(group, futures, Some(&names))
        }
        Body::Positional(branches) if branches.is_empty() => match (group.kind, &group.error) {
            (Macro::TryParallel, Some(ty)) => {
                quote!(::core::future::ready(::core::result::Result::<(), #ty>::Ok(())))
            }
            (Macro::TryParallel, None) => quote!(::core::future::ready(::core::result::Result::<
                (),
                _,
            >::Ok(()))),
            _ => quote!(::core::future::ready(())),
        },
        Body::Positional(branches) => fixed(group, branches.iter().map(|f| (f, None)), None),
    };
    let future = match &group.timeout {
        None => future,
        Some(timeout) => {
            let after = match timeout {
                Timeout::Literal(lit) => lit.to_expr(),
                Timeout::Expr(expr) => quote!(#expr),
            };
            quote!(::async_dsl::__private::timeout(#after, #future))
        }
    };
    match TRACING {
        true => {
            let kind = Ident::new(
                match group.kind {
                    Macro::Parallel => "Parallel",
                    Macro::TryParallel => "TryParallel",
                    Macro::Race => "Race",
                    Macro::RaceOk => "RaceOk",
                },
                Span::call_site(),
            );
            // A constant, promoted to a `&'static`: the group holds one reference.
            quote!(::async_dsl::__private::trace::group(
                &::async_dsl::__private::trace::Site {
                    kind: ::async_dsl::__private::trace::Kind::#kind,
                    file: ::core::file!(),
                    line: ::core::line!(),
                },
                #future
            ))
        }
        false => future,
    }
}

/// With the `tracing` feature, how a branch's output reports to its group's span: the
/// runtime's `trace::Outcome`, spanned at `span` (a branch's, so that an output the outcome
/// cannot read is reported at the branch).
fn outcome(kind: Macro, span: Span) -> TokenStream {
    let outcome = Ident::new(
        match kind {
            Macro::Parallel => "Joined",
            Macro::TryParallel => "FailedIfErr",
            Macro::Race => "Won",
            Macro::RaceOk => "WonIfOk",
        },
        span,
    );
    quote_spanned!(span=> ::async_dsl::__private::trace::#outcome)
}

/// With the `tracing` feature, branch `tokens` (named `name`, or at `index`) in its span;
/// spanned at the branch, where an output a `race_ok!` or `try_parallel!` cannot take is
/// reported.
fn traced_branch(
    group: &Group,
    future: &Expr,
    name: Option<&Ident>,
    index: usize,
    tokens: TokenStream,
) -> TokenStream {
    if !TRACING {
        return tokens;
    }
    let label = match name {
        Some(name) => {
            let name = name.to_string();
            quote!(&::async_dsl::__private::trace::Name::Named(#name))
        }
        None => {
            let index = int_lit(index as u64);
            quote!(&::async_dsl::__private::trace::Name::Index(#index))
        }
    };
    let outcome = outcome(group.kind, future.span());
    quote_spanned!(future.span()=> ::async_dsl::__private::trace::branch::<#outcome, _, _>(#label, #tokens))
}

/// A branch's future, spawned with `spawn;` and passed through its mapping.
fn branch_future(group: &Group, future: &Expr, map: Option<&Expr>) -> TokenStream {
    // Any `IntoFuture`, as `.await` and `tokio::join!` take; spanned at the branch, where one
    // that is not a future is reported.
    let future = quote_spanned!(future.span()=> ::core::future::IntoFuture::into_future(#future));
    let tokens = match group.spawn {
        // Spanned at the branch: a branch that is not `Send + 'static` is reported there.
        true => quote_spanned!(future.span()=> ::async_dsl::__private::spawn(#future)),
        false => future,
    };
    match (map, group.kind) {
        (Some(map), Macro::Race) => {
            quote_spanned!(map.span()=> ::async_dsl::__private::map(#tokens, #map))
        }
        (Some(map), Macro::RaceOk) => {
            quote_spanned!(map.span()=> ::async_dsl::__private::map_ok(#tokens, #map))
        }
        // Mappings on the joins were rejected by `check`.
        _ => tokens,
    }
}

/// The slot of branch `index`.
fn slot(group: &Group, index: usize, future: &Expr, tokens: TokenStream) -> TokenStream {
    let span = future.span();
    match (group.kind, &group.error, index) {
        (Macro::Parallel, ..) => {
            quote_spanned!(span=> ::async_dsl::__private::JoinSlot::new(#tokens))
        }
        (Macro::TryParallel, Some(ty), _) => {
            quote_spanned!(span=> ::async_dsl::__private::TrySlot::<_, #ty>::new(#tokens))
        }
        // The first branch's error type is the group's; the others convert into it.
        (Macro::TryParallel, None, 0) => {
            quote_spanned!(span=> ::async_dsl::__private::TrySlot::first(#tokens))
        }
        (Macro::TryParallel, None, _) => {
            quote_spanned!(span=> ::async_dsl::__private::TrySlot::new(#tokens))
        }
        // `race_cons` and `race_ok_cons` wrap the slot themselves and check, at the branch,
        // that it produces the same type as the next one.
        (Macro::Race | Macro::RaceOk, ..) => tokens,
    }
}

/// The `match` arms of the finishing closure over `ControlFlow<Break, Outputs>`, given the
/// pattern of the kept outputs and the value built from them.
fn finish(kind: Macro, pattern: &TokenStream, value: &TokenStream) -> TokenStream {
    match kind {
        Macro::Parallel => quote! {
            ::async_dsl::__private::ControlFlow::Continue(#pattern) => #value,
            ::async_dsl::__private::ControlFlow::Break(never) => match never {},
        },
        Macro::TryParallel => quote! {
            ::async_dsl::__private::ControlFlow::Continue(#pattern) => ::core::result::Result::Ok(#value),
            ::async_dsl::__private::ControlFlow::Break(error) => ::core::result::Result::Err(error),
        },
        Macro::Race => quote! {
            ::async_dsl::__private::ControlFlow::Break(winner) => winner,
            ::async_dsl::__private::ControlFlow::Continue((never, _)) => match never {},
        },
        Macro::RaceOk => quote! {
            ::async_dsl::__private::ControlFlow::Break(winner) => ::core::result::Result::Ok(winner),
            ::async_dsl::__private::ControlFlow::Continue(#pattern) => {
                ::core::result::Result::Err(::async_dsl::__private::AllFailed::new(#value))
            }
        },
    }
}

/// The name of the struct a named form builds from the kept outputs; `None` when the macro
/// keeps none (`race!`).
fn value_name(kind: Macro) -> Option<&'static str> {
    match kind {
        Macro::Parallel | Macro::TryParallel => Some("Parallel"),
        Macro::Race => None,
        Macro::RaceOk => Some("Errors"),
    }
}

fn fixed<'a>(
    group: &Group,
    branches: impl Iterator<Item = (&'a Expr, Option<&'a Expr>)>,
    names: Option<&[&Ident]>,
) -> TokenStream {
    let slots: Vec<(&Expr, TokenStream)> = branches
        .enumerate()
        .map(|(index, (future, map))| {
            let tokens = branch_future(group, future, map);
            let name = names.map(|names| names[index]);
            let tokens = traced_branch(group, future, name, index, tokens);
            (future, slot(group, index, future, tokens))
        })
        .collect();
    let list = slots.iter().rev().fold(
        quote!(::async_dsl::__private::Nil),
        |tail, (future, slot)| match group.kind {
            Macro::Race => {
                quote_spanned!(future.span()=> ::async_dsl::__private::race_cons(#slot, #tail))
            }
            Macro::RaceOk => {
                quote_spanned!(future.span()=> ::async_dsl::__private::race_ok_cons(#slot, #tail))
            }
            _ => quote!(::async_dsl::__private::Cons::new(#slot, #tail)),
        },
    );

    let span = Span::mixed_site();
    let vars: Vec<Ident> = (0..slots.len())
        .map(|i| format_ident!("v{}", i, span = span))
        .collect();
    let pattern = vars
        .iter()
        .rev()
        .fold(quote!(()), |tail, var| quote!((#var, #tail)));
    let (definition, value) = match (names, value_name(group.kind)) {
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
    let arms = finish(group.kind, &pattern, &value);
    let result = Ident::new("result", span);
    // Up to `SMALL_GROUP` branches, a group polls them all on each wake with the task's
    // waker; above it, each branch has its own waker (`async_dsl`'s `group::direct`).
    let large = if slots.len() > SMALL_GROUP {
        "_large"
    } else {
        ""
    };
    let constructor = format_ident!(
        "{}{}",
        match (group.kind.races(), group.biased) {
            (false, _) => "join",
            (true, false) => "race",
            (true, true) => "race_biased",
        },
        large,
        span = Span::call_site()
    );
    quote! {
        ::async_dsl::__private::#constructor(#list, {
            #definition
            |#result| match #result { #arms }
        })
    }
}

/// The most branches a group polls all together on each wake: the runtime's
/// `group::direct::SMALL`, which refuses to build a direct group of more (so a larger
/// number here would not compile; a smaller one only moves the switch).
const SMALL_GROUP: usize = 16;

fn fan_out(group: &Group, form: &ForForm) -> TokenStream {
    let ForForm {
        pat,
        input,
        body,
        map,
    } = form;
    let mut future = branch_future(group, body, map.as_ref());
    if let (Macro::TryParallel, Some(ty)) = (group.kind, &group.error) {
        future = quote!(::async_dsl::__private::err_into::<#ty, _>(#future));
    }
    let limit = match &group.limit {
        None => quote!(::core::primitive::usize::MAX),
        Some(LimitValue::Literal(n)) => quote!(#n),
        Some(LimitValue::Expr(expr)) => quote!(#expr),
    };
    let collect = match group.kind {
        Macro::Parallel => quote!(::async_dsl::__private::Ordered::new()),
        Macro::TryParallel => quote!(::async_dsl::__private::TryOrdered::new()),
        Macro::Race => quote!(::async_dsl::__private::First::new()),
        Macro::RaceOk => quote!(::async_dsl::__private::FirstOk::new()),
    };
    // Call-site spans for the closure itself: lints such as `redundant_closure` see macro
    // output, not the caller's code. The pattern and body keep their own spans.
    let constructor = Ident::new(
        if group.kind.races() && !group.biased {
            "race_fan_out"
        } else {
            "fan_out"
        },
        Span::call_site(),
    );
    // With the `tracing` feature the runtime's traced fan-outs name each item's branch by
    // its index.
    match TRACING {
        true => {
            let outcome = outcome(group.kind, Span::call_site());
            let fair = constructor == "race_fan_out";
            quote! {
                ::async_dsl::__private::trace::fan_out::<#outcome, _, _, _, _, _>(
                    #fair, #limit, #input, |#pat| #future, #collect)
            }
        }
        false => quote! {
            ::async_dsl::__private::#constructor(#limit, #input, |#pat| #future, #collect)
        },
    }
}

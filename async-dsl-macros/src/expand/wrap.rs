//! `#[throttled]`, `#[timeout]` and `#[retry]`: attributes that wrap an `async fn`'s body.
//!
//! Stacked, they apply in written order, the top one outermost: the first to expand takes
//! the ones below it off the function and builds the whole stack, since rustc would
//! otherwise expand the lower ones last and so wrap them around the upper ones. Only this
//! crate's attributes are taken (see [`Wrapper::of`]); every other attribute stays on the
//! function as written.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{AttrStyle, ItemFn, ReturnType, Type};

use super::{int_lit, with_error};
use crate::check::{self, Errors, Layer, Throttled, is_result};
use crate::parse::attr::{self as parse, Wrapper};

/// The whole pipeline for attribute `wrapper` with arguments `args` on `item`.
pub(crate) fn expand(wrapper: Wrapper, args: TokenStream, item: TokenStream) -> TokenStream {
    let mut function = match parse::function(wrapper.name(), &item) {
        Ok(function) => function,
        Err(error) => return with_error(item, error),
    };
    // This attribute, then the ones below it, in written order.
    let mut below = parse::take_stacked(&mut function);
    let mut errors = Errors::default();
    check::stack(wrapper, &below, &mut errors);
    let kinds: Vec<Wrapper> = std::iter::once(wrapper)
        .chain(below.iter().map(|s| s.wrapper))
        .collect();
    let arguments =
        std::iter::once(args).chain(below.iter_mut().map(|s| std::mem::take(&mut s.args)));
    let returns_result = check::returns_result(&function.sig);
    let mut layers = Vec::new();
    for (index, args) in arguments.enumerate() {
        // A `#[timeout]` further in turns the output into a `Result`.
        let wraps_result = returns_result || kinds[index + 1..].contains(&Wrapper::Timeout);
        if let Some(layer) = errors.ok(check::layer(
            kinds[index],
            args,
            &function.sig,
            wraps_result,
        )) {
            layers.push(layer);
        }
    }
    check::require_async(wrapper.name(), &function.sig, &mut errors);
    let built = errors.finish().map(|()| build(&mut function, layers));
    // rustc never resolves an attribute taken off the function, so the caller's import of it
    // would read as unused (with or without errors); referring to its path marks it used.
    let paths = below.iter().map(|s| &s.path);
    let imports = quote!(#(#[allow(unused_imports)] use #paths as _;)*);
    let stmts = &function.block.stmts;
    let body = match &built {
        Ok(body) => quote!(#imports #body),
        Err(_) => quote!(#imports #(#stmts)*),
    };
    // Printed as tokens rather than put back into the `ItemFn`: parsing the new body again
    // would cost as much as the rest of the expansion.
    let outer = function
        .attrs
        .iter()
        .filter(|a| matches!(a.style, AttrStyle::Outer));
    let inner = function
        .attrs
        .iter()
        .filter(|a| !matches!(a.style, AttrStyle::Outer));
    let (vis, sig) = (&function.vis, &function.sig);
    let item = quote!(#(#outer)* #vis #sig { #(#inner)* #body });
    match built {
        Ok(_) => item,
        Err(error) => with_error(item, error),
    }
}

/// `function`'s body wrapped in `layers`, the first outermost; `#[timeout]` on a non-`Result`
/// also rewrites the return type.
fn build(function: &mut ItemFn, layers: Vec<Layer>) -> TokenStream {
    let mut output: Type = match &function.sig.output {
        ReturnType::Default => syn::parse_quote!(()),
        ReturnType::Type(_, ty) => (**ty).clone(),
    };
    // The body as statements, never re-wrapped in a block of its own: a block whose only
    // content is the user's block would trip `unused_braces` on their code.
    let stmts = &function.block.stmts;
    let mut body = quote!(#(#stmts)*);
    for layer in layers.into_iter().rev() {
        body = match layer {
            Layer::Throttled(Throttled {
                rate,
                per,
                burst,
                concurrency,
                key,
            }) => {
                let (rate, burst) = (int_lit(rate.into()), int_lit(burst.into()));
                let concurrency = int_lit(concurrency as u64);
                let per = match per {
                    Some(per) => per.to_expr(),
                    None => quote!(::core::time::Duration::from_secs(1)),
                };
                let permit = syn::Ident::new("permit", Span::mixed_site());
                let acquire = match key {
                    None => quote! {{
                        static THROTTLE: ::std::sync::OnceLock<::async_dsl::Throttle> = ::std::sync::OnceLock::new();
                        THROTTLE.get_or_init(|| ::async_dsl::__private::throttle(#rate, #per, #burst, #concurrency))
                    }.acquire().await},
                    // Spanned at the key, where a key type without `Hash + Eq` is reported.
                    Some(key) => {
                        let throttle = syn::Ident::new("throttle", Span::mixed_site());
                        let hash = quote_spanned!(key.span()=>
                            ::async_dsl::__private::key_hash(#throttle, &(#key)));
                        quote! {{
                            static THROTTLE: ::std::sync::OnceLock<::async_dsl::KeyedThrottle> = ::std::sync::OnceLock::new();
                            let #throttle = THROTTLE.get_or_init(|| ::async_dsl::__private::keyed_throttle(#rate, #per, #burst, #concurrency));
                            ::async_dsl::__private::keyed_acquire(#throttle, #hash)
                        }.await}
                    }
                };
                quote!(let #permit = #acquire; #body)
            }
            Layer::Timeout { after } => {
                let after = after.to_expr();
                let typed = typed_async(&output, &body);
                if is_result(&output) {
                    // Spanned at the error type, where one without `From<Elapsed>` is reported.
                    let convert = quote_spanned!(error_type(&output).span()=>
                        ::core::convert::From::from(elapsed));
                    quote!(
                        match ::async_dsl::__private::timeout(#after, #typed).await {
                            ::core::result::Result::Ok(output) => output,
                            ::core::result::Result::Err(elapsed) => ::core::result::Result::Err(#convert),
                        }
                    )
                } else {
                    let inner = output.clone();
                    output =
                        syn::parse_quote!(::core::result::Result<#inner, ::async_dsl::Elapsed>);
                    quote!(::async_dsl::__private::timeout(#after, #typed).await)
                }
            }
            Layer::Retry {
                times,
                min,
                max,
                when,
            } => {
                // `check` made sure the output is a `Result` here.
                let times = int_lit(times.into());
                let (min, max) = (min.to_expr(), max.to_expr());
                let when = match when {
                    Some(when) => quote!(#when),
                    None => quote!(|_| true),
                };
                let backoff = syn::Ident::new("backoff", Span::mixed_site());
                let typed = typed_async(&output, &body);
                quote!(
                    let mut #backoff = ::async_dsl::__private::Backoff::new(#times, #min, #max);
                    loop {
                        match #typed.await {
                            ::core::result::Result::Ok(value) => break ::core::result::Result::Ok(value),
                            ::core::result::Result::Err(error) => match #backoff.next(&error, #when) {
                                ::core::option::Option::Some(wait) => ::async_dsl::__private::sleep(wait).await,
                                ::core::option::Option::None => break ::core::result::Result::Err(error),
                            },
                        }
                    }
                )
            }
        };
    }
    if let ReturnType::Type(_, ty) = &mut function.sig.output {
        **ty = output;
    } else if !matches!(output, Type::Tuple(ref t) if t.elems.is_empty()) {
        function.sig.output = syn::parse_quote!(-> #output);
    }
    body
}

/// `async body` whose output type is fixed to `output` before the body is checked, so that a
/// `return` or tail of the wrong type is reported in the body, at the user's token, and `?`
/// knows what to convert into. (rustc infers an async block's output from its first `return`;
/// a bound on the function it is passed to does not reach inside.) The `return` is spanned at
/// the declared type, where rustc's "return type inferred here" note then points.
fn typed_async(output: &Type, body: &TokenStream) -> TokenStream {
    let value = syn::Ident::new("value", Span::mixed_site().located_at(output.span()));
    let ret = quote_spanned!(output.span()=> return #value);
    quote!(async {
        if let ::core::option::Option::Some(#value) = ::async_dsl::__private::no_value::<#output>() {
            #ret;
        }
        #body
    })
}

/// `E` of a `Result<T, E>` as written (`output` is known to be a `Result`), for spans.
fn error_type(output: &Type) -> &dyn ToTokens {
    if let Type::Path(path) = output
        && let Some(last) = path.path.segments.last()
        && let syn::PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(error) = args.args.iter().nth(1)
    {
        return error;
    }
    output
}

//! `#[throttled]`, `#[timeout]` and `#[retry]`: attributes that wrap an `async fn`'s body.
//!
//! Stacked, they apply in written order, the top one outermost: the first to expand takes
//! the ones below it off the function and builds the whole stack, since rustc would
//! otherwise expand the lower ones last and so wrap them around the upper ones.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::{Attribute, Expr, ItemFn, LitStr, ReturnType, Type};

use crate::attr_args::{self, Args, with_error};
use crate::duration::DurationLit;
use crate::input::Errors;

/// The attributes this module builds.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Throttled,
    Timeout,
    Retry,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Throttled => "throttled",
            Kind::Timeout => "timeout",
            Kind::Retry => "retry",
        }
    }

    fn of(attr: &Attribute) -> Option<Kind> {
        let last = attr.path().segments.last()?.ident.to_string();
        [Kind::Throttled, Kind::Timeout, Kind::Retry]
            .into_iter()
            .find(|k| k.name() == last)
    }
}

enum Layer {
    Throttled {
        rate: u32,
        per: TokenStream,
        burst: u32,
        concurrency: usize,
        key: Option<Expr>,
    },
    Timeout {
        after: DurationLit,
    },
    Retry {
        times: u32,
        min: DurationLit,
        max: DurationLit,
        when: Option<Expr>,
    },
}

/// Expands attribute `kind` with arguments `args` on `item`.
pub(crate) fn expand(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    let mut function = match attr_args::function(kind.name(), &item) {
        Ok(function) => function,
        Err(tokens) => return tokens,
    };
    let mut errors = Errors::default();
    let mut layers = Vec::new();
    match parse_layer(kind, args) {
        Ok(layer) => layers.push(layer),
        Err(error) => errors.push(error),
    }
    // The attributes below this one, in written order.
    let mut kept = Vec::new();
    let mut consumed = Vec::new();
    for attr in std::mem::take(&mut function.attrs) {
        match Kind::of(&attr) {
            Some(below) => {
                consumed.push(attr.path().clone());
                let args = match &attr.meta {
                    syn::Meta::List(list) => list.tokens.clone(),
                    _ => TokenStream::new(),
                };
                match parse_layer(below, args) {
                    Ok(layer) => layers.push(layer),
                    Err(error) => errors.push(error),
                }
            }
            None => kept.push(attr),
        }
    }
    function.attrs = kept;
    attr_args::require_async(kind.name(), &function.sig, &mut errors);
    if let Err(error) = errors.finish() {
        return with_error(function.into_token_stream(), error);
    }
    match build(&mut function, layers) {
        Ok(()) => {
            // rustc never resolves an attribute taken off the function, so the caller's import
            // of it would read as unused; referring to its path here marks it used.
            if !consumed.is_empty() {
                let body = &function.block;
                function.block = syn::parse_quote!({
                    #(#[allow(unused_imports)] use #consumed as _;)*
                    #body
                });
            }
            function.into_token_stream()
        }
        Err(error) => with_error(function.into_token_stream(), error),
    }
}

fn parse_layer(kind: Kind, tokens: TokenStream) -> syn::Result<Layer> {
    let mut errors = Errors::default();
    let layer = match kind {
        Kind::Timeout => {
            let lit: LitStr = syn::parse2(tokens).map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "`#[timeout]` takes one duration, e.g. `#[timeout(\"5s\")]`",
                )
            })?;
            Layer::Timeout {
                after: DurationLit::parse(lit)?,
            }
        }
        Kind::Throttled => {
            let mut args = Args::parse("throttled", tokens)?;
            let example = "#[throttled(rate = 5)]";
            let rate = args
                .require("rate", example, &mut errors)
                .and_then(|a| ok(attr_args::positive::<u32>(&a, example), &mut errors));
            let per = args
                .take("per")
                .map_or(Some(quote!(::core::time::Duration::from_secs(1))), |a| {
                    ok(attr_args::duration(&a), &mut errors).map(|d| d.to_expr())
                });
            let burst = args.take("burst").map_or(Some(1), |a| {
                ok(
                    attr_args::positive::<u32>(&a, "#[throttled(rate = 5, burst = 3)]"),
                    &mut errors,
                )
            });
            let concurrency = args.take("concurrency").map_or(Some(0), |a| {
                ok(
                    attr_args::positive::<usize>(&a, "#[throttled(rate = 5, concurrency = 2)]"),
                    &mut errors,
                )
            });
            let key = args.take("key").map(|a| a.value);
            args.reject_rest(
                "`rate`, `per`, `burst`, `concurrency` or `key`",
                &mut errors,
            );
            errors.finish()?;
            match (rate, per, burst, concurrency) {
                (Some(rate), Some(per), Some(burst), Some(concurrency)) => Layer::Throttled {
                    rate,
                    per,
                    burst,
                    concurrency,
                    key,
                },
                _ => unreachable_without_error()?,
            }
        }
        Kind::Retry => {
            let mut args = Args::parse("retry", tokens)?;
            let example = "#[retry(times = 3)]";
            let times = args
                .require("times", example, &mut errors)
                .and_then(|a| ok(attr_args::positive::<u32>(&a, example), &mut errors));
            let range = match args.take("backoff") {
                Some(a) => ok(attr_args::duration_range(&a), &mut errors),
                None => Some(default_backoff()),
            };
            let when = args.take("when").map(|a| a.value);
            args.reject_rest("`times`, `backoff` or `when`", &mut errors);
            errors.finish()?;
            match (times, range) {
                (Some(times), Some((min, max))) => Layer::Retry {
                    times,
                    min,
                    max,
                    when,
                },
                _ => unreachable_without_error()?,
            }
        }
    };
    Ok(layer)
}

/// Every `None` above came with an error, so this is never reached; an error rather than a
/// panic all the same.
fn unreachable_without_error<T>() -> syn::Result<T> {
    Err(syn::Error::new(
        Span::call_site(),
        "invalid attribute arguments",
    ))
}

fn ok<T>(result: syn::Result<T>, errors: &mut Errors) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

fn default_backoff() -> (DurationLit, DurationLit) {
    let lit = |text: &str| DurationLit::parse(LitStr::new(text, Span::call_site()));
    match (lit("100ms"), lit("5s")) {
        (Ok(min), Ok(max)) => (min, max),
        _ => unreachable!("constant durations parse"),
    }
}

/// Whether `ty` is written as a `Result` (`Result<T, E>`, `io::Result<T>`, ...).
fn is_result(ty: &Type) -> bool {
    match ty {
        Type::Path(path) => path
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "Result"),
        Type::Paren(inner) => is_result(&inner.elem),
        _ => false,
    }
}

/// Rewrites `function`'s body (and return type, for `#[timeout]` on a non-`Result`) with
/// `layers`, the first outermost.
fn build(function: &mut ItemFn, layers: Vec<Layer>) -> syn::Result<()> {
    let mut output: Type = match &function.sig.output {
        ReturnType::Default => syn::parse_quote!(()),
        ReturnType::Type(_, ty) => (**ty).clone(),
    };
    let mut body = function.block.to_token_stream();
    for layer in layers.into_iter().rev() {
        body = match layer {
            Layer::Throttled {
                rate,
                per,
                burst,
                concurrency,
                key,
            } => {
                let (rate, burst) = (
                    attr_args::int_lit(rate.into()),
                    attr_args::int_lit(burst.into()),
                );
                let concurrency = attr_args::int_lit(concurrency as u64);
                let permit = syn::Ident::new("permit", Span::mixed_site());
                let acquire = match key {
                    None => quote! {{
                        static THROTTLE: ::std::sync::OnceLock<::async_dsl::Throttle> = ::std::sync::OnceLock::new();
                        THROTTLE.get_or_init(|| ::async_dsl::__private::throttle(#rate, #per, #burst, #concurrency))
                    }.acquire()},
                    Some(key) => quote! {{
                        static THROTTLE: ::std::sync::OnceLock<::async_dsl::KeyedThrottle> = ::std::sync::OnceLock::new();
                        THROTTLE.get_or_init(|| ::async_dsl::__private::keyed_throttle(#rate, #per, #burst, #concurrency))
                    }.acquire(&(#key))},
                };
                quote!({ let #permit = #acquire.await; #body })
            }
            Layer::Timeout { after } => {
                let after = after.to_expr();
                if is_result(&output) {
                    quote!({
                        match ::async_dsl::__private::timeout_as::<#output, _>(#after, async #body).await {
                            ::core::result::Result::Ok(output) => output,
                            ::core::result::Result::Err(elapsed) => {
                                ::core::result::Result::Err(::core::convert::From::from(elapsed))
                            }
                        }
                    })
                } else {
                    let inner = output.clone();
                    output =
                        syn::parse_quote!(::core::result::Result<#inner, ::async_dsl::Elapsed>);
                    quote!({ ::async_dsl::__private::timeout_as::<#inner, _>(#after, async #body).await })
                }
            }
            Layer::Retry {
                times,
                min,
                max,
                when,
            } => {
                if !is_result(&output) {
                    let span = match &function.sig.output {
                        ReturnType::Type(_, ty) => syn::spanned::Spanned::span(ty),
                        ReturnType::Default => syn::spanned::Spanned::span(&function.sig.ident),
                    };
                    return Err(syn::Error::new(
                        span,
                        "`#[retry]` needs a function that returns `Result`: only an `Err` is retried",
                    ));
                }
                let times = attr_args::int_lit(times.into());
                let (min, max) = (min.to_expr(), max.to_expr());
                let when = match when {
                    Some(when) => quote!(#when),
                    None => quote!(|_| true),
                };
                let backoff = syn::Ident::new("backoff", Span::mixed_site());
                quote!({
                    let mut #backoff = ::async_dsl::__private::Backoff::new(#times, #min, #max);
                    loop {
                        match ::async_dsl::__private::attempt::<#output, _>(async #body).await {
                            ::core::result::Result::Ok(value) => break ::core::result::Result::Ok(value),
                            ::core::result::Result::Err(error) => match #backoff.next(&error, #when) {
                                ::core::option::Option::Some(wait) => ::async_dsl::__private::sleep(wait).await,
                                ::core::option::Option::None => break ::core::result::Result::Err(error),
                            },
                        }
                    }
                })
            }
        };
    }
    if let ReturnType::Type(_, ty) = &mut function.sig.output {
        **ty = output;
    } else if !matches!(output, Type::Tuple(ref t) if t.elems.is_empty()) {
        function.sig.output = syn::parse_quote!(-> #output);
    }
    function.block = syn::parse2(body)?;
    Ok(())
}

//! `#[throttled]`, `#[timeout]` and `#[retry]`: attributes that wrap an `async fn`'s body.
//!
//! Stacked, they apply in written order, the top one outermost: the first to expand takes
//! the ones below it off the function and builds the whole stack, since rustc would
//! otherwise expand the lower ones last and so wrap them around the upper ones. Only this
//! crate's attributes are taken (see [`Wrapper::of`]); every other attribute stays on the
//! function as written.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{AttrStyle, FnArg, ItemFn, Pat, ReturnType, Type};

use super::{TRACING, function_path, int_lit, with_error};
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

/// `function` rewritten around `layers`, the first outermost: the new body of the function.
///
/// The function stops being an `async fn`: it becomes `fn name(args) -> impl Future<Output =
/// T>` (what an `async fn` is) whose body hands an `async move` block, holding the arguments
/// and the inner layers, to one generic runtime call for the outermost layer. So an
/// expansion adds no state machine and no `.await` of its own for that layer, which is what
/// type-checking an attributed function costs (see `benches/src/bin/compile_cost.rs`).
fn build(function: &mut ItemFn, layers: Vec<Layer>) -> TokenStream {
    let mut output: Type = match &function.sig.output {
        ReturnType::Default => syn::parse_quote!(()),
        ReturnType::Type(_, ty) => (**ty).clone(),
    };
    // The body as statements, never re-wrapped in a block of its own: a block whose only
    // content is the user's block would trip `unused_braces` on their code.
    let stmts = &function.block.stmts;
    let mut body = quote!(#(#stmts)*);
    let mut layers = layers.into_iter();
    let outermost = layers.next();
    for layer in layers.rev() {
        body = inner_layer(layer, body, &mut output, &function.sig.ident);
    }
    let bindings = take_arguments(&mut function.sig);
    let block = |output: &Type, body: TokenStream| {
        let fix = fix_output(output);
        quote!(async move { #bindings #fix #body })
    };
    let name = function.sig.ident.clone();
    let call = match outermost {
        Some(Layer::Throttled(throttled)) if throttled.redis.is_some() => {
            let acquire = redis_acquire(&throttled, &name, &output);
            block(&output, quote!(#acquire #body))
        }
        Some(Layer::Throttled(throttled)) => {
            let (cell_type, cell) = throttle_cell(&throttled, &name);
            match &throttled.key {
                None => {
                    let block = block(&output, body);
                    quote! {
                        static THROTTLE: #cell_type = #cell;
                        ::async_dsl::__private::throttled(&THROTTLE, #block)
                    }
                }
                // Spanned at the key, where a key type without `Hash` is reported. The key is
                // read on the first poll, as in an `async fn`: a closure that takes the
                // arguments, hashes the key and hands over the body.
                Some(key) => {
                    let hash = quote_spanned!(key.span()=>
                        ::async_dsl::__private::key_hash(&THROTTLE, &(#key)));
                    let fix = fix_output(&output);
                    quote! {
                        static THROTTLE: #cell_type = #cell;
                        ::async_dsl::__private::keyed_throttled(&THROTTLE, move || {
                            #bindings
                            (#hash, async move { #fix #body })
                        })
                    }
                }
            }
        }
        Some(Layer::Timeout { after }) => {
            let after = after.to_expr();
            let block = block(&output, body);
            if is_result(&output) {
                // Spanned at the error type, where one without `From<Elapsed>` is reported.
                let error = error_type(&output);
                // (`elapsed` written in both places at call-site hygiene: the argument takes
                // the error type's span, which rustc then underlines.)
                let convert = quote_spanned!(error.span()=> ::core::convert::From::from(elapsed));
                // Allowed: for an error type that is `Elapsed` itself the conversion is the
                // identity, which clippy would report in the user's code.
                let into = quote!({
                    #[allow(clippy::useless_conversion)]
                    let into = |elapsed| #convert;
                    into
                });
                timeout_call(&name, &after, &block, Some(&into))
            } else {
                let inner = output.clone();
                output = syn::parse_quote!(::core::result::Result<#inner, ::async_dsl::Elapsed>);
                timeout_call(&name, &after, &block, None)
            }
        }
        Some(retry @ Layer::Retry { .. }) => {
            let body = inner_layer(retry, body, &mut output, &name);
            quote!(async move { #bindings #body })
        }
        None => quote!(async move { #bindings #body }),
    };
    function.sig.asyncness = None;
    let future = syn::Token![impl](Span::mixed_site());
    function.sig.output = syn::parse_quote!(-> #future ::core::future::Future<Output = #output>);
    call
}

/// The timeout `after` around `body` of function `name`, with expiry turned into the body's
/// error by `into` if given (`timeout_into`): with the `tracing` feature, one that says when
/// it fires.
fn timeout_call(
    name: &syn::Ident,
    after: &TokenStream,
    body: &TokenStream,
    into: Option<&TokenStream>,
) -> TokenStream {
    let (timeout, into) = match into {
        Some(into) => (format_ident!("timeout_into"), quote!(, #into)),
        None => (format_ident!("timeout"), quote!()),
    };
    match TRACING {
        true => {
            let function = function_path(name);
            quote!(::async_dsl::__private::trace::#timeout(#function, #after, #body #into))
        }
        false => quote!(::async_dsl::__private::#timeout(#after, #body #into)),
    }
}

/// The `static` cell of function `name`'s throttle and its constructor, a `const`
/// expression.
fn throttle_cell(throttled: &Throttled, name: &syn::Ident) -> (TokenStream, TokenStream) {
    let (rate, burst) = (
        int_lit(throttled.rate.into()),
        int_lit(throttled.burst.into()),
    );
    let concurrency = int_lit(throttled.concurrency as u64);
    let per = match &throttled.per {
        Some(per) => per.to_expr(),
        None => quote!(::core::time::Duration::from_secs(1)),
    };
    let cell = match throttled.key {
        None => quote!(::async_dsl::__private::ThrottleCell),
        Some(_) => quote!(::async_dsl::__private::KeyedThrottleCell),
    };
    let mut new = quote!(#cell::new(#rate, #per, #burst, #concurrency));
    if TRACING {
        let function = function_path(name);
        new = quote!(#new.named(#function));
    }
    (cell, new)
}

/// The statements that wait for a `#[throttled(redis = ..)]` call's turn, the permit held
/// to the end of the block: a `static` quota cell, and the URL expression evaluated on the
/// first call. With `on_store_error = Fail`, a store error returns from the block as the
/// function's `Err`, converted at the error type (where a missing `From` is reported).
fn redis_acquire(throttled: &Throttled, function: &syn::Ident, output: &Type) -> TokenStream {
    let Some(redis) = &throttled.redis else {
        return TokenStream::new();
    };
    let (rate, burst) = (
        int_lit(throttled.rate.into()),
        int_lit(throttled.burst.into()),
    );
    let per = match &throttled.per {
        Some(per) => per.to_expr(),
        None => quote!(::core::time::Duration::from_secs(1)),
    };
    let name = match &redis.name {
        Some(name) => quote!(#name),
        // Every replica of one build shares it.
        None => {
            let function = function.to_string();
            quote!(
                ::core::concat!(::core::env!("CARGO_PKG_NAME"), ":", ::core::module_path!(), "::", #function)
            )
        }
    };
    let policy = &redis.policy;
    let url = &redis.url;
    // The key as `Display` writes it (it is part of the Redis key); spanned at the key, where
    // a key without `Display` is reported.
    let key = match &throttled.key {
        None => quote!(::core::option::Option::None),
        Some(key) => quote_spanned!(key.span()=>
            ::core::option::Option::Some(::std::string::ToString::to_string(&(#key)))),
    };
    let permit = syn::Ident::new("permit", Span::mixed_site());
    let error = syn::Ident::new("error", Span::mixed_site());
    let concurrency = int_lit(throttled.concurrency as u64);
    let lease = match &redis.lease {
        Some(lease) => lease.to_expr(),
        None => quote!(::core::time::Duration::from_secs(30)),
    };
    let cell = quote! {
        static THROTTLE: ::async_dsl::__private::RedisCell = ::async_dsl::__private::RedisCell::new(
            #rate, #per, #burst, #concurrency, #lease, #name, ::async_dsl::__private::OnStoreError::#policy);
    };
    if policy == "Fail" {
        let convert =
            quote_spanned!(error_type(output).span()=> ::core::convert::From::from(#error));
        quote! {
            let #permit = match { #cell THROTTLE.acquire(|| #url, #key) }.await {
                ::core::result::Result::Ok(#permit) => #permit,
                ::core::result::Result::Err(#error) => return ::core::result::Result::Err(#convert),
            };
        }
    } else {
        quote! {
            let #permit = { #cell THROTTLE.acquire_or_local(|| #url, #key) }.await;
        }
    }
}

/// A layer inside the outermost one, as statements of the `async move` block: `body` with
/// `layer` around it. `output` is the output type inside `layer`, and after it on return.
fn inner_layer(
    layer: Layer,
    body: TokenStream,
    output: &mut Type,
    name: &syn::Ident,
) -> TokenStream {
    match layer {
        Layer::Throttled(throttled) if throttled.redis.is_some() => {
            let acquire = redis_acquire(&throttled, name, output);
            quote!(#acquire #body)
        }
        Layer::Throttled(throttled) => {
            let (cell_type, cell) = throttle_cell(&throttled, name);
            let permit = syn::Ident::new("permit", Span::mixed_site());
            let acquire = match &throttled.key {
                None => quote!(THROTTLE.acquire()),
                // Spanned at the key, where a key type without `Hash` is reported.
                Some(key) => {
                    let hash = quote_spanned!(key.span()=>
                        ::async_dsl::__private::key_hash(&THROTTLE, &(#key)));
                    quote!(THROTTLE.acquire(#hash))
                }
            };
            quote! {
                let #permit = {
                    static THROTTLE: #cell_type = #cell;
                    #acquire
                }.await;
                #body
            }
        }
        Layer::Timeout { after } => {
            let after = after.to_expr();
            let typed = typed_async(output, &body);
            if is_result(output) {
                // Spanned at the error type, where one without `From<Elapsed>` is reported.
                let convert = quote_spanned!(error_type(output).span()=>
                    ::core::convert::From::from(elapsed));
                let timeout = timeout_call(name, &after, &typed, None);
                quote!(
                    match #timeout.await {
                        ::core::result::Result::Ok(output) => output,
                        ::core::result::Result::Err(elapsed) => ::core::result::Result::Err(#convert),
                    }
                )
            } else {
                let inner = output.clone();
                *output = syn::parse_quote!(::core::result::Result<#inner, ::async_dsl::Elapsed>);
                let timeout = timeout_call(name, &after, &typed, None);
                quote!(#timeout.await)
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
            let typed = typed_async(output, &body);
            let sleep = quote!(::async_dsl::__private::sleep(wait).await);
            // With the `tracing` feature, an event before each wait: the error by `Display`,
            // else `Debug`, else its type (`trace::Describe`).
            let wait = match TRACING {
                true => {
                    let function = function_path(name);
                    quote!({
                        ::async_dsl::__private::trace::retry(#function, #backoff.retried(), {
                            #[allow(unused_imports)]
                            use ::async_dsl::__private::trace::{DescribeAny as _, DescribeDebug as _, DescribeDisplay as _};
                            (&&&::async_dsl::__private::trace::Describe(&error)).describe()
                        }, wait);
                        #sleep
                    })
                }
                false => sleep,
            };
            quote!(
                let mut #backoff = ::async_dsl::__private::Backoff::new(#times, #min, #max);
                loop {
                    match #typed.await {
                        ::core::result::Result::Ok(value) => break ::core::result::Result::Ok(value),
                        ::core::result::Result::Err(error) => match #backoff.next(&error, #when) {
                            ::core::option::Option::Some(wait) => #wait,
                            ::core::option::Option::None => break ::core::result::Result::Err(error),
                        },
                    }
                }
            )
        }
    }
}

/// Moves every argument into the `async move` block, as an `async fn` does, so that each
/// lives until the call's future ends (even one the body never uses) and patterns bind
/// inside. Returns those bindings and rewrites `sig`'s patterns to plain names: `mut x`
/// becomes `x` (bound `let mut x = x;` inside), any other pattern a fresh `argN`.
fn take_arguments(sig: &mut syn::Signature) -> TokenStream {
    let mut bindings = TokenStream::new();
    for (index, arg) in sig.inputs.iter_mut().enumerate() {
        match arg {
            FnArg::Receiver(receiver) => {
                let this = &receiver.self_token;
                bindings.extend(quote!(let _ = &#this;));
            }
            FnArg::Typed(typed) => match &mut *typed.pat {
                Pat::Ident(pat) if pat.by_ref.is_none() && pat.subpat.is_none() => {
                    let mutability = pat.mutability.take();
                    let name = &pat.ident;
                    bindings.extend(quote!(let #mutability #name = #name;));
                }
                pat => {
                    let name = format_ident!("arg{}", index, span = Span::mixed_site());
                    let original = std::mem::replace(pat, syn::parse_quote!(#name));
                    bindings.extend(quote!(let #name = #name; let #original = #name;));
                }
            },
        }
    }
    bindings
}

/// `async body` whose output type is fixed to `output` before the body is checked, so that a
/// `return` or tail of the wrong type is reported in the body, at the user's token, and `?`
/// knows what to convert into. (rustc infers an async block's output from its first `return`;
/// a bound on the function it is passed to does not reach inside.) The `return` is spanned at
/// the declared type, where rustc's "return type inferred here" note then points.
fn typed_async(output: &Type, body: &TokenStream) -> TokenStream {
    let fix = fix_output(output);
    quote!(async { #fix #body })
}

/// The statement at the head of an async block that fixes its output type (see
/// [`typed_async`]): a `return` never taken. The cheapest form measured: an `if let` on an
/// `Option<T>` cost a third of the rest of a `#[throttled]` expansion to type-check.
fn fix_output(output: &Type) -> TokenStream {
    let ret = quote_spanned!(output.span()=> return ::async_dsl::__private::never::<#output>());
    quote!(if false { #ret; })
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

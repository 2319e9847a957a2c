//! What `#[spread]` and `#[batched]`, the attributes that add a companion, accept.
//!
//! - `#[spread]`: `period` required; the function takes arguments, a method `&self`.
//! - `#[batched]`: `max` positive, `window` a duration; `async fn f(keys: Vec<K>) -> Vec<V>`
//!   (or a `HashMap<K, V>`, either inside a `Result`), not generic.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{
    Attribute, FnArg, GenericArgument, Ident, ItemFn, PathArguments, ReturnType, Signature, Type,
};

use crate::parse::attr::Companion;

use super::attr::{Args, duration, positive, require_async};
use super::{DurationLit, Errors};

/// Checked `#[spread]` arguments.
pub(crate) struct Spread {
    pub(crate) period: DurationLit,
}

/// Checked `#[batched]` arguments and the types read off the function.
pub(crate) struct Batched {
    pub(crate) max: usize,
    pub(crate) window: DurationLit,
    pub(crate) key: Type,
    pub(crate) value: Type,
    pub(crate) error: TokenStream,
}

/// One companion per function: the first `#[spread]` or `#[batched]` left on `function`
/// below `#[this]` (the same attribute again, or the other) is an error.
fn one_companion(this: Companion, function: &ItemFn, errors: &mut Errors) {
    let second = function
        .attrs
        .iter()
        .find_map(|attr| Some((Companion::of(attr)?, attr)));
    if let Some((second, at)) = second {
        errors.push(second_companion(this, second, at, &function.sig.ident));
    }
}

/// The error at `at`, a second companion attribute (`second`) on `function`, which has
/// `#[first]` already. Both add a companion named after the function, and a spread of batch
/// calls means nothing.
pub(crate) fn second_companion(
    first: Companion,
    second: Companion,
    at: &Attribute,
    function: &Ident,
) -> syn::Error {
    let (first, second) = (first.name(), second.name());
    let message = if first == second {
        format!("`#[{first}]` is given twice on `{function}`: keep one")
    } else {
        format!(
            "`#[{first}]` and `#[{second}]` both add a companion of `{function}`: use one of \
             them (put the other on a function that calls this one)"
        )
    };
    syn::Error::new_spanned(at, message)
}

/// Checks `#[spread]` arguments and the function it is on.
pub(crate) fn spread(tokens: TokenStream, function: &ItemFn) -> syn::Result<Spread> {
    let mut errors = Errors::default();
    let mut args = Args::parse("spread", tokens, &mut errors)?;
    let period = args
        .require("period", "#[spread(period = \"10s\")]", &mut errors)
        .and_then(|a| errors.ok(duration(&a)));
    args.reject_rest("`period`", &mut errors);
    one_companion(Companion::Spread, function, &mut errors);
    let sig = &function.sig;
    require_async("spread", sig, &mut errors);
    if let Some(FnArg::Receiver(receiver)) = sig.inputs.first()
        && !matches!(receiver.kind, syn::ReceiverKind::Reference(_, _, None))
    {
        errors.push(syn::Error::new_spanned(
            receiver,
            "`#[spread]` runs calls concurrently, so a method must take `&self`",
        ));
    }
    if !sig.inputs.iter().any(|arg| matches!(arg, FnArg::Typed(_))) {
        errors.push(syn::Error::new_spanned(
            &sig.ident,
            "`#[spread]` needs a function with arguments: each input to `spread` is one call's arguments",
        ));
    }
    errors.finish()?;
    period
        .map(|period| Spread { period })
        .ok_or_else(|| syn::Error::new(Span::call_site(), "invalid `#[spread]` arguments"))
}

const BATCHED_SHAPE: &str = "`#[batched]` needs `async fn name(keys: Vec<K>) -> Vec<V>`, or `-> HashMap<K, V>`, or either inside a `Result<_, E>`";

/// Checks `#[batched]` arguments and the shape of the function it is on.
pub(crate) fn batched(tokens: TokenStream, function: &ItemFn) -> syn::Result<Batched> {
    let mut errors = Errors::default();
    let mut args = Args::parse("batched", tokens, &mut errors)?;
    let example = "#[batched(max = 100, window = \"5ms\")]";
    let max = args
        .require("max", example, &mut errors)
        .and_then(|a| errors.ok(positive::<usize>(&a, example)));
    let window = args
        .require("window", example, &mut errors)
        .and_then(|a| errors.ok(duration(&a)));
    args.reject_rest("`max` or `window`", &mut errors);
    one_companion(Companion::Batched, function, &mut errors);
    let sig = &function.sig;
    require_async("batched", sig, &mut errors);
    if !sig.generics.params.is_empty() {
        errors.push(syn::Error::new_spanned(
            &sig.generics,
            "`#[batched]` keeps one batcher per function, so the function cannot be generic",
        ));
    }
    let types = match sig.inputs.first() {
        Some(FnArg::Receiver(receiver)) => {
            errors.push(syn::Error::new_spanned(
                receiver,
                format!(
                    "`#[batched]` keeps one batcher for the whole process, so it cannot call \
                     `{}` on one receiver: drop `self` (an associated fn, under `#[companions]` \
                     on the `impl`), or keep an `async_dsl::Batcher` in a field",
                    sig.ident
                ),
            ));
            None
        }
        _ => errors.ok(batch_types(sig)),
    };
    errors.finish()?;
    match (max, window, types) {
        (Some(max), Some(window), Some((key, value, error))) => Ok(Batched {
            max,
            window,
            key,
            value,
            error,
        }),
        _ => Err(syn::Error::new(
            Span::call_site(),
            "invalid `#[batched]` arguments",
        )),
    }
}

/// The key, value and error types of a batch function.
fn batch_types(sig: &Signature) -> syn::Result<(Type, Type, TokenStream)> {
    let wrong = |at: &dyn quote::ToTokens| syn::Error::new_spanned(at, BATCHED_SHAPE);
    let inputs: Vec<&FnArg> = sig.inputs.iter().collect();
    let key = match inputs.as_slice() {
        [FnArg::Typed(arg)] => match args_of(&arg.ty, "Vec").as_deref() {
            Some([key]) => (*key).clone(),
            _ => return Err(wrong(&arg.ty)),
        },
        _ => return Err(wrong(&sig.inputs)),
    };
    let ReturnType::Type(_, output) = &sig.output else {
        return Err(wrong(&sig.ident));
    };
    let (values, error) = match args_of(output, "Result").as_deref() {
        Some([values, error]) => (*values, quote!(#error)),
        _ => (&**output, quote!(::core::convert::Infallible)),
    };
    let value = match (
        args_of(values, "Vec").as_deref(),
        args_of(values, "HashMap").as_deref(),
    ) {
        (Some([value]), _) | (_, Some([_, value])) => (*value).clone(),
        _ => return Err(wrong(output)),
    };
    Ok((key, value, error))
}

/// The generic arguments of `ty` if its last path segment is `name`.
fn args_of<'a>(ty: &'a Type, name: &str) -> Option<Vec<&'a Type>> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    Some(
        args.args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(ty) => Some(ty),
                _ => None,
            })
            .collect(),
    )
}

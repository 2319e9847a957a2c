//! What valid attribute arguments are, and which functions each attribute accepts.
//!
//! - every attribute: on an `async fn`; each argument known and given once.
//! - `#[throttled]`: `rate` required, positive; `burst`, `concurrency` positive; `per` a
//!   duration; `key` any expression.
//! - `#[timeout("5s")]`: one duration.
//! - `#[retry]`: `times` required, positive; `backoff` a range of durations, shorter first;
//!   the function returns a `Result`.
//! - `#[spread]`: `period` required; the function takes arguments, a method `&self`.
//! - `#[batched]`: `max` positive, `window` a duration; `async fn f(keys: Vec<K>) -> Vec<V>`
//!   (or a `HashMap<K, V>`, either inside a `Result`), not generic.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{
    Expr, ExprLit, FnArg, GenericArgument, ItemFn, Lit, LitStr, PathArguments, ReturnType,
    Signature, Type,
};

use super::{DurationLit, Errors};
use crate::parse::attr::{self as raw, Arg, Wrapper};

/// A checked wrapper attribute: one layer around the function's body.
pub(crate) enum Layer {
    Throttled(Throttled),
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

pub(crate) struct Throttled {
    pub(crate) rate: u32,
    /// `None`: one second.
    pub(crate) per: Option<DurationLit>,
    pub(crate) burst: u32,
    /// 0: no limit on calls in flight.
    pub(crate) concurrency: usize,
    pub(crate) key: Option<Expr>,
}

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

/// Arguments not yet taken, with duplicates already reported.
struct Args {
    attr: &'static str,
    list: Vec<Arg>,
}

impl Args {
    fn parse(attr: &'static str, tokens: TokenStream, errors: &mut Errors) -> syn::Result<Self> {
        let mut list: Vec<Arg> = Vec::new();
        for arg in raw::args(attr, tokens)? {
            if list.iter().any(|a| a.name == arg.name) {
                errors.push(syn::Error::new_spanned(
                    &arg.name,
                    format!("duplicate argument `{}`; give it once", arg.name),
                ));
                continue;
            }
            list.push(arg);
        }
        Ok(Args { attr, list })
    }

    fn take(&mut self, name: &str) -> Option<Arg> {
        let index = self.list.iter().position(|a| a.name == name)?;
        Some(self.list.remove(index))
    }

    /// Takes argument `name`, or reports it missing with `example`.
    fn require(&mut self, name: &str, example: &str, errors: &mut Errors) -> Option<Arg> {
        let arg = self.take(name);
        if arg.is_none() {
            errors.push(syn::Error::new(
                Span::call_site(),
                format!("`#[{}]` needs `{name}`, e.g. `{example}`", self.attr),
            ));
        }
        arg
    }

    /// Reports every argument not taken as unknown, naming the known ones.
    fn reject_rest(self, known: &str, errors: &mut Errors) {
        for arg in self.list {
            errors.push(syn::Error::new_spanned(
                &arg.name,
                format!(
                    "unknown argument `{}` for `#[{}]`; expected {known}",
                    arg.name, self.attr
                ),
            ));
        }
    }
}

/// Checks wrapper attribute `wrapper` with arguments `tokens` on the function `sig`;
/// `wraps_result` says whether the body it wraps produces a `Result` (the function's own
/// output, or a `#[timeout]` below it).
pub(crate) fn layer(
    wrapper: Wrapper,
    tokens: TokenStream,
    sig: &Signature,
    wraps_result: bool,
) -> syn::Result<Layer> {
    let mut errors = Errors::default();
    let layer = match wrapper {
        Wrapper::Timeout => {
            let lit: LitStr = syn::parse2(tokens).map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "`#[timeout]` takes one duration, e.g. `#[timeout(\"5s\")]`",
                )
            })?;
            Some(Layer::Timeout {
                after: DurationLit::parse(lit)?,
            })
        }
        Wrapper::Throttled => {
            let mut args = Args::parse("throttled", tokens, &mut errors)?;
            let example = "#[throttled(rate = 5)]";
            let rate = args
                .require("rate", example, &mut errors)
                .and_then(|a| errors.ok(positive::<u32>(&a, example)));
            let per = match args.take("per") {
                None => Some(None),
                Some(a) => errors.ok(duration(&a)).map(Some),
            };
            let burst = args.take("burst").map_or(Some(1), |a| {
                errors.ok(positive::<u32>(&a, "#[throttled(rate = 5, burst = 3)]"))
            });
            let concurrency = args.take("concurrency").map_or(Some(0), |a| {
                errors.ok(positive::<usize>(
                    &a,
                    "#[throttled(rate = 5, concurrency = 2)]",
                ))
            });
            let key = args.take("key").map(|a| a.value);
            args.reject_rest(
                "`rate`, `per`, `burst`, `concurrency` or `key`",
                &mut errors,
            );
            match (rate, per, burst, concurrency) {
                (Some(rate), Some(per), Some(burst), Some(concurrency)) => {
                    Some(Layer::Throttled(Throttled {
                        rate,
                        per,
                        burst,
                        concurrency,
                        key,
                    }))
                }
                _ => None,
            }
        }
        Wrapper::Retry => {
            let mut args = Args::parse("retry", tokens, &mut errors)?;
            let example = "#[retry(times = 3)]";
            let times = args
                .require("times", example, &mut errors)
                .and_then(|a| errors.ok(positive::<u32>(&a, example)));
            let range = match args.take("backoff") {
                Some(a) => errors.ok(duration_range(&a)),
                None => errors.ok(default_backoff()),
            };
            let when = args.take("when").map(|a| a.value);
            args.reject_rest("`times`, `backoff` or `when`", &mut errors);
            if !wraps_result {
                let span = match &sig.output {
                    ReturnType::Type(_, ty) => syn::spanned::Spanned::span(ty),
                    ReturnType::Default => syn::spanned::Spanned::span(&sig.ident),
                };
                errors.push(syn::Error::new(
                    span,
                    "`#[retry]` needs a function that returns `Result`: only an `Err` is retried",
                ));
            }
            match (times, range) {
                (Some(times), Some((min, max))) => Some(Layer::Retry {
                    times,
                    min,
                    max,
                    when,
                }),
                _ => None,
            }
        }
    };
    errors.finish()?;
    // Every `None` above came with an error, so this is not reached; an error all the same.
    layer.ok_or_else(|| syn::Error::new(Span::call_site(), "invalid attribute arguments"))
}

/// Checks `#[spread]` arguments and the function it is on.
pub(crate) fn spread(tokens: TokenStream, function: &ItemFn) -> syn::Result<Spread> {
    let mut errors = Errors::default();
    let mut args = Args::parse("spread", tokens, &mut errors)?;
    let period = args
        .require("period", "#[spread(period = \"10s\")]", &mut errors)
        .and_then(|a| errors.ok(duration(&a)));
    args.reject_rest("`period`", &mut errors);
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
    let sig = &function.sig;
    require_async("batched", sig, &mut errors);
    if !sig.generics.params.is_empty() {
        errors.push(syn::Error::new_spanned(
            &sig.generics,
            "`#[batched]` keeps one batcher per function, so the function cannot be generic",
        ));
    }
    let types = errors.ok(batch_types(sig));
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

/// Reports a function that is not `async`, at its `fn`.
pub(crate) fn require_async(attr: &str, sig: &Signature, errors: &mut Errors) {
    if sig.asyncness.is_none() {
        errors.push(syn::Error::new_spanned(
            sig.fn_token,
            format!("`#[{attr}]` needs an `async fn`; add `async` here"),
        ));
    }
}

/// Whether `ty` is written as a `Result` (`Result<T, E>`, `io::Result<T>`, ...).
pub(crate) fn is_result(ty: &Type) -> bool {
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

/// Whether the function is declared to return a `Result`.
pub(crate) fn returns_result(sig: &Signature) -> bool {
    matches!(&sig.output, ReturnType::Type(_, ty) if is_result(ty))
}

/// A positive integer literal, or an error at the value that shows `example`.
fn positive<N>(arg: &Arg, example: &str) -> syn::Result<N>
where
    N: std::str::FromStr + PartialOrd + Default,
    N::Err: std::fmt::Display,
{
    let error = || {
        syn::Error::new_spanned(
            &arg.value,
            format!(
                "`{}` must be a positive integer, e.g. `{example}`",
                arg.name
            ),
        )
    };
    match &arg.value {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => match int.base10_parse::<N>() {
            Ok(n) if n > N::default() => Ok(n),
            _ => Err(error()),
        },
        _ => Err(error()),
    }
}

/// A duration string literal.
fn duration(arg: &Arg) -> syn::Result<DurationLit> {
    match &arg.value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => DurationLit::parse(lit.clone()),
        other => Err(syn::Error::new_spanned(
            other,
            format!(
                "`{}` takes a duration string, e.g. `{} = \"250ms\"`",
                arg.name, arg.name
            ),
        )),
    }
}

/// A range of durations `"100ms..5s"`, start no later than end.
fn duration_range(arg: &Arg) -> syn::Result<(DurationLit, DurationLit)> {
    let example = format!("`{} = \"100ms..5s\"`", arg.name);
    let Expr::Lit(ExprLit {
        lit: Lit::Str(lit), ..
    }) = &arg.value
    else {
        return Err(syn::Error::new_spanned(
            &arg.value,
            format!("`{}` takes a range of durations, e.g. {example}", arg.name),
        ));
    };
    range_of(lit, &example)
}

fn range_of(lit: &LitStr, example: &str) -> syn::Result<(DurationLit, DurationLit)> {
    let text = lit.value();
    let Some((start, end)) = text.split_once("..") else {
        return Err(syn::Error::new_spanned(
            lit,
            format!("expected `start..end`, e.g. {example}"),
        ));
    };
    let part = |text: &str| DurationLit::parse(LitStr::new(text, lit.span()));
    let (start, end) = (part(start)?, part(end)?);
    if start.nanos > end.nanos {
        return Err(syn::Error::new_spanned(
            lit,
            format!(
                "the backoff starts at {:?} but ends earlier, at {:?}; write the shorter wait first, e.g. {example}",
                start.lit.value(),
                end.lit.value()
            ),
        ));
    }
    Ok((start, end))
}

/// `#[retry]`'s backoff when none is given: `"100ms..5s"`.
fn default_backoff() -> syn::Result<(DurationLit, DurationLit)> {
    range_of(&LitStr::new("100ms..5s", Span::call_site()), "")
}

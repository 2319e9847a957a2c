//! What valid attribute arguments are, and which functions each attribute accepts.
//!
//! - every attribute: on an `async fn`; each argument known and given once; the same
//!   wrapping attribute at most once on a function.
//! - `#[throttled]`: `rate` required, positive; `burst`, `concurrency` positive; `per` a
//!   duration; `key` any expression. With `redis = url`: `name` a valid quota name,
//!   `on_store_error` one of the policies (`Fail` only on a function that returns a
//!   `Result`), a rate the script's microsecond arithmetic holds, a literal URL with a Redis
//!   scheme; `lease` a duration, with `concurrency`.
//! - `#[timeout("5s")]`: one duration.
//! - `#[retry]`: `times` required, positive; `backoff` a range of durations, shorter first;
//!   the function returns a `Result`.
//! - `#[spread]` and `#[batched]`: see `companion`.

use proc_macro2::{Span, TokenStream};
use syn::{Expr, ExprLit, Lit, LitStr, ReturnType, Signature, Type};

use super::{DurationLit, Errors};
use crate::parse::attr::{self as raw, Arg, Stacked, Wrapper};

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
    /// `redis = url`: the quota is shared through Redis.
    pub(crate) redis: Option<Box<Redis>>,
}

/// The Redis part of a `#[throttled(redis = ..)]`.
pub(crate) struct Redis {
    pub(crate) url: Expr,
    /// `None`: derived from the crate and function path.
    pub(crate) name: Option<LitStr>,
    /// One of `OnStoreError`'s variants; `Wait` when not given.
    pub(crate) policy: syn::Ident,
    /// `lease = ".."` with `concurrency`; 30 s when not given.
    pub(crate) lease: Option<DurationLit>,
}

/// Arguments not yet taken, with duplicates already reported.
pub(super) struct Args {
    attr: &'static str,
    list: Vec<Arg>,
}

impl Args {
    pub(super) fn parse(
        attr: &'static str,
        tokens: TokenStream,
        errors: &mut Errors,
    ) -> syn::Result<Self> {
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

    pub(super) fn take(&mut self, name: &str) -> Option<Arg> {
        let index = self.list.iter().position(|a| a.name == name)?;
        Some(self.list.remove(index))
    }

    /// Takes argument `name`, or reports it missing with `example`.
    pub(super) fn require(
        &mut self,
        name: &str,
        example: &str,
        errors: &mut Errors,
    ) -> Option<Arg> {
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
    pub(super) fn reject_rest(self, known: &str, errors: &mut Errors) {
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
            let key_arg = args.take("key");
            let redis = redis_args(&mut args, wraps_result, &mut errors);
            let lease = args.take("lease");
            let concurrency_given = concurrency.is_some_and(|c| c > 0);
            let lease = match (&redis, &lease) {
                (Some(_), Some(arg)) if concurrency_given => errors.ok(duration(arg)),
                (_, Some(arg)) => {
                    errors.push(syn::Error::new_spanned(
                        &arg.name,
                        "`lease` is how long a place in flight of a quota shared through Redis is held without renewal; it needs `redis = ..` and `concurrency = N`",
                    ));
                    None
                }
                (_, None) => None,
            };
            if let (Some(redis), Some(n)) = (&redis, concurrency)
                && u32::try_from(n).is_err()
            {
                errors.push(syn::Error::new_spanned(
                    &redis.url,
                    format!(
                        "with `redis`, `concurrency` is at most {} (it is counted in a `u32`)",
                        u32::MAX
                    ),
                ));
            }
            let redis = redis.map(|mut redis| {
                redis.lease = lease;
                Box::new(redis)
            });
            let key = key_arg.map(|a| a.value);
            args.reject_rest(
                "`rate`, `per`, `burst`, `concurrency`, `key`, `redis`, `name`, `on_store_error` or `lease`",
                &mut errors,
            );
            if let (Some(redis), Some(rate), Some(per), Some(burst)) = (&redis, rate, &per, burst) {
                let per_nanos = per.as_ref().map_or(1_000_000_000, |p| p.nanos);
                if let Err(message) = redis_rate(rate, per_nanos, burst) {
                    errors.push(syn::Error::new_spanned(&redis.url, message));
                }
            }
            match (rate, per, burst, concurrency) {
                (Some(rate), Some(per), Some(burst), Some(concurrency)) => {
                    Some(Layer::Throttled(Throttled {
                        rate,
                        per,
                        burst,
                        concurrency,
                        key,
                        redis,
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

/// The policies of `on_store_error`, as `async_dsl::redis::OnStoreError` names them.
const POLICIES: [&str; 4] = ["Wait", "Proceed", "Local", "Fail"];

/// `redis`, `name` and `on_store_error` of a `#[throttled]`, checked.
fn redis_args(args: &mut Args, wraps_result: bool, errors: &mut Errors) -> Option<Redis> {
    let url = args.take("redis");
    let name = args.take("name");
    let policy = args.take("on_store_error");
    let Some(url) = url else {
        for arg in [name, policy].into_iter().flatten() {
            errors.push(syn::Error::new_spanned(
                &arg.name,
                format!(
                    "`{}` belongs to a quota shared through Redis; add `redis = \"redis://host:6379\"`",
                    arg.name
                ),
            ));
        }
        return None;
    };
    if let Expr::Lit(ExprLit {
        lit: Lit::Str(lit), ..
    }) = &url.value
    {
        let text = lit.value();
        if !["redis://", "rediss://", "unix://", "redis+unix://"]
            .iter()
            .any(|scheme| text.starts_with(scheme))
        {
            errors.push(syn::Error::new_spanned(
                lit,
                "`redis` takes a Redis URL, e.g. `redis = \"redis://127.0.0.1:6379\"` (schemes `redis://`, `rediss://`, `unix://`)",
            ));
        }
    }
    let name = name.and_then(|arg| match &arg.value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => match quota_name(&lit.value()) {
            Ok(()) => Some(lit.clone()),
            Err(why) => {
                errors.push(syn::Error::new_spanned(lit, why));
                None
            }
        },
        other => {
            errors.push(syn::Error::new_spanned(
                other,
                "`name` takes a string literal, e.g. `name = \"partner-api\"`",
            ));
            None
        }
    });
    let policy = match policy {
        None => syn::Ident::new("Wait", Span::call_site()),
        Some(arg) => {
            let ident = match &arg.value {
                Expr::Path(path) if path.qself.is_none() => path.path.get_ident().cloned(),
                _ => None,
            };
            match ident {
                Some(ident) if POLICIES.iter().any(|p| ident == p) => {
                    if ident == "Fail" && !wraps_result {
                        errors.push(syn::Error::new_spanned(
                            &ident,
                            "`on_store_error = Fail` needs a function that returns a `Result` whose error converts from `async_dsl::redis::StoreError`; choose `Wait`, `Proceed` or `Local` otherwise",
                        ));
                    }
                    ident
                }
                _ => {
                    errors.push(syn::Error::new_spanned(
                        &arg.value,
                        "`on_store_error` is one of `Wait` (the default), `Proceed`, `Local` or `Fail`",
                    ));
                    syn::Ident::new("Wait", Span::call_site())
                }
            }
        }
    };
    Some(Redis {
        url: url.value,
        name,
        policy,
        lease: None,
    })
}

/// The rules of a quota name (the runtime checks the same on names it is given).
fn quota_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 200 {
        return Err(format!(
            "a quota name has 1 to 200 bytes, this one {}",
            name.len()
        ));
    }
    match name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-_.:/".contains(*c)))
    {
        Some(bad) => Err(format!(
            "a quota name holds ASCII letters, digits and `-_.:/`; {bad:?} cannot be part of its Redis key"
        )),
        None => Ok(()),
    }
}

/// Whether the Redis script's arithmetic (microseconds, exact to 2^52) holds this rate.
fn redis_rate(rate: u32, per_nanos: u64, burst: u32) -> Result<(), String> {
    let interval_us = per_nanos / 1000 / u64::from(rate);
    if interval_us == 0 {
        return Err(format!(
            "with `redis`, a rate of {rate} per {:?} is more than one call a microsecond, the shared quota's resolution",
            std::time::Duration::from_nanos(per_nanos)
        ));
    }
    if interval_us.saturating_mul(u64::from(burst)) > 1 << 52 {
        return Err(format!(
            "with `redis`, an interval of {interval_us} µs times a burst of {burst} is more than the shared quota's arithmetic holds (2^52 µs)"
        ));
    }
    Ok(())
}

/// Reports a wrapper given twice on one function (`top` is the one expanding, `below` the
/// ones under it in written order), at the second.
pub(crate) fn stack(top: Wrapper, below: &[Stacked], errors: &mut Errors) {
    for (index, stacked) in below.iter().enumerate() {
        let earlier = std::iter::once(top).chain(below[..index].iter().map(|s| s.wrapper));
        if earlier.into_iter().any(|w| w == stacked.wrapper) {
            let name = stacked.wrapper.name();
            errors.push(syn::Error::new_spanned(
                &stacked.path,
                format!("`#[{name}]` is already on this function; give it once and put every argument in it"),
            ));
        }
    }
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
pub(super) fn positive<N: Bounded>(arg: &Arg, example: &str) -> syn::Result<N> {
    let name = &arg.name;
    let parsed = match &arg.value {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => Some(
            int.base10_parse::<u128>()
                .ok()
                .and_then(|n| N::try_from(n).ok()),
        ),
        _ => None,
    };
    let message = match parsed {
        Some(Some(n)) if n > N::default() => return Ok(n),
        // An integer too large for the type (or even for a `u128`).
        Some(None) => format!(
            "`{name}` is at most {} (it is a `{}`), e.g. `{example}`",
            N::MAX,
            N::NAME
        ),
        _ => format!("`{name}` must be a positive integer, e.g. `{example}`"),
    };
    Err(syn::Error::new_spanned(&arg.value, message))
}

/// The integer types an argument can have, with what a message says of their bound.
pub(super) trait Bounded: TryFrom<u128> + PartialOrd + Default {
    const NAME: &str;
    const MAX: u128;
}

impl Bounded for u32 {
    const NAME: &str = "u32";
    const MAX: u128 = u32::MAX as u128;
}

impl Bounded for usize {
    const NAME: &str = "usize";
    const MAX: u128 = usize::MAX as u128;
}

/// A duration string literal.
pub(super) fn duration(arg: &Arg) -> syn::Result<DurationLit> {
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

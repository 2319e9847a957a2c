//! `name = value` arguments of the attribute macros, kept with their spans.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::{ParseStream, Parser};
use syn::{Expr, ExprLit, Ident, ItemFn, Lit, LitInt, LitStr, Signature, Token};

use crate::duration::DurationLit;
use crate::input::Errors;

/// One argument: `name = value`.
pub(crate) struct Arg {
    pub(crate) name: Ident,
    pub(crate) value: Expr,
}

/// The arguments of one attribute.
pub(crate) struct Args {
    attr: &'static str,
    list: Vec<Arg>,
}

impl Args {
    /// Parses `a = 1, b = "x"`; a repeated name is an error at its second use.
    pub(crate) fn parse(attr: &'static str, tokens: TokenStream) -> syn::Result<Self> {
        let parser = |input: ParseStream<'_>| {
            let mut pairs = Vec::new();
            while !input.is_empty() {
                let name: Ident = input.parse()?;
                input.parse::<Token![=]>().map_err(|e| {
                    syn::Error::new(
                        e.span(),
                        format!("expected `{name} = value` in `#[{attr}(..)]`"),
                    )
                })?;
                pairs.push((name, input.parse::<Expr>()?));
                if !input.is_empty() {
                    input.parse::<Token![,]>()?;
                }
            }
            Ok(pairs)
        };
        let pairs = parser.parse2(tokens)?;
        let mut errors = Errors::default();
        let mut list: Vec<Arg> = Vec::new();
        for (name, value) in pairs {
            if list.iter().any(|a| a.name == name) {
                errors.push(syn::Error::new_spanned(
                    &name,
                    format!("duplicate argument `{name}`; give it once"),
                ));
            }
            list.push(Arg { name, value });
        }
        errors.finish()?;
        Ok(Args { attr, list })
    }

    /// Takes argument `name`, if given.
    pub(crate) fn take(&mut self, name: &str) -> Option<Arg> {
        let index = self.list.iter().position(|a| a.name == name)?;
        Some(self.list.remove(index))
    }

    /// Takes argument `name`, or reports it missing with `example`.
    pub(crate) fn require(
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
    pub(crate) fn reject_rest(self, known: &str, errors: &mut Errors) {
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

/// A positive integer literal, or an error at the value that shows `example`.
pub(crate) fn positive<N: std::str::FromStr + PartialOrd + Default>(
    arg: &Arg,
    example: &str,
) -> syn::Result<N>
where
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
pub(crate) fn duration(arg: &Arg) -> syn::Result<DurationLit> {
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
pub(crate) fn duration_range(arg: &Arg) -> syn::Result<(DurationLit, DurationLit)> {
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

/// An integer literal as written, for the expansion.
pub(crate) fn int_lit(value: u64) -> LitInt {
    LitInt::new(&value.to_string(), Span::call_site())
}

/// The function an attribute is on, or the item back with an error saying the attribute
/// applies to an `async fn`.
pub(crate) fn function(attr: &str, item: &TokenStream) -> Result<ItemFn, TokenStream> {
    syn::parse2(item.clone()).map_err(|_| {
        with_error(
            item.clone(),
            syn::Error::new(
                Span::call_site(),
                format!("`#[{attr}]` applies to an `async fn`"),
            ),
        )
    })
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

/// The user's item unchanged plus the error, so the rest of the code still type-checks and
/// the IDE keeps working.
pub(crate) fn with_error(item: TokenStream, error: syn::Error) -> TokenStream {
    let error = error.to_compile_error();
    quote!(#item #error)
}

/// The function unchanged, followed by a module of the same name (a module and a function may
/// share a name) that holds `items`: the companion `#[spread]` and `#[batched]` add.
pub(crate) fn with_companion(function: &ItemFn, attr: &str, items: TokenStream) -> TokenStream {
    let (vis, name) = (&function.vis, &function.sig.ident);
    let doc = format!("The companion of [`{name}`](fn@{name}) made by `#[{attr}]`.");
    quote! {
        #function
        #[doc = #doc]
        #vis mod #name {
            #[allow(unused_imports)]
            use super::*;

            #items
        }
    }
}

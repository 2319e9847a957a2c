//! The syntax of the attribute macros: `name = value` argument lists, the function an
//! attribute is on, and which of the function's other attributes belong to this crate.

use proc_macro2::{Span, TokenStream};
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, Expr, Ident, ItemFn, Path, Token};

/// One argument: `name = value`.
pub(crate) struct Arg {
    pub(crate) name: Ident,
    pub(crate) value: Expr,
}

/// Parses `a = 1, b = "x"` as the arguments of `#[attr(..)]`.
pub(crate) fn args(attr: &str, tokens: TokenStream) -> syn::Result<Vec<Arg>> {
    let parser = |input: ParseStream<'_>| {
        let mut list = Vec::new();
        while !input.is_empty() {
            let name: Ident = input.parse()?;
            input.parse::<Token![=]>().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    format!("expected `{name} = value` in `#[{attr}(..)]`"),
                )
            })?;
            list.push(Arg {
                name,
                value: input.parse()?,
            });
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(list)
    };
    parser.parse2(tokens)
}

/// The function an attribute is on, or an error saying what it is on instead.
pub(crate) fn function(attr: &str, item: &TokenStream) -> syn::Result<ItemFn> {
    if let Ok(function) = syn::parse2::<ItemFn>(item.clone()) {
        return Ok(function);
    }
    let message = match syn::parse2::<syn::TraitItemFn>(item.clone()) {
        Ok(declared) if declared.default.is_none() => {
            let span = declared
                .semi_token
                .map_or(Span::call_site(), |semi| semi.span);
            return Err(syn::Error::new(
                span,
                format!(
                    "`#[{attr}]` has no body to wrap here: this method only declares `{}`; \
                     put `#[{attr}]` on the method in each `impl` of the trait",
                    declared.sig.ident
                ),
            ));
        }
        _ => format!("`#[{attr}]` applies to an `async fn` with a body"),
    };
    Err(syn::Error::new(Span::call_site(), message))
}

/// The attributes that wrap a body and so stack: `#[throttled]`, `#[timeout]`, `#[retry]`.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Wrapper {
    Throttled,
    Timeout,
    Retry,
}

impl Wrapper {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Wrapper::Throttled => "throttled",
            Wrapper::Timeout => "timeout",
            Wrapper::Retry => "retry",
        }
    }

    /// The wrapper `attr` is, if it is one of ours: a bare name (`#[timeout]`, as imported
    /// from this crate) or a path through `async_dsl` (`#[async_dsl::timeout]`). Any other
    /// path (`#[other_crate::timeout]`) is someone else's attribute and stays untouched.
    pub(crate) fn of(attr: &Attribute) -> Option<Wrapper> {
        let name = our_name(attr)?;
        [Wrapper::Throttled, Wrapper::Timeout, Wrapper::Retry]
            .into_iter()
            .find(|w| *name == w.name())
    }
}

/// The name of `attr` if it may be one of this crate's: a bare name or `async_dsl::name`.
fn our_name(attr: &Attribute) -> Option<&Ident> {
    let path = attr.path();
    let segments: Vec<&Ident> = path.segments.iter().map(|s| &s.ident).collect();
    match segments.as_slice() {
        [name] if path.leading_colon.is_none() => Some(*name),
        [krate, name] if *krate == "async_dsl" => Some(*name),
        _ => None,
    }
}

/// The attributes that add a companion: `#[spread]` and `#[batched]`.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Companion {
    Spread,
    Batched,
}

impl Companion {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Companion::Spread => "spread",
            Companion::Batched => "batched",
        }
    }

    /// The companion attribute `attr` is, if it is one of ours (see [`Wrapper::of`]).
    pub(crate) fn of(attr: &Attribute) -> Option<Companion> {
        let name = our_name(attr)?;
        [Companion::Spread, Companion::Batched]
            .into_iter()
            .find(|c| *name == c.name())
    }
}

/// Takes `#[spread]` and `#[batched]` off a method, in written order, with their argument
/// tokens, leaving every other attribute in place.
pub(crate) fn take_companions(attrs: &mut Vec<Attribute>) -> Vec<(Companion, Attribute)> {
    let mut taken = Vec::new();
    attrs.retain(|attr| match Companion::of(attr) {
        Some(kind) => {
            taken.push((kind, attr.clone()));
            false
        }
        None => true,
    });
    taken
}

/// The tokens inside `#[name(..)]`; none for a bare `#[name]`.
pub(crate) fn arg_tokens(attr: &Attribute) -> TokenStream {
    match &attr.meta {
        syn::Meta::List(list) => list.tokens.clone(),
        _ => TokenStream::new(),
    }
}

/// A wrapper attribute found below the one expanding, taken off the function.
pub(crate) struct Stacked {
    pub(crate) wrapper: Wrapper,
    pub(crate) path: Path,
    pub(crate) args: TokenStream,
}

/// Takes the wrapper attributes off `function`, in written order, leaving every other
/// attribute in place.
pub(crate) fn take_stacked(function: &mut ItemFn) -> Vec<Stacked> {
    let mut stacked = Vec::new();
    let mut kept = Vec::new();
    for attr in std::mem::take(&mut function.attrs) {
        match Wrapper::of(&attr) {
            Some(wrapper) => stacked.push(Stacked {
                wrapper,
                path: attr.path().clone(),
                args: arg_tokens(&attr),
            }),
            None => kept.push(attr),
        }
    }
    function.attrs = kept;
    stacked
}

#[cfg(test)]
mod tests {
    use super::Wrapper;
    use syn::Attribute;
    use syn::parse::Parser;

    fn wrapper(text: &str) -> Option<&'static str> {
        let attrs = Attribute::parse_outer
            .parse_str(text)
            .expect("an attribute");
        Wrapper::of(&attrs[0]).map(Wrapper::name)
    }

    #[test]
    fn only_bare_names_and_async_dsl_paths_are_ours() {
        assert_eq!(wrapper("#[timeout(\"1s\")]"), Some("timeout"));
        assert_eq!(wrapper("#[async_dsl::retry(times = 1)]"), Some("retry"));
        assert_eq!(
            wrapper("#[::async_dsl::throttled(rate = 1)]"),
            Some("throttled")
        );
        assert_eq!(wrapper("#[other_crate::timeout(\"1s\")]"), None);
        assert_eq!(wrapper("#[a::async_dsl::timeout]"), None);
        assert_eq!(wrapper("#[::timeout]"), None);
        assert_eq!(wrapper("#[inline]"), None);
    }
}

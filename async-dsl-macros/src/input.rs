//! The grammar `parallel!`, `try_parallel!`, `race!` and `race_ok!` share:
//!
//! ```text
//! input   := option* (branches | for_form)
//! option  := name ";" | name "=" value ";"
//! branch  := name "=>" expr ("=>" map)? | expr        (all named or all positional)
//! for_form:= "for" pat "in" expr "=>" expr ("=>" map)?
//! ```

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::parse::ParseStream;
use syn::{Expr, Ident, LitInt, LitStr, Pat, Token, Type};

use crate::duration::DurationLit;

/// A parsed invocation.
pub(crate) struct Input {
    pub(crate) options: Options,
    pub(crate) body: Body,
}

#[derive(Default)]
pub(crate) struct Options {
    pub(crate) timeout: Option<Timeout>,
    pub(crate) spawn: Option<Ident>,
    pub(crate) biased: Option<Ident>,
    pub(crate) limit: Option<Limit>,
    pub(crate) error: Option<(Ident, Type)>,
}

pub(crate) enum Timeout {
    Literal(DurationLit),
    /// Any expression of type `Duration`.
    Expr(Expr),
}

pub(crate) struct Limit {
    pub(crate) name: Ident,
    pub(crate) value: LimitValue,
}

pub(crate) enum LimitValue {
    Literal(usize),
    /// Any expression of type `usize`.
    Expr(Expr),
}

pub(crate) enum Body {
    Named(Vec<Named>),
    Positional(Vec<Expr>),
    For(Box<ForForm>),
}

pub(crate) struct Named {
    pub(crate) name: Ident,
    pub(crate) future: Expr,
    pub(crate) map: Option<(Token![=>], Expr)>,
}

pub(crate) struct ForForm {
    pub(crate) pat: Pat,
    pub(crate) input: Expr,
    pub(crate) body: Expr,
    pub(crate) map: Option<(Token![=>], Expr)>,
}

const OPTIONS: &str = "`timeout`, `spawn`, `limit`, `biased`, `error`";

impl Input {
    /// Parses `tokens` as the input of macro `name` (used in messages).
    pub(crate) fn parse(tokens: TokenStream, name: &str) -> syn::Result<Self> {
        let input = syn::parse::Parser::parse2(
            |stream: ParseStream<'_>| parse_input(stream, name),
            tokens,
        )?;
        Ok(input)
    }
}

fn parse_input(input: ParseStream<'_>, macro_name: &str) -> syn::Result<Input> {
    let mut options = Options::default();
    let mut errors = Errors::default();
    while looks_like_option(input) {
        if let Err(error) = parse_option(input, &mut options) {
            errors.push(error);
        }
    }
    errors.finish()?;

    if input.is_empty() {
        return Err(syn::Error::new(
            Span::call_site(),
            format!(
                "`{macro_name}!` needs at least one branch, e.g. `{macro_name}! {{ a => fetch_a(), b => fetch_b() }}`"
            ),
        ));
    }
    let body = if input.peek(Token![for]) {
        parse_for(input, macro_name)?
    } else {
        parse_branches(input, macro_name)?
    };
    Ok(Input { options, body })
}

fn looks_like_option(input: ParseStream<'_>) -> bool {
    input.peek(Ident)
        && (input.peek2(Token![;])
            || (input.peek2(Token![=]) && !input.peek2(Token![=>]) && !input.peek2(Token![==])))
}

fn parse_option(input: ParseStream<'_>, options: &mut Options) -> syn::Result<()> {
    let name: Ident = input.parse()?;
    let key = name.to_string();
    let has_value = input.peek(Token![=]);
    let duplicate =
        || syn::Error::new_spanned(&name, format!("duplicate option `{key}`; give it once"));
    let result = match (key.as_str(), has_value) {
        ("timeout", true) => {
            input.parse::<Token![=]>()?;
            let after = if input.peek(LitStr) {
                Timeout::Literal(DurationLit::parse(input.parse()?)?)
            } else {
                Timeout::Expr(input.parse()?)
            };
            match options.timeout {
                Some(_) => Err(duplicate()),
                None => {
                    options.timeout = Some(after);
                    Ok(())
                }
            }
        }
        ("limit", true) => {
            input.parse::<Token![=]>()?;
            let value = if input.peek(LitInt) && input.peek2(Token![;]) {
                let lit: LitInt = input.parse()?;
                match lit.base10_parse::<usize>() {
                    Ok(0) | Err(_) => Err(syn::Error::new_spanned(
                        &lit,
                        "`limit` must be a positive integer, e.g. `limit = 8;`",
                    )),
                    Ok(n) => Ok(LimitValue::Literal(n)),
                }
            } else {
                Ok(LimitValue::Expr(input.parse()?))
            };
            match (value, &options.limit) {
                (Err(error), _) => Err(error),
                (Ok(_), Some(_)) => Err(duplicate()),
                (Ok(value), None) => {
                    options.limit = Some(Limit {
                        name: name.clone(),
                        value,
                    });
                    Ok(())
                }
            }
        }
        ("error", true) => {
            input.parse::<Token![=]>()?;
            let ty: Type = input.parse()?;
            match options.error {
                Some(_) => Err(duplicate()),
                None => {
                    options.error = Some((name.clone(), ty));
                    Ok(())
                }
            }
        }
        ("spawn", false) | ("biased", false) => {
            let slot = if key == "spawn" {
                &mut options.spawn
            } else {
                &mut options.biased
            };
            match slot {
                Some(_) => Err(duplicate()),
                None => {
                    *slot = Some(name.clone());
                    Ok(())
                }
            }
        }
        ("spawn" | "biased", true) => Err(syn::Error::new_spanned(
            &name,
            format!("`{key}` takes no value; write `{key};`"),
        )),
        ("timeout" | "limit" | "error", false) => {
            let example = match key.as_str() {
                "timeout" => "timeout = \"5s\";",
                "limit" => "limit = 8;",
                _ => "error = MyError;",
            };
            Err(syn::Error::new_spanned(
                &name,
                format!("`{key}` needs a value, e.g. `{example}`"),
            ))
        }
        _ => Err(syn::Error::new_spanned(
            &name,
            format!("unknown option `{key}`; expected one of {OPTIONS}"),
        )),
    };
    // Skip to the end of this option so that the next one is still checked.
    while !input.is_empty() && !input.peek(Token![;]) {
        input.parse::<proc_macro2::TokenTree>()?;
    }
    input.parse::<Token![;]>()?;
    result
}

fn parse_for(input: ParseStream<'_>, macro_name: &str) -> syn::Result<Body> {
    input.parse::<Token![for]>()?;
    let pat = Pat::parse_single(input)?;
    input.parse::<Token![in]>()?;
    let iter = Expr::parse_without_eager_brace(input)?;
    input.parse::<Token![=>]>().map_err(|e| {
        syn::Error::new(
            e.span(),
            "expected `=>` after the input of the `for` form, e.g. `for id in ids => fetch(id)`",
        )
    })?;
    let body: Expr = input.parse()?;
    let map = parse_map(input)?;
    input.parse::<Option<Token![,]>>()?;
    if !input.is_empty() {
        return Err(input.error(format!(
            "the `for` form takes the whole `{macro_name}!`; put other branches in their own group"
        )));
    }
    Ok(Body::For(Box::new(ForForm {
        pat,
        input: iter,
        body,
        map,
    })))
}

fn parse_map(input: ParseStream<'_>) -> syn::Result<Option<(Token![=>], Expr)>> {
    if input.peek(Token![=>]) {
        Ok(Some((input.parse()?, input.parse()?)))
    } else {
        Ok(None)
    }
}

fn parse_branches(input: ParseStream<'_>, macro_name: &str) -> syn::Result<Body> {
    let mut named = Vec::new();
    let mut positional = Vec::new();
    let mut errors = Errors::default();
    while !input.is_empty() {
        if looks_like_option(input) {
            let name: Ident = input.fork().parse()?;
            return Err(syn::Error::new_spanned(
                &name,
                format!(
                    "option `{name}` comes after a branch; options come first, each ended by `;`"
                ),
            ));
        }
        if input.peek(Token![for]) {
            return Err(input.error(format!(
                "the `for` form takes the whole `{macro_name}!`; put other branches in their own group"
            )));
        }
        if input.peek(Ident) && input.peek2(Token![=>]) {
            let name: Ident = input.parse()?;
            input.parse::<Token![=>]>()?;
            let future: Expr = input.parse()?;
            let map = parse_map(input)?;
            if let Some(first) = named.iter().find(|b: &&Named| b.name == name) {
                let mut error = syn::Error::new_spanned(
                    &name,
                    format!("duplicate branch name `{name}`; rename one"),
                );
                error.combine(syn::Error::new_spanned(
                    &first.name,
                    format!("`{name}` first named here"),
                ));
                errors.push(error);
            }
            named.push(Named { name, future, map });
        } else {
            let future: Expr = input.parse()?;
            if !input.is_empty() && !input.peek(Token![,]) {
                if let Expr::Path(path) = &future
                    && let Some(name) = path.path.get_ident()
                {
                    return Err(input.error(format!(
                            "expected `=>` after the branch name `{name}`, e.g. `{name} => fetch_{name}()`"
                        )));
                }
                if input.peek(Token![=>]) {
                    return Err(input.error(
                        "a branch mapping (`=> map`) needs a branch name: `name => future => map`",
                    ));
                }
                return Err(input.error("expected `,` between branches"));
            }
            positional.push(future);
        }
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
    }
    errors.finish()?;
    match (named.is_empty(), positional.is_empty()) {
        (false, false) => Err(syn::Error::new_spanned(
            positional[0].to_token_stream(),
            "mix of named and positional branches; name every branch (`name => future`) or none",
        )),
        (true, _) => Ok(Body::Positional(positional)),
        (false, true) => Ok(Body::Named(named)),
    }
}

/// Independent errors gathered so that one compile shows them all.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub(crate) fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

impl Options {
    /// Rejects every option `allowed` does not name, saying which macros take it.
    pub(crate) fn allow_only(&self, macro_name: &str, allowed: &[&str], errors: &mut Errors) {
        // `spawn` and `limit` are every macro's (`limit` is checked against the form instead).
        let present: [(&str, Option<&Ident>, &str); 2] = [
            ("biased", self.biased.as_ref(), "`race!` and `race_ok!`"),
            (
                "error",
                self.error.as_ref().map(|(name, _)| name),
                "`try_parallel!`",
            ),
        ];
        for (key, name, takers) in present {
            if let Some(name) = name
                && !allowed.contains(&key)
            {
                errors.push(syn::Error::new_spanned(
                    name,
                    format!("`{macro_name}!` does not take `{key}`; it applies to {takers}"),
                ));
            }
        }
    }
}

//! The grammar `parallel!`, `try_parallel!`, `race!` and `race_ok!` share, as syntax only:
//!
//! ```text
//! input    := option* (branches | for_form)
//! option   := name ";" | name "=" tokens ";"
//! branches := branch ("," branch)* ","?
//! branch   := name "=>" expr ("=>" map)? | expr
//! for_form := "for" pat "in" expr "=>" expr ("=>" map)? ","?
//! ```
//!
//! Which options exist, what their values must be, and which macro takes what are decided in
//! [`crate::check`]; this module only splits the input into those pieces, keeping spans.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::{Expr, Ident, Pat, Token};

/// An invocation, split into its pieces.
pub(crate) struct Input {
    pub(crate) options: Vec<RawOption>,
    pub(crate) body: Body,
}

/// `name;` or `name = value;`, the value's tokens kept as written.
pub(crate) struct RawOption {
    pub(crate) name: Ident,
    pub(crate) value: Option<TokenStream>,
}

pub(crate) enum Body {
    /// Fixed branches, named or not (possibly none).
    Branches(Vec<Branch>),
    For(Box<ForForm>),
}

pub(crate) struct Branch {
    pub(crate) name: Option<Ident>,
    pub(crate) future: Expr,
    pub(crate) map: Option<(Token![=>], Expr)>,
}

pub(crate) struct ForForm {
    pub(crate) pat: Pat,
    pub(crate) input: Expr,
    pub(crate) body: Expr,
    pub(crate) map: Option<(Token![=>], Expr)>,
}

impl Input {
    /// Parses the input of macro `macro_name` (used in messages).
    pub(crate) fn parse(tokens: TokenStream, macro_name: &str) -> syn::Result<Self> {
        (|stream: ParseStream<'_>| parse_input(stream, macro_name)).parse2(tokens)
    }
}

fn parse_input(input: ParseStream<'_>, macro_name: &str) -> syn::Result<Input> {
    let mut options = Vec::new();
    while looks_like_option(input) {
        options.push(parse_option(input)?);
    }
    let body = if input.peek(Token![for]) {
        parse_for(input, macro_name)?
    } else {
        parse_branches(input, macro_name)?
    };
    Ok(Input { options, body })
}

/// `name;` or `name = ...` (but not `name => ...` or `name == ...`).
fn looks_like_option(input: ParseStream<'_>) -> bool {
    input.peek(Ident)
        && (input.peek2(Token![;])
            || (input.peek2(Token![=]) && !input.peek2(Token![=>]) && !input.peek2(Token![==])))
}

fn parse_option(input: ParseStream<'_>) -> syn::Result<RawOption> {
    let name: Ident = input.parse()?;
    let value = if input.peek(Token![=]) {
        let eq = input.parse::<Token![=]>()?;
        let mut value = TokenStream::new();
        // The first sign, inside the value, that the `;` is missing (see `unended_option`).
        let mut mark = None;
        let mut last = eq.span;
        while !input.is_empty() && !input.peek(Token![;]) {
            if mark.is_none() {
                if input.peek(Token![,]) {
                    mark = Some(Mark::Comma);
                } else if input.peek(Ident) && input.peek2(Token![=>]) {
                    mark = Some(Mark::Branch(input.fork().parse()?));
                }
            }
            let token = input.parse::<TokenTree>()?;
            last = token.span();
            value.extend([token]);
        }
        if input.is_empty() {
            return Err(unended_option(&name, eq, mark, last));
        }
        Some(value)
    } else {
        None
    };
    // Always there: the loop above stops only at a `;` (or reports the missing one), and
    // `looks_like_option` saw a `;` after a name without a value.
    input.parse::<Token![;]>()?;
    Ok(RawOption { name, value })
}

/// What an option's value ran into first, when it runs to the end of the input.
enum Mark {
    /// A `,`: the "option" is a branch written with `=` instead of `=>`.
    Comma,
    /// `name =>`: a branch, so the option's `;` is missing before it.
    Branch(Ident),
}

/// `name = value` ran to the end of the input without a `;`; `last` is its last token.
fn unended_option(name: &Ident, eq: Token![=], mark: Option<Mark>, last: Span) -> syn::Error {
    match mark {
        Some(Mark::Comma) => syn::Error::new(
            eq.span,
            format!(
                "`{name} = …` reads as an option, but a `,` follows it: \
                 a branch is written with `=>`, e.g. `{name} => fetch()`"
            ),
        ),
        Some(Mark::Branch(branch)) => syn::Error::new(
            branch.span(),
            format!(
                "expected `;` before `{branch}`: the option `{name}` ends with `;` \
                 before the branches start"
            ),
        ),
        None => syn::Error::new(
            last,
            format!(
                "the option `{name}` is not followed by any branch; end it with `;` and add a \
                 branch, or, if `{name}` is a branch, write it with `=>`"
            ),
        ),
    }
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
    let mut branches = Vec::new();
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
            branches.push(Branch {
                name: Some(name),
                future,
                map,
            });
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
                return Err(missing_comma(input));
            }
            branches.push(Branch {
                name: None,
                future,
                map: None,
            });
        }
        if !input.is_empty() {
            input
                .parse::<Token![,]>()
                .map_err(|_| missing_comma(input))?;
        }
    }
    Ok(Body::Branches(branches))
}

fn missing_comma(input: ParseStream<'_>) -> syn::Error {
    input.error("expected `,` between branches")
}

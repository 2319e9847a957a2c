//! What a valid `parallel!`, `try_parallel!`, `race!` or `race_ok!` is.
//!
//! Options: `timeout = <duration>;` and `spawn;` for every macro, `limit = N;` for the `for`
//! form, `biased;` for the races, `error = Type;` for `try_parallel!`; each at most once, with
//! a value exactly when it takes one. Branches: at least one, all named or all positional,
//! names distinct; a second `=> map` only on the races.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::{Expr, Ident, LitInt, LitStr, Pat, Token, Type};

use super::{DurationLit, Errors};
use crate::parse::group::{Body as RawBody, Branch, ForForm as RawFor, Input, RawOption};

/// The four group macros.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Macro {
    Parallel,
    TryParallel,
    Race,
    RaceOk,
}

impl Macro {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Macro::Parallel => "parallel",
            Macro::TryParallel => "try_parallel",
            Macro::Race => "race",
            Macro::RaceOk => "race_ok",
        }
    }

    /// Whether the macro picks a winner (and so takes `biased;` and branch mappings).
    pub(crate) fn races(self) -> bool {
        matches!(self, Macro::Race | Macro::RaceOk)
    }
}

/// A checked invocation.
pub(crate) struct Group {
    pub(crate) kind: Macro,
    pub(crate) timeout: Option<Timeout>,
    pub(crate) spawn: bool,
    pub(crate) biased: bool,
    pub(crate) limit: Option<LimitValue>,
    pub(crate) error: Option<Type>,
    pub(crate) body: Body,
}

pub(crate) enum Timeout {
    Literal(DurationLit),
    /// Any expression of type `Duration`.
    Expr(Expr),
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
    pub(crate) map: Option<Expr>,
}

pub(crate) struct ForForm {
    pub(crate) pat: Pat,
    pub(crate) input: Expr,
    pub(crate) body: Expr,
    pub(crate) map: Option<Expr>,
}

const OPTIONS: &str = "`timeout`, `spawn`, `limit`, `biased`, `error`";

/// Checks `input` as the input of `kind`.
pub(crate) fn group(kind: Macro, input: Input) -> syn::Result<Group> {
    let mut errors = Errors::default();
    let mut group = Group {
        kind,
        timeout: None,
        spawn: false,
        biased: false,
        limit: None,
        error: None,
        body: Body::Positional(Vec::new()),
    };
    let mut seen: Vec<Ident> = Vec::new();
    let mut limit_name = None;
    for option in input.options {
        if let Some(first) = seen.iter().find(|name| **name == option.name) {
            let mut error = syn::Error::new_spanned(
                &option.name,
                format!("duplicate option `{first}`; give it once"),
            );
            error.combine(syn::Error::new_spanned(first, "first given here"));
            errors.push(error);
            continue;
        }
        seen.push(option.name.clone());
        if option.name == "limit" {
            limit_name = Some(option.name.clone());
        }
        if let Err(error) = apply(&mut group, option) {
            errors.push(error);
        }
    }
    match input.body {
        RawBody::For(form) => {
            let RawFor {
                pat,
                input,
                body,
                map,
            } = *form;
            let map = map.map(|(arrow, map)| {
                check_map(kind, &arrow, &mut errors);
                map
            });
            group.body = Body::For(Box::new(ForForm {
                pat,
                input,
                body,
                map,
            }));
        }
        RawBody::Branches(branches) => {
            if let Some(body) = branches_of(kind, branches, &mut errors) {
                group.body = body;
            }
        }
    }
    if let (Some(name), false) = (limit_name, matches!(group.body, Body::For(_))) {
        errors.push(syn::Error::new_spanned(
            name,
            "`limit` applies only to the `for` form, e.g. `parallel! { limit = 8; for id in ids => fetch(id) }`",
        ));
    }
    errors.finish()?;
    Ok(group)
}

/// Records one option on `group`, or says why it is wrong.
fn apply(group: &mut Group, option: RawOption) -> syn::Result<()> {
    let RawOption { name, value } = option;
    let key = name.to_string();
    let kind = group.kind;
    let only = |takers: &str| {
        syn::Error::new_spanned(
            &name,
            format!(
                "`{}!` does not take `{key}`; it applies to {takers}",
                kind.name()
            ),
        )
    };
    match (key.as_str(), value) {
        ("spawn" | "biased", Some(_)) => Err(syn::Error::new_spanned(
            &name,
            format!("`{key}` takes no value; write `{key};`"),
        )),
        ("spawn", None) => {
            group.spawn = true;
            Ok(())
        }
        ("biased", None) if kind.races() => {
            group.biased = true;
            Ok(())
        }
        ("biased", None) => Err(only("`race!` and `race_ok!`")),
        ("timeout" | "limit" | "error", None) => {
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
        ("timeout", Some(value)) => {
            group.timeout = Some(if starts_with::<LitStr>(&value) {
                Timeout::Literal(DurationLit::parse(value_of(&name, value)?)?)
            } else {
                Timeout::Expr(value_of(&name, value)?)
            });
            Ok(())
        }
        ("limit", Some(value)) => {
            // A literal alone is checked here; anything else (`2 * n`) is an expression.
            group.limit = Some(match syn::parse2::<LitInt>(value.clone()) {
                Ok(lit) => match lit.base10_parse::<usize>() {
                    Ok(0) | Err(_) => {
                        return Err(syn::Error::new_spanned(
                            &lit,
                            "`limit` must be a positive integer, e.g. `limit = 8;`",
                        ));
                    }
                    Ok(n) => LimitValue::Literal(n),
                },
                Err(_) => LimitValue::Expr(value_of(&name, value)?),
            });
            Ok(())
        }
        ("error", Some(_)) if kind != Macro::TryParallel => Err(only("`try_parallel!`")),
        ("error", Some(value)) => {
            group.error = Some(value_of(&name, value)?);
            Ok(())
        }
        _ => Err(syn::Error::new_spanned(
            &name,
            format!("unknown option `{key}`; expected one of {OPTIONS}"),
        )),
    }
}

/// The value of option `name`, which must be exactly one `T`: a token left over is an
/// error at that token (it would otherwise be dropped, such as a `spawn` after a
/// `timeout` whose `;` was forgotten).
fn value_of<T: syn::parse::Parse>(name: &Ident, value: TokenStream) -> syn::Result<T> {
    if value.is_empty() {
        return Err(syn::Error::new_spanned(
            name,
            format!("`{name} =` needs a value before the `;`"),
        ));
    }
    let parser = |input: syn::parse::ParseStream<'_>| {
        let parsed: T = input.parse()?;
        if !input.is_empty() {
            let next: proc_macro2::TokenTree = input.fork().parse()?;
            return Err(syn::Error::new_spanned(
                &next,
                format!(
                    "unexpected `{next}` after the value of `{name}`; end each option with `;`, e.g. `{name} = ...; {next} ...`"
                ),
            ));
        }
        Ok(parsed)
    };
    syn::parse::Parser::parse2(parser, value)
}

/// Whether `value` starts with a `T` (a literal, say), whatever follows it.
fn starts_with<T: syn::parse::Parse>(value: &TokenStream) -> bool {
    let parser = |input: syn::parse::ParseStream<'_>| {
        let starts = input.parse::<T>().is_ok();
        // The rest is looked at by `value_of`; consume it here.
        input.parse::<TokenStream>()?;
        Ok(starts)
    };
    syn::parse::Parser::parse2(parser, value.clone()).unwrap_or(false)
}

/// Named or positional branches, checked.
fn branches_of(kind: Macro, branches: Vec<Branch>, errors: &mut Errors) -> Option<Body> {
    // An empty join resolves to `()` (or `Ok(())`), as `tokio::join!()` does; a race with
    // nothing to race has no output to give.
    if branches.is_empty() && !kind.races() {
        return Some(Body::Positional(Vec::new()));
    }
    if branches.is_empty() {
        let name = kind.name();
        errors.push(syn::Error::new(
            Span::call_site(),
            format!("`{name}!` needs at least one branch, e.g. `{name}! {{ a => fetch_a(), b => fetch_b() }}`"),
        ));
        return None;
    }
    let mut named: Vec<Named> = Vec::new();
    let mut positional = Vec::new();
    for branch in branches {
        let map = branch.map.map(|(arrow, map)| {
            check_map(kind, &arrow, errors);
            map
        });
        match branch.name {
            Some(name) => {
                if let Some(first) = named.iter().find(|b| b.name == name) {
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
                named.push(Named {
                    name,
                    future: branch.future,
                    map,
                });
            }
            None => positional.push(branch.future),
        }
    }
    match (named.is_empty(), positional.is_empty()) {
        (false, false) => {
            errors.push(syn::Error::new_spanned(
                positional[0].to_token_stream(),
                "mix of named and positional branches; name every branch (`name => future`) or none",
            ));
            None
        }
        (true, _) => Some(Body::Positional(positional)),
        (false, true) => Some(Body::Named(named)),
    }
}

/// A second `=> map` is for the races only.
fn check_map(kind: Macro, arrow: &Token![=>], errors: &mut Errors) {
    if !kind.races() {
        errors.push(syn::Error::new_spanned(
            arrow,
            format!(
                "`{}!` branches take no mapping; a second `=>` is for `race!` and `race_ok!`",
                kind.name()
            ),
        ));
    }
}

//! Code generation from checked input, one file per macro family: `group` (the four group
//! macros), `wrap` (`#[throttled]`, `#[timeout]`, `#[retry]`, which wrap a body and stack),
//! `spread` and `batched` (which add a companion to the function), `companions` (which adds
//! those companions for the methods of an `impl` block).
//!
//! Generated code reaches the runtime only through `::async_dsl::__private` (and the crate's
//! public types), uses absolute paths, and names its own locals with mixed-site hygiene.

pub(crate) mod batched;
pub(crate) mod companions;
pub(crate) mod group;
pub(crate) mod spread;
pub(crate) mod wrap;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{ItemFn, LitInt};

/// A compile error (possibly several) that still stands as one expression, so the caller's
/// `.await` or `let` around the macro adds no noise of its own.
fn error_expr(error: syn::Error) -> TokenStream {
    let mut errors: Vec<TokenStream> = error.into_iter().map(|e| e.to_compile_error()).collect();
    let last = errors.pop();
    quote!({ #(#errors;)* (#last) })
}

/// The user's item unchanged plus the error, so the rest of the code still type-checks and
/// the IDE keeps working.
fn with_error(item: TokenStream, error: syn::Error) -> TokenStream {
    let error = error.to_compile_error();
    quote!(#item #error)
}

/// How a companion reaches the function it serves.
pub(crate) enum Reach {
    /// From the module named after a free function: `super::name`.
    Module,
    /// From a sibling in the same inherent `impl`: `Self::name`.
    Inherent,
    /// From an inherent `impl` beside the trait impl that holds the method:
    /// `<Self as Trait>::name`.
    TraitImpl(syn::Path),
}

impl Reach {
    /// The path that calls `name`.
    fn call(&self, name: &syn::Ident) -> TokenStream {
        match self {
            Reach::Module => quote!(super::#name),
            Reach::Inherent => quote!(Self::#name),
            Reach::TraitImpl(path) => quote!(<Self as #path>::#name),
        }
    }

    /// The path of function `name` as its companion's events name it: the companion's module
    /// is named after the function, so its path is the function's.
    fn function_path(&self, name: &syn::Ident) -> TokenStream {
        match self {
            Reach::Module => quote!(::core::module_path!()),
            Reach::Inherent | Reach::TraitImpl(_) => function_path(name),
        }
    }

    /// `name` in the companion's docs, linked where the link always resolves.
    fn doc_name(&self, name: &syn::Ident) -> String {
        match self {
            Reach::Module => format!("[`{name}`](fn@super::{name})"),
            Reach::Inherent => format!("[`{name}`](Self::{name})"),
            Reach::TraitImpl(_) => format!("`{name}` (of the trait impl)"),
        }
    }
}

/// Whether expansions open spans and emit events (async-dsl's `tracing` feature): without
/// it they hold no tracing code at all.
pub(crate) const TRACING: bool = cfg!(feature = "tracing");

/// The path of function `name` as its events name it: `module::name`.
pub(crate) fn function_path(name: &syn::Ident) -> TokenStream {
    let name = name.to_string();
    quote!(::core::concat!(::core::module_path!(), "::", #name))
}

/// An integer literal as written, for the expansion.
fn int_lit(value: u64) -> LitInt {
    LitInt::new(&value.to_string(), Span::call_site())
}

/// The function unchanged, followed by a module of the same name (a module and a function may
/// share a name) that holds `items`: the companion `#[spread]` and `#[batched]` add.
fn with_companion(function: &ItemFn, attr: &str, items: TokenStream) -> TokenStream {
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

//! `#[companions]` on an `impl` block: the companions of its `#[spread]` and `#[batched]`
//! methods, as sibling methods.
//!
//! An attribute on a method cannot see the `impl` around it, and an `impl` cannot hold the
//! module a free function's companion lives in. On the block, the macro sees both: in an
//! inherent impl the siblings join the block; in a trait impl, which may hold only the
//! trait's items, they go in an inherent impl of the same type next to it.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{ImplItem, ItemFn, ItemImpl, Visibility};

use super::{Reach, batched, spread};
use crate::check::{self, Errors};
use crate::parse::attr::{self as parse, Companion};

/// The whole pipeline for `#[companions]` on `item`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let Ok(mut block) = syn::parse2::<ItemImpl>(item.clone()) else {
        let error = syn::Error::new(
            Span::call_site(),
            "`#[companions]` applies to an `impl` block whose methods carry `#[spread]` or \
             `#[batched]`",
        );
        return super::with_error(item, error);
    };
    let mut errors = Errors::default();
    if !args.is_empty() {
        errors.push(syn::Error::new_spanned(
            &args,
            "`#[companions]` takes no arguments: write `#[companions]` on the `impl`",
        ));
    }
    let reach = match &block.trait_ {
        Some((path, _)) => Reach::TraitImpl(path.clone()),
        None => Reach::Inherent,
    };
    let mut made = Vec::new();
    for item in &mut block.items {
        let ImplItem::Fn(method) = item else { continue };
        let taken = parse::take_companions(&mut method.attrs);
        // rustc never resolves an attribute taken off the method, so the caller's import of
        // it would read as unused; referring to its path marks it used.
        for (_, attr) in &taken {
            let path = attr.path();
            let import: syn::Stmt = syn::parse_quote!(#[allow(unused_imports)] use #path as _;);
            method.block.stmts.insert(0, import);
        }
        if let [(first, _), (second, at), ..] = taken.as_slice() {
            errors.push(check::second_companion(
                *first,
                *second,
                at,
                &method.sig.ident,
            ));
            continue;
        }
        let Some((kind, attr)) = taken.into_iter().next() else {
            continue;
        };
        // The checks and the companions read the signature and attributes only: the body
        // is left out rather than copied.
        let function = ItemFn {
            attrs: method.attrs.clone(),
            vis: method.vis.clone(),
            modifiers: method.modifiers.clone(),
            sig: method.sig.clone(),
            block: Box::new(syn::Block {
                brace_token: Default::default(),
                stmts: Vec::new(),
            }),
        };
        // A trait impl's methods have no visibility of their own: their siblings are public,
        // as the trait's methods are wherever the type is.
        let vis = match &reach {
            Reach::TraitImpl(_) => Visibility::Public(Default::default()),
            _ => method.vis.clone(),
        };
        let name = &method.sig.ident;
        let args = parse::arg_tokens(&attr);
        let companion = match kind {
            Companion::Spread => check::spread(args, &function).map(|spread| {
                let sibling = format_ident!("{}_spread", name);
                spread::companion(&function, &spread, &vis, &sibling, &reach)
            }),
            Companion::Batched => check::batched(args, &function).and_then(|batched| {
                if let Some(param) = block.generics.type_params().next() {
                    return Err(syn::Error::new_spanned(
                        param,
                        format!(
                            "`#[batched]` keeps one batcher for `{name}` in the whole process, \
                             shared by every instance of a generic `impl`: put the method in \
                             an `impl` without type parameters"
                        ),
                    ));
                }
                let sibling = format_ident!("{}_one", name);
                Ok(batched::companion(
                    &function, &batched, &vis, &sibling, &reach,
                ))
            }),
        };
        match companion {
            Ok(tokens) => made.push(tokens),
            Err(error) => errors.push(error),
        }
    }
    if made.is_empty() && errors.is_empty() {
        errors.push(syn::Error::new(
            Span::call_site(),
            "`#[companions]` found no method with `#[spread]` or `#[batched]` in this `impl`: \
             remove it, or put one of them on a method",
        ));
    }
    let errors = errors.finish().err().map(|e| e.to_compile_error());
    match &reach {
        Reach::TraitImpl(_) => {
            let (generics, _, where_clause) = block.generics.split_for_impl();
            let self_ty = &block.self_ty;
            let companions = (!made.is_empty()).then(|| {
                quote! {
                    impl #generics #self_ty #where_clause {
                        #(#made)*
                    }
                }
            });
            quote!(#block #companions #errors)
        }
        _ => {
            block.items.extend(made.into_iter().map(ImplItem::Verbatim));
            quote!(#block #errors)
        }
    }
}

//! `#[batched(max = 100, window = "5ms")]`: single-key calls coalesced into batch calls.
//!
//! On `async fn load(keys: Vec<K>) -> Vec<V>` (or `HashMap<K, V>`, or either inside a
//! `Result<_, E>`), a module `load` with `load::one(key) -> Result<V, BatchError<E>>`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::ItemFn;
use syn::spanned::Spanned;

use super::{int_lit, with_companion, with_error};
use crate::check::{self, Batched};
use crate::parse::attr as parse;

/// The whole pipeline for `#[batched(args)]` on `item`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let checked = parse::function("batched", &item)
        .and_then(|function| Ok((check::batched(args, &function)?, function)));
    match checked {
        Ok((batched, function)) => build(&function, batched),
        Err(error) => with_error(item, error),
    }
}

fn build(function: &ItemFn, batched: Batched) -> TokenStream {
    let name = &function.sig.ident;
    let Batched {
        max,
        window,
        key,
        value,
        error,
    } = batched;
    let (max, window) = (int_lit(max as u64), window.to_expr());
    let doc = format!(
        "Loads one key through [`{name}`](fn@super::{name}): concurrent calls within the window \
         (or up to the batch size) become one batch call, and each caller gets its own value."
    );
    // The batcher's construction and use are spanned at the key type, where a key without
    // `Clone + Eq + Hash` is reported (once per bound it lacks).
    let load = quote_spanned! {key.span()=>
        BATCHER
            .get_or_init(|| ::async_dsl::Batcher::new(#max, #window, |keys| async move {
                ::async_dsl::batch::IntoValues::into_values(super::#name(keys).await)
            }))
            .load(key)
            .await
    };
    let items = quote! {
        #[doc = #doc]
        pub async fn one(key: #key) -> ::core::result::Result<#value, ::async_dsl::BatchError<#error>> {
            static BATCHER: ::std::sync::OnceLock<::async_dsl::Batcher<#key, #value, #error>> =
                ::std::sync::OnceLock::new();
            #load
        }
    };
    with_companion(function, "batched", items)
}

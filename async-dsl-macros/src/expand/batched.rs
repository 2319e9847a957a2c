//! `#[batched(max = 100, window = "5ms")]`: single-key calls coalesced into batch calls.
//!
//! On `async fn load(keys: Vec<K>) -> Vec<V>` (or `HashMap<K, V>`, or either inside a
//! `Result<_, E>`), a module `load` with `load::one(key) -> Result<V, BatchError<E>>`; under
//! `#[companions]`, on an associated function, a sibling `load_one(key)`.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, ItemFn, Visibility};

use super::{Reach, TRACING, int_lit, with_companion, with_error};
use crate::check::{self, Batched};
use crate::parse::attr as parse;

/// The whole pipeline for `#[batched(args)]` on `item`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let checked = parse::function("batched", &item)
        .and_then(|function| Ok((check::batched(args, &function)?, function)));
    match checked {
        Ok((batched, function)) => {
            let public = Visibility::Public(Default::default());
            let one = Ident::new("one", Span::call_site());
            let one_fn = companion(&function, &batched, &public, &one, &Reach::Module);
            with_companion(&function, "batched", one_fn)
        }
        Err(error) => with_error(item, error),
    }
}

/// The single-key companion `companion_name` of batch function `function`, reaching it as
/// `reach` says.
pub(crate) fn companion(
    function: &ItemFn,
    batched: &Batched,
    vis: &Visibility,
    companion_name: &Ident,
    reach: &Reach,
) -> TokenStream {
    let name = &function.sig.ident;
    let Batched {
        max,
        window,
        key,
        value,
        error,
    } = batched;
    let (max, window) = (int_lit(*max as u64), window.to_expr());
    let doc = format!(
        "Loads one key through {link}: concurrent calls within the window (or up \
         to the batch size) become one batch call, and each caller gets its own value.",
        link = reach.doc_name(name),
    );
    let call = reach.call(name);
    let event = match TRACING {
        true => {
            let function = reach.function_path(name);
            quote!(::async_dsl::__private::trace::batch(#function, keys.len());)
        }
        false => quote!(),
    };
    // The batcher's construction and use are spanned at the key type, where a key without
    // `Clone + Eq + Hash` is reported (once per bound it lacks).
    let load = quote_spanned! {key.span()=>
        BATCHER
            .get_or_init(|| ::async_dsl::Batcher::new(#max, #window, |keys| async move {
                #event
                ::async_dsl::batch::IntoValues::into_values(#call(keys).await)
            }))
            .load(key)
            .await
    };
    quote! {
        #[doc = #doc]
        #vis async fn #companion_name(key: #key) -> ::core::result::Result<#value, ::async_dsl::BatchError<#error>> {
            static BATCHER: ::std::sync::OnceLock<::async_dsl::Batcher<#key, #value, #error>> =
                ::std::sync::OnceLock::new();
            #load
        }
    }
}

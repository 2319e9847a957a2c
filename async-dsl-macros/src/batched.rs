//! `#[batched(max = 100, window = "5ms")]`: single-key calls coalesced into batch calls.
//!
//! On `async fn load(keys: Vec<K>) -> Vec<V>` (or `HashMap<K, V>`, or either inside a
//! `Result<_, E>`), a module `load` with `load::one(key) -> Result<V, BatchError<E>>`.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{FnArg, GenericArgument, ItemFn, PathArguments, ReturnType, Type};

use crate::attr_args::with_error;
use crate::attr_args::{self, Args};
use crate::input::Errors;

const SHAPE: &str = "`#[batched]` needs `async fn name(keys: Vec<K>) -> Vec<V>`, or `-> HashMap<K, V>`, or either inside a `Result<_, E>`";

struct Shape {
    key: Type,
    value: Type,
    error: TokenStream,
}

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let function = match attr_args::function("batched", &item) {
        Ok(function) => function,
        Err(tokens) => return tokens,
    };
    match validate(args, &function) {
        Ok((max, window, shape)) => build(&function, max, window, shape),
        Err(error) => with_error(item, error),
    }
}

fn validate(
    args: TokenStream,
    function: &ItemFn,
) -> syn::Result<(TokenStream, TokenStream, Shape)> {
    let mut errors = Errors::default();
    let mut args = Args::parse("batched", args)?;
    let example = "#[batched(max = 100, window = \"5ms\")]";
    let max = args.require("max", example, &mut errors).and_then(|a| {
        attr_args::positive::<usize>(&a, example)
            .map_err(|e| errors.push(e))
            .ok()
    });
    let window = args
        .require("window", example, &mut errors)
        .and_then(|a| attr_args::duration(&a).map_err(|e| errors.push(e)).ok());
    args.reject_rest("`max` or `window`", &mut errors);
    let sig = &function.sig;
    attr_args::require_async("batched", sig, &mut errors);
    if !sig.generics.params.is_empty() {
        errors.push(syn::Error::new_spanned(
            &sig.generics,
            "`#[batched]` keeps one batcher per function, so the function cannot be generic",
        ));
    }
    let shape = shape(function).map_err(|e| errors.push(e)).ok();
    errors.finish()?;
    match (max, window, shape) {
        (Some(max), Some(window), Some(shape)) => {
            let max = attr_args::int_lit(max as u64);
            Ok((quote!(#max), window.to_expr(), shape))
        }
        _ => Err(syn::Error::new(
            Span::call_site(),
            "invalid `#[batched]` arguments",
        )),
    }
}

/// The generic arguments of `ty` if its last path segment is `name`.
fn args_of<'a>(ty: &'a Type, name: &str) -> Option<Vec<&'a Type>> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    Some(
        args.args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(ty) => Some(ty),
                _ => None,
            })
            .collect(),
    )
}

fn shape(function: &ItemFn) -> syn::Result<Shape> {
    let sig = &function.sig;
    let wrong = |at: &dyn quote::ToTokens| syn::Error::new_spanned(at, SHAPE);
    let inputs: Vec<&FnArg> = sig.inputs.iter().collect();
    let key = match inputs.as_slice() {
        [FnArg::Typed(arg)] => match args_of(&arg.ty, "Vec").as_deref() {
            Some([key]) => (*key).clone(),
            _ => return Err(wrong(&arg.ty)),
        },
        _ => return Err(wrong(&sig.inputs)),
    };
    let ReturnType::Type(_, output) = &sig.output else {
        return Err(wrong(&sig.ident));
    };
    let (values, error) = match args_of(output, "Result").as_deref() {
        Some([values, error]) => (*values, quote!(#error)),
        _ => (&**output, quote!(::core::convert::Infallible)),
    };
    let value = match (
        args_of(values, "Vec").as_deref(),
        args_of(values, "HashMap").as_deref(),
    ) {
        (Some([value]), _) | (_, Some([_, value])) => (*value).clone(),
        _ => return Err(wrong(output)),
    };
    Ok(Shape { key, value, error })
}

fn build(function: &ItemFn, max: TokenStream, window: TokenStream, shape: Shape) -> TokenStream {
    let name = &function.sig.ident;
    let Shape { key, value, error } = shape;
    let doc = format!(
        "Loads one key through [`{name}`](fn@super::{name}): concurrent calls within the window \
         (or up to the batch size) become one batch call, and each caller gets its own value."
    );
    let items = quote! {
        #[doc = #doc]
        pub async fn one(key: #key) -> ::core::result::Result<#value, ::async_dsl::BatchError<#error>> {
            static BATCHER: ::std::sync::OnceLock<::async_dsl::Batcher<#key, #value, #error>> =
                ::std::sync::OnceLock::new();
            BATCHER
                .get_or_init(|| ::async_dsl::Batcher::new(#max, #window))
                .load(key, |keys| async move {
                    ::async_dsl::batch::IntoValues::into_values(super::#name(keys).await)
                })
                .await
        }
    };
    attr_args::with_companion(function, "batched", items)
}

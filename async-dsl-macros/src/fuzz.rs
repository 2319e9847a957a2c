//! Parser robustness: random and mutated token streams fed to every macro and attribute
//! entry point come back as tokens (an expansion or a `compile_error!`), never a panic.
//! A fixed number of cases, so CI's run is bounded and repeatable in cost. And every token
//! is consumed or reported: each piece inserted at each place of a valid invocation gives an
//! error or a different expansion (tried exhaustively, not at random).

use std::str::FromStr;

use proc_macro2::TokenStream;
use proptest::prelude::*;

use crate::check::Macro;
use crate::parse::attr::Wrapper;

/// Pieces valid macro input is made of, and pieces that break it.
const PIECES: &[&str] = &[
    "a",
    "b",
    "x",
    "=>",
    "=",
    "==",
    ";",
    ",",
    ":",
    "::",
    "for",
    "in",
    "timeout",
    "spawn",
    "limit",
    "biased",
    "error",
    "rate",
    "burst",
    "per",
    "key",
    "concurrency",
    "times",
    "backoff",
    "when",
    "period",
    "max",
    "window",
    "\"1s\"",
    "\"250ms\"",
    "\"100ms..5s\"",
    "\"\"",
    "\"10x\"",
    "0",
    "1",
    "8",
    "99999999999999999999",
    "-1",
    "1.5",
    "async { 1 }",
    "fetch(id)",
    "(1, 2)",
    "[x]",
    "{ }",
    "Hit::Cached",
    "String",
    "Vec<u32>",
    "'a",
    "#",
    "!",
    "?",
    "&",
    "*",
    "..",
    "async",
    "fn",
    "self",
    "move",
    "|x| x",
    "ids",
    "()",
    "{ a => b }",
];

fn tokens(pieces: &[usize]) -> Option<TokenStream> {
    let text: Vec<&str> = pieces.iter().map(|&i| PIECES[i % PIECES.len()]).collect();
    TokenStream::from_str(&text.join(" ")).ok()
}

/// Function items for the attributes: valid ones (so argument checks run) and broken ones.
const ITEMS: &[&str] = &[
    "async fn f(x: u32) -> Result<u32, E> { Ok(x) }",
    "async fn load(keys: Vec<u32>) -> Vec<String> { vec![] }",
    "async fn m(&self, x: u32) -> u32 { x }",
    "fn not_async() {}",
    "async fn bodiless(x: u32);",
    "struct S;",
    "",
    "#[throttled(rate = 0)] #[timeout(\"x\")] async fn g() -> u32 { 1 }",
    "#[retry] #[retry(times = 1)] async fn h() -> Result<(), ()> { Ok(()) }",
];

/// Valid inputs, to be mutated: one piece dropped and one inserted.
const VALID: &[&str] = &[
    "a => fetch(1), b => fetch(2)",
    "timeout = \"1s\"; spawn; a => x, b => y",
    "limit = 8; for id in ids => fetch(id)",
    "biased; cache => c() => Hit::Cached, db => d() => Hit::Fresh",
    "error = String; a => x, b => y",
    "x(), y(), z()",
];

const MACROS: [Macro; 4] = [
    Macro::Parallel,
    Macro::TryParallel,
    Macro::Race,
    Macro::RaceOk,
];
const WRAPPERS: [Wrapper; 3] = [Wrapper::Throttled, Wrapper::Timeout, Wrapper::Retry];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn group_macros_never_panic(pieces in proptest::collection::vec(0..PIECES.len(), 0..24)) {
        if let Some(input) = tokens(&pieces) {
            for kind in MACROS {
                let _ = crate::expand::group::expand(kind, input.clone());
            }
        }
    }

    #[test]
    fn attributes_never_panic(
        pieces in proptest::collection::vec(0..PIECES.len(), 0..12),
        item in 0..ITEMS.len(),
    ) {
        let (Some(args), Ok(item)) = (tokens(&pieces), TokenStream::from_str(ITEMS[item])) else {
            return Ok(());
        };
        for wrapper in WRAPPERS {
            let _ = crate::expand::wrap::expand(wrapper, args.clone(), item.clone());
        }
        let _ = crate::expand::spread::expand(args.clone(), item.clone());
        let _ = crate::expand::batched::expand(args, item);
    }

    #[test]
    fn mutated_valid_input_never_panics(
        valid in 0..VALID.len(),
        drop_at in 0usize..32,
        insert_at in 0usize..32,
        piece in 0..PIECES.len(),
    ) {
        let Ok(input) = TokenStream::from_str(VALID[valid]) else { return Ok(()) };
        let mut trees: Vec<proc_macro2::TokenTree> = input.into_iter().collect();
        if !trees.is_empty() {
            trees.remove(drop_at % trees.len());
        }
        if let Ok(extra) = TokenStream::from_str(PIECES[piece]) {
            let at = insert_at % (trees.len() + 1);
            for (offset, tree) in extra.into_iter().enumerate() {
                trees.insert(at + offset, tree);
            }
        }
        let mutated: TokenStream = trees.into_iter().collect();
        for kind in MACROS {
            let _ = crate::expand::group::expand(kind, mutated.clone());
        }
    }
}

/// `tokens` with the piece `extra` inserted before top-level tree `at`.
fn inserted(tokens: &TokenStream, at: usize, extra: &TokenStream) -> TokenStream {
    let mut trees: Vec<proc_macro2::TokenTree> = tokens.clone().into_iter().collect();
    let tail = trees.split_off(at);
    trees.extend(extra.clone());
    trees.extend(tail);
    trees.into_iter().collect()
}

fn is_error(expansion: &TokenStream) -> bool {
    expansion.to_string().contains("compile_error")
}

/// Whether inserting `extra` at `at` of `input` may mean nothing: a trailing `,`, which
/// the grammar allows after the last branch and the last argument.
fn trailing_comma(input: &TokenStream, at: usize, extra: &str) -> bool {
    extra == "," && at == input.clone().into_iter().count()
}

/// Inserts each piece at each top-level place of `input` (whose expansion is `expansion`)
/// and asserts that `expand` reports it or expands differently; returns how many it tried.
fn insertions_are_reported_or_seen(
    input: &TokenStream,
    expansion: &TokenStream,
    what: &str,
    expand: impl Fn(TokenStream) -> TokenStream,
) -> usize {
    let expected = expansion.to_string();
    let len = input.clone().into_iter().count();
    let mut tried = 0;
    for piece in PIECES {
        let extra = TokenStream::from_str(piece).unwrap();
        for at in 0..=len {
            if trailing_comma(input, at, piece) {
                continue;
            }
            let mutated = inserted(input, at, &extra);
            let out = expand(mutated.clone());
            tried += 1;
            assert!(
                is_error(&out) || out.to_string() != expected,
                "`{piece}` inserted into `{what}` vanished: `{mutated}` expands as `{what}` does"
            );
        }
    }
    tried
}

/// Every token is consumed or reported: one piece inserted anywhere into a valid invocation
/// either is reported or changes the expansion; it is never dropped without a word.
#[test]
fn an_inserted_token_never_vanishes_from_a_group() {
    let mut tried = 0;
    for valid in VALID {
        let input = TokenStream::from_str(valid).unwrap();
        for kind in MACROS {
            let expansion = crate::expand::group::expand(kind, input.clone());
            if is_error(&expansion) {
                continue; // not valid for this macro
            }
            tried += insertions_are_reported_or_seen(&input, &expansion, valid, |mutated| {
                crate::expand::group::expand(kind, mutated)
            });
        }
    }
    assert!(tried > 10_000, "only {tried} insertions were tried");
}

/// Valid attribute arguments, with a function each applies to.
const VALID_ARGS: &[(&str, &str)] = &[
    ("throttled", "rate = 5"),
    (
        "throttled",
        "rate = 5, per = \"1s\", burst = 2, concurrency = 3",
    ),
    ("throttled", "rate = 1, key = x"),
    ("timeout", "\"1s\""),
    ("retry", "times = 2, backoff = \"100ms..5s\""),
    ("spread", "period = \"1s\""),
    ("batched", "max = 10, window = \"5ms\""),
];

fn expand_attr(attr: &str, args: TokenStream, item: TokenStream) -> TokenStream {
    match attr {
        "throttled" => crate::expand::wrap::expand(Wrapper::Throttled, args, item),
        "timeout" => crate::expand::wrap::expand(Wrapper::Timeout, args, item),
        "retry" => crate::expand::wrap::expand(Wrapper::Retry, args, item),
        "spread" => crate::expand::spread::expand(args, item),
        _ => crate::expand::batched::expand(args, item),
    }
}

#[test]
fn an_inserted_token_never_vanishes_from_attribute_arguments() {
    let mut tried = 0;
    for (attr, valid) in VALID_ARGS {
        let item = match *attr {
            "batched" => ITEMS[1],
            _ => ITEMS[0],
        };
        let item = TokenStream::from_str(item).unwrap();
        let args = TokenStream::from_str(valid).unwrap();
        let expansion = expand_attr(attr, args.clone(), item.clone());
        assert!(
            !is_error(&expansion),
            "`#[{attr}({valid})]` is valid: {expansion}"
        );
        let what = format!("#[{attr}({valid})]");
        tried += insertions_are_reported_or_seen(&args, &expansion, &what, |mutated| {
            expand_attr(attr, mutated, item.clone())
        });
    }
    assert!(tried > 2_000, "only {tried} insertions were tried");
}

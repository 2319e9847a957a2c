//! Every error message the macros can give is shown by at least one compile-fail case.
//!
//! The test reads the macro crate's source as tokens and collects the text of each message:
//! the string literals inside `Error::new(..)` and `Error::new_spanned(..)`, inside `Err(..)`
//! (the reasons a message is built from), in a `let message = ..` and in a `const` of type
//! `&str` that such a call names. It also reads the runtime's
//! `#[diagnostic::on_unimplemented(..)]` messages, which the macros' expansions rely on. A
//! message's fixed parts (the text between `{..}` placeholders) must each appear in some
//! `tests/ui/*.stderr` (or `no-tokio/tests/ui/*.stderr`, for the build without Tokio). Run with `--nocapture` to see each message and the cases that show it.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// Messages no input brings up: each is the fallback where a checked value is missing, and
/// every path that leaves it missing has already returned its own error (the
/// `errors.finish()?` just before). The scan still requires each to be in the source, so
/// the list cannot go stale.
const AFTER_ANOTHER_ERROR: &[&str] = &[
    "invalid attribute arguments",
    "invalid `#[spread]` arguments",
    "invalid `#[batched]` arguments",
];

/// One message found in the source.
struct Message {
    file: String,
    text: String,
}

#[test]
fn every_macro_message_has_a_compile_fail_case() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let mut messages = Vec::new();
    for file in rust_files(&root.join("async-dsl-macros/src")) {
        if file.ends_with("fuzz.rs") {
            continue; // the property tests' own strings
        }
        messages.extend(messages_in(&root, &file, Collect::ErrorCalls));
    }
    for file in rust_files(&root.join("async-dsl/src")) {
        messages.extend(messages_in(&root, &file, Collect::Diagnostics));
    }
    // The cases built without the `tokio` feature live in their own workspace.
    let cases: Vec<(String, String)> = ["ui-tests/tests/ui", "no-tokio/tests/ui"]
        .iter()
        .flat_map(|dir| fs::read_dir(root.join(dir)).unwrap())
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "stderr"))
        .map(|path| {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            (name, squash(&fs::read_to_string(&path).unwrap()))
        })
        .collect();
    let mut missing = Vec::new();
    let mut shown = BTreeSet::new();
    for message in &messages {
        let parts = fixed_parts(&message.text);
        let showing: Vec<&str> = cases
            .iter()
            .filter(|(_, stderr)| parts.iter().all(|part| stderr.contains(part.as_str())))
            .map(|(name, _)| name.as_str())
            .collect();
        println!(
            "{}: {:?}\n    shown by: {}",
            message.file,
            message.text,
            showing.join(", ")
        );
        if showing.is_empty() && !AFTER_ANOTHER_ERROR.contains(&message.text.as_str()) {
            missing.push(format!("{}: {:?}", message.file, message.text));
        }
        shown.extend(showing);
    }
    println!(
        "{} messages in the source, {} compile-fail cases, {} of them showing a message",
        messages.len(),
        cases.len(),
        shown.len()
    );
    assert!(
        messages.len() > 50,
        "the scan found only {} messages: has the source's shape changed?",
        messages.len()
    );
    for fallback in AFTER_ANOTHER_ERROR {
        assert!(
            messages.iter().any(|m| m.text == *fallback),
            "{fallback:?} is no longer in the source: take it off AFTER_ANOTHER_ERROR"
        );
    }
    assert!(
        missing.is_empty(),
        "messages no compile-fail case shows (add a case under tests/ui):\n{}",
        missing.join("\n")
    );
}

#[derive(Clone, Copy, PartialEq)]
enum Collect {
    /// `Error::new(..)`, `Error::new_spanned(..)`, `Err(..)`, `let message = ..`, and the
    /// `&str` constants those name.
    ErrorCalls,
    /// `#[diagnostic::on_unimplemented(..)]`.
    Diagnostics,
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn messages_in(root: &Path, file: &Path, collect: Collect) -> Vec<Message> {
    let source = fs::read_to_string(file).unwrap();
    // Unit tests sit at the end of a file, after `#[cfg(test)]`; their strings are not messages.
    let source = source.split("#[cfg(test)]").next().unwrap();
    let tokens: Vec<TokenTree> = TokenStream::from_str(source).unwrap().into_iter().collect();
    let mut texts = Vec::new();
    let mut named = BTreeSet::new();
    walk(&tokens, collect, &mut texts, &mut named);
    if collect == Collect::ErrorCalls {
        texts.extend(constants(&tokens, &named));
    }
    let file = file.strip_prefix(root).unwrap().display().to_string();
    let mut seen = BTreeSet::new();
    texts
        .into_iter()
        .filter(|text| text.split_whitespace().count() > 1 && seen.insert(text.clone()))
        .map(|text| Message {
            file: file.clone(),
            text,
        })
        .collect()
}

/// Collects message literals from `tokens` (recursively) into `texts`, and the identifiers
/// named inside error calls into `named`.
fn walk(
    tokens: &[TokenTree],
    collect: Collect,
    texts: &mut Vec<String>,
    named: &mut BTreeSet<String>,
) {
    for (i, token) in tokens.iter().enumerate() {
        let TokenTree::Group(group) = token else {
            continue;
        };
        let inner: Vec<TokenTree> = group.stream().into_iter().collect();
        let before: Vec<String> = tokens[i.saturating_sub(4)..i]
            .iter()
            .map(|t| t.to_string())
            .collect();
        let ends = |tail: &[&str]| {
            before.len() >= tail.len() && before[before.len() - tail.len()..] == *tail
        };
        let is_paren = group.delimiter() == Delimiter::Parenthesis;
        let message_group = match collect {
            Collect::ErrorCalls => {
                is_paren
                    && (ends(&["Error", ":", ":", "new"])
                        || ends(&["Error", ":", ":", "new_spanned"])
                        || ends(&["Err"]))
            }
            Collect::Diagnostics => is_paren && ends(&["diagnostic", ":", ":", "on_unimplemented"]),
        };
        if message_group {
            literals(&inner, texts);
            idents(&inner, named);
        } else if collect == Collect::ErrorCalls && ends(&["let", "message", "="]) {
            // `let message = match .. { .. };`: the arms are the message.
            literals(&inner, texts);
        } else {
            walk(&inner, collect, texts, named);
        }
    }
    // `let message = format!(..)`, at this level.
    if collect == Collect::ErrorCalls {
        for window in tokens.windows(3) {
            if window[0].to_string() == "let" && window[1].to_string() == "message" {
                let rest = tokens
                    .iter()
                    .skip_while(|t| !std::ptr::eq(*t, &window[2]))
                    .take_while(|t| t.to_string() != ";");
                let rest: Vec<TokenTree> = rest.cloned().collect();
                literals(&rest, texts);
            }
        }
    }
}

/// Every string literal in `tokens`, at any depth, as its value.
fn literals(tokens: &[TokenTree], texts: &mut Vec<String>) {
    for token in tokens {
        match token {
            TokenTree::Literal(lit) => {
                if let Some(value) = string_value(&lit.to_string()) {
                    texts.push(value);
                }
            }
            TokenTree::Group(group) => {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                literals(&inner, texts);
            }
            _ => {}
        }
    }
}

fn idents(tokens: &[TokenTree], named: &mut BTreeSet<String>) {
    for token in tokens {
        match token {
            TokenTree::Ident(ident) => {
                named.insert(ident.to_string());
            }
            TokenTree::Group(group) => {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                idents(&inner, named);
            }
            _ => {}
        }
    }
}

/// `const NAME: &str = "..";` at the top level, for each `NAME` in `named`.
fn constants(tokens: &[TokenTree], named: &BTreeSet<String>) -> Vec<String> {
    let mut texts = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        if token.to_string() != "const" {
            continue;
        }
        let Some(TokenTree::Ident(name)) = tokens.get(i + 1) else {
            continue;
        };
        if !named.contains(&name.to_string()) {
            continue;
        }
        let value: Vec<TokenTree> = tokens[i..]
            .iter()
            .take_while(|t| t.to_string() != ";")
            .cloned()
            .collect();
        literals(&value, &mut texts);
    }
    texts
}

/// The value of a string literal token (`"..."` or `r"..."`), escapes resolved as far as
/// messages use them; `None` for other literals.
fn string_value(token: &str) -> Option<String> {
    if let Some(raw) = token.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        return Some(raw[hashes + 1..raw.len() - hashes - 1].to_string());
    }
    let body = token.strip_prefix('"')?.strip_suffix('"')?;
    let mut value = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            value.push(c);
            continue;
        }
        match chars.next() {
            // A line continuation: the newline and the next line's indentation go.
            Some('\n') => {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            Some('n') => value.push('\n'),
            Some('t') => value.push('\t'),
            Some(other) => value.push(other),
            None => {}
        }
    }
    Some(value)
}

/// The parts of a message that do not change: the text between `{..}` placeholders (with
/// `{{`/`}}` read as braces), each trimmed, the short ones left out.
fn fixed_parts(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                current.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                current.push('}');
            }
            '{' => {
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                }
                parts.push(std::mem::take(&mut current));
            }
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|part| squash(&part))
        .filter(|part| part.chars().filter(|c| c.is_alphanumeric()).count() >= 4)
        .collect()
}

/// Runs of whitespace as one space, so that wrapped text compares equal.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

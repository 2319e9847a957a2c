//! Expansion snapshots: one file per macro form under `tests/expand`, so a reviewer can read
//! what each expands to. Regenerate with `MACROTEST=overwrite`.
//!
//! macrotest needs `cargo expand`. Without it the test would pass having checked nothing,
//! so it fails instead (locally it says how to install it; the suite script installs it).

#[test]
fn every_macro_form_expands_as_recorded() {
    let found = std::process::Command::new("cargo")
        .args(["expand", "--version"])
        .output()
        .is_ok_and(|out| out.status.success());
    assert!(
        found,
        "`cargo expand` is missing: `cargo install cargo-expand --version 1.0.127 --locked`"
    );
    // macrotest records a missing snapshot and passes; a missing one must fail instead.
    if std::env::var_os("MACROTEST").is_none_or(|v| v != "overwrite") {
        let unrecorded: Vec<_> = std::fs::read_dir("tests/expand")
            .expect("tests/expand exists")
            .map(|entry| entry.expect("readable directory").path())
            .filter(|path| path.extension().is_some_and(|e| e == "rs"))
            .filter(|path| !path.to_string_lossy().ends_with(".expanded.rs"))
            .filter(|path| !path.with_extension("expanded.rs").exists())
            .collect();
        assert!(
            unrecorded.is_empty(),
            "no snapshot for {unrecorded:?}: run with MACROTEST=overwrite"
        );
    }
    macrotest::expand("tests/expand/*.rs");
}

/// Built without async-dsl's `tracing` feature (this crate never turns it on), the recorded
/// expansions, which the test above checks are current, hold no tracing code: no span, no
/// event, no path into the runtime's `trace` module.
#[test]
fn without_the_tracing_feature_expansions_hold_no_tracing_code() {
    let mut read = 0;
    for entry in std::fs::read_dir("tests/expand").expect("tests/expand exists") {
        let path = entry.expect("readable directory").path();
        if !path.to_string_lossy().ends_with(".expanded.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable snapshot");
        for word in ["trace", "tracing", "span"] {
            assert!(!text.contains(word), "{path:?} mentions `{word}`");
        }
        read += 1;
    }
    assert!(read >= 10, "only {read} snapshots read");
}

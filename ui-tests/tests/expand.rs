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

//! Compile-fail cases: each bad input gives a message at the offending token that says the
//! fix. Pass cases: code that must compile without warnings. Regenerate the `.stderr` snapshots with `TRYBUILD=overwrite`.

#[test]
fn bad_input_is_a_spanned_compile_error() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
    cases.pass("tests/pass/*.rs");
}

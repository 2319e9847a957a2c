//! Without the `tokio` feature, the forms that need Tokio are compile errors that name the
//! feature.

#[test]
fn tokio_forms_say_which_feature_to_enable() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}

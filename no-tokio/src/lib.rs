//! Nothing here: the tests are the crate.

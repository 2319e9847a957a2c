//! Nothing here: the tests in `tests/` use `async-dsl` from a crate of edition 2021.

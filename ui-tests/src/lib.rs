//! Compile-fail and expansion tests live in `tests/`; this library is empty.

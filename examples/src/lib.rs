//! The examples are `[[example]]` targets; this library is empty.

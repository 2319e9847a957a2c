//! Syntax only: split macro input into its pieces, keeping every span. What the pieces must
//! be is [`crate::check`]'s business.
//!
//! - `group`: the grammar of the four group macros.
//! - `attr`: attribute argument lists, the function under an attribute, and which of its
//!   attributes belong to this crate.

pub(crate) mod attr;
pub(crate) mod group;

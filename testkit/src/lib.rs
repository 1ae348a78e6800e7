//! Test support shared by every posenc crate: the golden file of the SPEC, and every error bound
//! and tolerance the tests use, each with the reason for its value.
//!
//! It depends on no posenc crate, so every crate can use it as a dev-dependency.

pub mod bounds;
pub mod golden;
pub mod rope_backend;

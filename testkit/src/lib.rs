//! Test support shared by every posenc crate: the golden file of the SPEC, and every error bound
//! and tolerance the tests use, each with the reason for its value.
//!
//! It depends on posenc-core alone (for the RoPE golden cases); every crate can still use it
//! as a dev-dependency, posenc-core included.

pub mod bounds;
pub mod golden;
pub mod reduced;
pub mod rope_backend;
pub mod rope_golden;

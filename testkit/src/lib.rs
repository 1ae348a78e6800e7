//! Test support shared by every posenc crate: the golden file of the SPEC, every error bound and
//! tolerance the tests use (each with the reason for its value), the angle of a column, and the
//! proptest strategies of valid configurations.
//!
//! It depends on `posenc-core` (the reference), and the core's tests depend on it: Cargo allows
//! that cycle through dev-dependencies, and integration tests see one `posenc_core`.

pub mod bounds;
pub mod golden;
pub mod reduced;
pub mod rope_backend;
pub mod rope_golden;
#[cfg(feature = "proptest")]
pub mod strategy;

use posenc_core::{Column, Encoding, Error, Layout};

/// The encoding of `d_model` columns with every setting given, by the core's builder: how the
/// golden file, the strategies, the edge seeds and the error tests state a configuration.
///
/// # Errors
/// The builder's, for an invalid configuration.
pub fn build_encoding(
    d_model: usize,
    layout: Layout,
    base: f64,
    shift: f64,
    scale: f64,
) -> Result<Encoding, Error> {
    Encoding::builder(d_model)
        .layout(layout)
        .base(base)
        .shift(shift)
        .scale(scale)
        .build()
}

/// The angle θ of column `column` at `position`, the core's `c·p·ω_i` of the column's pair
/// (0 for the zero column of an odd split row, and for a column or position the core refuses):
/// the `θ` of the SPEC's `f64` bound `2^−48·(1 + |θ|)`, which grows no bound when it is 0.
#[must_use]
pub fn column_angle(enc: &Encoding, position: f64, column: usize) -> f64 {
    match enc.layout().column(enc.d_model(), column) {
        Some(Column::Sin(pair) | Column::Cos(pair)) => enc.angle(pair, position).unwrap_or(0.0),
        Some(Column::Zero) | None => 0.0,
    }
}

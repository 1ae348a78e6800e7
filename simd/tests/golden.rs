//! Every row of the golden file through the vector path (the crate root) and the portable path,
//! `f32` and `f64`, against the SPEC's backend bounds. Prints the worst error per layout and type.

mod common;

use common::{Portable, Vector, check};

#[test]
fn vector_path_meets_the_backend_bounds_on_every_golden_row() {
    check::<Vector>();
}

#[test]
fn portable_path_meets_the_backend_bounds_on_every_golden_row() {
    check::<Portable>();
}

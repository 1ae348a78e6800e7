//! The golden file through every backend (`posenc_verify::golden::check`), `f32` and `f64`,
//! each against its own bound. `cargo test -p posenc-verify --test golden -- --nocapture`
//! prints the worst error per layout as a fraction of the bound (the README's table).

use posenc_verify::{Core, Parallel, Portable, Simd, golden};

#[test]
fn core_meets_its_bounds_on_every_golden_row() {
    let _ = golden::check::<Core>();
}

#[test]
fn simd_crate_root_meets_the_backend_bounds_on_every_golden_row() {
    let _ = golden::check::<Simd>();
}

#[test]
fn simd_portable_path_meets_the_backend_bounds_on_every_golden_row() {
    let _ = golden::check::<Portable>();
}

#[test]
fn parallel_meets_the_backend_bounds_on_every_golden_row() {
    let _ = golden::check::<Parallel>();
}

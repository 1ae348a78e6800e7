//! The vector path on `wide`'s lanes alone (`Backend::vector()`, never the AVX2+FMA lanes
//! chosen at run time): the golden file, agreement with the core, and blocks against rows.
//! On machines without AVX2+FMA, or in builds that enable them at compile time, this repeats
//! what the other suites test, which is harmless.

mod common;

use posenc_simd::{Backend, Encoding, Layout, Rows, row_position};
use posenc_testkit::bounds::{AGREE_F32, BETWEEN_BACKENDS_F32};

fn baseline() -> Backend {
    let backend = Backend::vector().unwrap_or(Backend::portable());
    assert!(!backend.name().contains("run time"), "{}", backend.name());
    backend
}

#[test]
fn baseline_lanes_meet_the_backend_bounds_on_every_golden_row() {
    println!("backend: {}", baseline().name());
    common::check::<common::Wide>();
}

#[test]
fn baseline_lanes_agree_with_the_core_and_blocks_agree_with_rows() {
    let backend = baseline();
    for layout in Layout::ALL {
        for (d, base, shift, scale) in [
            (1, 10_000.0, 0.0, 1.0),
            (7, 10_000.0, 0.0, 1.0),
            (131, 1e7, 1.0, 0.25),
            (384, 500_000.0, 1.0, 1.0),
            (1024, 1.5, 0.0, 3.0),
        ] {
            let enc = Encoding::builder(d)
                .layout(layout)
                .base(base)
                .shift(shift)
                .scale(scale)
                .build()
                .unwrap();
            let start = -70_000.25;
            let rows = 37;
            let mut block = vec![0.0f32; rows * d];
            backend
                .encode_rows(
                    &Rows::covering(&enc, start, 5_000_000, block.len()).unwrap(),
                    &mut block,
                )
                .unwrap();
            for (k, row) in block.chunks_exact(d).enumerate() {
                let position = row_position(start, 5_000_000 + k as u64);
                let mut single = vec![0.0f32; d];
                backend.encode_row(&enc, position, &mut single).unwrap();
                // f32 tables are stepped by rotation: within the bound of the direct row.
                for (a, b) in row.iter().zip(&single) {
                    assert!(
                        (f64::from(*a) - f64::from(*b)).abs() <= BETWEEN_BACKENDS_F32,
                        "block row {k}: {a} vs single {b} ({enc:?})"
                    );
                }
                let mut reference = vec![0.0f32; d];
                enc.encode(position, &mut reference).unwrap();
                for (a, b) in row.iter().zip(&reference) {
                    assert!(
                        (f64::from(*a) - f64::from(*b)).abs() <= AGREE_F32,
                        "{a} vs core {b} at p={position} ({enc:?})"
                    );
                }
            }
        }
    }
}

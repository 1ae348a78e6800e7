//! SPEC relation 1 for the "add to embeddings" paths: `x + PE` from the SIMD crate (vector and
//! portable) and the parallel crate agrees with `x + PE_core` within `bounds::add_to` (the
//! encoding's agreement bound and one rounding of the sum), `f32` and `f64`.

use posenc_core::{Element, Encoding, Error};
use posenc_testkit::bounds;
use posenc_testkit::column_angle;
use posenc_verify::strategy::{self, config};
use proptest::prelude::*;

/// An add path: `inout += PE` for rows `first_row ..` of the table at `start`.
type AddRows<T> = fn(&Encoding, f64, u64, &mut [T]) -> Result<(), Error>;

fn paths<T: Element>() -> [(&'static str, AddRows<T>); 4] {
    [
        ("simd add_rows", |e, s, f, o| {
            posenc_simd::Rows::covering(e, s, f, o.len())
                .and_then(|rows| posenc_simd::add_rows(&rows, o))
        }),
        ("portable add_rows", |e, s, f, o| {
            posenc_simd::Rows::covering(e, s, f, o.len())
                .and_then(|rows| posenc_simd::Backend::portable().add_rows(&rows, o))
        }),
        ("parallel add_to_embeddings", |enc, start, first_row, x| {
            // add_to_embeddings starts at row 0: shift the start instead (exact: both are
            // integers or multiples of 2^-10 well inside f64's precision).
            posenc_parallel::add_to_embeddings(enc, start + first_row as f64, x)
        }),
        ("parallel add_to_batch", |enc, start, first_row, x| {
            posenc_parallel::add_to_batch(enc, start + first_row as f64, x.len() / enc.d_model(), x)
        }),
    ]
}

fn check<T: Element>(
    enc: &Encoding,
    start: f64,
    first_row: u64,
    x: &[f64],
) -> Result<(), TestCaseError> {
    let d = enc.d_model();
    let before: Vec<T> = x.iter().map(|&v| T::from_f64(v)).collect();
    for (name, add) in paths::<T>() {
        let mut got = before.clone();
        add(enc, start, first_row, &mut got)
            .map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
        for (k, (row, x)) in got.chunks_exact(d).zip(before.chunks_exact(d)).enumerate() {
            let position = posenc_simd::row_position(start, first_row + k as u64);
            let mut pe = vec![0.0f64; d];
            enc.encode(position, &mut pe).expect("a valid position");
            for (j, ((g, x), p)) in row.iter().zip(x).zip(&pe).enumerate() {
                let x = x.to_f64();
                let bound = bounds::add_to(
                    T::MANTISSA_BITS,
                    x,
                    column_angle(enc, position, j),
                    enc.scale() * position,
                );
                let error = ((g.to_f64() - x) - p).abs();
                prop_assert!(
                    error <= bound,
                    "{name} {}: {enc:?} p={position} column {j}: {x} + PE = {g:?}, core {p}, |err| {error:e} > {bound:e}",
                    T::NAME
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn every_add_path_is_x_plus_the_core(
        enc in strategy::encoding(),
        start in strategy::position(),
        first_row in prop_oneof![Just(0u64), 0u64..1 << 16],
        rows in 1usize..=6,
        seed in any::<u64>(),
    ) {
        let rows = rows.min((2048 / enc.d_model()).max(1));
        // Embeddings of the usual size, with some large and some tiny values.
        let x: Vec<f64> = (0..rows * enc.d_model())
            .map(|i| {
                let h = (seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)).wrapping_mul(0xD1B5_4A32_D192_ED03);
                let unit = (h >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0;
                match h % 8 { 0 => unit * 1.0e4, 1 => unit * 1.0e-6, _ => unit * 3.0 }
            })
            .collect();
        check::<f32>(&enc, start, first_row, &x)?;
        check::<f64>(&enc, start, first_row, &x)?;
    }
}

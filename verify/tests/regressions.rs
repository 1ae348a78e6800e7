//! Regression tests for bugs the verification suite and the fuzz targets found.

use posenc_core::{Encoding, Error, Layout};

/// `fuzz/simd_rows` and `tests/determinism.rs`: a block whose last row index passes `u64::MAX`
/// was let through by `posenc-simd` (a saturating add), then overflowed: a panic in a debug build,
/// rows at wrapped, wrong positions in a release one. It is an error, as in `posenc-parallel`.
#[test]
fn rows_past_u64_max_are_an_error() {
    let enc = Encoding::new(4).unwrap();
    let expected = Err(Error::RowIndexOverflow {
        first_row: u64::MAX,
        rows: 2,
    });
    let mut out = [0.0f32; 8];
    assert_eq!(
        posenc_simd::Rows::covering(&enc, 0.5, u64::MAX, out.len())
            .and_then(|rows| posenc_simd::encode_rows(&rows, &mut out)),
        expected
    );
    assert_eq!(
        posenc_simd::Rows::covering(&enc, 0.5, u64::MAX, out.len())
            .and_then(|rows| posenc_simd::add_rows(&rows, &mut out)),
        expected
    );
    assert_eq!(
        posenc_simd::Rows::covering(&enc, 0.5, u64::MAX, out.len())
            .and_then(|rows| posenc_simd::Backend::portable().encode_rows(&rows, &mut out)),
        expected
    );
    assert_eq!(
        posenc_simd::Rows::covering(&enc, 0.5, u64::MAX, out.len())
            .and_then(|rows| posenc_simd::Backend::portable().add_rows(&rows, &mut out)),
        expected
    );
    assert_eq!(
        posenc_parallel::Rows::covering(&enc, 0.5, u64::MAX, out.len())
            .and_then(|rows| posenc_parallel::fill_rows(&rows, &mut out)),
        expected
    );
    assert_eq!(out, [0.0; 8], "nothing written");
    // The last row that has an index is fine.
    let mut one = [0.0f64; 4];
    posenc_simd::Rows::covering(&enc, 0.5, u64::MAX, one.len())
        .and_then(|rows| posenc_simd::encode_rows(&rows, &mut one))
        .unwrap();
    let mut core = [0.0f64; 4];
    enc.encode(0.5 + u64::MAX as f64, &mut core).unwrap();
    assert_eq!(one, core);
}

/// `fuzz/simd_rows` and the suite's random cases: a split layout with `d_model = 1` has no
/// frequency at all (its one column is the zero pad); with a negative shift (so D > 0) the
/// vector path's setup computed `n − 1` for it and overflowed.
#[test]
fn a_split_row_of_one_column_is_zero() {
    for (layout, shift) in [
        (Layout::SplitSinCos, 0.0),
        (Layout::SplitCosSin, 1.0),
        (Layout::SplitSinCos, -3.75),
        (Layout::SplitCosSin, -0.5),
    ] {
        let enc = Encoding::builder(1)
            .layout(layout)
            .shift(shift)
            .build()
            .unwrap();
        let mut row = [7.0f32; 1];
        posenc_simd::encode_row(&enc, 123.0, &mut row).unwrap();
        assert_eq!(row, [0.0]);
        let mut rows = [7.0f64; 3];
        posenc_simd::Rows::covering(&enc, 123.0, 5, rows.len())
            .and_then(|r| posenc_simd::encode_rows(&r, &mut rows))
            .unwrap();
        assert_eq!(rows, [0.0; 3]);
        posenc_parallel::Rows::covering(&enc, 123.0, 5, rows.len())
            .and_then(|r| posenc_parallel::fill_rows(&r, &mut rows))
            .unwrap();
        assert_eq!(rows, [0.0; 3]);
    }
}

/// `fuzz/parallel_rows` (minimising its corpus against a newer build): an `f32` block that ends
/// on row `u64::MAX` made the vector path's row recurrence compute the index one past it, and
/// overflow. And with `start` far negative those rows are at small positions (all at 0 here:
/// `start + k` rounds), where the recurrence, stepping one position a row, wrote PE(j) for
/// row j instead of the rows' own positions.
#[test]
fn a_block_may_end_on_the_last_row_index() {
    let enc = Encoding::new(8).unwrap();
    for (start, rows) in [
        (0.5, 3usize),
        (-(u64::MAX as f64), 300),
        (-(u64::MAX as f64) + 4096.0, 1),
    ] {
        let first_row = u64::MAX - (rows as u64 - 1);
        let mut out = vec![0.0f32; rows * 8];
        posenc_simd::Rows::covering(&enc, start, first_row, out.len())
            .and_then(|rows| posenc_simd::encode_rows(&rows, &mut out))
            .unwrap();
        let mut par = vec![0.0f32; rows * 8];
        posenc_parallel::Rows::covering(&enc, start, first_row, par.len())
            .and_then(|rows| posenc_parallel::fill_rows(&rows, &mut par))
            .unwrap();
        assert_eq!(out, par);
        for (k, row) in out.chunks_exact(8).enumerate() {
            let position = posenc_simd::row_position(start, first_row + k as u64);
            let mut core = [0.0f32; 8];
            enc.encode(position, &mut core).unwrap();
            if position.abs() <= posenc_testkit::bounds::ACCURATE_SCALED_POSITION {
                for (a, b) in row.iter().zip(&core) {
                    assert!(f64::from(a - b).abs() <= posenc_testkit::bounds::AGREE_F32);
                }
            }
        }
    }
}

//! Row blocks are the same bits however a table is cut into blocks, and they are the rows
//! encoded one by one: bit for bit, except the crate root's `f32` tables, which are stepped by
//! rotation from anchors at every 64th row and so agree with single rows within
//! `BETWEEN_BACKENDS_F32` (both are within the `f32` bound of exact). `add_rows` adds the rows.
//! For the crate root and the portable path, `f32` and `f64`.

mod common;

use posenc_simd::{Element, Encoding, Layout, row_position};
use posenc_testkit::bounds::{BETWEEN_BACKENDS_F32, add_f32};
use posenc_testkit::strategy::encoding;
use proptest::prelude::*;

/// One path's functions, for one element type.
struct Path<T: 'static> {
    api: common::Api<T>,
    /// Whether `rows` gives the bits of `row` (all but the crate root's `f32` tables).
    rows_are_rows: bool,
}

fn root<T: Element>() -> Path<T> {
    Path {
        api: common::root(),
        rows_are_rows: T::MANTISSA_BITS > 24 || cfg!(feature = "scalar-math"),
    }
}

fn portable<T: Element>() -> Path<T> {
    Path {
        api: common::portable(),
        rows_are_rows: true,
    }
}

fn start() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        -1e5f64..1e5,
        (-1000i32..1000).prop_map(f64::from)
    ]
}

/// Rows `first..first + rows` in one block, in blocks cut at `cuts`, and one by one: equal.
fn check_blocks<T: Element>(
    path: &Path<T>,
    enc: &Encoding,
    start: f64,
    first: u64,
    rows: usize,
    cuts: &[usize],
) -> Result<(), TestCaseError> {
    let d = enc.d_model();
    let mut whole = vec![T::default(); rows * d];
    (path.api.rows)(enc, start, first, &mut whole).unwrap();

    let mut one_by_one = vec![T::default(); rows * d];
    for (k, row) in one_by_one.chunks_exact_mut(d).enumerate() {
        (path.api.row)(enc, row_position(start, first + k as u64), row).unwrap();
    }
    close_or_equal(
        path.rows_are_rows,
        &whole,
        &one_by_one,
        "block against its rows",
        enc,
    )?;

    let mut pieces = vec![T::default(); rows * d];
    let mut at = 0;
    let mut bounds: Vec<usize> = cuts.iter().map(|&c| c % (rows + 1)).collect();
    bounds.push(rows);
    bounds.sort_unstable();
    for end in bounds {
        (path.api.rows)(enc, start, first + at as u64, &mut pieces[at * d..end * d]).unwrap();
        at = end;
    }
    prop_assert!(
        whole == pieces,
        "blocks cut at {cuts:?} differ from one block"
    );

    // Added to zeros, the rows themselves.
    let mut added = vec![T::default(); rows * d];
    (path.api.add)(enc, start, first, &mut added).unwrap();
    close_or_equal(path.rows_are_rows, &added, &whole, "add_rows to zeros", enc)?;
    Ok(())
}

/// Bit-equal when `equal`, else within [`BETWEEN_BACKENDS_F32`].
fn close_or_equal<T: Element>(
    equal: bool,
    a: &[T],
    b: &[T],
    what: &str,
    enc: &Encoding,
) -> Result<(), TestCaseError> {
    if equal {
        prop_assert!(a == b, "{what}: not the same bits ({enc:?})");
    } else {
        for (j, (x, y)) in a.iter().zip(b).enumerate() {
            let gap = (x.to_f64() - y.to_f64()).abs();
            prop_assert!(
                gap <= BETWEEN_BACKENDS_F32,
                "{what}: value {j} {x:?} vs {y:?} ({enc:?})"
            );
        }
    }
    Ok(())
}

/// `add_rows` on values `x`: `x + pe` in `f64`, rounded once.
fn check_add(
    path64: &Path<f64>,
    path32: &Path<f32>,
    enc: &Encoding,
    start: f64,
    first: u64,
    rows: usize,
) -> Result<(), TestCaseError> {
    let len = rows * enc.d_model();
    let x: Vec<f64> = (0..len).map(|j| (j as f64 * 0.37).sin() * 3.0).collect();
    let mut pe = vec![0.0f64; len];
    (path64.api.rows)(enc, start, first, &mut pe).unwrap();

    let mut sum64 = x.clone();
    (path64.api.add)(enc, start, first, &mut sum64).unwrap();
    for j in 0..len {
        prop_assert_eq!(sum64[j], x[j] + pe[j], "f64 add at {}", j);
    }

    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let mut sum32 = x32.clone();
    (path32.api.add)(enc, start, first, &mut sum32).unwrap();
    for j in 0..len {
        let exact = f64::from(x32[j]) + pe[j];
        let error = (f64::from(sum32[j]) - exact).abs();
        prop_assert!(
            error <= add_f32(exact),
            "f32 add at {j}: {} vs {exact}",
            sum32[j]
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(48)
    ))]

    #[test]
    fn blocks_equal_rows_one_by_one(
        enc in encoding(),
        start in start(),
        first in prop_oneof![0u64..100, 0u64..(1 << 20)],
        rows in 1usize..70,
        cuts in prop::collection::vec(0usize..70, 0..4),
    ) {
        check_blocks(&root::<f32>(), &enc, start, first, rows, &cuts)?;
        check_blocks(&root::<f64>(), &enc, start, first, rows, &cuts)?;
        check_blocks(&portable::<f32>(), &enc, start, first, rows, &cuts)?;
        check_blocks(&portable::<f64>(), &enc, start, first, rows, &cuts)?;
    }

    #[test]
    fn add_rows_adds_the_rows(
        enc in encoding(),
        start in start(),
        first in 0u64..10_000,
        rows in 1usize..40,
    ) {
        check_add(&root(), &root(), &enc, start, first, rows)?;
        check_add(&portable(), &portable(), &enc, start, first, rows)?;
    }
}

/// Rows beyond the vector reduction's range (|c·p| > 2^30) go through the core (periods that
/// reach past it too, row by row): then equal to single rows, and always in [−1, 1].
#[test]
fn huge_positions_in_a_block_equal_single_rows() {
    let enc = Encoding::new(64).unwrap();
    for start in [1.0e9, 1.073_741_800e9, -2.0e12] {
        let mut whole = vec![0.0f32; 40 * 64];
        posenc_simd::Rows::covering(&enc, start, 0, whole.len())
            .and_then(|rows| posenc_simd::encode_rows(&rows, &mut whole))
            .unwrap();
        for (k, row) in whole.chunks_exact(64).enumerate() {
            let mut single = [0.0f32; 64];
            posenc_simd::encode_row(&enc, row_position(start, k as u64), &mut single).unwrap();
            // Beyond 2^30 no row is stepped: the same bits as single rows.
            if (start + k as f64).abs() > 1.1e9 {
                assert_eq!(row, single);
            }
            assert!(row.iter().all(|v| v.abs() <= 1.0));
        }
    }
}

/// Blocks of `stream_bytes()` and more are written with non-temporal stores: the same bits as smaller
/// blocks, whatever the alignment of the buffer, and within the bound of the core. Offsets of
/// 0, 4, 8 and 12 values start the rows at every 16-byte place in a 64-byte line (the lines a
/// run shares with its neighbours are stored plainly), 1 off the 16-byte boundaries (nothing
/// streamed); d = 1000 has rows that start at different places in a line.
#[test]
fn large_streamed_tables_have_the_bits_of_small_blocks() {
    use posenc_testkit::bounds::AGREE_F32;
    let cases = [
        (1024, Layout::Interleaved, 0),
        (1024, Layout::Interleaved, 1),
        (1024, Layout::Interleaved, 4),
        (1024, Layout::Interleaved, 8),
        (1024, Layout::Interleaved, 12),
        (1024, Layout::SplitSinCos, 4),
        (1000, Layout::Interleaved, 0),
        (1023, Layout::SplitCosSin, 1),
    ];
    for (d, layout, offset) in cases {
        let enc = Encoding::builder(d).layout(layout).build().unwrap();
        let rows = posenc_simd::stream_bytes() / (4 * d) + 3;
        let mut buffer = vec![0.0f32; rows * d + offset];
        let streamed = &mut buffer[offset..];
        posenc_simd::Rows::covering(&enc, 0.5, 100, streamed.len())
            .and_then(|rows| posenc_simd::encode_rows(&rows, streamed))
            .unwrap();
        let mut halves = vec![0.0f32; rows * d];
        let (a, b) = halves.split_at_mut(rows / 2 * d);
        posenc_simd::Rows::covering(&enc, 0.5, 100, a.len())
            .and_then(|rows| posenc_simd::encode_rows(&rows, a))
            .unwrap();
        posenc_simd::Rows::covering(&enc, 0.5, 100 + (rows / 2) as u64, b.len())
            .and_then(|rows| posenc_simd::encode_rows(&rows, b))
            .unwrap();
        assert!(
            streamed == &halves[..],
            "streamed table differs ({layout}, d={d}, offset {offset})"
        );
        for k in (0..rows).step_by(331).chain([rows - 1]) {
            let mut core = vec![0.0f32; d];
            enc.encode(row_position(0.5, 100 + k as u64), &mut core)
                .unwrap();
            for (j, (x, y)) in streamed[k * d..(k + 1) * d].iter().zip(&core).enumerate() {
                assert!(
                    (f64::from(*x) - f64::from(*y)).abs() <= AGREE_F32,
                    "row {k} column {j}: {x} vs core {y}"
                );
            }
        }
    }
}

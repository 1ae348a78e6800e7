//! Tables of arbitrary sizes and offsets through the parallel crate: `fill_rows`, `fill_table`,
//! `table`, `encode_positions`, `positions_table`, `add_to_embeddings`, `add_to_batch`, `f32`
//! and `f64`. Errors must be the documented ones; every `Ok` output must be bit-identical to the
//! sequential SIMD call, in [−1, 1] and agree with the core. The target allocates at most
//! `MAX_VALUES` values: `table` is called with more rows only when it must fail before allocating.
#![no_main]

use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use posenc_core::{Element, Encoding, Error};
use posenc_fuzz::{
    Block, MAX_VALUES, assert_row_agrees, block_error, number, positions_error, same_error,
};
use posenc_simd::row_position;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Some(block) = Block::arbitrary(&mut u) else {
        return;
    };
    let (enc, start, rows, len) = (&block.enc, block.start, block.rows, block.len);
    let op = u.int_in_range(0u8..=5).unwrap_or(0);
    let huge_rows: usize = if u.ratio(1u8, 4u8).unwrap_or(false) {
        u.arbitrary().unwrap_or(usize::MAX)
    } else {
        rows
    };
    let seq_len = u.int_in_range(0..=rows.max(1)).unwrap_or(1);
    let positions: Vec<f64> = (0..rows.min(256))
        .map(|_| number(&mut u).unwrap_or(0.0))
        .collect();
    let f32s = u.arbitrary::<bool>().unwrap_or(false);
    macro_rules! each_type {
        ($f:ident($($arg:expr),*)) => {
            if f32s { $f::<f32>($($arg),*) } else { $f::<f64>($($arg),*) }
        };
    }
    match op {
        0 => each_type!(fill_rows(enc, start, block.first_row, len)),
        1 => each_type!(table(enc, start, huge_rows)),
        2 => each_type!(encode_positions(enc, &positions, len)),
        3 => each_type!(whole_table(enc, start, len, true)),
        4 => each_type!(add_to_batch(enc, start, seq_len, len)),
        _ => each_type!(whole_table(enc, start, len, false)),
    }
});

fn bits<T: Element>(v: &[T]) -> Vec<u64> {
    v.iter().map(|x| x.to_f64().to_bits()).collect()
}

/// The parallel result and output must equal the sequential SIMD ones, and the result must be
/// the documented one.
fn same<T: Element>(
    what: &str,
    parallel: (&Result<(), Error>, &[T]),
    simd: (&Result<(), Error>, &[T]),
    expected: Option<Error>,
) {
    assert_eq!(
        format!("{:?}", parallel.0),
        format!("{:?}", simd.0),
        "{what}: parallel vs simd"
    );
    match (parallel.0, expected) {
        (Ok(()), None) => {}
        (Err(e), Some(x)) if same_error(e, &x) => {}
        (got, expected) => panic!("{what}: got {got:?}, expected {expected:?}"),
    }
    assert!(
        bits(parallel.1) == bits(simd.1),
        "{what}: output differs from sequential SIMD"
    );
}

/// The first and the last row of a block agree with the core.
fn ends_agree<T: Element>(enc: &Encoding, start: f64, first_row: u64, out: &[T], what: &str) {
    let d = enc.d_model();
    let rows = out.len() / d;
    for k in [0, rows.saturating_sub(1)] {
        if k < rows {
            let position = row_position(start, first_row + k as u64);
            assert_row_agrees(enc, position, &out[k * d..(k + 1) * d], what);
        }
    }
}

/// `parallel` on `out` against `simd` on a copy of it, over the rows from `first_row` of the
/// table at `start` that cover it: the same result and bits, and the documented result.
fn against_simd<T: Element>(
    what: &str,
    (enc, start, first_row): (&Encoding, f64, u64),
    out: &mut [T],
    parallel: impl FnOnce(&mut [T]) -> Result<(), Error>,
    simd: impl FnOnce(&posenc_simd::Rows, &mut [T]) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut seq = out.to_vec();
    let result = parallel(out);
    let expected = posenc_simd::Rows::covering(enc, start, first_row, seq.len())
        .and_then(|rows| simd(&rows, &mut seq));
    let documented = block_error(enc, start, first_row, out.len());
    same(what, (&result, out), (&expected, &seq), documented);
    result
}

fn fill_rows<T: Element>(enc: &Encoding, start: f64, first_row: u64, len: usize) {
    let mut out = vec![T::from_f64(7.0); len];
    let fill = |out: &mut [T]| {
        posenc_parallel::Rows::covering(enc, start, first_row, out.len())
            .and_then(|rows| posenc_parallel::fill_rows(&rows, out))
    };
    let block = (enc, start, first_row);
    if against_simd("fill_rows", block, &mut out, fill, posenc_simd::encode_rows).is_ok() {
        ends_agree(enc, start, first_row, &out, "fill_rows");
    }
}

/// `table`'s documented errors in their order, and whether the call would allocate more than
/// the target allows.
fn table<T: Element>(enc: &Encoding, start: f64, rows: usize) {
    let d = enc.d_model();
    let values = rows.checked_mul(d);
    let expected = match values {
        // `Rows::new` checks the start before the size.
        None => Some(
            enc.check_position(start)
                .err()
                .unwrap_or(Error::SizeOverflow { rows, d_model: d }),
        ),
        Some(values) => block_error(enc, start, 0, values).or_else(|| {
            let fits = values
                .checked_mul(size_of::<T>())
                .is_some_and(|bytes| bytes <= isize::MAX as usize);
            (!fits).then_some(Error::SizeOverflow { rows, d_model: d })
        }),
    };
    if expected.is_none() && values.is_some_and(|v| v > MAX_VALUES) {
        return; // would allocate a big table: not in a fuzz target
    }
    let result = posenc_parallel::table::<T>(enc, start, rows);
    match (&result, expected) {
        (Ok(table), None) => {
            let mut seq = vec![T::default(); table.len()];
            posenc_simd::Rows::covering(enc, start, 0, seq.len())
                .and_then(|rows| posenc_simd::encode_rows(&rows, &mut seq))
                .expect("table succeeded");
            assert_eq!(table.len(), rows * d);
            assert!(
                bits(table) == bits(&seq),
                "table differs from sequential SIMD"
            );
            ends_agree(enc, start, 0, table, "table");
        }
        (Err(e), Some(x)) if same_error(e, &x) => {}
        (got, expected) => panic!("table: got {got:?}, expected {expected:?}"),
    }
    let bytes = posenc_parallel::table_bytes::<T>(enc, rows);
    match values.and_then(|v| v.checked_mul(size_of::<T>())) {
        Some(b) if b <= isize::MAX as usize => assert_eq!(bytes, Ok(b)),
        _ => assert_eq!(bytes, Err(Error::SizeOverflow { rows, d_model: d })),
    }
}

fn encode_positions<T: Element>(enc: &Encoding, positions: &[f64], len: usize) {
    let mut out = vec![T::from_f64(7.0); len];
    let mut seq = out.clone();
    let result = posenc_parallel::Positions::new(enc, positions)
        .and_then(|list| posenc_parallel::encode_positions(&list, &mut out));
    let expected = posenc_simd::Positions::new(enc, positions)
        .and_then(|list| posenc_simd::encode_positions(&list, &mut seq));
    let documented = positions_error(enc, positions, len);
    same(
        "encode_positions",
        (&result, &out),
        (&expected, &seq),
        documented,
    );
    let table = posenc_parallel::positions_table::<T>(enc, positions);
    let needed = positions.len() * enc.d_model();
    let documented = positions_error(enc, positions, needed);
    match (&table, documented) {
        (Ok(table), None) => {
            let mut seq = vec![T::default(); needed];
            posenc_simd::Positions::new(enc, positions)
                .and_then(|list| posenc_simd::encode_positions(&list, &mut seq))
                .expect("valid positions");
            assert!(
                bits(table) == bits(&seq),
                "positions_table differs from sequential SIMD"
            );
            let d = enc.d_model();
            for (k, &p) in positions
                .iter()
                .enumerate()
                .filter(|(k, _)| *k == 0 || k + 1 == positions.len())
            {
                assert_row_agrees(enc, p, &table[k * d..(k + 1) * d], "positions_table");
            }
        }
        (Err(e), Some(x)) if same_error(e, &x) => {}
        (got, expected) => panic!("positions_table: got {got:?}, expected {expected:?}"),
    }
}

fn embeddings<T: Element>(len: usize) -> Vec<T> {
    (0..len)
        .map(|i| T::from_f64(((i * 7919) % 1000) as f64 / 250.0 - 2.0))
        .collect()
}

/// A whole table from row 0 on `len` values: `fill_table` on a buffer of 7s, or
/// `add_to_embeddings` on [`embeddings`]; against the SIMD crate's `encode_rows` or `add_rows`.
fn whole_table<T: Element>(enc: &Encoding, start: f64, len: usize, add: bool) {
    type Whole<T> = fn(&Encoding, f64, &mut [T]) -> Result<(), Error>;
    type Simd<T> = fn(&posenc_simd::Rows, &mut [T]) -> Result<(), Error>;
    let (what, mut out, parallel, simd): (_, Vec<T>, Whole<T>, Simd<T>) = if add {
        let simd = posenc_simd::add_rows;
        (
            "add_to_embeddings",
            embeddings(len),
            posenc_parallel::add_to_embeddings,
            simd,
        )
    } else {
        let (out, simd) = (vec![T::from_f64(7.0); len], posenc_simd::encode_rows);
        ("fill_table", out, posenc_parallel::fill_table, simd)
    };
    let parallel = |out: &mut [T]| parallel(enc, start, out);
    let _ = against_simd(what, (enc, start, 0), &mut out, parallel, simd);
}

fn add_to_batch<T: Element>(enc: &Encoding, start: f64, seq_len: usize, len: usize) {
    let d = enc.d_model();
    let sequence = seq_len.checked_mul(d);
    let documented = match sequence {
        None => Some(Error::SizeOverflow {
            rows: seq_len,
            d_model: d,
        }),
        Some(_) if !len.is_multiple_of(d) => Some(Error::NotWholeRows { len, d_model: d }),
        Some(s) => {
            let whole = if s == 0 { len == 0 } else { len % s == 0 };
            if !whole {
                Some(Error::NotWholeSequences {
                    len,
                    seq_len,
                    d_model: d,
                })
            } else {
                block_error(enc, start, 0, s)
            }
        }
    };
    let mut out: Vec<T> = embeddings(len);
    let mut seq = out.clone();
    let result = posenc_parallel::add_to_batch(enc, start, seq_len, &mut out);
    let expected = match documented {
        Some(e) => Err(e),
        None if len == 0 => Ok(()),
        None => seq.chunks_exact_mut(seq_len * d).try_for_each(|s| {
            posenc_simd::Rows::covering(enc, start, 0, s.len())
                .and_then(|rows| posenc_simd::add_rows(&rows, s))
        }),
    };
    same(
        "add_to_batch",
        (&result, &out),
        (&expected, &seq),
        documented,
    );
}

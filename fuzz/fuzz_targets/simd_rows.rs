//! Row blocks of arbitrary sizes and offsets through the SIMD crate: `encode_rows`, `add_rows`
//! and `encode_positions`, `f32` and `f64`. Errors must be the documented ones; every `Ok` row
//! must be in [−1, 1] and agree with the core; a block split anywhere must be bit-identical.
#![no_main]

use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use posenc_core::{Element, Encoding};
use posenc_fuzz::{
    Block, assert_added, assert_outcome, assert_row_agrees, block_error, number, positions_error,
};
use posenc_simd::row_position;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Some(Block {
        enc,
        start,
        first_row,
        rows,
        len,
    }) = Block::arbitrary(&mut u)
    else {
        return;
    };
    let split = u.int_in_range(0..=rows).unwrap_or(0);
    let op = u.int_in_range(0u8..=2).unwrap_or(0);
    let x: Vec<f64> = (0..len).map(|_| number(&mut u).unwrap_or(0.5)).collect();
    let positions: Vec<f64> = (0..len / enc.d_model().max(1))
        .map(|_| number(&mut u).unwrap_or(0.0))
        .collect();
    let f32s = u.arbitrary::<bool>().unwrap_or(false);
    match (op, f32s) {
        (0, true) => encode_rows::<f32>(&enc, start, first_row, len, split),
        (0, false) => encode_rows::<f64>(&enc, start, first_row, len, split),
        (1, true) => add_rows::<f32>(&enc, start, first_row, &x),
        (1, false) => add_rows::<f64>(&enc, start, first_row, &x),
        (_, true) => encode_positions::<f32>(&enc, &positions, len),
        (_, false) => encode_positions::<f64>(&enc, &positions, len),
    }
});

fn encode_rows<T: Element>(enc: &Encoding, start: f64, first_row: u64, len: usize, split: usize) {
    let mut out = vec![T::from_f64(7.0); len];
    let result = posenc_simd::Rows::covering(enc, start, first_row, out.len())
        .and_then(|rows| posenc_simd::encode_rows(&rows, &mut out));
    assert_outcome(
        &result,
        block_error(enc, start, first_row, len),
        "encode_rows",
    );
    if result.is_err() {
        return;
    }
    let d = enc.d_model();
    for (k, row) in out.chunks_exact(d).enumerate() {
        let position = row_position(start, first_row + k as u64);
        assert_row_agrees(enc, position, row, "simd encode_rows");
    }
    // The same rows in two blocks, cut at `split` (within the rows there are: `len` may be
    // another whole number of rows than the one `split` was drawn for).
    let split = split.min(len / d);
    let mut halves = vec![T::from_f64(7.0); len];
    let (head, tail) = halves.split_at_mut(split * d);
    posenc_simd::Rows::covering(enc, start, first_row, head.len())
        .and_then(|rows| posenc_simd::encode_rows(&rows, head))
        .expect("a sub-block of a valid block");
    // The tail's first row index passes u64::MAX only when the tail is empty.
    if let Some(tail_first) = first_row.checked_add(split as u64) {
        posenc_simd::Rows::covering(enc, start, tail_first, tail.len())
            .and_then(|rows| posenc_simd::encode_rows(&rows, tail))
            .expect("a sub-block of a valid block");
    } else {
        assert!(tail.is_empty());
    }
    let bits = |v: &[T]| v.iter().map(|x| x.to_f64().to_bits()).collect::<Vec<_>>();
    assert_eq!(
        bits(&out),
        bits(&halves),
        "block split at row {split} differs"
    );
}

fn add_rows<T: Element>(enc: &Encoding, start: f64, first_row: u64, x: &[f64]) {
    let before: Vec<T> = x.iter().map(|&v| T::from_f64(v)).collect();
    let mut inout = before.clone();
    let result = posenc_simd::Rows::covering(enc, start, first_row, inout.len())
        .and_then(|rows| posenc_simd::add_rows(&rows, &mut inout));
    assert_outcome(
        &result,
        block_error(enc, start, first_row, x.len()),
        "add_rows",
    );
    if result.is_err() {
        return;
    }
    let d = enc.d_model();
    for (k, (got, x)) in inout
        .chunks_exact(d)
        .zip(before.chunks_exact(d))
        .enumerate()
    {
        let position = row_position(start, first_row + k as u64);
        assert_added(enc, position, x, got, "simd add_rows");
    }
}

fn encode_positions<T: Element>(enc: &Encoding, positions: &[f64], len: usize) {
    let mut out = vec![T::from_f64(7.0); len];
    let result = posenc_simd::Positions::new(enc, positions)
        .and_then(|list| posenc_simd::encode_positions(&list, &mut out));
    assert_outcome(
        &result,
        positions_error(enc, positions, len),
        "encode_positions",
    );
    if result.is_ok() {
        for (row, &position) in out.chunks_exact(enc.d_model()).zip(positions) {
            assert_row_agrees(enc, position, row, "simd encode_positions");
        }
    }
}

//! The portable path: every value from the core, one row at a time. Correct everywhere; the
//! vector path is checked against the same tests, and takes this path itself for the rows and
//! encodings its reductions do not cover.

use posenc_core::{Element, Encoding, Positions, Rows};

/// One row; the caller has validated the position and the length.
pub(crate) fn encode_row<T: Element>(enc: &Encoding, position: f64, out: &mut [T]) {
    // Validated by the caller: the core cannot fail here.
    let _ = enc.encode(position, out);
}

/// Adds one row's encoding to `inout` in `f64`, rounding once; validated by the caller.
pub(crate) fn add_row<T: Element>(enc: &Encoding, position: f64, inout: &mut [T]) {
    for (column, x) in inout.iter_mut().enumerate() {
        // Validated by the caller: the column and the position are in range.
        let value = enc.value(position, column).unwrap_or(0.0);
        // One rounding for the sum, none for the encoding on its own.
        *x = T::from_f64(x.to_f64() + value);
    }
}

/// Validated rows into a buffer of their length.
pub(crate) fn encode_rows<T: Element>(rows: &Rows<'_>, out: &mut [T]) {
    each_row(rows, out, encode_row);
}

/// Validated rows added to a buffer of their length.
pub(crate) fn add_rows<T: Element>(rows: &Rows<'_>, inout: &mut [T]) {
    each_row(rows, inout, add_row);
}

/// `row(enc, position, row)` for every row of `rows` and its slice of `data`.
fn each_row<T: Element>(rows: &Rows<'_>, data: &mut [T], row: fn(&Encoding, f64, &mut [T])) {
    let enc = rows.encoding();
    for (k, values) in data
        .chunks_exact_mut(enc.d_model())
        .take(rows.len())
        .enumerate()
    {
        row(enc, rows.position(k), values);
    }
}

/// Validated positions into a buffer of their length.
pub(crate) fn encode_positions<T: Element>(positions: &Positions<'_>, out: &mut [T]) {
    let enc = positions.encoding();
    for (&position, row) in positions
        .as_slice()
        .iter()
        .zip(out.chunks_exact_mut(enc.d_model()))
    {
        encode_row(enc, position, row);
    }
}

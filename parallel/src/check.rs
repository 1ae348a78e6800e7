//! Validation of a whole call, done once before any thread starts, so that an invalid call
//! writes nothing and reports the same error as the sequential SIMD call would.

use posenc_core::{Encoding, Error};
use posenc_simd::row_position;

/// Checks a table block of `len` values from row `first_row`; returns its number of rows.
///
/// The same checks, in the same order, as `posenc_simd::encode_rows`, plus one it cannot
/// meet in practice: the last row's index `first_row + rows − 1` must fit in `u64`, so that
/// every chunk's first row can be formed.
pub(crate) fn block(
    enc: &Encoding,
    start: f64,
    first_row: u64,
    len: usize,
) -> Result<usize, Error> {
    let d = enc.d_model();
    if !len.is_multiple_of(d) {
        return Err(Error::NotWholeRows { len, d_model: d });
    }
    let rows = len / d;
    enc.check_position(start)?;
    if rows == 0 {
        return Ok(0);
    }
    let last = first_row
        .checked_add(rows as u64 - 1)
        .ok_or(Error::PositionRangeOverflow { start, rows })?;
    // |c·p| is largest at one end of the block, so the two ends decide for every row.
    for k in [first_row, last] {
        enc.check_position(row_position(start, k))
            .map_err(|e| match e {
                Error::NonFinitePosition(_) => Error::PositionRangeOverflow { start, rows },
                other => other,
            })?;
    }
    Ok(rows)
}

/// `rows · d_model`, or [`Error::SizeOverflow`].
pub(crate) fn values(enc: &Encoding, rows: usize) -> Result<usize, Error> {
    rows.checked_mul(enc.d_model()).ok_or(Error::SizeOverflow {
        rows,
        d_model: enc.d_model(),
    })
}

/// Checks an explicit list of positions against an output of `len` values, as
/// `posenc_simd::encode_positions` does: the length first, then the first bad position.
pub(crate) fn positions(enc: &Encoding, positions: &[f64], len: usize) -> Result<(), Error> {
    let expected = values(enc, positions.len())?;
    if len != expected {
        return Err(Error::BufferLength {
            expected,
            actual: len,
        });
    }
    positions.iter().try_for_each(|&p| enc.check_position(p))
}

/// Checks a batch `[batch, seq_len, d_model]` of `len` values; returns the values of one
/// sequence, `seq_len · d_model`.
pub(crate) fn batch(
    enc: &Encoding,
    start: f64,
    seq_len: usize,
    len: usize,
) -> Result<usize, Error> {
    let sequence = values(enc, seq_len)?;
    let d = enc.d_model();
    if !len.is_multiple_of(d) {
        return Err(Error::NotWholeRows { len, d_model: d });
    }
    // A batch is a whole number of sequences; with seq_len = 0 only the empty batch is.
    let whole = if sequence == 0 {
        0
    } else {
        len - len % sequence
    };
    if len != whole {
        return Err(Error::BufferLength {
            expected: whole,
            actual: len,
        });
    }
    // Every sequence has the positions of rows 0..seq_len.
    block(enc, start, 0, sequence)?;
    Ok(sequence)
}

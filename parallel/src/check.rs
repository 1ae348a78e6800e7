//! Validation of a whole call, done once before any thread starts, so that an invalid call
//! writes nothing and reports the same error as the sequential SIMD call would.

use posenc_core::{Encoding, Error};

/// Checks a table block of `len` values from row `first_row`; returns its number of rows.
/// The SIMD crate's own check, so that the parallel call fails exactly as the sequential one.
pub(crate) fn block(
    enc: &Encoding,
    start: f64,
    first_row: u64,
    len: usize,
) -> Result<usize, Error> {
    posenc_simd::check_block(enc, start, first_row, len)
}

/// `rows · d_model`, or [`Error::SizeOverflow`].
pub(crate) fn values(enc: &Encoding, rows: usize) -> Result<usize, Error> {
    rows.checked_mul(enc.d_model()).ok_or(Error::SizeOverflow {
        rows,
        d_model: enc.d_model(),
    })
}

/// Checks an explicit list of positions against an output of `len` values, as
/// `posenc_simd::encode_positions` does.
pub(crate) fn positions(enc: &Encoding, positions: &[f64], len: usize) -> Result<(), Error> {
    posenc_simd::check_positions(enc, positions, len)
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

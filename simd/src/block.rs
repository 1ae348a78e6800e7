//! Validation of row blocks, shared by every entry point that writes more than one row.

use posenc_core::{Encoding, Error};

/// The position of row `k` of a table that starts at `start`: `start + k`, rounded once.
///
/// Every crate of the workspace forms table positions with this function, so that a row has
/// the same position however the table is cut into blocks.
#[inline]
#[must_use]
pub fn row_position(start: f64, k: u64) -> f64 {
    start + k as f64
}

/// Checks a block of `len` values starting at row `first_row` of the table at `start`, as
/// [`encode_rows`](crate::encode_rows) and [`add_rows`](crate::add_rows) do before writing;
/// returns its number of rows. Callers that split a block (the parallel crate) validate the
/// whole call with it once, so they report exactly the sequential call's error.
///
/// ```
/// let enc = posenc_simd::Encoding::new(4)?;
/// assert_eq!(posenc_simd::check_block(&enc, 0.0, 10, 8), Ok(2));
/// assert!(posenc_simd::check_block(&enc, 0.0, u64::MAX, 8).is_err());
/// # Ok::<(), posenc_simd::Error>(())
/// ```
///
/// # Errors
/// As [`encode_rows`](crate::encode_rows).
pub fn check_block(enc: &Encoding, start: f64, first_row: u64, len: usize) -> Result<usize, Error> {
    let d = enc.d_model();
    if !len.is_multiple_of(d) {
        return Err(Error::NotWholeRows { len, d_model: d });
    }
    let rows = len / d;
    enc.check_position(start)?;
    if rows == 0 {
        return Ok(0);
    }
    // Rows past u64::MAX have no index: refuse them rather than wrap (a wrapped index is a
    // wrong position in a release build and an overflow panic in a debug one).
    let last = first_row
        .checked_add(rows as u64 - 1)
        .ok_or(Error::PositionRangeOverflow { start, rows })?;
    // |c·p| is largest at one end of the block, so the two ends decide for every row.
    for k in [first_row, last] {
        let position = row_position(start, k);
        enc.check_position(position).map_err(|e| match e {
            Error::NonFinitePosition(_) => Error::PositionRangeOverflow { start, rows },
            other => other,
        })?;
    }
    Ok(rows)
}

/// Checks an explicit list of positions against an output of `len` values, as
/// [`encode_positions`](crate::encode_positions) does: the length first, then the first bad
/// position.
///
/// # Errors
/// [`Error::SizeOverflow`], [`Error::BufferLength`], [`Error::NonFinitePosition`],
/// [`Error::AngleOverflow`].
pub fn check_positions(enc: &Encoding, positions: &[f64], len: usize) -> Result<(), Error> {
    let expected = positions
        .len()
        .checked_mul(enc.d_model())
        .ok_or(Error::SizeOverflow {
            rows: positions.len(),
            d_model: enc.d_model(),
        })?;
    if len != expected {
        return Err(Error::BufferLength {
            expected,
            actual: len,
        });
    }
    positions.iter().try_for_each(|&p| enc.check_position(p))
}

//! The portable scalar path on its own: the same four functions as the crate root, every value
//! computed by [`posenc_core`] (within 2^−24 for `f32`, correctly rounded or next to it).
//!
//! The crate root uses the vector path unless the `scalar-math` feature is on; this module is
//! always the portable one, so that tests (and audits) can run both in one build.
//!
//! ```
//! use posenc_simd::{Encoding, portable};
//!
//! let enc = Encoding::new(64)?;
//! let (mut fast, mut reference) = ([0.0f32; 64], [0.0f32; 64]);
//! posenc_simd::encode_row(&enc, 1234.5, &mut fast)?;
//! portable::encode_row(&enc, 1234.5, &mut reference)?;
//! for (a, b) in fast.iter().zip(&reference) {
//!     assert!((a - b).abs() <= 2e-7);
//! }
//! # Ok::<(), posenc_simd::Error>(())
//! ```

use posenc_core::{Element, Encoding, Error};

use crate::{block, scalar};

/// As [`crate::encode_row`], on the portable path.
///
/// # Errors
/// As [`crate::encode_row`].
pub fn encode_row<T: Element>(enc: &Encoding, position: f64, out: &mut [T]) -> Result<(), Error> {
    enc.check_row(out.len())?;
    enc.check_position(position)?;
    scalar::encode_row(enc, position, out);
    Ok(())
}

/// As [`crate::encode_rows`], on the portable path.
///
/// # Errors
/// As [`crate::encode_rows`].
pub fn encode_rows<T: Element>(
    enc: &Encoding,
    start: f64,
    first_row: u64,
    out: &mut [T],
) -> Result<(), Error> {
    let rows = block::check_block(enc, start, first_row, out.len())?;
    scalar::encode_rows(enc, start, first_row, rows, out);
    Ok(())
}

/// As [`crate::add_rows`], on the portable path.
///
/// # Errors
/// As [`crate::add_rows`].
pub fn add_rows<T: Element>(
    enc: &Encoding,
    start: f64,
    first_row: u64,
    inout: &mut [T],
) -> Result<(), Error> {
    let rows = block::check_block(enc, start, first_row, inout.len())?;
    scalar::add_rows(enc, start, first_row, rows, inout);
    Ok(())
}

/// As [`crate::encode_positions`], on the portable path.
///
/// # Errors
/// As [`crate::encode_positions`].
pub fn encode_positions<T: Element>(
    enc: &Encoding,
    positions: &[f64],
    out: &mut [T],
) -> Result<(), Error> {
    block::check_positions(enc, positions, out.len())?;
    scalar::encode_positions(enc, positions, out);
    Ok(())
}

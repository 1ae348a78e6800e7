//! Validation of a batch, done once before any thread starts, so that an invalid call writes
//! nothing. Ranges and lists are checked by [`Rows::new`] and
//! [`Positions::new`](posenc_core::Positions::new); a batch adds its own shape.

use posenc_core::{Encoding, Error, Rows};

/// Checks a batch `[batch, seq_len, d_model]` of `len` values; returns the rows of one
/// sequence (rows `0 .. seq_len` of the table at `start`).
pub(crate) fn batch(
    enc: &Encoding,
    start: f64,
    seq_len: usize,
    len: usize,
) -> Result<Rows<'_>, Error> {
    let d = enc.d_model();
    let sequence = seq_len.checked_mul(d).ok_or(Error::SizeOverflow {
        rows: seq_len,
        d_model: d,
    })?;
    if !len.is_multiple_of(d) {
        return Err(Error::NotWholeRows { len, d_model: d });
    }
    // A batch is a whole number of sequences; with seq_len = 0 only the empty batch is.
    let whole = if sequence == 0 {
        len == 0
    } else {
        len.is_multiple_of(sequence)
    };
    if !whole {
        return Err(Error::NotWholeSequences {
            len,
            seq_len,
            d_model: d,
        });
    }
    Rows::new(enc, start, 0, seq_len)
}

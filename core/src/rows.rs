//! The rows of a table, checked once: a validated range of row indices ([`Rows`]) or a
//! validated list of positions ([`Positions`]). Every crate that writes more than one row takes
//! one of these, so the end checks exist here alone, and a chunk of a valid range or list is
//! valid by construction.

use crate::{Encoding, Error};

/// The position of row `k` of a table that starts at `start`: `start + k`, rounded once.
///
/// Every crate of the workspace forms table positions with this function (through
/// [`Rows::position`]), so that a row has the same position however the table is cut into
/// blocks.
///
/// ```
/// assert_eq!(posenc_core::row_position(0.5, 3), 3.5);
/// ```
#[inline]
#[must_use]
pub fn row_position(start: f64, k: u64) -> f64 {
    start + k as f64
}

/// Rows `first_row .. first_row + len` of the table of an [`Encoding`] whose row `k` is at
/// [`row_position`]`(start, k)`, checked once by [`Rows::new`]: every row has an index (no
/// index passes `u64::MAX`), a finite position and a finite `c·p`, and the rows' values fit in
/// a `usize`. A sub-range ([`split_at`](Rows::split_at), [`chunk`](Rows::chunk)) cannot fail.
///
/// ```
/// use posenc_core::{Encoding, Error, Rows};
///
/// let enc = Encoding::new(4)?;
/// let rows = Rows::new(&enc, 0.5, 10, 3)?;
/// assert_eq!((rows.position(0), rows.position(2)), (10.5, 12.5));
/// assert_eq!(rows.values(), 12);
/// let (head, tail) = rows.split_at(1);
/// assert_eq!((head.len(), tail.first_row()), (1, 11));
///
/// // Row indices past u64::MAX have no position.
/// assert_eq!(
///     Rows::new(&enc, 0.0, u64::MAX, 2),
///     Err(Error::RowIndexOverflow { first_row: u64::MAX, rows: 2 })
/// );
/// // A buffer of 6 values is not whole rows of 4.
/// assert!(Rows::covering(&enc, 0.0, 0, 6).is_err());
/// # Ok::<(), posenc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rows<'a> {
    enc: &'a Encoding,
    start: f64,
    first_row: u64,
    len: usize,
}

impl<'a> Rows<'a> {
    /// Checks `len` rows from row `first_row` of the table at `start`.
    ///
    /// `|c·p|` is largest at one end of the range (positions grow with the row index), so the
    /// two ends decide for every row. `start + k` itself is always finite: `k < 2^64` is far
    /// below half an ulp of the largest `f64`.
    ///
    /// # Errors
    /// [`Error::NonFinitePosition`] or [`Error::AngleOverflow`] for `start` (checked even when
    /// `len` is 0); [`Error::SizeOverflow`] when `len · d_model` does not fit in `usize`;
    /// [`Error::RowIndexOverflow`] when the row indices pass `u64::MAX`;
    /// [`Error::AngleOverflow`] when an end row's `c·p` is not finite.
    pub fn new(enc: &'a Encoding, start: f64, first_row: u64, len: usize) -> Result<Self, Error> {
        enc.check_position(start)?;
        if len.checked_mul(enc.d_model()).is_none() {
            return Err(Error::SizeOverflow {
                rows: len,
                d_model: enc.d_model(),
            });
        }
        let rows = Rows {
            enc,
            start,
            first_row,
            len,
        };
        let Some(last) = len.checked_sub(1) else {
            return Ok(rows);
        };
        // Rows past u64::MAX have no index: refuse them rather than wrap (a wrapped index is a
        // wrong position in a release build and an overflow panic in a debug one).
        let last = u64::try_from(last)
            .ok()
            .and_then(|last| first_row.checked_add(last))
            .ok_or(Error::RowIndexOverflow {
                first_row,
                rows: len,
            })?;
        enc.check_position(row_position(start, first_row))?;
        enc.check_position(row_position(start, last))?;
        Ok(rows)
    }

    /// The rows that fill a buffer of `values` values from row `first_row`: [`Rows::new`] with
    /// `values / d_model` rows.
    ///
    /// # Errors
    /// [`Error::NotWholeRows`] when `values` is not a multiple of `d_model`; then those of
    /// [`Rows::new`].
    pub fn covering(
        enc: &'a Encoding,
        start: f64,
        first_row: u64,
        values: usize,
    ) -> Result<Self, Error> {
        let d = enc.d_model();
        if !values.is_multiple_of(d) {
            return Err(Error::NotWholeRows {
                len: values,
                d_model: d,
            });
        }
        Rows::new(enc, start, first_row, values / d)
    }

    /// The encoding.
    #[must_use]
    pub const fn encoding(&self) -> &'a Encoding {
        self.enc
    }

    /// The position of row 0 of the table.
    #[must_use]
    pub const fn start(&self) -> f64 {
        self.start
    }

    /// The table's index of the first row.
    #[must_use]
    pub const fn first_row(&self) -> u64 {
        self.first_row
    }

    /// The number of rows.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no rows.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of values of the rows, `len · d_model` (it fits: checked by [`Rows::new`]).
    #[must_use]
    pub const fn values(&self) -> usize {
        self.len * self.enc.d_model()
    }

    /// The table's index of row `k` of the range, `first_row + k`, for `k < len` (beyond, it
    /// wraps at `u64::MAX` rather than panic).
    #[inline]
    #[must_use]
    pub const fn index(&self, k: usize) -> u64 {
        self.first_row.wrapping_add(k as u64)
    }

    /// The position of row `k` of the range, [`row_position`]`(start, first_row + k)`, for
    /// `k < len`.
    #[inline]
    #[must_use]
    pub fn position(&self, k: usize) -> f64 {
        row_position(self.start, self.index(k))
    }

    /// Checks that a buffer of `len` values holds exactly these rows.
    ///
    /// # Errors
    /// [`Error::BufferLength`] when `len` is not [`values`](Rows::values).
    pub fn check_buffer(&self, len: usize) -> Result<(), Error> {
        check_buffer(self.values(), len)
    }

    /// The first `k` rows and the rest (`k` is clamped to `len`).
    #[must_use]
    pub fn split_at(&self, k: usize) -> (Rows<'a>, Rows<'a>) {
        let k = k.min(self.len);
        let head = Rows { len: k, ..*self };
        let tail = Rows {
            first_row: self.index(k),
            len: self.len - k,
            ..*self
        };
        (head, tail)
    }

    /// Rows `first .. first + len` of the range, clamped to it.
    #[must_use]
    pub fn chunk(&self, first: usize, len: usize) -> Rows<'a> {
        let (_, tail) = self.split_at(first);
        tail.split_at(len).0
    }
}

/// A list of positions checked once by [`Positions::new`]: every position and its `c·p` is
/// finite, and the rows' values fit in a `usize`. A sub-list ([`chunk`](Positions::chunk))
/// cannot fail.
///
/// ```
/// use posenc_core::{Encoding, Error, Positions};
///
/// let enc = Encoding::new(8)?;
/// let positions = Positions::new(&enc, &[999.0, 500.5, 0.25])?;
/// assert_eq!(positions.values(), 24);
/// assert_eq!(positions.chunk(1, 5).as_slice(), &[500.5, 0.25]);
/// assert_eq!(
///     Positions::new(&enc, &[1.0, f64::INFINITY]),
///     Err(Error::NonFinitePosition(f64::INFINITY))
/// );
/// # Ok::<(), posenc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Positions<'a> {
    enc: &'a Encoding,
    list: &'a [f64],
}

impl<'a> Positions<'a> {
    /// Checks every position of `list`.
    ///
    /// # Errors
    /// [`Error::SizeOverflow`] when `list.len() · d_model` does not fit in `usize`;
    /// [`Error::NonFinitePosition`] or [`Error::AngleOverflow`] for the first bad position.
    pub fn new(enc: &'a Encoding, list: &'a [f64]) -> Result<Self, Error> {
        if list.len().checked_mul(enc.d_model()).is_none() {
            return Err(Error::SizeOverflow {
                rows: list.len(),
                d_model: enc.d_model(),
            });
        }
        list.iter().try_for_each(|&p| enc.check_position(p))?;
        Ok(Positions { enc, list })
    }

    /// The encoding.
    #[must_use]
    pub const fn encoding(&self) -> &'a Encoding {
        self.enc
    }

    /// The positions.
    #[must_use]
    pub const fn as_slice(&self) -> &'a [f64] {
        self.list
    }

    /// The number of positions (rows).
    #[must_use]
    pub const fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are no positions.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The number of values of the rows, `len · d_model` (it fits: checked by
    /// [`Positions::new`]).
    #[must_use]
    pub const fn values(&self) -> usize {
        self.list.len() * self.enc.d_model()
    }

    /// Checks that a buffer of `len` values holds exactly one row per position.
    ///
    /// # Errors
    /// [`Error::BufferLength`] when `len` is not [`values`](Positions::values).
    pub fn check_buffer(&self, len: usize) -> Result<(), Error> {
        check_buffer(self.values(), len)
    }

    /// Positions `first .. first + len` of the list, clamped to it.
    #[must_use]
    pub fn chunk(&self, first: usize, len: usize) -> Positions<'a> {
        let tail = self.list.get(first..).unwrap_or_default();
        let list = tail.get(..len).unwrap_or(tail);
        Positions { list, ..*self }
    }
}

/// [`Error::BufferLength`] unless a buffer of `len` values holds exactly `values`.
pub(crate) fn check_buffer(values: usize, len: usize) -> Result<(), Error> {
    if len == values {
        Ok(())
    } else {
        Err(Error::BufferLength {
            expected: values,
            actual: len,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_are_checked_and_chunks_stay_inside() {
        let enc = Encoding::builder(2).scale(f64::MAX).build().unwrap();
        // c·0 and c·1 are finite; c·2, the third row's, is not.
        assert_eq!(
            Rows::new(&enc, 0.0, 0, 3),
            Err(Error::AngleOverflow {
                position: 2.0,
                scale: f64::MAX
            })
        );
        let rows = Rows::new(&enc, 0.0, 0, 2).unwrap();
        assert_eq!(rows.chunk(1, 10), Rows::new(&enc, 0.0, 1, 1).unwrap());
        assert!(rows.chunk(5, 1).is_empty());
        assert_eq!(rows.chunk(5, 1).first_row(), 2);
    }

    #[test]
    fn the_start_is_checked_even_for_no_rows() {
        let enc = Encoding::new(4).unwrap();
        assert!(matches!(
            Rows::new(&enc, f64::NAN, 0, 0),
            Err(Error::NonFinitePosition(p)) if p.is_nan()
        ));
        assert_eq!(Rows::new(&enc, 0.0, u64::MAX, 1).unwrap().len(), 1);
        assert_eq!(
            Rows::new(&enc, 0.0, 0, usize::MAX),
            Err(Error::SizeOverflow {
                rows: usize::MAX,
                d_model: 4
            })
        );
    }

    #[test]
    fn positions_chunks_clamp() {
        let enc = Encoding::new(4).unwrap();
        let list = [1.0, 2.0, 3.0];
        let positions = Positions::new(&enc, &list).unwrap();
        assert_eq!(positions.chunk(1, 1).as_slice(), &[2.0]);
        assert!(positions.chunk(4, 1).is_empty());
        assert_eq!(positions.values(), 12);
    }
}

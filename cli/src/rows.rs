//! The rows of a table: positions `start + k` for `k < count`, or an explicit list; computed a
//! block at a time with the parallel crate.

use posenc_parallel::{Element, Encoding, Error, Positions, encode_positions, fill_rows};

use crate::errors::CliError;
use crate::positions;

/// Bytes of one block of rows: large enough that the per-block cost of the thread pool and
/// of a `write` call vanishes, small enough that memory stays a few MiB whatever the table.
pub(crate) const BLOCK_BYTES: usize = 4 << 20;

/// Which positions a table's rows are at.
#[derive(Debug, Clone)]
pub(crate) enum Rows {
    /// Row `k` at `start + k` for `k < count`, as [`posenc_parallel::Rows`] forms it.
    Range {
        /// The first position.
        start: f64,
        /// The number of rows.
        count: u64,
    },
    /// Row `k` at `list[k]`.
    List(Vec<f64>),
}

impl Rows {
    /// The rows given by `--positions` when present, else by `--start` and `count`.
    pub(crate) fn from_flags(
        positions: Option<&str>,
        start: f64,
        count: u64,
    ) -> Result<Rows, CliError> {
        Ok(match positions {
            Some(list) => Rows::List(positions::parse(list)?),
            None => Rows::Range { start, count },
        })
    }

    /// The number of rows.
    pub(crate) fn count(&self) -> u64 {
        match self {
            Rows::Range { count, .. } => *count,
            Rows::List(list) => list.len() as u64,
        }
    }

    /// Checks every position before any output is made, so that a bad one is reported up
    /// front instead of in the middle of a file; the blocks are then cut from what it returns.
    pub(crate) fn validate<'a>(&'a self, enc: &'a Encoding) -> Result<Checked<'a>, CliError> {
        Ok(match self {
            Rows::Range { start, count } => {
                let count = usize::try_from(*count).map_err(|_| Error::SizeOverflow {
                    rows: usize::MAX,
                    d_model: enc.d_model(),
                })?;
                Checked::Range(posenc_parallel::Rows::new(enc, *start, 0, count)?)
            }
            Rows::List(list) => Checked::List(Positions::new(enc, list)?),
        })
    }
}

/// The rows of a table checked against its encoding, once: every block is a chunk of them.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Checked<'a> {
    /// Rows `0 .. count` of the table at `--start`.
    Range(posenc_parallel::Rows<'a>),
    /// One row per position of `--positions`.
    List(Positions<'a>),
}

impl Checked<'_> {
    /// The number of rows.
    pub(crate) fn count(&self) -> u64 {
        match self {
            Checked::Range(rows) => rows.len() as u64,
            Checked::List(list) => list.len() as u64,
        }
    }

    /// The position of row `k` (NaN past the end).
    pub(crate) fn position(&self, k: u64) -> f64 {
        let k = usize::try_from(k).unwrap_or(usize::MAX);
        match self {
            Checked::Range(rows) if k < rows.len() => rows.position(k),
            Checked::Range(_) => f64::NAN,
            Checked::List(list) => list.as_slice().get(k).copied().unwrap_or(f64::NAN),
        }
    }

    /// Writes rows `first_row ..` (as many as `out` holds whole rows) into `out`, on the
    /// current rayon pool. Blocks of any size give the same values as one whole-table call.
    pub(crate) fn fill<T: Element>(&self, first_row: u64, out: &mut [T]) -> Result<(), CliError> {
        let first = usize::try_from(first_row).unwrap_or(usize::MAX);
        match self {
            Checked::Range(rows) => {
                let d = rows.encoding().d_model();
                fill_rows(&rows.chunk(first, out.len() / d), out)?;
            }
            Checked::List(list) => {
                let d = list.encoding().d_model();
                encode_positions(&list.chunk(first, out.len() / d), out)?;
            }
        }
        Ok(())
    }
}

/// The number of rows in a block of about [`BLOCK_BYTES`] for rows of `row_bytes` (at least 1).
pub(crate) fn block_rows(row_bytes: usize) -> usize {
    (BLOCK_BYTES / row_bytes.max(1)).max(1)
}

/// The blocks `(first_row, rows)` that cover `total` rows, `per_block` at a time.
pub(crate) fn blocks(total: u64, per_block: usize) -> impl Iterator<Item = (u64, usize)> {
    let per_block = per_block.max(1) as u64;
    (0..total.div_ceil(per_block)).map(move |i| {
        let first = i * per_block;
        (first, (total - first).min(per_block) as usize)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_every_row_once() {
        let all: Vec<_> = blocks(10, 4).collect();
        assert_eq!(all, [(0, 4), (4, 4), (8, 2)]);
        assert_eq!(blocks(0, 4).count(), 0);
        assert_eq!(blocks(8, 4).collect::<Vec<_>>(), [(0, 4), (4, 4)]);
    }

    #[test]
    fn ranges_that_overflow_are_refused_up_front() {
        let enc = Encoding::builder(8).scale(1e300).build().unwrap();
        let fine = Rows::Range {
            start: 1e8,
            count: 2,
        };
        assert!(fine.validate(&enc).is_ok());
        let end_overflows = Rows::Range {
            start: 1e8,
            count: u64::MAX,
        };
        assert!(end_overflows.validate(&enc).is_err());
        let start_overflows = Rows::Range {
            start: -1e9,
            count: 0,
        };
        assert!(start_overflows.validate(&enc).is_err());
        assert!(Rows::List(vec![1.0, 2e9]).validate(&enc).is_err());
        let plain = Encoding::new(8).unwrap();
        let list = Rows::List(vec![1.0, 2e9]);
        assert_eq!(list.validate(&plain).unwrap().position(1), 2e9);
    }
}

//! The one error type of posenc: every invalid input of the SPEC is a value of it.

use core::fmt;

/// Everything that can be wrong with an input to posenc.
///
/// Every public function that takes user input returns `Result<_, Error>`; none panics.
/// The variants carry the offending values so that a message can name them.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// `d_model` was 0: an encoding needs at least one column.
    ZeroDModel,
    /// The base was not finite or not greater than 1 (the frequencies would not decay).
    InvalidBase(f64),
    /// The frequency shift was NaN or infinite.
    NonFiniteShift(f64),
    /// The position scale was NaN, infinite or zero.
    InvalidScale(f64),
    /// The exponent denominator `D` (`d_model/2 - shift`, or `⌊d_model/2⌋ - shift` for the split
    /// layouts) was zero or negative while there is more than one frequency.
    NonPositiveDenominator {
        /// The number of columns.
        d_model: usize,
        /// The shift that was asked for.
        shift: f64,
        /// The denominator it gives.
        denominator: f64,
    },
    /// A position was NaN or infinite.
    NonFinitePosition(f64),
    /// `scale · position` overflowed to infinity, so no angle can be formed.
    AngleOverflow {
        /// The position.
        position: f64,
        /// The scale it was multiplied by.
        scale: f64,
    },
    /// An output or input buffer did not have the length the call needs.
    BufferLength {
        /// The length the call needs.
        expected: usize,
        /// The length it was given.
        actual: usize,
    },
    /// A buffer's length is not a whole number of rows of `d_model` values.
    NotWholeRows {
        /// The buffer's length.
        len: usize,
        /// The row length it must be a multiple of.
        d_model: usize,
    },
    /// A column index was not below `d_model`.
    ColumnOutOfRange {
        /// The column asked for.
        column: usize,
        /// The number of columns.
        d_model: usize,
    },
    /// A frequency (pair) index was not below the number of frequencies.
    PairOutOfRange {
        /// The pair asked for.
        pair: usize,
        /// The number of frequencies.
        pairs: usize,
    },
    /// The rotation R(b) was asked of an interleaved row with an odd `d_model`: its last column
    /// is a sine without its cosine, and no linear map of the row can advance it.
    UnpairedColumn {
        /// The (odd) number of columns.
        d_model: usize,
    },
    /// `rows · d_model` (or the byte size of such a table) does not fit in `usize`.
    SizeOverflow {
        /// The number of rows asked for.
        rows: usize,
        /// The number of columns.
        d_model: usize,
    },
    /// A range of rows passes the last row index, `u64::MAX`: its last rows have no index.
    RowIndexOverflow {
        /// The table's index of the first row.
        first_row: u64,
        /// The number of rows asked for.
        rows: usize,
    },
    /// A batch buffer is not a whole number of sequences of `seq_len` rows of `d_model` values.
    NotWholeSequences {
        /// The buffer's length.
        len: usize,
        /// The rows of one sequence.
        seq_len: usize,
        /// The number of columns.
        d_model: usize,
    },
    /// The memory for a table could not be allocated.
    AllocationFailed {
        /// The number of bytes asked for.
        bytes: usize,
    },
    /// A layout name was not one of `interleaved`, `split-sin-cos`, `split-cos-sin`.
    UnknownLayout,
    /// A preset name was not one of the names listed by [`Preset::ALL`](crate::Preset::ALL).
    UnknownPreset,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::ZeroDModel => f.write_str("d_model must be at least 1"),
            Error::InvalidBase(b) => {
                write!(f, "base must be finite and greater than 1, got {b}")
            }
            Error::NonFiniteShift(s) => write!(f, "shift must be finite, got {s}"),
            Error::InvalidScale(c) => write!(f, "scale must be finite and non-zero, got {c}"),
            Error::NonPositiveDenominator {
                d_model,
                shift,
                denominator,
            } => write!(
                f,
                "shift {shift} leaves the exponent denominator {denominator} <= 0 for d_model {d_model}"
            ),
            Error::NonFinitePosition(p) => write!(f, "position must be finite, got {p}"),
            Error::AngleOverflow { position, scale } => write!(
                f,
                "scale * position overflows: {scale} * {position} is not finite"
            ),
            Error::BufferLength { expected, actual } => write!(
                f,
                "buffer has {actual} values but the call needs {expected}"
            ),
            Error::NotWholeRows { len, d_model } => write!(
                f,
                "buffer of {len} values is not a whole number of rows of {d_model}"
            ),
            Error::ColumnOutOfRange { column, d_model } => {
                write!(f, "column {column} is out of range for d_model {d_model}")
            }
            Error::PairOutOfRange { pair, pairs } => {
                write!(f, "frequency {pair} is out of range: there are {pairs}")
            }
            Error::UnpairedColumn { d_model } => write!(
                f,
                "cannot rotate an interleaved row of odd d_model {d_model}: its last sine has no cosine"
            ),
            Error::SizeOverflow { rows, d_model } => write!(
                f,
                "a table of {rows} rows of {d_model} values does not fit in memory addresses"
            ),
            Error::RowIndexOverflow { first_row, rows } => write!(
                f,
                "{rows} rows from row {first_row} pass the last row index {}",
                u64::MAX
            ),
            Error::NotWholeSequences {
                len,
                seq_len,
                d_model,
            } => write!(
                f,
                "buffer of {len} values is not a whole number of sequences of {seq_len} rows of {d_model}"
            ),
            Error::AllocationFailed { bytes } => {
                write!(f, "could not allocate {bytes} bytes for the table")
            }
            Error::UnknownLayout => f.write_str(
                "unknown layout: expected interleaved, split-sin-cos or split-cos-sin",
            ),
            Error::UnknownPreset => f.write_str(
                "unknown preset: expected paper, tensor2tensor, fairseq, whisper, ddpm or stable-diffusion",
            ),
        }
    }
}

impl core::error::Error for Error {}

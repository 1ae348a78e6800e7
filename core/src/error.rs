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
    /// The last row's position `start + (rows - 1)` is not finite.
    PositionRangeOverflow {
        /// The first position.
        start: f64,
        /// The number of rows.
        rows: usize,
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
    /// RoPE: `rotary_dim` was 0 (nothing would rotate).
    ZeroRotaryDim,
    /// RoPE: `rotary_dim` was odd, so its dimensions do not form pairs.
    OddRotaryDim {
        /// The rotary dimension asked for.
        rotary_dim: usize,
    },
    /// RoPE: `rotary_dim` was larger than the vector length `head_dim`.
    RotaryDimExceedsHeadDim {
        /// The rotary dimension asked for.
        rotary_dim: usize,
        /// The vector length.
        head_dim: usize,
    },
    /// RoPE: `theta` (the base b) was not finite or not greater than 1.
    InvalidTheta(f64),
    /// RoPE: a scaling parameter (factor, original_max_len, seq_len, beta_fast, beta_slow,
    /// mscale, mscale_all_dim, low_freq_factor, high_freq_factor) was not finite or not > 0.
    InvalidScalingParameter {
        /// The scaling's text name (`linear`, `ntk`, `dynamic`, `yarn`, `llama3`, `longrope`).
        scaling: &'static str,
        /// The parameter's name as Hugging Face spells it.
        parameter: &'static str,
        /// The value it was given.
        value: f64,
    },
    /// RoPE: `ntk` or `dynamic` with `rotary_dim = 2`, whose base change
    /// `b·X^(r/(r−2))` divides by zero.
    BaseChangeNeedsRotaryDimAbove2 {
        /// The scaling's text name.
        scaling: &'static str,
    },
    /// RoPE: `llama3` with `low_freq_factor ≥ high_freq_factor` (the smoothing divides by
    /// their difference).
    FreqFactorsOutOfOrder {
        /// `low_freq_factor`.
        low: f64,
        /// `high_freq_factor`.
        high: f64,
    },
    /// RoPE: a `longrope` factor list did not hold one value per pair.
    FactorListLength {
        /// `short_factors` or `long_factors`.
        list: &'static str,
        /// The number of pairs, `rotary_dim / 2`.
        expected: usize,
        /// The list's length.
        actual: usize,
    },
    /// RoPE: a `longrope` factor list held a value that is not finite or not > 0.
    FactorListValue {
        /// `short_factors` or `long_factors`.
        list: &'static str,
        /// Where in the list.
        index: usize,
        /// The value.
        value: f64,
    },
    /// RoPE: the explicit attention factor was not finite or not > 0.
    InvalidAttentionFactor(f64),
    /// RoPE: the attention factor a scaling derives from its parameters was not finite or not
    /// > 0 (`longrope` with `original_max_len ≤ 1`, where `√(1 + ln f / ln L0)` has no value).
    DerivedAttentionFactor {
        /// The scaling's text name.
        scaling: &'static str,
        /// The value it came to.
        value: f64,
    },
    /// RoPE: `ntk` or `dynamic` changed the base to a value that is not finite or not > 1
    /// (`ntk` with a factor below 1 can do so), so the frequencies would not decay.
    ScaledThetaOutOfRange {
        /// The scaling's text name.
        scaling: &'static str,
        /// The changed base `b·X^(r/(r−2))`, rounded.
        theta: f64,
    },
    /// RoPE: `position · ω` overflows to infinity for the largest frequency ω.
    RopeAngleOverflow {
        /// The position.
        position: f64,
        /// The largest frequency (an upper bound on it, for `longrope`).
        frequency: f64,
    },
    /// RoPE: a buffer of heads is not a whole number of vectors of `head_dim` values.
    NotWholeHeads {
        /// The buffer's length.
        len: usize,
        /// The vector length.
        head_dim: usize,
    },
    /// A pairing name was not `half` or `interleaved`.
    UnknownPairing,
    /// A RoPE preset name was not one of the names listed by
    /// [`RopePreset::ALL`](crate::RopePreset::ALL).
    UnknownRopePreset,
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
            Error::PositionRangeOverflow { start, rows } => write!(
                f,
                "positions from {start} over {rows} rows overflow to infinity"
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
            Error::ZeroRotaryDim => f.write_str("rotary_dim must be at least 2, got 0"),
            Error::OddRotaryDim { rotary_dim } => write!(
                f,
                "rotary_dim must be even (its dimensions rotate in pairs), got {rotary_dim}"
            ),
            Error::RotaryDimExceedsHeadDim {
                rotary_dim,
                head_dim,
            } => write!(
                f,
                "rotary_dim {rotary_dim} exceeds head_dim {head_dim}: only the first head_dim dimensions exist"
            ),
            Error::InvalidTheta(b) => {
                write!(f, "theta must be finite and greater than 1, got {b}")
            }
            Error::InvalidScalingParameter {
                scaling,
                parameter,
                value,
            } => write!(
                f,
                "{scaling} scaling: {parameter} must be finite and greater than 0, got {value}"
            ),
            Error::BaseChangeNeedsRotaryDimAbove2 { scaling } => write!(
                f,
                "{scaling} scaling needs rotary_dim > 2: its base change b*X^(r/(r-2)) divides by r-2 = 0"
            ),
            Error::FreqFactorsOutOfOrder { low, high } => write!(
                f,
                "llama3 scaling: low_freq_factor {low} must be below high_freq_factor {high}"
            ),
            Error::FactorListLength {
                list,
                expected,
                actual,
            } => write!(
                f,
                "longrope scaling: {list} has {actual} values but there are {expected} pairs"
            ),
            Error::FactorListValue { list, index, value } => write!(
                f,
                "longrope scaling: {list}[{index}] must be finite and greater than 0, got {value}"
            ),
            Error::InvalidAttentionFactor(a) => write!(
                f,
                "attention_factor must be finite and greater than 0, got {a}"
            ),
            Error::DerivedAttentionFactor { scaling, value } => write!(
                f,
                "{scaling} scaling: the attention factor its parameters give is {value}, not finite and positive"
            ),
            Error::ScaledThetaOutOfRange { scaling, theta } => write!(
                f,
                "{scaling} scaling changes theta to {theta}, which is not finite and greater than 1"
            ),
            Error::RopeAngleOverflow {
                position,
                frequency,
            } => write!(
                f,
                "position * frequency overflows: {position} * {frequency} is not finite"
            ),
            Error::NotWholeHeads { len, head_dim } => write!(
                f,
                "buffer of {len} values is not a whole number of heads of {head_dim}"
            ),
            Error::UnknownPairing => {
                f.write_str("unknown pairing: expected half or interleaved")
            }
            Error::UnknownRopePreset => f.write_str(
                "unknown RoPE preset: expected llama2, llama3.1, llama3.2, mistral-7b-v0.1, mistral-7b, qwen2.5, qwen2.5-yarn, gemma, gpt-neox-20b, phi-2, gpt-j-6b or deepseek-v3",
            ),
        }
    }
}

impl core::error::Error for Error {}

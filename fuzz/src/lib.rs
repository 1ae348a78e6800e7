//! What the fuzz targets share: turning raw bytes into posenc's inputs, and the oracles that say
//! which error an input must give and how near the core an output must be.
//!
//! Numbers are drawn by kind (raw bits, small integers, integers up to 2^24, fractions, the
//! special values) so that libFuzzer reaches the interesting ones without guessing bit patterns;
//! the raw-bits kind still reaches every `f64`, NaN and infinities included.

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use posenc_core::{Element, Encoding, Error, Layout};
use posenc_testkit::{bounds, column_angle};

pub mod rope;

/// The largest buffer (values) a target allocates for one call, so that no input makes the
/// target itself run out of memory: 2^16 values, half a MiB of `f64`.
pub const MAX_VALUES: usize = 1 << 16;

/// Values that sit on the edges of posenc's input domains.
const SPECIAL: [f64; 20] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    2.0,
    10_000.0,
    16_777_215.0, // 2^24 − 1
    16_777_216.0, // 2^24
    1.0e7,
    9_007_199_254_740_992.0, // 2^53
    1.0e300,
    f64::MAX,
    f64::MIN,
    f64::MIN_POSITIVE,
    5.0e-324, // the smallest subnormal
    f64::EPSILON,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
];

/// An `f64` of any kind.
pub fn number(u: &mut Unstructured<'_>) -> Result<f64> {
    Ok(match u.int_in_range(0u8..=6)? {
        0 => f64::from_bits(u.arbitrary()?),
        1 => f64::from(u.int_in_range(-64i32..=64)?),
        2 => f64::from(u.int_in_range(-(1i32 << 24)..=(1i32 << 24))?),
        3 => f64::from(u.arbitrary::<i32>()?) / 1024.0,
        4 => *u.choose(&SPECIAL)?,
        5 => f64::from(u.arbitrary::<u32>()?) * 2f64.powi(u.int_in_range(-80..=80)?),
        _ => -f64::from(u.arbitrary::<u32>()?) * 2f64.powi(u.int_in_range(-80..=80)?),
    })
}

/// A base: mostly in the SPEC's (1, 10^7], sometimes anything.
pub fn base(u: &mut Unstructured<'_>) -> Result<f64> {
    Ok(match u.int_in_range(0u8..=3)? {
        0 => 10f64.powf(7.0 * f64::from(u.arbitrary::<u16>()?) / 65535.0),
        1 => 1.0 + f64::from(u.arbitrary::<u16>()?) * 2f64.powi(-u.int_in_range(0..=60)?),
        2 => 10_000.0,
        _ => number(u)?,
    })
}

/// A shift: the presets' 0 and 1, small multiples of 1/2, or anything.
pub fn shift(u: &mut Unstructured<'_>) -> Result<f64> {
    Ok(match u.int_in_range(0u8..=3)? {
        0 => 0.0,
        1 => 1.0,
        2 => f64::from(u.int_in_range(-16i32..=16)?) / 2.0,
        _ => number(u)?,
    })
}

/// A scale: mostly 1, sometimes anything.
pub fn scale(u: &mut Unstructured<'_>) -> Result<f64> {
    Ok(match u.int_in_range(0u8..=2)? {
        0 => 1.0,
        1 => f64::from(u.int_in_range(-64i32..=64)?) / 8.0,
        _ => number(u)?,
    })
}

/// A configuration as a user could give it: every field unchecked.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Columns.
    pub d_model: usize,
    /// Base b.
    pub base: f64,
    /// Layout.
    pub layout: Layout,
    /// Shift s.
    pub shift: f64,
    /// Scale c.
    pub scale: f64,
}

/// A block of a table for the row-block targets: a valid encoding (`d_model` ≤ 1024), the
/// table's start, the block's first row, a row count, and a buffer length that is `rows` whole
/// rows seven times in eight, else any length up to [`MAX_VALUES`].
#[derive(Debug)]
pub struct Block {
    /// The configuration.
    pub enc: Encoding,
    /// The table's start position.
    pub start: f64,
    /// The block's first row index.
    pub first_row: u64,
    /// Rows, at most [`MAX_VALUES`]` / d_model`.
    pub rows: usize,
    /// The buffer's length.
    pub len: usize,
}

impl Block {
    /// A block from the input; `None` when the input runs out before a valid encoding.
    pub fn arbitrary(u: &mut Unstructured<'_>) -> Option<Block> {
        let enc = Config::valid_encoding(u, 1024)?;
        let start = number(u).ok()?;
        let first_row = first_row(u);
        let rows = u.int_in_range(0..=MAX_VALUES / enc.d_model()).unwrap_or(0);
        let len = if u.ratio(7u8, 8u8).unwrap_or(true) {
            rows * enc.d_model()
        } else {
            u.int_in_range(0..=MAX_VALUES).unwrap_or(0)
        };
        Some(Block {
            enc,
            start,
            first_row,
            rows,
            len,
        })
    }
}

/// A table's first row index: a small one, one within 64 of `u64::MAX` (where the last row
/// index overflows), or any.
pub fn first_row(u: &mut Unstructured<'_>) -> u64 {
    match u.int_in_range(0u8..=3).unwrap_or(0) {
        0 => u.int_in_range(0..=1 << 24).unwrap_or(0),
        1 => u64::MAX - u.int_in_range(0..=64).unwrap_or(0),
        _ => u.arbitrary().unwrap_or(0),
    }
}

impl Config {
    /// A configuration with `d_model` up to `max_d` (0 included).
    pub fn arbitrary(u: &mut Unstructured<'_>, max_d: usize) -> Result<Config> {
        Ok(Config {
            d_model: u.int_in_range(0..=max_d)?,
            base: base(u)?,
            layout: *u.choose(&Layout::ALL)?,
            shift: shift(u)?,
            scale: scale(u)?,
        })
    }

    /// The encoding these settings build, or the builder's error.
    ///
    /// # Errors
    /// [`Config::expected_error`]'s, when the settings are invalid.
    pub fn build(&self) -> core::result::Result<Encoding, Error> {
        posenc_testkit::build_encoding(self.d_model, self.layout, self.base, self.shift, self.scale)
    }

    /// A valid encoding with `d_model` up to `max_d` from the input; `None` when the input runs
    /// out or the settings are invalid (the `build_encoding` target checks those).
    pub fn valid_encoding(u: &mut Unstructured<'_>, max_d: usize) -> Option<Encoding> {
        Config::arbitrary(u, max_d).ok()?.build().ok()
    }

    /// The error `build` must give, in the documented order, or `None` when it must succeed.
    pub fn expected_error(&self) -> Option<Error> {
        let Config {
            d_model,
            base,
            layout,
            shift,
            scale,
        } = *self;
        // Each rule broken, with its error; the first broken one is the error.
        let rules = [
            (d_model == 0, Error::ZeroDModel),
            (!(base.is_finite() && base > 1.0), Error::InvalidBase(base)),
            (!shift.is_finite(), Error::NonFiniteShift(shift)),
            (
                !scale.is_finite() || scale == 0.0,
                Error::InvalidScale(scale),
            ),
        ];
        if let Some((_, error)) = rules.into_iter().find(|&(broken, _)| broken) {
            return Some(error);
        }
        let half = match layout {
            Layout::Interleaved => d_model as f64 / 2.0,
            _ => (d_model / 2) as f64,
        };
        // A rounded difference is ≤ 0 exactly when the exact one is (no underflow to 0 in
        // subtraction: IEEE gives 0 only for equal operands).
        let denominator = half - shift;
        if layout.pairs(d_model) > 1 && denominator <= 0.0 {
            return Some(Error::NonPositiveDenominator {
                d_model,
                shift,
                denominator,
            });
        }
        None
    }
}

/// Whether two errors are the same variant with the same fields, bit for bit (so that
/// `InvalidBase(NaN)` equals itself, and 0 and −0 differ).
#[must_use]
pub fn same_error(a: &Error, b: &Error) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

/// Panics unless `got` is `expected` (both `None`, or the same error).
pub fn assert_outcome<T: core::fmt::Debug>(
    got: &core::result::Result<T, Error>,
    expected: Option<Error>,
    what: &str,
) {
    match (got, expected) {
        (Ok(_), None) => {}
        (Err(e), Some(x)) if same_error(e, &x) => {}
        (got, expected) => panic!("{what}: got {got:?}, expected {expected:?}"),
    }
}

/// The error encoding `position` must give, or `None`.
#[must_use]
pub fn position_error(enc: &Encoding, position: f64) -> Option<Error> {
    if !position.is_finite() {
        return Some(Error::NonFinitePosition(position));
    }
    if !(enc.scale() * position).is_finite() {
        return Some(Error::AngleOverflow {
            position,
            scale: enc.scale(),
        });
    }
    None
}

/// The error of a row block (`encode_rows`, `add_rows`, `fill_rows`) of `len` values from row
/// `first_row` of the table at `start`, or `None`: its documented checks in their order.
#[must_use]
pub fn block_error(enc: &Encoding, start: f64, first_row: u64, len: usize) -> Option<Error> {
    let d = enc.d_model();
    if !len.is_multiple_of(d) {
        return Some(Error::NotWholeRows { len, d_model: d });
    }
    if let Some(e) = position_error(enc, start) {
        return Some(e);
    }
    let rows = len / d;
    if rows == 0 {
        return None;
    }
    // Rows past u64::MAX do not exist.
    let Some(last) = first_row.checked_add(rows as u64 - 1) else {
        return Some(Error::RowIndexOverflow { first_row, rows });
    };
    [first_row, last]
        .into_iter()
        .find_map(|k| position_error(enc, start + k as f64))
}

/// The error of an explicit position list into `len` values, or `None`.
#[must_use]
pub fn positions_error(enc: &Encoding, positions: &[f64], len: usize) -> Option<Error> {
    let Some(expected) = positions.len().checked_mul(enc.d_model()) else {
        return Some(Error::SizeOverflow {
            rows: positions.len(),
            d_model: enc.d_model(),
        });
    };
    // The list is checked when it is made, the buffer when it is written.
    positions
        .iter()
        .find_map(|&p| position_error(enc, p))
        .or_else(|| {
            (len != expected).then_some(Error::BufferLength {
                expected,
                actual: len,
            })
        })
}

/// The core's row at `position` in `T`.
#[must_use]
pub fn core_row<T: Element>(enc: &Encoding, position: f64) -> Vec<T> {
    let mut row = vec![T::default(); enc.d_model()];
    enc.encode(position, &mut row)
        .expect("the caller passes a valid position");
    row
}

/// Panics unless `got` (a backend's row at `position`) is in [−1, 1] and, inside the SPEC's
/// accuracy domain, agrees with the core within [`bounds::agree`].
pub fn assert_row_agrees<T: Element>(enc: &Encoding, position: f64, got: &[T], what: &str) {
    assert!(
        got.iter().all(|v| (-1.0..=1.0).contains(&v.to_f64())),
        "{what}: value out of [-1, 1] at p={position}: {got:?}"
    );
    if !bounds::in_accuracy_domain(enc.base(), enc.d_model()) {
        return;
    }
    let core: Vec<T> = core_row(enc, position);
    let scaled = enc.scale() * position;
    for (column, (g, c)) in got.iter().zip(&core).enumerate() {
        let theta = column_angle(enc, position, column);
        let bound = bounds::agree(T::MANTISSA_BITS, theta, scaled);
        let error = (g.to_f64() - c.to_f64()).abs();
        assert!(
            error <= bound,
            "{what}: {enc:?} p={position} column {column}: {g:?} vs core {c:?}, |err| {error:e} > {bound:e}"
        );
    }
}

/// Panics unless `got` is `x + PE(position)` within [`bounds::add_to`] (inside the accuracy
/// domain, for finite `x`).
pub fn assert_added<T: Element>(enc: &Encoding, position: f64, x: &[T], got: &[T], what: &str) {
    if !bounds::in_accuracy_domain(enc.base(), enc.d_model()) {
        return;
    }
    let core: Vec<f64> = core_row(enc, position);
    let scaled = enc.scale() * position;
    for (column, ((g, x), c)) in got.iter().zip(x).zip(&core).enumerate() {
        let x = x.to_f64();
        if !x.is_finite() {
            continue;
        }
        let theta = column_angle(enc, position, column);
        let bound = bounds::add_to(T::MANTISSA_BITS, x, theta, scaled);
        // Measured as bounds::add_to says: out − x is exact for |x| ≥ 2.
        let error = ((g.to_f64() - x) - c).abs();
        assert!(
            error <= bound,
            "{what}: {enc:?} p={position} column {column}: {x:?} + PE = {g:?}, core {c:?}, |err| {error:e} > {bound:e}"
        );
    }
}

/// A buffer length: usually what the call needs, sometimes anything up to [`MAX_VALUES`].
pub fn length(u: &mut Unstructured<'_>, needed: usize) -> Result<usize> {
    Ok(if needed <= MAX_VALUES && u.ratio(3u8, 4u8)? {
        needed
    } else {
        u.int_in_range(0..=MAX_VALUES)?
    })
}

//! # The `f64`-free path, for FPUs of single precision only (Cortex-M4F, M7 of single precision, M33)
//!
//! Writes `f32` rows within the SPEC's 2^−23 of exact without one `f64` operation per row: on a
//! Cortex-M4F `f64` arithmetic (and `libm`'s `sinf`, which works in `f64`) is done in software,
//! so the crate root's paths, which form every angle in `f64`, are slow there.
//!
//! Each angle is held in quarter turns as an integer: at configuration,
//! `c·ω_i·2/π` becomes a 64-bit mantissa and an exponent ([`QuarterTurnRate`], formed from
//! the core's `f64` values of `c` and `ω_i` by integer products); per row, the position's
//! 53-bit mantissa times that mantissa is an exact 117-bit product, of which the 64 bits just
//! above 2^−62 quarter turn are the angle modulo a whole turn (the bits above them are whole
//! turns, so the reduction is exact). Short polynomials in Q30 fixed point (32×32 → 64-bit
//! products) give sine and cosine, and one `i32 → f32` conversion per value rounds them.
//!
//! What is `f64` and where:
//! - configuration ([`FixedEncoding::new`]): `ω_i` is the core's
//!   [`frequency`](posenc_core::Encoding::frequency), computed in `f64` with `libm` (software on
//!   a single-precision FPU, once per frequency), and the position limit of
//!   [`Error::AngleOverflow`] is found once by `f64` products;
//! - per row ([`FixedEncoding::encode_row`]): none. The position is taken apart by its bits,
//!   and checked against that limit by comparing bits as integers.
//!
//! The table of rates lives in a buffer the caller provides (one [`QuarterTurnRate`] per
//! frequency, `Encoding::pairs` of them, 16 bytes each): no allocation, and no function here
//! can panic.
//!
//! # Accuracy
//! Every value within 0.28 of 2^−23 of exact for `|c·p| ≤ 2^24` (the budget is in the
//! `sincos` source); the golden file's worst is printed by `tests/fixed_golden.rs`. Beyond
//! `|c·p| = 2^24` the error grows with `|θ|` only through `ω_i`'s own error (about
//! `|θ|·2^−53`); the product and the reduction stay exact.
//!
//! ```
//! use posenc_simd::Encoding;
//! use posenc_simd::fixed::{FixedEncoding, QuarterTurnRate};
//!
//! let enc = Encoding::new(64)?;
//! let mut rates = [QuarterTurnRate::default(); 32]; // enc.pairs() of them
//! let fixed = FixedEncoding::new(&enc, &mut rates)?;
//!
//! let mut row = [0.0f32; 64];
//! fixed.encode_row(100_000.0, &mut row)?;
//! let mut exact = [0.0f64; 64];
//! enc.encode(100_000.0, &mut exact)?;
//! for (a, b) in row.iter().zip(&exact) {
//!     assert!((f64::from(*a) - b).abs() <= 2f64.powi(-23));
//! }
//! assert!(fixed.encode_row(f64::NAN, &mut row).is_err());
//! # Ok::<(), posenc_simd::Error>(())
//! ```

mod sincos;
mod turns;

use posenc_core::{Encoding, Error, Layout};

pub use turns::QuarterTurnRate;

/// The sign bit of an `f64`.
const SIGN: u64 = 1 << 63;
/// The bits of +∞: every finite magnitude's bits are below them.
const INFINITY_BITS: u64 = 0x7FF0_0000_0000_0000;

/// An [`Encoding`] prepared for the `f64`-free path: its layout and the quarter-turn rate of
/// every frequency, in a table borrowed from the caller.
#[derive(Debug, Clone, Copy)]
pub struct FixedEncoding<'a> {
    d_model: usize,
    layout: Layout,
    scale: f64,
    /// Whether `c < 0`, which flips every angle.
    negative_scale: bool,
    /// The bits of the largest `|p|` whose `c·p` is finite (the core's
    /// [`check_position`](Encoding::check_position) limit).
    max_position_bits: u64,
    rates: &'a [QuarterTurnRate],
}

impl<'a> FixedEncoding<'a> {
    /// Prepares `enc` for the `f64`-free path, writing one rate per frequency into `rates`,
    /// which must hold exactly [`enc.pairs()`](Encoding::pairs) of them.
    ///
    /// # Errors
    /// [`Error::BufferLength`] when `rates.len() != enc.pairs()`.
    pub fn new(enc: &Encoding, rates: &'a mut [QuarterTurnRate]) -> Result<Self, Error> {
        if rates.len() != enc.pairs() {
            return Err(Error::BufferLength {
                expected: enc.pairs(),
                actual: rates.len(),
            });
        }
        let scale_abs_bits = enc.scale().to_bits() & !SIGN;
        for (pair, rate) in rates.iter_mut().enumerate() {
            // `pair < pairs`, so `frequency` cannot fail; a zero rate would be its only
            // fallback.
            let omega = enc.frequency(pair).unwrap_or(0.0);
            *rate = QuarterTurnRate::new(scale_abs_bits, omega.to_bits());
        }
        Ok(Self {
            d_model: enc.d_model(),
            layout: enc.layout(),
            scale: enc.scale(),
            negative_scale: enc.scale().is_sign_negative(),
            max_position_bits: max_position(enc.scale()).to_bits(),
            rates,
        })
    }

    /// The number of columns of a row.
    #[must_use]
    pub const fn d_model(&self) -> usize {
        self.d_model
    }

    /// Writes the encoding of `position` into `out` (exactly `d_model` values), with no `f64`
    /// arithmetic.
    ///
    /// # Errors
    /// [`Error::BufferLength`], [`Error::NonFinitePosition`], [`Error::AngleOverflow`] (when
    /// `c·position` is not finite), exactly as [`Encoding::encode`]. On error `out` is untouched.
    pub fn encode_row(&self, position: f64, out: &mut [f32]) -> Result<(), Error> {
        if out.len() != self.d_model {
            return Err(Error::BufferLength {
                expected: self.d_model,
                actual: out.len(),
            });
        }
        let bits = position.to_bits();
        let abs_bits = bits & !SIGN;
        if abs_bits >= INFINITY_BITS {
            return Err(Error::NonFinitePosition(position));
        }
        if abs_bits > self.max_position_bits {
            return Err(Error::AngleOverflow {
                position,
                scale: self.scale,
            });
        }
        let (m, e) = turns::decompose(abs_bits);
        let negative = (bits & SIGN != 0) != self.negative_scale;
        let d = self.d_model;
        for (pair, rate) in self.rates.iter().enumerate() {
            let x = rate.quarter_turns(m, e);
            let (sin, cos) = sincos::sin_cos(if negative { x.wrapping_neg() } else { x });
            let (sin_col, cos_col) = self.layout.pair_columns(d, pair);
            if let (Some(slot), cos_col) = (out.get_mut(sin_col), cos_col) {
                *slot = sin;
                if let Some(slot) = cos_col.and_then(|j| out.get_mut(j)) {
                    *slot = cos;
                }
            }
        }
        if self.layout != Layout::Interleaved
            && d % 2 == 1
            && let Some(last) = out.last_mut()
        {
            *last = 0.0;
        }
        Ok(())
    }
}

/// The largest `x ≥ 0` for which `|scale|·x` is finite in `f64` (configuration time only).
fn max_position(scale: f64) -> f64 {
    let c = scale.abs();
    if (c * f64::MAX).is_finite() {
        return f64::MAX;
    }
    // Within an ulp or two of MAX / c; step to the exact edge.
    let mut x = f64::MAX / c;
    while !(c * x).is_finite() {
        x = x.next_down();
    }
    while (c * x.next_up()).is_finite() {
        x = x.next_up();
    }
    x
}

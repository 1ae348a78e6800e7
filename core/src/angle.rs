//! Frequencies and angles, formed with about 106 bits so that an output is rounded once.
//!
//! The accuracy of the whole project rests here. `ω_i = b^(−i/D)` is computed as
//! `pow(b, −q) · (1 − q_lo · ln b)` where `q + q_lo = i/D` exactly: `pow`'s own error is under
//! an ulp, and the rounding of the exponent `i/D`, which `pow` would turn into a relative error of
//! up to `(i/D)·ln b` ulps (16 ulps at b = 10^7), is put back by the first-order correction.
//! The angle `c·p·ω_i` is then a double-double `hi + lo`, and
//! `sin(hi + lo) = sin(hi) + cos(hi)·lo` to far below an ulp. What remains is the ulp of `ω` times
//! `|θ|` (2^−29 at `|θ| = 2^24`) and `libm`'s sub-ulp `sin`/`cos`.

use crate::exact::{two_prod, two_sum};
use crate::{Encoding, Error};

/// Beyond this `|θ|` the low part of an angle is no longer small against 1 and is dropped:
/// the error then grows in proportion to `|θ|` (at most about `|θ|·2^−52`), as the SPEC allows.
const LOW_PART_LIMIT: f64 = 1099511627776.0; // 2^40

/// A position already multiplied by the scale, exactly: `c·p = hi + lo`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ScaledPosition {
    hi: f64,
    lo: f64,
}

impl Encoding {
    /// `c·p` as an exact pair, or the error that makes it unusable.
    pub(crate) fn scaled_position(&self, position: f64) -> Result<ScaledPosition, Error> {
        if !position.is_finite() {
            return Err(Error::NonFinitePosition(position));
        }
        let (hi, lo) = two_prod(self.scale(), position);
        if !hi.is_finite() {
            return Err(Error::AngleOverflow {
                position,
                scale: self.scale(),
            });
        }
        Ok(ScaledPosition { hi, lo })
    }

    /// `ω_pair`, for a pair the caller has checked.
    pub(crate) fn omega(&self, pair: usize) -> f64 {
        if pair == 0 || self.pairs() == 1 {
            return 1.0;
        }
        let (den_hi, den_lo) = self.denominator;
        let i = pair as f64;
        let q = i / den_hi;
        // Far outside any useful range (i/D or D beyond 10^270) ω is 0 or 1 to working
        // precision, and the correction's products could overflow.
        if !(q < 1e270 && den_hi < 1e270) {
            return libm::pow(self.base(), -q);
        }
        // i − q·D exactly (Sterbenz: q·D is within a factor 2 of i), then less q·den_lo.
        let (prod_hi, prod_lo) = two_prod(q, den_hi);
        let remainder = ((i - prod_hi) - prod_lo) - q * den_lo;
        let q_lo = remainder / den_hi;
        let rounded = libm::pow(self.base(), -q);
        rounded - rounded * (q_lo * self.ln_base)
    }

    /// `θ = c·p·ω_pair` as `(hi, lo)`.
    #[inline]
    pub(crate) fn angle_parts(&self, scaled: ScaledPosition, omega: f64) -> (f64, f64) {
        let (hi, lo) = two_prod(scaled.hi, omega);
        two_sum(hi, lo + scaled.lo * omega)
    }

    /// The frequency `ω_pair = b^(−pair/D)` (1 for pair 0, and for the only pair when there is one).
    ///
    /// ```
    /// let enc = posenc_core::Encoding::new(512)?;
    /// assert_eq!(enc.frequency(0)?, 1.0);
    /// assert!((enc.frequency(128)? - 0.01).abs() < 1e-17); // 10000^(-128/256)
    /// # Ok::<(), posenc_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::PairOutOfRange`] when `pair` is not below [`pairs`](Encoding::pairs).
    pub fn frequency(&self, pair: usize) -> Result<f64, Error> {
        self.check_pair(pair)?;
        Ok(self.omega(pair))
    }

    /// The angle `θ_pair(p) = c·p·ω_pair`, rounded to `f64`. (The core's own outputs use the
    /// angle with its rounding error kept, so they are more accurate than `sin` of this.)
    ///
    /// # Errors
    /// [`Error::PairOutOfRange`], [`Error::NonFinitePosition`], [`Error::AngleOverflow`].
    pub fn angle(&self, pair: usize, position: f64) -> Result<f64, Error> {
        self.check_pair(pair)?;
        let scaled = self.scaled_position(position)?;
        let (hi, lo) = self.angle_parts(scaled, self.omega(pair));
        Ok(hi + lo)
    }

    /// `(sin θ, cos θ)` of one pair at a scaled position, each within an ulp or so of exact.
    #[inline]
    pub(crate) fn sin_cos(&self, scaled: ScaledPosition, pair: usize) -> (f64, f64) {
        sin_cos_parts(self.angle_parts(scaled, self.omega(pair)))
    }

    fn check_pair(&self, pair: usize) -> Result<(), Error> {
        if pair < self.pairs() {
            Ok(())
        } else {
            Err(Error::PairOutOfRange {
                pair,
                pairs: self.pairs(),
            })
        }
    }
}

/// `sin` and `cos` of `hi + lo`, clamped to [−1, 1] so that no rounding can leave the range.
#[inline]
fn sin_cos_parts((hi, lo): (f64, f64)) -> (f64, f64) {
    let (s, c) = libm::sincos(hi);
    let (s, c) = if hi.abs() < LOW_PART_LIMIT {
        (s + c * lo, c - s * lo)
    } else {
        (s, c)
    };
    (s.clamp(-1.0, 1.0), c.clamp(-1.0, 1.0))
}
